//! What monitoring reads from PostgreSQL (see [`crate::monitoring`]).

use async_trait::async_trait;
use sqlx::Row;

use super::{MIGRATOR, PgStore, db_error};
use crate::StoreResult;
use crate::monitoring::{
    MonitoringStore, OpenReport, OpenReportRow, OutboxBacklog, WriteQueue, open_report,
    open_state_codes,
};

#[async_trait]
impl MonitoringStore for PgStore {
    async fn pending_migration_count(&self) -> StoreResult<u32> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        let pending = MIGRATOR
            .iter()
            .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
            .count();
        Ok(u32::try_from(pending).unwrap_or(u32::MAX))
    }

    async fn outbox_backlog(&self) -> StoreResult<OutboxBacklog> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending'),
                    (SELECT COUNT(*) FROM outbox WHERE state = 'dead')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        let count = |i: usize| -> StoreResult<u64> {
            let n: i64 = row.try_get(i).map_err(db_error)?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok(OutboxBacklog {
            pending: count(0)?,
            dead: count(1)?,
        })
    }

    async fn open_reports(&self) -> StoreResult<Vec<OpenReport>> {
        let states: Vec<String> = open_state_codes().into_iter().map(str::to_owned).collect();
        let rows: Vec<OpenReportRow> = sqlx::query_as(
            "SELECT holding_unit, category, state, created_at, coordinated_at
             FROM reports WHERE state = ANY($1)",
        )
        .bind(states)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter().map(open_report).collect()
    }

    fn write_queue(&self) -> Option<WriteQueue> {
        Some(self.intake.queue())
    }
}
