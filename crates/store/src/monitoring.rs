//! What monitoring reads from a store: whether its schema is current, the outbox's backlog,
//! the open reports (for the SLA clocks) and the queue of writes committed in groups (the
//! SQLite store's single writer, the PostgreSQL store's intake of new reports).
//!
//! None of these scans every report: the backlog counts walk the `outbox_state` index over
//! the pending and dead rows only, and the open reports walk the `reports_state` index over
//! the states that are not terminal. Callers refresh them on a timer, not per scrape.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::{CategoryCode, ReportState, UnitCode};

use crate::StoreResult;

/// Outbox messages not delivered yet, and those given up on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxBacklog {
    /// Waiting for a (next) attempt.
    pub pending: u64,
    /// Failed for good: an admin retries them by hand.
    pub dead: u64,
}

/// A report that is not closed, with what its SLA clock needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    pub holding_unit: UnitCode,
    pub category: CategoryCode,
    pub state: ReportState,
    pub created_at: DateTime<Utc>,
    pub coordinated_at: Option<DateTime<Utc>>,
}

/// Upper bounds of the batch-size buckets (jobs per commit).
pub const BATCH_BUCKETS: [u64; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// What a group-committing writer has done since it started, counted with atomics.
#[derive(Debug, Default)]
pub struct WriterCounters {
    /// Batches whose size fell in each bucket of [`BATCH_BUCKETS`] (not cumulative).
    buckets: [AtomicU64; BATCH_BUCKETS.len()],
    jobs: AtomicU64,
}

impl WriterCounters {
    /// Count one committed batch of `size` jobs.
    pub fn batch(&self, size: usize) {
        let size = u64::try_from(size).unwrap_or(u64::MAX);
        let slot = BATCH_BUCKETS
            .iter()
            .position(|bound| size <= *bound)
            .unwrap_or(BATCH_BUCKETS.len() - 1);
        self.buckets[slot].fetch_add(1, Ordering::Relaxed);
        self.jobs.fetch_add(size, Ordering::Relaxed);
    }

    fn snapshot(&self) -> ([u64; BATCH_BUCKETS.len()], u64) {
        let mut buckets = [0; BATCH_BUCKETS.len()];
        for (out, count) in buckets.iter_mut().zip(&self.buckets) {
            *out = count.load(Ordering::Relaxed);
        }
        (buckets, self.jobs.load(Ordering::Relaxed))
    }
}

/// A group-committing writer's queue at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteQueue {
    /// Jobs waiting for the writer now.
    pub depth: u64,
    /// Jobs that may wait before callers are held back.
    pub capacity: u64,
    /// Committed batches per bucket of [`BATCH_BUCKETS`] (not cumulative).
    pub batch_sizes: [u64; BATCH_BUCKETS.len()],
    /// Jobs in every committed batch.
    pub jobs: u64,
}

impl WriteQueue {
    pub(crate) fn read(depth: usize, capacity: usize, counters: &WriterCounters) -> Self {
        let (batch_sizes, jobs) = counters.snapshot();
        Self {
            depth: u64::try_from(depth).unwrap_or(u64::MAX),
            capacity: u64::try_from(capacity).unwrap_or(u64::MAX),
            batch_sizes,
            jobs,
        }
    }
}

/// The codes of the states a report may still move from.
pub(crate) fn open_state_codes() -> Vec<&'static str> {
    ReportState::ALL
        .iter()
        .filter(|s| !s.is_terminal())
        .map(|s| s.code())
        .collect()
}

/// What readiness checks and metrics read.
#[async_trait]
pub trait MonitoringStore: Send + Sync {
    /// Migrations this build knows that the database has not recorded as applied (0 when
    /// the schema is current).
    async fn pending_migration_count(&self) -> StoreResult<u32>;
    /// The outbox's pending and dead messages.
    async fn outbox_backlog(&self) -> StoreResult<OutboxBacklog>;
    /// Every report in a state that is not terminal.
    async fn open_reports(&self) -> StoreResult<Vec<OpenReport>>;
    /// The queue of writes committed in groups: every write of the SQLite store (its single
    /// writer), new reports on PostgreSQL (its intake).
    fn write_queue(&self) -> Option<WriteQueue> {
        None
    }
}

/// An open report as both stores read it: (holding unit, category, state, created at,
/// coordinated at), instants in microseconds.
pub(crate) type OpenReportRow = (String, String, String, i64, Option<i64>);

pub(crate) fn open_report(row: OpenReportRow) -> StoreResult<OpenReport> {
    let (unit, category, state, created_at, coordinated_at) = row;
    Ok(OpenReport {
        holding_unit: UnitCode::parse(&unit).map_err(|_| crate::values::corrupt("unit", &unit))?,
        category: CategoryCode::parse(&category)
            .map_err(|_| crate::values::corrupt("category", &category))?,
        state: crate::values::parse_state(&state)?,
        created_at: crate::values::instant(created_at)?,
        coordinated_at: coordinated_at.map(crate::values::instant).transpose()?,
    })
}
