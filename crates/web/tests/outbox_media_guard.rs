//! Photo URLs a channel hands over cannot make the outbox fetch from the server's own
//! network (issue 14, finding 2): a LAPOR! push whose attachments point at plain http, at
//! the cloud metadata address or at a host off the allowlist files its report, and each of
//! those fetches is dead at once with the reason, shown to admins, and nothing is fetched.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use aduan_channels::outbound::Deliverer;
use aduan_domain::Role;
use aduan_web::outbox::{OutboxWorker, RetryPolicy, RunSummary};
use common::TestApp;
use common::receiver::{self, LAPOR_STATUS_PATH, Receiver};

#[tokio::test]
async fn forbidden_photo_urls_are_dead_at_once_with_the_reason() {
    let api = Receiver::start().await;
    let config = receiver::channels(&api.base);
    let app = TestApp::spawn_with(receiver::web_config(config.clone())).await;
    let policy = RetryPolicy {
        max_attempts: 8,
        first_delay: Duration::from_secs(60),
        max_delay: Duration::from_secs(3600),
        lease: Duration::from_secs(300),
        batch: 32,
        idle: Duration::from_secs(1),
    };
    let worker = OutboxWorker::new(
        app.state.clone(),
        Arc::new(Deliverer::new(&config).unwrap()),
        policy,
    );
    let body = json!({
        "tracking_id": "LAPOR-2503-8800001",
        "content": "Lampu penerangan jalan mati di Jl. Kemang Raya sejak seminggu.",
        "category": "Jalan",
        "attachments": [
            {"url": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
             "content_type": "image/jpeg"},
            {"url": "https://169.254.169.254/latest/meta-data/", "content_type": "image/jpeg"},
            {"url": "https://127.0.0.1/lampu.jpg", "content_type": "image/jpeg"},
            {"url": "https://evil.example/lampu.jpg", "content_type": "image/jpeg"},
        ]
    });
    receiver::lapor_signed(&app, &body).await.expect(201);

    let summary = worker.run_once(Utc::now()).await.unwrap();
    assert_eq!(
        summary,
        RunSummary {
            delivered: 1,
            dead: 4,
            ..RunSummary::default()
        }
    );
    // Only the status push reached the receiver.
    let requests = api.take();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0].path, LAPOR_STATUS_PATH);

    let admin = app.staff(Role::Admin, None).await;
    let list = admin.get("/outbox?state=dead").await.expect(200);
    let mut errors: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            assert_eq!(item["kind"], "fetch_media", "{item:#}");
            assert_eq!(item["attempts"], 1, "{item:#}");
            item["last_error"].as_str().unwrap().to_owned()
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            "permanent failure: lapor: the media URL is not https",
            "permanent failure: lapor: the media host 169.254.169.254 is not on the channel's \
             media_hosts allowlist",
            "permanent failure: lapor: the media host evil.example is not on the channel's \
             media_hosts allowlist",
            "permanent failure: lapor: the media host's address is not public (loopback)",
        ]
    );
}
