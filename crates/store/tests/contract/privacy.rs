//! Contract: personal-data duties. Reporters' identities of reports closed long ago are
//! erased (the report and its reporter key stay); a data subject's reports are found by
//! their reporter keys, every find and erasure logged; a citizen's account is erased to a
//! tombstone, its reports unlinked and its sessions ended.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use aduan_domain::report::{NewReport, Report};
use aduan_domain::{ActionKind, Channel, ReportState, Role, UserId};
use aduan_store::{
    AuditAction, AuditNote, OutboxKind, OutboxState, ReportQuery, ReportScope, Session, Store,
};

use super::{
    cast, create, day1, is_not_found, new_user, now, record, report_at, submit, transition,
};

/// A report from a channel, by the reporter `key`, with a sealed identity and reply route.
fn from_channel(key: &str) -> NewReport {
    let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.channel = Channel::Sms;
    report.reporter_identity = Some(format!("identity of {key}").into_bytes());
    report.reply_route = Some(format!("route of {key}").into_bytes());
    report.reporter_key = Some(key.to_owned());
    report
}

/// Reject `report` at `at` (a final state).
async fn reject(store: &dyn Store, report: &Report, by: &aduan_store::User, at: DateTime<Utc>) {
    store
        .apply_transition(
            report.id,
            report.version,
            transition(
                ActionKind::Reject,
                ReportState::Waiting,
                ReportState::Rejected,
            ),
            record(by, at),
        )
        .await
        .unwrap();
}

fn long_ago() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 1, 10, 3, 0, 0).unwrap()
}

fn note(actor: Option<UserId>, action: AuditAction) -> AuditNote {
    AuditNote {
        at: now(),
        actor,
        action,
        reason: "Surat permintaan No. 7/2026".into(),
    }
}

async fn pending_replies(store: &dyn Store, report: &Report) -> usize {
    store
        .outbox(Some(OutboxState::Pending), None, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.ticket == report.ticket && e.kind == OutboxKind::Reply)
        .count()
}

pub async fn retention_erases_identities_of_reports_closed_before_the_cutoff(
    store: Arc<dyn Store>,
) {
    let store = store.as_ref();
    let people = cast(store).await;
    let old = submit(store, from_channel("sms:aa"), day1()).await;
    reject(store, &old, &people.coordinator, long_ago()).await;
    let recent = submit(store, from_channel("sms:aa"), day1()).await;
    reject(store, &recent, &people.coordinator, now()).await;
    let open = submit(store, from_channel("sms:bb"), day1()).await;
    assert!(
        pending_replies(store, &old).await > 0,
        "the rejection is told"
    );

    let cutoff = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        store.expired_reporters(cutoff, None, 10).await.unwrap(),
        [old.id]
    );
    // An open report is never past retention, however late the cutoff.
    let later = now() + Duration::days(1);
    assert_eq!(
        store.expired_reporters(later, None, 10).await.unwrap(),
        [old.id, recent.id]
    );
    assert_eq!(
        store
            .expired_reporters(later, Some(old.id), 10)
            .await
            .unwrap(),
        [recent.id],
        "paged by id"
    );
    assert_eq!(
        store.expired_reporters(later, None, 1).await.unwrap(),
        [old.id]
    );

    assert_eq!(store.erase_reporters(vec![old.id], None).await.unwrap(), 1);
    assert_eq!(
        pending_replies(store, &old).await,
        0,
        "no reply left to send"
    );
    assert!(
        store
            .expired_reporters(cutoff, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.erase_reporters(vec![old.id], None).await.unwrap(),
        0,
        "nothing left to erase"
    );
    // The report stays, with its state; nobody can reveal who filed it any more.
    let kept = store.report(&old.ticket).await.unwrap();
    assert_eq!(kept.state, ReportState::Rejected);
    let admin = create(store, "auditor", Role::Admin, None).await;
    assert_eq!(
        store
            .reveal_reporter(old.id, admin.id, "periksa".into(), now())
            .await
            .unwrap(),
        None
    );
    // The other reports keep theirs.
    for other in [&recent, &open] {
        assert!(
            store
                .reveal_reporter(other.id, admin.id, "periksa".into(), now())
                .await
                .unwrap()
                .is_some()
        );
    }
    // The reporter key stays: the same reporter's reports are still found together.
    let found = store
        .find_reporters(
            vec!["sms:aa".into()],
            10,
            note(Some(admin.id), AuditAction::SubjectSearch),
        )
        .await
        .unwrap();
    let tickets: Vec<_> = found.iter().map(|m| m.report.ticket.clone()).collect();
    assert_eq!(tickets, [old.ticket.clone(), recent.ticket.clone()]);
    assert_eq!(found[0].sealed, None);
    let sealed = found[1].sealed.as_ref().unwrap();
    assert_eq!(sealed.sealed, b"identity of sms:aa".to_vec());
    assert_eq!(sealed.reporter_key.as_deref(), Some("sms:aa"));
}

