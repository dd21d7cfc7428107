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
