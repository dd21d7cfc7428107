//! The statistics' counts in PostgreSQL, kept inside every transaction that changes a
//! report. (Being ported: helper C.)

use sqlx::PgConnection;

use crate::StoreResult;

/// What one report adds to the statistics, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Contribution;

/// A stored report's contribution; `None` when there is no such report.
pub(super) async fn read(
    _conn: &mut PgConnection,
    _report: i64,
) -> StoreResult<Option<Contribution>> {
    todo!()
}

/// Count newly stored reports.
pub(super) async fn count_new(_conn: &mut PgConnection, _reports: &[i64]) -> StoreResult<()> {
    todo!()
}

/// Replace what a report contributed `before` a change by what it contributes `after` it.
pub(super) async fn shift(
    _conn: &mut PgConnection,
    _before: Option<&Contribution>,
    _after: Option<&Contribution>,
) -> StoreResult<()> {
    todo!()
}
