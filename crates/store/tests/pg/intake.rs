//! The intake's group commit: many submissions in one transaction, each answered after the
//! COMMIT, one the database refuses failing alone (tickets across instances: the contract's
//! `two_instances_fold_the_queued_counts_exactly`).
//!
//! A batch is formed on purpose: a separate connection holds the day's ticket row, the
//! intake's worker waits for it with the first submission, and the rest queue up behind it;
//! once the row is released, the worker takes every queued submission at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aduan_domain::report::Report;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::{MonitoringStore, ReportStore, StoreResult};
use sqlx::{Connection, PgConnection};

use crate::contract;

/// Wait until `ready` holds, looking every few milliseconds; fail after 30 s.
async fn wait_until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Backends waiting for a lock on the database.
async fn waiting_for_locks(store: &PgStore) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE NOT l.granted AND a.datname = current_database()",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// Holds the ticket row of `day` from its own connection until released.
struct TicketRowHeld(PgConnection);

impl TicketRowHeld {
    async fn take(url: &str, day: &str) -> Self {
        let mut conn = PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql("BEGIN").execute(&mut conn).await.unwrap();
        sqlx::query(
            "INSERT INTO ticket_days (day, last) VALUES ($1, 0)
             ON CONFLICT (day) DO UPDATE SET last = ticket_days.last",
        )
        .bind(day)
        .execute(&mut conn)
        .await
        .unwrap();
        Self(conn)
    }

    async fn release(mut self) {
        sqlx::raw_sql("COMMIT").execute(&mut self.0).await.unwrap();
    }
}

type Filing = tokio::task::JoinHandle<StoreResult<Report>>;

/// Submit `descriptions` so that all but the first wait in the queue together: the first is
/// taken by the worker, which waits for the held ticket row.
async fn queue_behind_held_row(
    store: &Arc<PgStore>,
    database: &ScratchDatabase,
    descriptions: Vec<String>,
) -> Vec<Filing> {
    let citizen =
        contract::create(store.as_ref(), "warga", aduan_domain::Role::Citizen, None).await;
    let date = contract::day(2026, 3, 5);
    let held = TicketRowHeld::take(database.url(), "2026-03-05").await;
    let mut filings = Vec::new();
    for (n, description) in descriptions.into_iter().enumerate() {
        let mut report = contract::simple_report(citizen.id);
        report.description = description;
        let filer = Arc::clone(store);
        filings.push(tokio::spawn(async move {
            filer
                .submit_report(report, contract::jk(), date, contract::now())
                .await
        }));
        if n == 0 {
            wait_until("the worker waiting for the ticket row", || async {
                waiting_for_locks(store.as_ref()).await >= 1
            })
            .await;
        }
    }
    let queued = u64::try_from(filings.len() - 1).unwrap();
    wait_until("the rest queued", || async {
        store.write_queue().unwrap().depth == queued
    })
    .await;
    held.release().await;
    filings
}

fn sequence(report: &Report) -> u32 {
    report
        .ticket
        .issued_with(&contract::jk())
        .map(|(_, sequence)| sequence)
        .unwrap()
}

/// Forty submissions waiting together are committed as one transaction, each answered
/// with its own report and a ticket of an unbroken sequence, and read back as answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn submissions_waiting_together_are_committed_together() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = Arc::new(PgStore::connect(database.url()).await.unwrap());
    let descriptions: Vec<String> = (0..40)
        .map(|n| format!("Jalan berlubang nomor {n}"))
        .collect();
    let filings = queue_behind_held_row(&store, &database, descriptions.clone()).await;
    let mut filed = Vec::new();
    for filing in filings {
        filed.push(filing.await.unwrap().unwrap());
    }
    let mut sequences: Vec<u32> = filed.iter().map(sequence).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=40).collect::<Vec<_>>());
    for (report, description) in filed.iter().zip(&descriptions) {
        assert_eq!(&report.description, description);
        assert_eq!(&store.report(&report.ticket).await.unwrap(), report);
    }
    let queue = store.write_queue().unwrap();
    assert_eq!(queue.jobs, 40, "{queue:?}");
    // One alone (the worker held at the ticket row), then the 39 queued in one commit.
    let batches: u64 = queue.batch_sizes.iter().sum();
    assert_eq!(batches, 2, "{queue:?}");
    assert_eq!(queue.batch_sizes[6], 1, "one batch of 33-64: {queue:?}");
}

/// A submission the database refuses (a NUL character, which PostgreSQL text cannot hold)
/// in the middle of a batch fails alone: every other submission of the batch is filed, and
/// the tickets have no gap where it would have been.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_submission_fails_alone_and_its_batch_is_filed() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = Arc::new(PgStore::connect(database.url()).await.unwrap());
    let mut descriptions: Vec<String> = (0..30).map(|n| format!("Sampah menumpuk {n}")).collect();
    descriptions[17] = "Sampah\0menumpuk".into();
    let filings = queue_behind_held_row(&store, &database, descriptions).await;
    let mut filed = Vec::new();
    let mut refused = Vec::new();
    for (n, filing) in filings.into_iter().enumerate() {
        match filing.await.unwrap() {
            Ok(report) => filed.push(report),
            Err(e) => refused.push((n, e.to_string())),
        }
    }
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, 17, "{refused:?}");
    let mut sequences: Vec<u32> = filed.iter().map(sequence).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=29).collect::<Vec<_>>());
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 29);
    for report in &filed {
        assert_eq!(&store.report(&report.ticket).await.unwrap(), report);
    }
}
