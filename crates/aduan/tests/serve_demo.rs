//! The binary as the README runs it: `aduan serve --demo --regions FILE`, then SIGTERM; and
//! the demo without the kelurahan, as before them.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;

use serde_json::{Value, json};

#[path = "common/server.rs"]
mod server;

use server::{Server, aduan};

const KELURAHAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);
const PASSWORD: &str = "rahasia-demo-123";
/// A small synthetic year, so the tests start fast (the default is 12,000 reports).
const HISTORY: &str = "1500";

/// Start the binary on port 0 and read its stdout up to the "listening" line.
fn start(data_dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(extra)
        .stderr(Stdio::null());
    Server::started(command)
}

/// GET `url` with a bearer token and read the JSON answer.
async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body")
}

/// Sign in through the `/masuk` form as a browser without JavaScript does; the session
/// cookie to send with the next pages.
async fn sign_in_page(base: &str, username: &str) -> String {
    // The 303 and its cookie are read here, not followed.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let resp = http
        .post(format!("{base}/masuk"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(resp.status(), 303, "{username}: {resp:?}");
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A page as the signed-in browser sees it.
async fn page(http: &reqwest::Client, url: &str, cookie: &str) -> String {
    let resp = http
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), 200, "{url}: {resp:?}");
    resp.text().await.expect("html")
}

/// The sample reports: the newest twelve, filed as the demo starts, after its history.
const SAMPLES: usize = 12;

/// The ticket and region code of the sample report of this category in this state, as the
/// jurisdiction-wide coordinator lists them (newest first).
fn sample(list: &Value, category: &str, state: &str) -> (String, String) {
    let report = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .take(SAMPLES)
        .find(|r| r["category"]["code"] == category && r["state"] == state)
        .unwrap_or_else(|| panic!("no sample {category} {state} among the newest {SAMPLES}"));
    (
        report["ticket"].as_str().expect("ticket").to_owned(),
        report["region"]["code"]
            .as_str()
            .expect("region")
            .to_owned(),
    )
}

/// The `Demo: N synthetic reports` line of the banner: N.
fn history_in(banner: &[String]) -> u64 {
    banner
        .iter()
        .find_map(|l| l.strip_prefix("Demo: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no history line in {banner:?}"))
}

async fn login(http: &reqwest::Client, base: &str, username: &str) -> String {
    let resp: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    resp["token"].as_str().expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_serves_every_role_and_state_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(
        dir.path(),
        &[
            "--demo",
            "--demo-password",
            PASSWORD,
            "--regions",
            KELURAHAN,
            "--demo-history",
            HISTORY,
        ],
    );
    let base = server.base.clone();
    assert!(
        server.banner.iter().any(|l| l.contains("Demo accounts")),
        "{:?}",
        server.banner
    );
    let http = reqwest::Client::new();

    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "ok");

    for (username, role) in [
        ("admin", "admin"),
        ("koordinator", "coordinator"),
        ("operator", "operator"),
        ("petugas", "officer"),
        ("validator", "validator"),
        ("warga", "citizen"),
        ("kelurahan-gambir", "coordinator"),
        ("kelurahan-tebet-timur", "coordinator"),
    ] {
        let token = login(&http, &base, username).await;
        let me: Value = get_json(&http, &format!("{base}/api/v1/me"), &token).await;
        assert_eq!(me["role"], role, "{username}: {me}");
    }

    // The jurisdiction-wide coordinator sees the sample reports, newest (after the history):
    // one in every state.
    let token = login(&http, &base, "koordinator").await;
    let list: Value = get_json(&http, &format!("{base}/api/v1/reports?limit=200"), &token).await;
    let mut states: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .take(SAMPLES)
        .filter_map(|r| r["state"].as_str())
        .collect();
    states.sort_unstable();
    states.dedup();
    assert_eq!(
        states,
        [
            "awaiting_validation",
            "completed",
            "coordination",
            "disposition",
            "duplicate",
            "followup_rejected",
            "in_progress",
            "referred",
            "rejected",
            "scheduled",
            "waiting"
        ]
    );

    // The samples lie in real kelurahan; the Kantor Kelurahan Gambir's account sees the one
    // in Gambir in its queue, and not the one in Tebet Timur.
    let (gambir, region) = sample(&list, "sampah", "waiting");
    assert_eq!(region, "31.71.01.1001");
    let (tebet, region) = sample(&list, "jalan", "waiting");
    assert_eq!(region, "31.74.01.1001");
    for (account, unit) in [
        ("kelurahan-gambir", "kelurahan-31.71.01.1001"),
        ("kelurahan-tebet-timur", "kelurahan-31.74.01.1001"),
        ("kelurahan-setia-budi", "kelurahan-31.74.02.1001"),
        ("kelurahan-mampang-prapatan", "kelurahan-31.74.03.1001"),
    ] {
        assert!(
            server
                .banner
                .iter()
                .any(|l| l.contains(account) && l.contains(unit)),
            "{account}: {:?}",
            server.banner
        );
    }
    let cookie = sign_in_page(&base, "kelurahan-gambir").await;
    let queue = page(&http, &format!("{base}/petugas?view=masuk"), &cookie).await;
    assert!(queue.contains(&gambir), "{gambir} not in {queue}");
    assert!(!queue.contains(&tebet), "{tebet} in Gambir's queue");

    // A year of history: the dashboard over it has reports in every month, and average
    // coordination and completion times that are not zero.
    let history = history_in(&server.banner);
    assert!((1_400..=1_500).contains(&history), "{history}");
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Days::new(366), today + chrono::Days::new(2));
    let period = format!("from={from}&to={to}");
    let figures: Value = http
        .get(format!("{base}/statistik.json?{period}"))
        .send()
        .await
        .expect("statistics")
        .json()
        .await
        .expect("statistics body");
    let reports = figures["reports"].as_u64().expect("reports");
    assert!(reports >= history, "{figures}");
    for average in ["avg_coordination_hours", "avg_completion_hours"] {
        let hours = figures[average].as_f64().unwrap_or_default();
        assert!((1.0..100.0).contains(&hours), "{average}: {figures}");
    }
    let months = figures["by_month"].as_array().expect("by_month");
    assert!(
        months
            .iter()
            .filter(|m| m["reports"].as_u64() > Some(0))
            .count()
            >= 12,
        "{figures}"
    );
    let dashboard = page(&http, &format!("{base}/statistik?{period}"), "").await;
    assert!(!dashboard.contains("0,00 jam"), "{dashboard}");
    // Some of the history is still open, some of it overdue: the coordinator's queue of
    // reports in coordination flags them.
    let koordinator = sign_in_page(&base, "koordinator").await;
    let queue = page(
        &http,
        &format!("{base}/petugas?state=coordination"),
        &koordinator,
    )
    .await;
    assert!(queue.contains("TERLAMBAT"), "{queue}");
    // The officer of Suku Dinas Bina Marga Jakarta Selatan holds, besides the samples walked
    // to it, the history's road reports of Jakarta Selatan handed over to it.
    let petugas = login(&http, &base, "petugas").await;
    let held: Value = get_json(&http, &format!("{base}/api/v1/reports?limit=200"), &petugas).await;
    let held = held["items"].as_array().expect("items");
    let samples_held = 6;
    assert!(held.len() > samples_held, "{}", held.len());
    assert!(
        held.iter()
            .all(|r| r["unit"]["code"] == "sudin-bina-marga-31.74"),
        "{held:?}"
    );
    // Each stands at a spot in Jakarta Selatan, as a filed report does, so the officer's
    // queue map has pins and distances; no two share one (the first 30, read whole).
    let mut spots = Vec::new();
    for summary in held.iter().take(30) {
        let ticket = summary["ticket"].as_str().expect("a ticket");
        let url = format!("{base}/api/v1/reports/{ticket}");
        let r = get_json(&http, &url, &petugas).await;
        spots.push({
            let at = &r["location"];
            let (lat, lon) = (at["lat"].as_f64(), at["lon"].as_f64());
            let spot = lat.zip(lon).unwrap_or_else(|| panic!("no point: {r}"));
            assert!(
                (-6.37..=-6.2).contains(&spot.0) && (106.73..=106.87).contains(&spot.1),
                "{spot:?} is not in Jakarta Selatan: {r}"
            );
            spot
        });
    }
    let read = spots.len();
    spots.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    spots.dedup();
    assert_eq!(spots.len(), read, "{spots:?}");

    // The public feed shows the public part of the history.
    let public = page(&http, &format!("{base}/publik"), "").await;
    assert!(public.contains("id=\"r-JK"), "{public}");

    // With the kelurahan imported, a point at Monas lands at Kantor Kelurahan Gambir.
    let warga = login(&http, &base, "warga").await;
    let filed: Value = http
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(&warga)
        .json(&json!({
            "category": "jalan",
            "description": "Jalan berlubang di depan Monas, dekat halte.",
            "location": {"lat": -6.1754, "lon": 106.8272}
        }))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("submit body");
    assert_eq!(filed["state"], "waiting", "{filed}");
    assert_eq!(filed["region"]["code"], "31.71.01.1001", "{filed}");
    assert_eq!(filed["unit"]["code"], "kelurahan-31.71.01.1001", "{filed}");
    let ticket = filed["ticket"].as_str().expect("ticket").to_owned();

    // SIGTERM: the server stops by itself, successfully.
    let exit = server.stop();
    assert!(exit.success(), "{exit:?}");

    // Started again on the same data: nothing acknowledged was lost, the demo is not re-seeded,
    // and the identity key file from the first start still opens the sealed identities.
    let again = start(dir.path(), &["--demo"]);
    assert!(
        again.banner.iter().any(|l| l.contains("not empty")),
        "{:?}",
        again.banner
    );
    let warga = login(&http, &again.base, "warga").await;
    let report = http
        .get(format!("{}/api/v1/reports/{ticket}", again.base))
        .bearer_auth(&warga)
        .send()
        .await
        .expect("read back");
    assert_eq!(report.status(), 200);
    let me: Value = get_json(&http, &format!("{}/api/v1/me", again.base), &warga).await;
    assert_eq!(me["display_name"], "Warga Jakarta", "{me}");
    drop(again);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_kelurahan_the_demo_keeps_its_samples_at_kecamatan_and_no_kelurahan_account() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(
        dir.path(),
        &["--demo", "--demo-password", PASSWORD, "--demo-history", "0"],
    );
    let base = server.base.clone();
    assert_eq!(history_in(&server.banner), 0);
    assert!(
        !server.banner.iter().any(|l| l.contains("kelurahan-")),
        "{:?}",
        server.banner
    );
    let http = reqwest::Client::new();
    let token = login(&http, &base, "koordinator").await;
    let list: Value = get_json(&http, &format!("{base}/api/v1/reports?limit=200"), &token).await;
    assert_eq!(
        list["items"].as_array().expect("items").len(),
        SAMPLES,
        "{list}"
    );
    let (_, region) = sample(&list, "sampah", "waiting");
    assert_eq!(region, "31.71.01");
    let refused = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "kelurahan-gambir", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(refused.status(), 401);
}
