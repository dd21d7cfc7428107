//! The triage queue and the classifier's counts in PostgreSQL. (Being ported: helper B.)

use async_trait::async_trait;
use sqlx::PgConnection;

use aduan_domain::report::{Report, TriageMark};
use aduan_domain::{CategoryCode, ReportId};

use super::PgStore;
use crate::{StoreResult, TriageDecision, TriageRecord, TriageStore};

/// Put a newly filed report in the triage queue with what triage suggested.
pub(super) async fn insert(
    _conn: &mut PgConnection,
    _report: ReportId,
    _mark: &TriageMark,
) -> StoreResult<()> {
    todo!()
}

#[async_trait]
impl TriageStore for PgStore {
    async fn triage(&self, _report: ReportId) -> StoreResult<Option<TriageRecord>> {
        todo!()
    }
    async fn confirm_triage(
        &self,
        _report: ReportId,
        _expected_version: i64,
        _decision: TriageDecision,
    ) -> StoreResult<Report> {
        todo!()
    }
    async fn triage_model(&self) -> StoreResult<Vec<(CategoryCode, String, u64)>> {
        todo!()
    }
}