pub async fn a_data_subject_is_found_by_key_and_every_act_is_logged(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let mut admin = new_user("auditor", Role::Admin, None);
    admin.can_view_identity = true;
    let admin = store.create_user(admin).await.unwrap();
    let sms = submit(store, from_channel("sms:aa"), day1()).await;
    let mut by_mail = from_channel("email:cc");
    by_mail.channel = Channel::Email;
    let mail = submit(store, by_mail, day1()).await;
    let someone_else = submit(store, from_channel("sms:zz"), day1()).await;

    let found = store
        .find_reporters(
            vec!["sms:aa".into(), "email:cc".into(), "whatsapp:aa".into()],
            10,
            note(Some(admin.id), AuditAction::SubjectSearch),
        )
        .await
        .unwrap();
    let ids: Vec<_> = found.iter().map(|m| m.report.id).collect();
    assert_eq!(ids, [sms.id, mail.id]);
    assert!(!ids.contains(&someone_else.id));
    let log = store.identity_access_log(None, 50).await.unwrap();
    assert_eq!(log.len(), 2, "one entry per report found: {log:?}");
    assert!(log.iter().all(|e| e.action == AuditAction::SubjectSearch
        && e.actor == Some(admin.id)
        && e.actor_username.as_deref() == Some("auditor")
        && e.reason == "Surat permintaan No. 7/2026"));
    let logged: Vec<_> = log.iter().filter_map(|e| e.ticket.clone()).collect();
    assert_eq!(
        logged,
        [mail.ticket.clone(), sms.ticket.clone()],
        "newest first"
    );

    // Nobody by that key: the search is logged all the same, about no report.
    let none = store
        .find_reporters(
            vec!["sms:nobody".into()],
            10,
            note(Some(admin.id), AuditAction::SubjectExport),
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    let newest = &store.identity_access_log(None, 1).await.unwrap()[0];
    assert_eq!(newest.action, AuditAction::SubjectExport);
    assert_eq!(newest.ticket, None);
    assert_eq!(newest.detail.as_deref(), Some("0 reports"));

    let erased = store
        .erase_reporters(
            vec![sms.id, mail.id],
            Some(note(Some(admin.id), AuditAction::SubjectErase)),
        )
        .await
        .unwrap();
    assert_eq!(erased, 2);
    let log = store.identity_access_log(None, 2).await.unwrap();
    assert!(log.iter().all(|e| e.action == AuditAction::SubjectErase));
    assert!(
        store
            .reveal_reporter(someone_else.id, admin.id, "periksa".into(), now())
            .await
            .unwrap()
            .is_some(),
        "another reporter's identity is untouched"
    );

    // aduan itself writes an entry about no report (the retention job's).
    store
        .record_audit(note(None, AuditAction::Retention), Some("2 reports".into()))
        .await
        .unwrap();
    let newest = &store.identity_access_log(None, 1).await.unwrap()[0];
    assert_eq!(newest.action, AuditAction::Retention);
    assert_eq!((newest.actor, newest.actor_username.clone()), (None, None));
    assert_eq!(newest.detail.as_deref(), Some("2 reports"));
}

pub async fn an_erased_account_is_a_tombstone_and_its_reports_stay_anonymous(
    store: Arc<dyn Store>,
) {
    let store = store.as_ref();
    let siti = create(store, "siti", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let officer = create(store, "petugas", Role::Officer, Some("dinas-bina-marga")).await;
    let t = now();
    let token = [7u8; 32];
    store
        .create_session(Session {
            token_hash: token,
            user: siti.id,
            created_at: t,
            expires_at: t + Duration::days(30),
            idle_timeout: None,
        })
        .await
        .unwrap();
    let mut mine = super::simple_report(siti.id);
    mine.reporter_key = Some(format!("account:{}", siti.id.0));
    mine.reply_route = Some(b"route".to_vec());
    let mine = submit(store, mine, day1()).await;
    let theirs = submit(store, super::simple_report(budi.id), day1()).await;

    let unlinked = store
        .erase_account(siti.id, "erased-account:5eed".into(), t)
        .await
        .unwrap();
    assert_eq!(unlinked, 1);
    assert!(is_not_found(&store.credentials("siti").await));
    assert!(is_not_found(&store.session(token, t).await));
    assert_eq!(store.sealed_identity(siti.id).await.unwrap(), None);
    let tomb = store.credentials("erased-account:5eed").await.unwrap();
    assert!(tomb.user.disabled);
    assert_eq!(tomb.user.display_name, None);
    assert_eq!(tomb.user.id, siti.id);
    // The report stays, linked to nobody: its reporter's own view is gone.
    let kept = store.report(&mine.ticket).await.unwrap();
    assert_eq!(kept.reporter, None);
    let listed = store
        .list_reports(ReportQuery::new(ReportScope::ReportedBy(siti.id), 10))
        .await
        .unwrap();
    assert!(listed.reports.is_empty());
    assert_eq!(pending_replies(store, &mine).await, 0);
    // Another citizen's report is untouched.
    assert_eq!(
        store.report(&theirs.ticket).await.unwrap().reporter,
        Some(budi.id)
    );
    assert!(store.sealed_identity(budi.id).await.unwrap().is_some());
    let newest = &store.identity_access_log(None, 1).await.unwrap()[0];
    assert_eq!(newest.action, AuditAction::AccountErase);
    assert_eq!(newest.actor, Some(siti.id));
    assert_eq!(newest.detail.as_deref(), Some("1 reports"));

    // Only citizens' accounts are erased this way; nothing changes for staff.
    assert!(is_not_found(
        &store
            .erase_account(officer.id, "erased-account:0ff1".into(), t)
            .await
    ));
    assert_eq!(store.credentials("petugas").await.unwrap().user, officer);
    assert!(is_not_found(
        &store
            .erase_account(UserId(999_999), "erased-account:none".into(), t)
            .await
    ));
}
