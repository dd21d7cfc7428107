//! The binary as the README runs it: `aduan serve --demo --regions FILE`, then SIGTERM.

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
    ] {
        let token = login(&http, &base, username).await;
        let me: Value = get_json(&http, &format!("{base}/api/v1/me"), &token).await;
        assert_eq!(me["role"], role, "{username}: {me}");
    }

    // The jurisdiction-wide coordinator sees the sample reports: one in every state.
    let token = login(&http, &base, "koordinator").await;
    let list: Value = get_json(&http, &format!("{base}/api/v1/reports?limit=200"), &token).await;
    let mut states: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
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
