//! Group commit for new reports in PostgreSQL.
//!
//! One transaction per report costs a commit (a WAL flush) and a dozen round trips each, and
//! the day's ticket row, locked from the ticket to the commit, lets one such transaction
//! through at a time: about 800 reports a second however many connections there are. Here a
//! submission joins a queue instead; a worker takes every submission waiting (up to
//! [`MAX_BATCH`]), files them all in one transaction with a few set-based statements
//! ([`batch`]) and answers each only after the COMMIT. Under load one flush and one turn on
//! the ticket row serve hundreds of reports; an idle server files a lone report at once.
//!
//! A batch that fails is filed again one submission at a time, each in its own transaction,
//! so a submission the database refuses fails alone and the others are still filed.
//! Submissions naming a channel message that another one in the same batch names too wait
//! for the next round, where they find the first one's report as any redelivery does.

mod batch;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tokio::sync::{Mutex, mpsc, oneshot};

use aduan_domain::TicketPrefix;
use aduan_domain::report::{NewReport, Report};

use crate::monitoring::{WriteQueue, WriterCounters};
use crate::{StoreError, StoreResult};

/// Most submissions filed in one transaction: bounds a batch's latency and its statements'
/// size when the queue is long.
const MAX_BATCH: usize = 256;
/// Submissions waiting beyond this make callers wait to enqueue (backpressure).
const QUEUE_DEPTH: usize = 4096;
/// Batches in flight at once per instance: while one waits for its commit, the next is
/// being written.
const WORKERS: usize = 2;

/// One report to file, and where its answer goes.
struct Submission {
    new: NewReport,
    prefix: TicketPrefix,
    local_date: NaiveDate,
    now: DateTime<Utc>,
    answer: oneshot::Sender<StoreResult<Report>>,
}

/// The queue of submissions and its workers; the workers stop with the last clone.
#[derive(Clone)]
pub(super) struct Intake {
    queue: mpsc::Sender<Submission>,
    /// Submissions per committed transaction, for monitoring.
    counters: Arc<WriterCounters>,
    _workers: Arc<Workers>,
}

/// Tasks that run until dropped.
struct Workers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &self.0 {
            worker.abort();
        }
    }
}

impl Intake {
    /// Start the workers over `pool`.
    pub(super) fn start(pool: PgPool) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE_DEPTH);
        let waiting = Arc::new(Mutex::new(waiting));
        let counters = Arc::new(WriterCounters::default());
        let workers = (0..WORKERS)
            .map(|_| {
                let counted = Arc::clone(&counters);
                tokio::spawn(work(pool.clone(), Arc::clone(&waiting), counted))
            })
            .collect();
        Self {
            queue,
            counters,
            _workers: Arc::new(Workers(workers)),
        }
    }

    /// The submissions waiting now and the batch sizes so far.
    pub(super) fn queue(&self) -> WriteQueue {
        let capacity = self.queue.max_capacity();
        let depth = capacity.saturating_sub(self.queue.capacity());
        WriteQueue::read(depth, capacity, &self.counters)
    }

    /// File `new`; resolves once the transaction holding it is committed (or failed).
    pub(super) async fn submit(
        &self,
        new: NewReport,
        prefix: TicketPrefix,
        local_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        let (answer, answered) = oneshot::channel();
        let submission = Submission {
            new,
            prefix,
            local_date,
            now,
            answer,
        };
        self.queue
            .send(submission)
            .await
            .map_err(|_| StoreError::other("the intake has stopped"))?;
        answered
            .await
            .map_err(|_| StoreError::other("the intake stopped before answering"))?
    }
}

/// Take every submission waiting, up to [`MAX_BATCH`], file them, repeat.
async fn work(
    pool: PgPool,
    waiting: Arc<Mutex<mpsc::Receiver<Submission>>>,
    counters: Arc<WriterCounters>,
) {
    loop {
        let taken = {
            let mut queue = waiting.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut taken = vec![first];
            while taken.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(next) => taken.push(next),
                    Err(_) => break,
                }
            }
            taken
        };
        file(&pool, taken, &counters).await;
    }
}

/// File `taken` together; if that fails, each alone. Every submission is answered.
async fn file(pool: &PgPool, taken: Vec<Submission>, counters: &WriterCounters) {
    let (together, later) = batch::split_repeated_messages(taken);
    let alone = match batch::file_together(pool, together).await {
        Err((submissions, error)) if submissions.len() > 1 => {
            tracing::debug!(%error, count = submissions.len(),
                "a batch of reports failed; filing each alone");
            submissions
        }
        outcome => {
            answer(outcome, counters);
            Vec::new()
        }
    };
    for submission in alone.into_iter().chain(later) {
        answer(batch::file_together(pool, vec![submission]).await, counters);
    }
}

/// Tell each caller of a batch how it went; count a committed one.
fn answer(outcome: batch::Outcome, counters: &WriterCounters) {
    match outcome {
        Ok(filed) => {
            counters.batch(filed.len());
            for (caller, report) in filed {
                // The caller may have gone away (a client hung up); the report still stands.
                let _ = caller.send(Ok(report));
            }
        }
        Err((submissions, error)) => {
            for submission in submissions {
                let _ = submission.answer.send(Err(error.clone()));
            }
        }
    }
}
