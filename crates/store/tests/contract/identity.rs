//! Contract: identity is kept apart, handed over only with an audit record.

use std::sync::Arc;

use aduan_domain::Role;
use aduan_store::{Store, StoreError};

use super::{create, day1, new_user, now, simple_report, submit};

pub async fn sealed_identity_is_kept_apart_and_returned_to_its_owner(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    assert_eq!(
        store.sealed_identity(citizen.id).await.unwrap(),
        Some(b"sealed:siti".to_vec())
    );
    let mut officer = new_user("petugas", Role::Officer, Some("sudin-bm-31.74"));
    officer.sealed_identity = None;
    let officer = store.create_user(officer).await.unwrap();
    assert_eq!(store.sealed_identity(officer.id).await.unwrap(), None);
    assert!(!citizen.can_view_identity);
}

pub async fn revealing_a_reporter_is_logged_with_its_reason(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let mut auditor = new_user("auditor", Role::Admin, None);
    auditor.can_view_identity = true;
    let auditor = store.create_user(auditor).await.unwrap();
    assert!(auditor.can_view_identity);
    assert!(store.user(auditor.id).await.unwrap().can_view_identity);
    let report = submit(store, simple_report(citizen.id), day1()).await;
    assert!(
        store
            .identity_access_log(None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let at = now();
    let sealed = store
        .reveal_reporter(
            report.id,
            auditor.id,
            "Perintah pengadilan No. 12/2026".into(),
            at,
        )
        .await
        .unwrap();
    // An account's identity comes back with its username: what it was sealed for.
    let sealed = sealed.unwrap();
    assert_eq!(sealed.sealed, b"sealed:siti".to_vec());
    assert_eq!(sealed.account.as_deref(), Some("siti"));
    assert_eq!(
        sealed.binding(),
        aduan_store::identity::Binding::Account("siti")
    );
    let sealed = Some(sealed);
    let second = store
        .reveal_reporter(report.id, auditor.id, "Banding".into(), at)
        .await
        .unwrap();
    assert_eq!(second, sealed);

    let log = store.identity_access_log(None, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].reason, "Banding", "newest first");
    assert_eq!(log[1].reason, "Perintah pengadilan No. 12/2026");
    assert!(log.iter().all(|e| e.actor == Some(auditor.id)
        && e.actor_username.as_deref() == Some("auditor")
        && e.ticket.as_ref() == Some(&report.ticket)
        && e.action == aduan_store::AuditAction::Reveal
        && e.at == at));
    let older = store
        .identity_access_log(Some(log[0].id), 10)
        .await
        .unwrap();
    assert_eq!(older, log[1..].to_vec());
}

pub async fn revealing_an_unknown_report_logs_nothing(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let auditor = create(store, "auditor", Role::Admin, None).await;
    let result = store
        .reveal_reporter(
            aduan_domain::ReportId(999_999),
            auditor.id,
            "x".into(),
            now(),
        )
        .await;
    assert!(
        matches!(result, Err(StoreError::NotFound | StoreError::Other(_))),
        "{result:?}"
    );
    assert!(
        store
            .identity_access_log(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn the_access_log_of_a_period_comes_oldest_first_page_by_page(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let auditor = create(store, "auditor", Role::Admin, None).await;
    let report = submit(store, simple_report(citizen.id), day1()).await;
    let t0 = now();
    let at = |minutes: i64| t0 + chrono::Duration::minutes(minutes);
    for (minute, reason) in [
        (0, "sebelum"),
        (10, "satu"),
        (20, "dua"),
        (30, "tiga"),
        (40, "sesudah"),
    ] {
        store
            .reveal_reporter(report.id, auditor.id, reason.into(), at(minute))
            .await
            .unwrap();
    }
    // [10, 40) minutes: the three in between, two a page.
    let first = store
        .identity_access_between(at(10), at(40), None, 2)
        .await
        .unwrap();
    let reasons = |page: &[aduan_store::IdentityAccess]| {
        page.iter().map(|e| e.reason.clone()).collect::<Vec<_>>()
    };
    assert_eq!(reasons(&first), ["satu", "dua"]);
    let second = store
        .identity_access_between(at(10), at(40), Some(first[1].id), 2)
        .await
        .unwrap();
    assert_eq!(reasons(&second), ["tiga"]);
    assert!(
        second
            .iter()
            .all(|e| e.actor_username.as_deref() == Some("auditor")
                && e.ticket.as_ref() == Some(&report.ticket)
                && e.at == at(30))
    );
    let none = store
        .identity_access_between(at(10), at(40), Some(second[0].id), 2)
        .await
        .unwrap();
    assert!(none.is_empty());
}
