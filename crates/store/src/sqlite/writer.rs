//! The single writer: one connection on its own thread, committing jobs in groups.
//!
//! SQLite allows one writer at a time. Rather than have every request wait for its own
//! fsync, the writer takes every job waiting in its queue, runs each inside a savepoint of
//! one transaction, commits once, and only then answers each caller. A caller is told
//! "saved" only after the commit that made it durable. A job found alone runs without a
//! savepoint: its transaction is its own.

use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::WriterSide;
use crate::monitoring::{WriteQueue, WriterCounters};
use crate::{StoreError, StoreResult};

/// Most jobs folded into one commit; bounds latency when the queue is long.
const MAX_BATCH: usize = 512;
/// Jobs waiting beyond this make callers wait to enqueue (backpressure).
const QUEUE_DEPTH: usize = 4096;

/// Runs on the writer thread; answers its caller once the commit is known.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;
type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Batch sizes, counted by the writer thread for monitoring.
    counters: Arc<WriterCounters>,
}

impl Writer {
    /// Start the writer thread over `conn`; between batches it empties the write-ahead log
    /// when the checkpointer asks (`wal`).
    pub fn spawn(conn: Connection, wal: WriterSide) -> StoreResult<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE_DEPTH);
        let counters = Arc::new(WriterCounters::default());
        let counted = Arc::clone(&counters);
        std::thread::Builder::new()
            .name("aduan-sqlite-writer".into())
            .spawn(move || run(conn, queue, &counted, wal))
            .map_err(StoreError::other)?;
        Ok(Self { jobs, counters })
    }

    /// The jobs waiting now and the batch sizes so far.
    pub fn queue(&self) -> WriteQueue {
        let capacity = self.jobs.max_capacity();
        let depth = capacity.saturating_sub(self.jobs.capacity());
        WriteQueue::read(depth, capacity, &self.counters)
    }

    /// Run `work` in a write transaction; resolves after it is committed (or failed).
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = work(conn);
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let outcome = match commit {
                    Ok(()) => result,
                    Err(cause) => Err(StoreError::Other(format!("commit failed: {cause}"))),
                };
                // The caller may have gone away (client disconnected); the write still stands.
                let _ = answer.send(outcome);
            });
            (ok, reply)
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::other("the writer has stopped"))?;
        answered
            .await
            .map_err(|_| StoreError::other("the writer stopped before answering"))?
    }
}

fn run(
    conn: Connection,
    mut queue: mpsc::Receiver<Job>,
    counters: &WriterCounters,
    mut wal: WriterSide,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        counters.batch(batch.len());
        commit_batch(&conn, &mut batch);
        wal.between_batches(&conn);
    }
    tracing::debug!("sqlite writer stopped: every handle dropped");
}

fn commit_batch(conn: &Connection, batch: &mut Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let cause = e.to_string();
        tracing::error!(error = %cause, "cannot begin a write transaction");
        for job in batch.drain(..) {
            let (_, reply) = job_failed_before_running(job);
            reply(Err(cause.clone()));
        }
        return;
    }
    if batch.len() == 1
        && let Some(job) = batch.pop()
    {
        commit_alone(conn, job);
        return;
    }
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch.drain(..) {
        // Each job in its own savepoint: one job's failure leaves the others' work intact.
        if let Err(e) = run_cached(conn, "SAVEPOINT job") {
            tracing::error!(error = %e, "cannot open a savepoint");
            replies.push((false, job_failed_before_running(job).1));
            continue;
        }
        let (ok, reply) = job(conn);
        let end = if ok {
            run_cached(conn, "RELEASE job")
        } else {
            run_cached(conn, "ROLLBACK TO job").and_then(|()| run_cached(conn, "RELEASE job"))
        };
        if let Err(e) = end {
            tracing::error!(error = %e, "cannot close a savepoint");
        }
        replies.push((ok, reply));
    }
    let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
    if let Err(cause) = &commit {
        tracing::error!(error = %cause, "commit failed; the batch is rolled back");
        let _ = conn.execute_batch("ROLLBACK");
    }
    for (_, reply) in replies {
        reply(commit.clone());
    }
}

