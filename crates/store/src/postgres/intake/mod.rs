//! Group commit for new reports in PostgreSQL.
//!
//! One transaction per report costs a commit (a WAL flush) and a dozen round trips each, and
//! the day's ticket row, locked from the ticket to the commit, lets one such transaction
//! through at a time: about 800 reports a second however many connections there are. Here a
//! submission joins a queue instead; the instance's worker takes every submission waiting
//! (up to [`MAX_BATCH`]), files them all in one transaction with a few set-based statements
//! ([`batch`]) and answers each only after the COMMIT. Under load one flush and one turn on
//! the ticket row serve hundreds of reports; an idle server files a lone report at once.
//!
//! One worker per instance: the day's ticket row is held from the ticket to the COMMIT, so
//! batches of one day commit one after another whatever the number of workers, and a second
//! worker only splits the waiting submissions into smaller batches (measured: more CPU per
//! report in PostgreSQL and fewer reports a second).
//!
//! A batch whose statement fails is filed again one submission at a time, each in its own
//! transaction, so a submission the database refuses fails alone and the others are still
//! filed. A batch whose transaction cannot begin (the database is out of reach) or whose
//! COMMIT fails is not: every caller is told it failed, at once, as a lone submission's
//! would be (after a failed COMMIT the batch may have been written, and a second try could
//! file it twice; a client retrying with an `Idempotency-Key` is safe either way).
//! Submissions naming a channel message that another one in the same batch names too wait
//! for the next round, where they find the first one's report as any redelivery does.

mod batch;
mod tables;

use batch::Failure;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use aduan_domain::TicketPrefix;
use aduan_domain::report::{NewReport, Report};

use crate::monitoring::{WriteQueue, WriterCounters};
use crate::{StoreError, StoreResult};

/// Most submissions filed in one transaction: bounds a batch's latency and its statements'
/// size when the queue is long.
const MAX_BATCH: usize = 256;
/// Submissions waiting beyond this make callers wait to enqueue (backpressure).
const QUEUE_DEPTH: usize = 4096;

/// One report to file, and where its answer goes.
struct Submission {
    new: NewReport,
    prefix: TicketPrefix,
    local_date: NaiveDate,
    now: DateTime<Utc>,
    answer: oneshot::Sender<StoreResult<Report>>,
}

/// The queue of submissions and its worker; the worker stops with the last clone.
#[derive(Clone)]
pub(super) struct Intake {
    queue: mpsc::Sender<Submission>,
    /// Submissions per committed transaction, for monitoring.
    counters: Arc<WriterCounters>,
    _worker: Arc<Worker>,
}

/// A task that runs until dropped.
struct Worker(tokio::task::JoinHandle<()>);

impl Drop for Worker {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Intake {
    /// Start the worker over `pool`.
    pub(super) fn start(pool: PgPool) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE_DEPTH);
        let counters = Arc::new(WriterCounters::default());
        let worker = tokio::spawn(work(pool, waiting, Arc::clone(&counters)));
        Self {
            queue,
            counters,
            _worker: Arc::new(Worker(worker)),
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

/// Take every submission waiting, up to [`MAX_BATCH`] (photos are only references to the
/// photo store, a few dozen bytes each), file them, repeat.
async fn work(pool: PgPool, mut queue: mpsc::Receiver<Submission>, counters: Arc<WriterCounters>) {
    while let Some(first) = queue.recv().await {
        let taken = cut_batch(first, || queue.try_recv().ok());
        file(&pool, taken, &counters).await;
    }
}

/// `first` and what `more` has waiting, up to [`MAX_BATCH`] items.
fn cut_batch<T>(first: T, more: impl FnMut() -> Option<T>) -> Vec<T> {
    std::iter::once(first)
        .chain(std::iter::from_fn(more))
        .take(MAX_BATCH)
        .collect()
}

/// File `taken` together; if that fails, each alone. Every submission is answered.
async fn file(pool: &PgPool, taken: Vec<Submission>, counters: &WriterCounters) {
    let (together, later) = batch::split_repeated_messages(taken);
    let alone = match batch::file_together(pool, together).await {
        Err((submissions, Failure::Refused(error))) if submissions.len() > 1 => {
            tracing::debug!(%error, count = submissions.len(),
                "a batch of reports failed; filing each alone");
            submissions
        }
        outcome => {
            answer(outcome, counters);
            Vec::new()
        }
    };
    let mut rest = alone.into_iter().chain(later);
    while let Some(submission) = rest.next() {
        match batch::file_together(pool, vec![submission]).await {
            Err((submissions, Failure::Final(error))) => {
                // Out of reach: the others would wait for a connection only to fail too.
                let failed = submissions.into_iter().chain(rest).collect();
                answer(Err((failed, Failure::Final(error))), counters);
                return;
            }
            outcome => answer(outcome, counters),
        }
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
        Err((submissions, failure)) => {
            for submission in submissions {
                let _ = submission.answer.send(Err(failure.error().clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_BATCH, cut_batch};

    /// The first item and `count` waiting after it.
    fn cut(count: usize) -> (Vec<usize>, Vec<usize>) {
        let mut waiting = (1..=count).collect::<Vec<_>>().into_iter();
        let taken = cut_batch(0, || waiting.next());
        (taken, waiting.collect())
    }

    #[test]
    fn a_batch_takes_what_waits_up_to_its_count() {
        assert_eq!(cut(0), (vec![0], vec![]));
        assert_eq!(cut(9).0.len(), 10);
        let (taken, left) = cut(1000);
        assert_eq!(taken.len(), MAX_BATCH);
        // What is left stays in the queue, untouched.
        assert_eq!(left.first(), Some(&MAX_BATCH));
        assert_eq!(left.len(), 1001 - MAX_BATCH);
    }
}
