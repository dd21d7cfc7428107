//! Two `aduan serve` processes on one PostgreSQL database behave as one: a race between
//! them on the same report has one winner and one 409, a channel message (or a JSON retry)
//! delivered to both files one report, and every answer in the outbox goes out once, though
//! both instances' workers claim from the same queue. The database is a scratch one on the
//! server `ADUAN_TEST_POSTGRES_URL` names (this machine's by default); nothing is skipped.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::watch;

use aduan_channels::sms::{SIGNATURE_HEADER, twilio_signature};
use aduan_store::identity::IdentityKey;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

#[path = "common/server.rs"]
mod server;

use server::{Server, aduan};

const PASSWORD: &str = "rahasia-dua-instans";
const PUBLIC_BASE_URL: &str = "http://aduan.test.invalid";
const CITY_NUMBER: &str = "+628111272206";
const ACCOUNT_SID: &str = "AC00000000000000000000000000000042";
const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// Longest wait for something the servers do in the background (answers going out).
const DEADLINE: Duration = Duration::from_secs(60);

/// Start `aduan serve` on `database` and wait for its listening line.
async fn start(database: &str, key: &str, channels: &std::path::Path, extra: &[&str]) -> Server {
    let data_dir = tempfile::tempdir().unwrap().keep();
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["--database-url", database])
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(["--identity-key", key])
        .arg("--channels")
        .arg(channels)
        .args(extra)
        .stderr(Stdio::null());
    tokio::task::spawn_blocking(move || Server::started(command))
        .await
        .expect("the instance started")
}

/// The SMS gateway both instances answer through (Twilio's `Messages.json`): every answer it
/// accepts, as (to, body), and a count to wait on.
#[derive(Clone)]
struct Gateway {
    sent: Arc<Mutex<Vec<(String, String)>>>,
    count: watch::Sender<usize>,
}

async fn accept(
    State(gateway): State<Gateway>,
    Form(form): Form<BTreeMap<String, String>>,
) -> (StatusCode, axum::Json<Value>) {
    let to = form.get("To").cloned().unwrap_or_default();
    let body = form.get("Body").cloned().unwrap_or_default();
    let n = {
        let mut sent = gateway.sent.lock().unwrap();
        sent.push((to, body));
        sent.len()
    };
    gateway.count.send_replace(n);
    (
        StatusCode::CREATED,
        axum::Json(json!({"sid": format!("SM{n:032}"), "status": "queued"})),
    )
}

async fn start_gateway() -> (Gateway, String) {
    let gateway = Gateway {
        sent: Arc::default(),
        count: watch::channel(0).0,
    };
    let app = axum::Router::new()
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(accept))
        .with_state(gateway.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (gateway, base)
}

