//! Contract: a report's tracking code is kept only as its hash, one per report; a new code
//! replaces the old; codes stay with their report; an unknown report has none to set.

use std::sync::Arc;

use aduan_domain::tracking::TrackingCode;
use aduan_domain::{ReportId, Role};
use aduan_store::{Store, StoreError};

use super::{create, day1, simple_report, submit};

pub async fn a_tracking_code_is_kept_as_its_hash_and_a_new_one_replaces_it(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let one = submit(store, simple_report(citizen.id), day1()).await;
    let two = submit(store, simple_report(citizen.id), day1()).await;
    assert_eq!(store.tracking_code(one.id).await.unwrap(), None);

    let first = TrackingCode::from_random([7; 8]);
    store
        .set_tracking_code(one.id, first.hash(&one.ticket))
        .await
        .unwrap();
    let stored = store.tracking_code(one.id).await.unwrap().unwrap();
    assert!(first.matches(&one.ticket, &stored));
    assert!(!first.matches(&two.ticket, &stored));
    // Only the report it was set for has one.
    assert_eq!(store.tracking_code(two.id).await.unwrap(), None);

    // Issued again: the new code works, the old one no longer.
    let second = TrackingCode::from_random([9; 8]);
    store
        .set_tracking_code(one.id, second.hash(&one.ticket))
        .await
        .unwrap();
    let stored = store.tracking_code(one.id).await.unwrap().unwrap();
    assert!(second.matches(&one.ticket, &stored));
    assert!(!first.matches(&one.ticket, &stored));

    // No report, no code: refused, nothing stored.
    let missing = ReportId(two.id.0 + 1000);
    let refused = store.set_tracking_code(missing, [1; 32]).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.tracking_code(missing).await.unwrap(), None);
}

/// A report from an SMS, whose reporter can be answered.
fn from_sms() -> aduan_domain::report::NewReport {
    let mut report = super::report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.channel = aduan_domain::Channel::Sms;
    report.reply_route = Some(b"sealed reply route".to_vec());
    report.reporter_key = Some("sms:5f2a".into());
    report
}

fn payload(item: &aduan_store::OutboxItem) -> serde_json::Value {
    serde_json::from_str(&item.payload).unwrap()
}

pub async fn a_first_tracking_code_goes_sealed_with_the_acknowledgement_once(
    store: Arc<dyn Store>,
) {
    let store = store.as_ref();
    let lease = chrono::Duration::seconds(60);
    // Later than every row this test queues (rows are due when queued).
    let t0 = super::now() + chrono::Duration::seconds(10);
    let one = submit(store, from_sms(), day1()).await;
    let code = TrackingCode::from_random([7; 8]);
    let issued = store
        .issue_tracking_code(one.id, code.hash(&one.ticket), Some("SEALED-1".into()), t0)
        .await
        .unwrap();
    assert!(issued);
    // A second first code (the same message again) changes nothing.
    let other = TrackingCode::from_random([9; 8]);
    let again = store
        .issue_tracking_code(one.id, other.hash(&one.ticket), Some("SEALED-2".into()), t0)
        .await
        .unwrap();
    assert!(!again);
    let stored = store.tracking_code(one.id).await.unwrap().unwrap();
    assert!(code.matches(&one.ticket, &stored));

    // The acknowledgement carries the sealed code; there is no other answer.
    let claimed = store.claim_outbox(t0, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    assert_eq!(payload(&claimed[0])["action"], "submit");
    assert_eq!(payload(&claimed[0])["sealed_code"], "SEALED-1");
    // Settled (here dead), the sealed code is dropped: an admin's retry sends no code.
    let dead = aduan_store::OutboxOutcome::Dead {
        error: "refused".into(),
    };
    store.finish_outbox(claimed[0].id, dead, t0).await.unwrap();
    store.retry_outbox(claimed[0].id, t0).await.unwrap();
    let retried = store.claim_outbox(t0, lease, 10).await.unwrap();
    assert_eq!(retried.len(), 1, "{retried:?}");
    assert_eq!(payload(&retried[0])["action"], "submit");
    assert!(
        payload(&retried[0]).get("sealed_code").is_none(),
        "{retried:?}"
    );
    let delivered = aduan_store::OutboxOutcome::Delivered;
    store
        .finish_outbox(retried[0].id, delivered, t0)
        .await
        .unwrap();

    // A worker took the acknowledgement already: the code goes in an answer of its own.
    let two = submit(store, from_sms(), day1()).await;
    let taken = store.claim_outbox(t0, lease, 10).await.unwrap();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert!(
        store
            .issue_tracking_code(two.id, code.hash(&two.ticket), Some("SEALED-3".into()), t0)
            .await
            .unwrap()
    );
    let own = store.claim_outbox(t0, lease, 10).await.unwrap();
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0].report, two.id);
    assert_eq!(payload(&own[0])["action"], "tracking_code");
    assert_eq!(payload(&own[0])["state"], "waiting");
    assert_eq!(payload(&own[0])["sealed_code"], "SEALED-3");
    assert!(payload(&taken[0]).get("sealed_code").is_none());

    // No way to answer: the code is kept, nothing is queued.
    let mut silent = from_sms();
    silent.reply_route = None;
    let three = submit(store, silent, day1()).await;
    assert!(
        store
            .issue_tracking_code(
                three.id,
                code.hash(&three.ticket),
                Some("SEALED-4".into()),
                t0
            )
            .await
            .unwrap()
    );
    let later = t0 + chrono::Duration::seconds(120);
    let rest = store.claim_outbox(later, lease, 10).await.unwrap();
    assert!(rest.iter().all(|item| item.report != three.id), "{rest:?}");

    // No report, no code.
    let missing = ReportId(three.id.0 + 1000);
    let refused = store.issue_tracking_code(missing, [1; 32], None, t0).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
}
