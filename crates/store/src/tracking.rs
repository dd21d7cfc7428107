//! The secret tracking code of a report filed without an account: only its hash is kept
//! (`aduan_domain::tracking`), one per report; issuing a new code replaces the old one.
//! The reporter hears the code once: on a receipt, or sealed in the acknowledgement the
//! outbox sends them, from which it is dropped once delivered or dead.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::ReportId;

use crate::StoreResult;

/// The outbox payload's key for a tracking code sealed for the reporter's answer.
pub const SEALED_CODE_KEY: &str = "sealed_code";

#[async_trait]
pub trait TrackingStore: Send + Sync {
    /// Keep `code_hash` as the report's tracking code, replacing any earlier one.
    /// `NotFound` when no report has the id.
    async fn set_tracking_code(&self, report: ReportId, code_hash: [u8; 32]) -> StoreResult<()>;
    /// The hash of the report's tracking code; `None` when it has none.
    async fn tracking_code(&self, report: ReportId) -> StoreResult<Option<[u8; 32]>>;
    /// Keep `code_hash` as the report's tracking code unless it has one already (then
    /// nothing changes and the answer is `false`: a form or message sent twice issues no
    /// second code). `sealed_code`, the code sealed for the reporter (opaque text), goes
    /// with their acknowledgement in the outbox, in the same transaction: into its payload
    /// under [`SEALED_CODE_KEY`] while it waits unclaimed, else (a worker took it already)
    /// in an answer of its own; nowhere when the reporter left no way to answer.
    /// `NotFound` when no report has the id.
    async fn issue_tracking_code(
        &self,
        report: ReportId,
        code_hash: [u8; 32],
        sealed_code: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
