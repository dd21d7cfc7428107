//! Contract: third-party apps' keys, found by their hash; a reporter's identity given by a
//! channel without an account; page offsets.

use std::sync::Arc;

use aduan_domain::{ReportState, Role};
use aduan_store::{ReportQuery, ReportScope, Store};

use super::{create, day1, is_conflict, is_not_found, now, simple_report, submit};

pub async fn api_keys_are_found_by_hash_and_names_are_unique(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let at = now();
    let key = store
        .create_api_key("qlue".into(), [7; 32], at)
        .await
        .unwrap();
    assert_eq!(key.name, "qlue");
    assert_eq!(key.created_at, at);
    assert_eq!(key.revoked_at, None);
    assert_eq!(store.api_key_by_hash([7; 32]).await.unwrap(), key);
    assert!(is_not_found(&store.api_key_by_hash([8; 32]).await));
    assert!(is_conflict(
        &store.create_api_key("qlue".into(), [9; 32], now()).await
    ));
    assert!(is_conflict(
        &store.create_api_key("other".into(), [7; 32], now()).await
    ));
    let other = store
        .create_api_key("other".into(), [9; 32], now())
        .await
        .unwrap();
    assert_ne!(other.id, key.id);
    store.revoke_api_key("qlue".into(), now()).await.unwrap();
    assert!(is_not_found(&store.api_key_by_hash([7; 32]).await));
    assert_eq!(store.api_key_by_hash([9; 32]).await.unwrap(), other);
    assert!(is_not_found(
        &store.revoke_api_key("nobody".into(), now()).await
    ));
}

pub async fn sealed_reporter_identity_without_an_account_is_revealed(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let auditor = create(store, "auditor", Role::Admin, None).await;
    let mut anonymous = simple_report(citizen.id);
    anonymous.reporter = None;
    anonymous.reporter_identity = Some(b"sealed:open311".to_vec());
    anonymous.reporter_key = Some("email:77ab".into());
    let anonymous = submit(store, anonymous, day1()).await;
    assert_eq!(anonymous.reporter, None);
    let revealed = store
        .reveal_reporter(anonymous.id, auditor.id, "court order".into(), now())
        .await
        .unwrap()
        .unwrap();
    // Sealed for the report's reporter key: it comes back with it.
    assert_eq!(revealed.sealed, b"sealed:open311".to_vec());
    assert_eq!(revealed.account, None);
    assert_eq!(
        revealed.binding(),
        aduan_store::identity::Binding::Reporter(Some("email:77ab"))
    );
    let mut nobody = simple_report(citizen.id);
    nobody.reporter = None;
    let nobody = submit(store, nobody, day1()).await;
    let revealed = store
        .reveal_reporter(nobody.id, auditor.id, "court order".into(), now())
        .await
        .unwrap();
    assert_eq!(revealed, None);
}

pub async fn offset_and_states_select_pages(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let mut tickets = Vec::new();
    for _ in 0..5 {
        tickets.push(
            submit(store, simple_report(citizen.id), day1())
                .await
                .ticket,
        );
    }
    tickets.reverse();
    let mut query = ReportQuery::new(ReportScope::All, 2);
    query.offset = 2;
    let page = store.list_reports(query.clone()).await.unwrap();
    let seen: Vec<_> = page.reports.iter().map(|r| r.ticket.clone()).collect();
    assert_eq!(seen, tickets[2..4].to_vec());
    assert!(page.next_after.is_some());
    query.offset = 4;
    let page = store.list_reports(query.clone()).await.unwrap();
    assert_eq!(page.reports.len(), 1);
    assert_eq!(page.next_after, None);
    query.offset = 5;
    assert!(store.list_reports(query).await.unwrap().reports.is_empty());
    let mut waiting = ReportQuery::new(ReportScope::All, 10);
    waiting.states = vec![ReportState::Waiting, ReportState::Completed];
    assert_eq!(
        store
            .list_reports(waiting.clone())
            .await
            .unwrap()
            .reports
            .len(),
        5
    );
    waiting.states = vec![ReportState::Completed];
    assert!(
        store
            .list_reports(waiting)
            .await
            .unwrap()
            .reports
            .is_empty()
    );
}
