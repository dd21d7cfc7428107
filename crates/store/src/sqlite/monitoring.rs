//! What monitoring reads from SQLite (see [`crate::monitoring`]).

use async_trait::async_trait;

use super::SqliteStore;
use crate::monitoring::{
    MonitoringStore, OpenReport, OpenReportRow, OutboxBacklog, WriteQueue, open_report,
    open_state_codes,
};
use crate::{StoreError, StoreResult};

#[async_trait]
impl MonitoringStore for SqliteStore {
    async fn pending_migration_count(&self) -> StoreResult<u32> {
        self.readers
            .read(|conn| {
                let applied: i64 = conn
                    .query_row(
                        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                        [],
                        |r| r.get(0),
                    )
                    .map_err(StoreError::other)?;
                Ok(super::migrate::pending_after(applied))
            })
            .await
    }

    async fn outbox_backlog(&self) -> StoreResult<OutboxBacklog> {
        self.readers
            .read(|conn| {
                let count = |state: &str| -> StoreResult<u64> {
                    conn.prepare_cached("SELECT COUNT(*) FROM outbox WHERE state = ?1")
                        .and_then(|mut s| s.query_row([state], |r| r.get::<_, i64>(0)))
                        .map(|n| u64::try_from(n).unwrap_or(0))
                        .map_err(StoreError::other)
                };
                Ok(OutboxBacklog {
                    pending: count("pending")?,
                    dead: count("dead")?,
                })
            })
            .await
    }

    async fn open_reports(&self) -> StoreResult<Vec<OpenReport>> {
        self.readers
            .read(|conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT holding_unit, category, state, created_at, coordinated_at
                         FROM reports WHERE state IN (SELECT value FROM json_each(?1))",
                    )
                    .map_err(StoreError::other)?;
                let states =
                    serde_json::to_string(&open_state_codes()).map_err(StoreError::other)?;
                let rows = stmt
                    .query_map([states], |r| {
                        Ok::<OpenReportRow, _>((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                        ))
                    })
                    .map_err(StoreError::other)?;
                rows.map(|row| open_report(row.map_err(StoreError::other)?))
                    .collect()
            })
            .await
    }

    fn write_queue(&self) -> Option<WriteQueue> {
        Some(self.writer.queue())
    }
}
