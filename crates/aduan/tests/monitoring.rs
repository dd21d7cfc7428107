//! Monitoring as an operator runs it: `aduan serve --metrics-listen ADDR --log-format json`.
//! The metrics are served on their own listener only, count what happened by the right
//! amounts under route templates, and every request's log lines carry its request id.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "common/server.rs"]
mod server;

use server::{Server, aduan};

const KELURAHAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);
const PASSWORD: &str = "rahasia-demo-123";

/// The demo with metrics on port 0 and JSON logs (every request's lines, at debug) in `log`.
fn start(data_dir: &Path, log: &Path) -> Server {
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args([
            "--demo",
            "--demo-history",
            "0",
            "--demo-password",
            PASSWORD,
            "--regions",
            KELURAHAN,
        ])
        .args(["--metrics-listen", "127.0.0.1:0", "--log-format", "json"])
        .env("RUST_LOG", "info,tower_http=debug")
        .stderr(std::fs::File::create(log).expect("log file"));
    let server = Server::started(command);
    assert!(server.metrics.is_some(), "the metrics address comes first");
    server
}

/// The metrics listener's `http://ADDRESS`.
fn metrics(server: &Server) -> &str {
    server.metrics.as_deref().expect("a metrics listener")
}

async fn scrape(http: &reqwest::Client, server: &Server) -> String {
    let resp = http
        .get(format!("{}/metrics", metrics(server)))
        .send()
        .await
        .expect("scrape");
    assert_eq!(resp.status(), 200);
    let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    resp.text().await.expect("metrics text")
}

/// The value of the sample `series` (name and labels exactly as written), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
        })
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
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
async fn metrics_count_what_happened_on_their_own_listener_and_logs_carry_request_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("aduan.log");
    let server = start(&dir.path().join("data"), &log);
    let base = server.base.clone();
    let http = reqwest::Client::new();

    // The public listener does not serve the metrics; the metrics listener serves nothing else.
    let public = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    let other = http
        .get(format!("{}/healthz", metrics(&server)))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    let warga = login(&http, &base, "warga").await;
    let koordinator = login(&http, &base, "koordinator").await;
    let before = scrape(&http, &server).await;

    // Two reports filed through the app, one of them forwarded, one sign-in refused.
    let mut tickets = Vec::new();
    for _ in 0..2 {
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
            .unwrap()
            .json()
            .await
            .unwrap();
        tickets.push(filed["ticket"].as_str().expect("ticket").to_owned());
    }
    let stepped = http
        .post(format!("{base}/api/v1/reports/{}/actions", tickets[0]))
        .bearer_auth(&koordinator)
        .json(&json!({"action": "forward", "unit": "sudin-bina-marga-31.71", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(stepped.status(), 200, "{:?}", stepped.text().await);
    let refused = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "warga", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let after = scrape(&http, &server).await;

    let delta = |series: &str| sample(&after, series) - sample(&before, series);
    assert_eq!(delta("aduan_reports_filed_total{channel=\"jaki\"}"), 2.0);
    assert_eq!(delta("aduan_workflow_steps_total{action=\"forward\"}"), 1.0);
    assert_eq!(
        delta("aduan_sign_in_failures_total{reason=\"wrong_credentials\"}"),
        1.0
    );
    assert_eq!(
        delta(
            "aduan_http_requests_total{method=\"POST\",route=\"/api/v1/reports\",status=\"201\"}"
        ),
        2.0
    );
    assert_eq!(
        delta(
            "aduan_http_requests_total{method=\"POST\",route=\"/api/v1/reports/{ticket}/actions\",status=\"200\"}"
        ),
        1.0
    );
    assert_eq!(
        delta(
            "aduan_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/reports\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(
            &after,
            "aduan_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        1.0,
        "the public /metrics was a 404"
    );
    // Route templates, never paths: no ticket is a label value.
    for ticket in &tickets {
        assert!(!after.contains(ticket.as_str()), "{ticket} in the metrics");
    }
    // The store's gauges are there (the SQLite writer's queue at each scrape).
    assert!(after.contains("aduan_store_write_queue_depth "), "{after}");
    assert!(
        after.contains("aduan_store_write_batch_size_count "),
        "{after}"
    );
    assert!(
        after.contains("aduan_outbox_messages{state=\"dead\"} "),
        "{after}"
    );

    // Request ids: the client's when sane, a new one otherwise; on the response and on
    // every log line of the request.
    let kept = http
        .get(format!("{base}/readyz"))
        .header("x-request-id", "lb-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-7f3a.42");
    let replaced = http
        .get(format!("{base}/api/v1/reports/{}", tickets[1]))
        .bearer_auth(&warga)
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    let id = replaced.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, "two words");
    assert_eq!(id.len(), 32, "{id}");
    for wanted in ["lb-7f3a.42", id.as_str()] {
        let lines = log_lines_of(&log, wanted);
        assert!(lines.len() >= 2, "{wanted}: {lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l["fields"]["status"].as_u64().is_some()),
            "{wanted}: {lines:?}"
        );
    }
}

/// Every log line (each one JSON object) of the request `id`, read until at least the
/// request's "finished" line is there or a deadline passes.
fn log_lines_of(log: &Path, id: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(log).expect("read the log");
        let lines: Vec<Value> = text
            .lines()
            .map(|line| {
                serde_json::from_str::<Value>(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
            })
            .filter(|v| v["span"]["request_id"] == id)
            .collect();
        if lines
            .iter()
            .any(|l| l["fields"]["status"].as_u64().is_some())
            || Instant::now() > deadline
        {
            return lines;
        }
        std::thread::yield_now();
    }
}
