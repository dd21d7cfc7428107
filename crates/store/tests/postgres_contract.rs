//! The store contract run against `PgStore`, each check on a new database of its own on the
//! server named by `ADUAN_TEST_POSTGRES_URL` (this machine's by default). A server that
//! cannot be reached fails every check: nothing here is skipped.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;

use std::sync::Arc;

use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

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

/// Two instances file reports into one database at once: the statistics' queued changes
/// are folded by the instances' background folders without anyone asking, and each
/// instance's figures count every report once.
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
    for w in 0..8 {
        let store: Arc<dyn Store> = if w % 2 == 0 {
            Arc::clone(&first) as Arc<dyn Store>
        } else {
            Arc::clone(&second) as Arc<dyn Store>
        };
        writers.spawn(async move {
            for _ in 0..10 {
                store
                    .submit_report(
                        contract::simple_report(citizen.id),
                        contract::jk(),
                        date,
                        contract::now(),
                    )
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }

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
        assert_eq!((counts.reports, counts.reporters), (80, 1));
    }
}