/// An SMS from `from` as Twilio posts it, signed.
fn sms(sid: &str, from: &str, text: &str) -> (Vec<(String, String)>, String) {
    let params: Vec<(String, String)> = [
        ("MessageSid", sid),
        ("SmsSid", sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from),
        ("To", CITY_NUMBER),
        ("Body", text),
        ("NumMedia", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let signature = twilio_signature(
        AUTH_TOKEN,
        &format!("{PUBLIC_BASE_URL}/channels/sms/inbound"),
        &params,
    );
    (params, signature)
}

async fn login(http: &reqwest::Client, base: &str, username: &str) -> String {
    let resp: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    resp["token"].as_str().expect("a token").to_owned()
}

async fn get(http: &reqwest::Client, url: String, token: &str) -> Value {
    let resp = http.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Every report a jurisdiction-wide account sees, through `base`.
async fn all_reports(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let page = get(http, format!("{base}/api/v1/reports?limit=200"), token).await;
    assert!(page["next_cursor"].is_null(), "one page holds them all");
    page["items"].as_array().unwrap().clone()
}

/// The published figures for the days around today (every report this test files).
async fn stats(http: &reqwest::Client, base: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    let url = format!(
        "{base}/api/v1/stats?from={}&to={}",
        today - chrono::Days::new(2),
        today + chrono::Days::new(2)
    );
    let resp = http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_behave_as_one() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let (gateway, gateway_base) = start_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let channels = dir.path().join("channels.json");
    std::fs::write(
        &channels,
        json!({
            "public_base_url": PUBLIC_BASE_URL,
            "twilio": {
                "api_base": gateway_base,
                "account_sid": ACCOUNT_SID,
                "auth_token": AUTH_TOKEN,
                "from": CITY_NUMBER,
            },
        })
        .to_string(),
    )
    .unwrap();
    let key = IdentityKey::generate().to_base64();
    // The first instance loads the demo city; the second joins the same database.
    let a = start(
        database.url(),
        &key,
        &channels,
        &["--demo", "--demo-history", "0", "--demo-password", PASSWORD],
    )
    .await;
    let b = start(database.url(), &key, &channels, &[]).await;
    let http = reqwest::Client::new();

    // A session opened on one instance works on the other: nothing lives in a process.
    let coordinator = login(&http, &a.base, "koordinator").await;
    let citizen = login(&http, &b.base, "warga").await;
    let admin = login(&http, &a.base, "admin").await;
    let before = all_reports(&http, &b.base, &coordinator).await.len();
    let stats_before = stats(&http, &b.base).await;

    // 1. The same SMS delivered to both instances at once files one report each time.
    let numbers: Vec<String> = (0..12).map(|i| format!("+62812000010{i:02}")).collect();
    for (i, number) in numbers.iter().enumerate() {
        let (form, signature) = sms(
            &format!("SM{i:032}"),
            number,
            "Lampu jalan mati di Jalan Tebet Raya, gelap sekali malam hari.",
        );
        let post = |base: &str| {
            http.post(format!("{base}/channels/sms/inbound"))
                .header(SIGNATURE_HEADER, signature.clone())
                .form(&form)
                .send()
        };
        let (to_a, to_b) = tokio::join!(post(&a.base), post(&b.base));
        assert_eq!(to_a.unwrap().status(), 200);
        assert_eq!(to_b.unwrap().status(), 200);
    }
    assert_eq!(
        all_reports(&http, &a.base, &coordinator).await.len(),
        before + numbers.len(),
        "one report per message"
    );

    // 2. A JSON submission retried against both instances with one Idempotency-Key.
    let body = json!({
        "category": "jalan",
        "description": "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.",
        "location": {"region": "31.74.01"},
    });
    let mut tickets = Vec::new();
    for i in 0..8 {
        let submit = |base: &str| {
            http.post(format!("{base}/api/v1/reports"))
                .bearer_auth(&citizen)
                .header("Idempotency-Key", format!("retry-{i}"))
                .json(&body)
                .send()
        };
        let (first, second) = tokio::join!(submit(&a.base), submit(&b.base));
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(
            (first.status().as_u16(), second.status().as_u16()),
            (201, 201)
        );
        let first: Value = first.json().await.unwrap();
        let second: Value = second.json().await.unwrap();
        assert_eq!(first["ticket"], second["ticket"], "one report for one key");
        tickets.push(first["ticket"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        all_reports(&http, &b.base, &coordinator).await.len(),
        before + numbers.len() + tickets.len()
    );

    // 3. The coordinator forwards each report through both instances at once: one wins,
    // the other is told 409 and changes nothing.
    for ticket in &tickets {
        let forward = |base: &str| {
            http.post(format!("{base}/api/v1/reports/{ticket}/actions"))
                .bearer_auth(&coordinator)
                .json(&json!({"action": "forward", "unit": "sudin-bina-marga-31.74", "version": 1}))
                .send()
        };
        let (one, other) = tokio::join!(forward(&a.base), forward(&b.base));
        let mut statuses = [
            one.unwrap().status().as_u16(),
            other.unwrap().status().as_u16(),
        ];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{ticket}: one winner, one conflict");
        let report = get(
            &http,
            format!("{}/api/v1/reports/{ticket}", b.base),
            &coordinator,
        )
        .await;
        assert_eq!(
            (report["state"].as_str(), report["version"].as_i64()),
            (Some("coordination"), Some(2))
        );
        let timeline = get(
            &http,
            format!("{}/api/v1/reports/{ticket}/timeline", a.base),
            &coordinator,
        )
        .await;
        let forwards = timeline
            .as_array()
            .or_else(|| timeline["items"].as_array())
            .expect("a timeline")
            .iter()
            .filter(|e| e["action"] == "forward")
            .count();
        assert_eq!(forwards, 1, "{ticket}: one forward in the timeline");
    }

    // 4. Every answer goes out once, though both instances' workers share the queue: one
    // per SMS report (its ticket), to its sender.
    let mut count = gateway.count.subscribe();
    tokio::time::timeout(DEADLINE, count.wait_for(|n| *n >= numbers.len()))
        .await
        .expect("the answers go out in time")
        .unwrap();
    // Wait until nothing is left pending (a claimed message is delivered before it is
    // marked sent), then nothing more can go out.
    let started = std::time::Instant::now();
    loop {
        let pending = get(
            &http,
            format!("{}/api/v1/outbox?state=pending", b.base),
            &admin,
        )
        .await;
        if pending["items"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "the outbox drains in time: {pending}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent = gateway.sent.lock().unwrap().clone();
    let mut per_number: BTreeMap<&str, usize> = BTreeMap::new();
    for (to, _) in &sent {
        *per_number.entry(to.as_str()).or_default() += 1;
    }
    assert_eq!(sent.len(), numbers.len(), "one answer per report: {sent:?}");
    for number in &numbers {
        assert_eq!(
            per_number.get(number.as_str()),
            Some(&1),
            "{number} answered once"
        );
    }
    let delivered = get(
        &http,
        format!("{}/api/v1/outbox?state=sent&limit=200", a.base),
        &admin,
    )
    .await;
    assert_eq!(delivered["items"].as_array().unwrap().len(), numbers.len());
    assert!(
        delivered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["attempts"] == 1)
    );

    // 5. Both instances publish the same figures, counting every new report once.
    let (from_a, from_b) = tokio::join!(stats(&http, &a.base), stats(&http, &b.base));
    assert_eq!(from_a, from_b);
    let new = numbers.len() + tickets.len();
    assert_eq!(
        from_a["reports"].as_u64(),
        Some(stats_before["reports"].as_u64().unwrap() + new as u64)
    );
}
