//! The store contract run against `SqliteStore`, each check on its own database file in its
//! own temporary directory; then what only the embedded store promises: durability across
//! reopening, migrations applied once, WAL.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use tempfile::TempDir;

use aduan_domain::report::{FollowupPhotos, ImageObject, NewPhoto, NewReport};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, RegionCode, ReportState, Role, TicketPrefix, UnitCode,
    UserId,
};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{AccountStore, NewUser, ReportStore, Store, StoreError};

/// A fresh store on a new file; the directory lives as long as the returned guard.
async fn fresh_store() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("aduan.db")).unwrap();
    (Arc::new(store), dir)
}

store_contract_tests!(fresh_store);

// ---------------------------------------------------------------------------------------------
// SQLite only
// ---------------------------------------------------------------------------------------------

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 5).unwrap()
}

fn jk() -> TicketPrefix {
    TicketPrefix::parse("JK").unwrap()
}

fn citizen(username: &str) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: "$argon2id$hash".into(),
        display_name: None,
        role: Role::Citizen,
        unit: None,
        can_view_identity: false,
        sealed_identity: None,
        created_at: now(),
    }
}

fn report_by(reporter: UserId, photo: &[u8]) -> NewReport {
    NewReport {
        category: CategoryCode::parse("jalan").unwrap(),
        description: "Pohon tumbang menutup jalan".into(),
        staff_description: None,
        location: None,
        region: RegionCode::parse("31.74.01.1001").unwrap(),
        address: None,
        channel: Channel::parse("jaki").unwrap(),
        first_receiver: UnitCode::parse("kel-31.74.01.1001").unwrap(),
        reporter: Some(reporter),
        entered_by: None,
        submitted_by_role: Role::Citizen,
        photos: vec![NewPhoto {
            content_type: "image/jpeg",
            image: ImageObject::of(photo),
            thumbnail: ImageObject::of(&photo[..photo.len() / 10]),
            evidence: Default::default(),
        }],
        reporter_identity: None,
        channel_message_id: None,
        reply_route: None,
        reporter_key: None,
        fetch_media: Vec::new(),
        triage: None,
    }
}

fn forward(to: &str) -> Transition {
    Transition {
        action: ActionKind::Forward,
        from: ReportState::Waiting,
        to: ReportState::Coordination,
        new_holding_unit: Some(UnitCode::parse(to).unwrap()),
        marks_coordinated: false,
        marks_completed: false,
        new_visibility: None,
        estimated_completion: None,
    }
}

fn by(actor: UserId) -> ActionRecord {
    ActionRecord {
        actor,
        actor_role: Role::Coordinator,
        actor_unit: None,
        at: now(),
        note: Some("diteruskan".into()),
        target: None,
        photos: FollowupPhotos::default(),
    }
}

fn migrations(path: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_report_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    let photo: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();

    let store = SqliteStore::open(&path).unwrap();
    let user = store.create_user(citizen("siti")).await.unwrap();
    let submitted = store
        .submit_report(report_by(user.id, &photo), jk(), day(), now())
        .await
        .unwrap();
    let forwarded = store
        .apply_transition(submitted.id, 1, forward("dinas-bina-marga"), by(user.id))
        .await
        .unwrap();
    let timeline = store.timeline(submitted.id).await.unwrap();
    let photos = store.photos(submitted.id).await.unwrap();
    drop(store);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.report(&submitted.ticket).await.unwrap(), forwarded);
    assert_eq!(store.timeline(submitted.id).await.unwrap(), timeline);
    assert_eq!(timeline.len(), 2);
    assert_eq!(store.photos(submitted.id).await.unwrap(), photos);
    let stored = store.photo(submitted.id, photos[0].id).await.unwrap();
    assert_eq!(stored.image, ImageObject::of(&photo));
    assert_eq!(store.user(user.id).await.unwrap(), user);
    // The day's sequence carries on from the file, not from memory.
    let next = store
        .submit_report(report_by(user.id, &photo), jk(), day(), now())
        .await
        .unwrap();
    assert_eq!(next.ticket.as_str(), "JK2503050002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_applies_no_migration_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    let store = SqliteStore::open(&path).unwrap();
    let user = store.create_user(citizen("siti")).await.unwrap();
    let applied = migrations(&path);
    assert!(!applied.is_empty());
    // Each version once, in order (numbers may skip one another branch takes).
    assert!(applied.windows(2).all(|w| w[0] < w[1]), "{applied:?}");
    drop(store);

    for _ in 0..3 {
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.user(user.id).await.unwrap(), user);
        assert_eq!(store.count_users().await.unwrap(), 1);
        assert_eq!(migrations(&path), applied);
    }
    // Two stores open on one file at once (a second `aduan` command beside the server).
    let first = SqliteStore::open(&path).unwrap();
    let second = SqliteStore::open(&path).unwrap();
    assert_eq!(second.count_users().await.unwrap(), 1);
    drop((first, second));
    assert_eq!(migrations(&path), applied);
}

#[tokio::test]
async fn the_database_is_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    let store = SqliteStore::open(&path).unwrap();
    store.create_user(citizen("siti")).await.unwrap();
    // journal_mode=WAL is a property of the file, visible to any connection.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "WAL persists after the store closes");
    // `synchronous = FULL` is a setting of each connection, not of the file, so another
    // connection cannot observe the store's; it is set in `sqlite::configure` and its effect
    // (a commit is durable before the caller hears "saved") is not observable without
    // cutting power. The reopening test above checks the committed data is on the file.
}

