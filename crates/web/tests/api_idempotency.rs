//! Retrying a submission with the same `Idempotency-Key` files one report.

mod common;

use common::{TestApp, ticket_of};

#[tokio::test]
async fn a_retried_submission_answers_with_the_first_report() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let body = common::report_body("jalan", "31.74.01");

    let first = citizen
        .submit_report_once(&body, "jaki-7f3a9c")
        .await
        .expect(201);
    let retry = citizen
        .submit_report_once(&body, "jaki-7f3a9c")
        .await
        .expect(201);
    assert_eq!(ticket_of(&retry), ticket_of(&first));
    let other = citizen
        .submit_report_once(&body, "jaki-other")
        .await
        .expect(201);
    assert_ne!(ticket_of(&other), ticket_of(&first));
    let without = citizen.submit_report(&body).await.expect(201);
    assert_ne!(ticket_of(&without), ticket_of(&first));

    let mine = citizen.list_all("").await;
    assert_eq!(mine.len(), 3, "{mine:?}");
}

#[tokio::test]
async fn concurrent_retries_file_one_report() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let body = common::report_body("sampah", "31.74.01");
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let citizen = citizen.clone();
            let body = body.clone();
            tokio::spawn(async move { citizen.submit_report_once(&body, "flaky-network-1").await })
        })
        .collect();
    let mut tickets = std::collections::BTreeSet::new();
    for attempt in attempts {
        tickets.insert(ticket_of(
            &attempt.await.expect("the request task").expect(201),
        ));
    }
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(citizen.list_all("").await.len(), 1);
}

#[tokio::test]
async fn another_account_cannot_reach_a_report_by_reusing_its_key() {
    let app = TestApp::spawn().await;
    let siti = app.register_citizen("siti").await;
    let budi = app.register_citizen("budi").await;
    let body = common::report_body("jalan", "31.74.01");
    let hers = siti
        .submit_report_once(&body, "shared-key")
        .await
        .expect(201);
    let his = budi
        .submit_report_once(&body, "shared-key")
        .await
        .expect(201);
    assert_ne!(ticket_of(&his), ticket_of(&hers));
    budi.get_report(&ticket_of(&hers))
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn a_malformed_key_is_refused_and_files_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let body = common::report_body("jalan", "31.74.01");
    citizen
        .submit_report_once(&body, &"k".repeat(129))
        .await
        .invalid("Idempotency-Key");
    citizen
        .submit_report_once(&body, "two words")
        .await
        .invalid("Idempotency-Key");
    assert!(citizen.list_all("").await.is_empty());
}
