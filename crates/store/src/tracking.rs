//! The secret tracking code of a report filed without an account: only its hash is kept
//! (`aduan_domain::tracking`), one per report; issuing a new code replaces the old one.

use async_trait::async_trait;

use aduan_domain::ReportId;

use crate::StoreResult;

#[async_trait]
pub trait TrackingStore: Send + Sync {
    /// Keep `code_hash` as the report's tracking code, replacing any earlier one.
    /// `NotFound` when no report has the id.
    async fn set_tracking_code(&self, report: ReportId, code_hash: [u8; 32]) -> StoreResult<()>;
    /// The hash of the report's tracking code; `None` when it has none.
    async fn tracking_code(&self, report: ReportId) -> StoreResult<Option<[u8; 32]>>;
}