/// Two stores on one file behave like two processes: SQLite's lock serializes their
/// writers, so tickets stay unique and a lost race is still a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_on_one_file_share_sequences_and_races() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    let a: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let b: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let user = a.create_user(citizen("siti")).await.unwrap();

    let mut jobs = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = Arc::clone(if i % 2 == 0 { &a } else { &b });
        jobs.spawn(async move {
            store
                .submit_report(report_by(user.id, b"x"), jk(), day(), now())
                .await
        });
    }
    let mut tickets = std::collections::BTreeSet::new();
    while let Some(joined) = jobs.join_next().await {
        tickets.insert(joined.unwrap().unwrap().ticket.to_string());
    }
    let want: std::collections::BTreeSet<_> = (1..=40).map(|s| format!("JK250305{s:04}")).collect();
    assert_eq!(tickets, want);

    // Both read each other's writes.
    let report = b
        .report(&aduan_domain::Ticket::parse("JK2503050001").unwrap())
        .await
        .unwrap();
    let race_a = {
        let a = Arc::clone(&a);
        tokio::spawn(async move {
            a.apply_transition(report.id, 1, forward("unit-a"), by(user.id))
                .await
        })
    };
    let race_b = {
        let b = Arc::clone(&b);
        tokio::spawn(async move {
            b.apply_transition(report.id, 1, forward("unit-b"), by(user.id))
                .await
        })
    };
    let results = [race_a.await.unwrap(), race_b.await.unwrap()];
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
        .count();
    assert_eq!((wins, conflicts), (1, 1), "{results:?}");
    assert_eq!(a.timeline(report.id).await.unwrap().len(), 2);
    assert_eq!(b.timeline(report.id).await.unwrap().len(), 2);
}

/// `aduan serve` and a second command (an import, a user creation) started together on a new
/// data directory both open the same fresh file. Each must come up with the schema in place.
#[test]
fn several_opens_of_one_fresh_file_at_once_all_succeed() {
    let mut failures = Vec::new();
    for trial in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aduan.db");
        let start = std::sync::Barrier::new(4);
        let results: Vec<_> = std::thread::scope(|s| {
            let opening: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        SqliteStore::open(&path).map(drop)
                    })
                })
                .collect();
            opening.into_iter().map(|h| h.join().unwrap()).collect()
        });
        failures.extend(
            results
                .into_iter()
                .filter_map(|r| r.err().map(|e| format!("trial {trial}: {e}"))),
        );
        let applied = migrations(&path);
        assert!(!applied.is_empty(), "trial {trial}");
        assert!(
            applied.windows(2).all(|w| w[0] < w[1]),
            "trial {trial}: {applied:?}"
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The identity access log cannot be edited or emptied, even with direct SQL access; a
/// new entry is still accepted.
#[tokio::test]
async fn the_identity_access_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    let store = SqliteStore::open(&path).unwrap();
    let siti = store.create_user(citizen("siti")).await.unwrap();
    let mut admin = citizen("auditor");
    admin.role = Role::Admin;
    let admin = store.create_user(admin).await.unwrap();
    let report = store
        .submit_report(
            report_by(siti.id, b"photo"),
            TicketPrefix::parse("JK").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            now(),
        )
        .await
        .unwrap();
    store
        .reveal_reporter(report.id, admin.id, "court order".into(), now())
        .await
        .unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let update = raw.execute("UPDATE identity_access_log SET reason = 'nothing'", []);
    assert!(update.is_err(), "{update:?}");
    let delete = raw.execute("DELETE FROM identity_access_log", []);
    assert!(delete.is_err(), "{delete:?}");
    for refused in [update, delete] {
        let message = refused.unwrap_err().to_string();
        assert!(message.contains("append-only"), "{message}");
    }
    let reasons = || -> Vec<String> {
        raw.prepare("SELECT reason FROM identity_access_log ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(reasons(), ["court order"]);
    raw.execute(
        "INSERT INTO identity_access_log (at, actor_id, report_id, reason) \
         VALUES (?1, ?2, ?3, 'second look')",
        rusqlite::params![now().timestamp(), admin.id.0, report.id.0],
    )
    .unwrap();
    assert_eq!(reasons(), ["court order", "second look"]);
}

/// The schema as version 8 left it, before kinds of unit were data.
const BEFORE_UNIT_KIND_ROLES: [&str; 8] = [
    include_str!("../migrations/sqlite/0001_init.sql"),
    include_str!("../migrations/sqlite/0002_channels.sql"),
    include_str!("../migrations/sqlite/0003_admin.sql"),
    include_str!("../migrations/sqlite/0004_stats.sql"),
    include_str!("../migrations/sqlite/0005_search.sql"),
    include_str!("../migrations/sqlite/0006_catalog_revision.sql"),
    include_str!("../migrations/sqlite/0007_accounts.sql"),
    include_str!("../migrations/sqlite/0008_privacy.sql"),
];

#[tokio::test]
async fn opening_a_catalog_stored_before_kinds_of_unit_were_data_gives_them_code_s_roles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
        )
        .unwrap();
        for (i, sql) in BEFORE_UNIT_KIND_ROLES.iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 0)",
                [i as i64 + 1],
            )
            .unwrap();
        }
        conn.execute_batch(contract::LEGACY_CATALOG).unwrap();
    }
    for _ in 0..2 {
        // Opening again changes nothing more.
        let store = SqliteStore::open(&path).unwrap();
        contract::assert_legacy_kinds_upgraded(&store).await;
    }
}