/// A job with no other in its transaction needs no savepoint (whose sub-journal copies
/// every page the job touches): it is committed, or the whole transaction is rolled back.
/// An import's large batch usually runs so.
fn commit_alone(conn: &Connection, job: Job) {
    let (ok, reply) = job(conn);
    let end = if ok {
        conn.execute_batch("COMMIT").map_err(|e| e.to_string())
    } else {
        // Its own error is its answer; the rollback only undoes what it began.
        if let Err(e) = conn.execute_batch("ROLLBACK") {
            tracing::error!(error = %e, "cannot roll back a failed write");
        }
        Ok(())
    };
    if let Err(cause) = &end {
        tracing::error!(error = %cause, "commit failed; the write is rolled back");
        let _ = conn.execute_batch("ROLLBACK");
    }
    reply(end);
}

/// Savepoint statements run for every job: prepare them once.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// A job that could not run still owes its caller an answer.
fn job_failed_before_running(job: Job) -> (bool, Reply) {
    // Dropping the job drops its sender, which the caller sees as "stopped before
    // answering"; give it a no-op reply so the batch bookkeeping stays uniform.
    drop(job);
    (false, Box::new(|_| {}))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::time::Duration;

    use super::*;
    use crate::sqlite::checkpoint::{EmptyRequest, WalLimits};

    /// A writer over a fresh database holding `t (x INTEGER UNIQUE)`.
    fn writer() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER UNIQUE);")
            .unwrap();
        let side = WriterSide::new(
            EmptyRequest::default(),
            WalLimits::default(),
            Duration::from_secs(5),
        );
        (dir, Writer::spawn(conn, side).unwrap())
    }

    /// Insert each value, failing at the first one already there.
    async fn insert(writer: &Writer, values: Vec<i64>) -> StoreResult<()> {
        writer
            .write(move |conn| {
                for x in values {
                    conn.execute("INSERT INTO t VALUES (?1)", [x])
                        .map_err(StoreError::other)?;
                }
                Ok(())
            })
            .await
    }

    async fn stored(writer: &Writer) -> Vec<i64> {
        writer
            .write(|conn| {
                let mut s = conn
                    .prepare("SELECT x FROM t ORDER BY x")
                    .map_err(StoreError::other)?;
                s.query_map([], |r| r.get(0))
                    .and_then(Iterator::collect)
                    .map_err(StoreError::other)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_lone_job_that_fails_leaves_nothing_and_the_next_one_commits() {
        let (_dir, writer) = writer();
        insert(&writer, vec![1]).await.unwrap();
        // Alone in its transaction (each call is awaited): 2 is written, then 1 fails.
        assert!(insert(&writer, vec![2, 1]).await.is_err());
        assert_eq!(stored(&writer).await, vec![1]);
        insert(&writer, vec![3]).await.unwrap();
        assert_eq!(stored(&writer).await, vec![1, 3]);
    }

    fn batches(writer: &Writer) -> u64 {
        writer.queue().batch_sizes.iter().sum()
    }

    #[tokio::test]
    async fn a_job_that_fails_among_others_leaves_theirs_intact() {
        let (_dir, writer) = writer();
        insert(&writer, vec![1]).await.unwrap();
        // The writer is held by a job until the twenty others wait behind it, so that they
        // share one transaction, each in its savepoint.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let holding = tokio::spawn({
            let writer = writer.clone();
            async move {
                writer
                    .write(move |_| held.recv().map_err(StoreError::other))
                    .await
            }
        });
        while writer.queue().depth > 0 || batches(&writer) < 2 {
            tokio::task::yield_now().await;
        }
        let mut jobs = tokio::task::JoinSet::new();
        for i in 0..20 {
            let writer = writer.clone();
            let values = if i == 7 { vec![100, 1] } else { vec![10 + i] };
            jobs.spawn(async move { (i, insert(&writer, values).await) });
        }
        while writer.queue().depth < 20 {
            tokio::task::yield_now().await;
        }
        let before = batches(&writer);
        release.send(()).unwrap();
        holding.await.unwrap().unwrap();
        while let Some(done) = jobs.join_next().await {
            let (i, result) = done.unwrap();
            assert_eq!(result.is_err(), i == 7, "job {i}: {result:?}");
        }
        // The holding job's batch, then the twenty in one.
        assert_eq!(batches(&writer), before + 1);
        let mut expected = vec![1];
        expected.extend((0..20).filter(|i| *i != 7).map(|i| 10 + i));
        assert_eq!(stored(&writer).await, expected);
    }
}
