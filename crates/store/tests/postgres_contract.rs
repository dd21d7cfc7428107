//! The store contract run against `PgStore`, each check on a new database of its own on the
//! server named by `ADUAN_TEST_POSTGRES_URL` (this machine's by default). A server that
//! cannot be reached fails every check: nothing here is skipped.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;
mod pg;

use std::sync::Arc;

use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::{CatalogStore, Store};

/// A fresh store on a new database; the database is dropped with the returned guard.
async fn fresh_store() -> (Arc<dyn Store>, ScratchDatabase) {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(database.url()).await.unwrap();
    (Arc::new(store), database)
}

store_contract_tests!(fresh_store);

// ---------------------------------------------------------------------------------------------
// PostgreSQL only
// ---------------------------------------------------------------------------------------------

/// Two instances file reports into one database at once: every report gets a ticket of its
/// own with no gap in the day's sequence, the statistics' queued changes are folded by the
/// instances' background folders without anyone asking, and each instance's figures count
/// every report once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_fold_the_queued_counts_exactly() {
    use aduan_domain::stats::{Period, StatsQuery};
    use aduan_store::StatsStore;

    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let first = Arc::new(PgStore::connect(database.url()).await.unwrap());
    let second = Arc::new(PgStore::connect(database.url()).await.unwrap());
    let citizen =
        contract::create(first.as_ref(), "warga", aduan_domain::Role::Citizen, None).await;
    let date = contract::day(2026, 3, 5);
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..16 {
        let store: Arc<dyn Store> = if w % 2 == 0 {
            Arc::clone(&first) as Arc<dyn Store>
        } else {
            Arc::clone(&second) as Arc<dyn Store>
        };
        writers.spawn(async move {
            let mut sequences = Vec::new();
            for _ in 0..25 {
                let report = store
                    .submit_report(
                        contract::simple_report(citizen.id),
                        contract::jk(),
                        date,
                        contract::now(),
                    )
                    .await
                    .unwrap();
                sequences.push(report.ticket.issued_with(&contract::jk()).unwrap().1);
            }
            sequences
        });
    }
    let mut sequences = Vec::new();
    while let Some(done) = writers.join_next().await {
        sequences.extend(done.unwrap());
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=400).collect::<Vec<_>>());

    // The background folders empty the queue on their own.
    let started = std::time::Instant::now();
    loop {
        let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM stats_pending")
            .fetch_one(first.pool())
            .await
            .unwrap();
        if queued == 0 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{queued} left"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let query = StatsQuery::new(
        Period::parse("2026-03-01", "2026-04-01").unwrap(),
        Vec::new(),
    );
    for store in [&first, &second] {
        let counts = store.stats_counts(query.clone()).await.unwrap();
        assert_eq!((counts.reports, counts.reporters), (400, 1));
    }
}

/// The identity access log cannot be edited, emptied or truncated, even with direct SQL
/// access: the database itself refuses (the triggers of migration 0001). Appending still
/// works.
#[tokio::test]
async fn the_identity_access_log_is_append_only() {
    use aduan_store::{AccountStore, ReportStore};

    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(database.url()).await.unwrap();
    let citizen = contract::create(&store, "siti", aduan_domain::Role::Citizen, None).await;
    let admin = contract::create(&store, "auditor", aduan_domain::Role::Admin, None).await;
    let report = store
        .submit_report(
            contract::simple_report(citizen.id),
            contract::jk(),
            contract::day(2026, 11, 28),
            contract::now(),
        )
        .await
        .unwrap();
    store
        .reveal_reporter(report.id, admin.id, "court order".into(), contract::now())
        .await
        .unwrap();
    let rows = || async {
        sqlx::query_as::<_, (i64, String)>("SELECT id, reason FROM identity_access_log ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    };
    let before = rows().await;
    assert_eq!(before.len(), 1);

    for statement in [
        "UPDATE identity_access_log SET reason = 'nothing'",
        "UPDATE identity_access_log SET actor_id = actor_id",
        "DELETE FROM identity_access_log",
        "TRUNCATE identity_access_log",
    ] {
        let refused = sqlx::query(statement).execute(store.pool()).await;
        let message = match &refused {
            Err(sqlx::Error::Database(db)) => db.message().to_string(),
            other => panic!("{statement}: {other:?}"),
        };
        assert!(message.contains("append-only"), "{statement}: {message}");
        assert_eq!(rows().await, before, "{statement}");
    }

    // A new entry, written with plain SQL, is still accepted.
    sqlx::query(
        "INSERT INTO identity_access_log (at, actor_id, report_id, reason) VALUES ($1, $2, $3, $4)",
    )
    .bind(contract::now().timestamp())
    .bind(admin.id.0)
    .bind(report.id.0)
    .bind("second look")
    .execute(store.pool())
    .await
    .unwrap();
    let after = rows().await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1].1, "second look");
}

/// Several instances started together on one new database each bring the schema up at
/// once: all of them succeed, and every migration is applied exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn several_first_connections_to_one_fresh_database_all_succeed() {
    const INSTANCES: usize = 6;
    let mut expected: Vec<i64> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
            .unwrap()
            .map(|entry| {
                let name = entry.unwrap().file_name().into_string().unwrap();
                name.split('_').next().unwrap().parse().unwrap()
            })
            .collect();
    expected.sort_unstable();
    assert!(!expected.is_empty());

    let mut failures = Vec::new();
    for trial in 0..5 {
        let database = ScratchDatabase::create(&server_url()).await.unwrap();
        let start = Arc::new(tokio::sync::Barrier::new(INSTANCES));
        let mut opening = tokio::task::JoinSet::new();
        for _ in 0..INSTANCES {
            let start = Arc::clone(&start);
            let url = database.url().to_string();
            opening.spawn(async move {
                start.wait().await;
                PgStore::connect_with_pool(&url, 2).await
            });
        }
        let mut stores = Vec::new();
        while let Some(done) = opening.join_next().await {
            match done.unwrap() {
                Ok(store) => stores.push(store),
                Err(e) => failures.push(format!("trial {trial}: {e}")),
            }
        }
        let Some(store) = stores.first() else {
            continue;
        };
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(
            applied.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
            expected,
            "trial {trial}"
        );
        assert!(
            applied.iter().all(|(_, ok)| *ok),
            "trial {trial}: {applied:?}"
        );
        // The schema works: every instance can read and write it.
        for (n, store) in stores.iter().enumerate() {
            contract::create(
                store,
                &format!("warga{n}"),
                aduan_domain::Role::Citizen,
                None,
            )
            .await;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A catalog stored before kinds of unit were data gets code's roles from migration 0007.
/// The migration runs again over such a catalog written into an up-to-date database (it
/// changed nothing when it first ran there, on no catalog at all), and once more, which
/// changes nothing.
#[tokio::test]
async fn a_catalog_stored_before_kinds_of_unit_were_data_gets_code_s_roles() {
    const MIGRATION: &str = include_str!("../migrations/postgres/0007_unit_kind_roles.sql");
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(database.url()).await.unwrap();
    sqlx::raw_sql(contract::LEGACY_CATALOG)
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::raw_sql(MIGRATION)
        .execute(store.pool())
        .await
        .unwrap();
    contract::assert_legacy_kinds_upgraded(&store).await;
    let once = store.jurisdiction().await.unwrap();
    sqlx::raw_sql(MIGRATION)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(store.jurisdiction().await.unwrap(), once);
}
