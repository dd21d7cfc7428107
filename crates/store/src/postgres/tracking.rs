//! Tracking codes' hashes in PostgreSQL.

use async_trait::async_trait;

use aduan_domain::ReportId;

use super::{PgStore, db_error};
use crate::tracking::TrackingStore;
use crate::{StoreError, StoreResult};

#[async_trait]
impl TrackingStore for PgStore {
    async fn set_tracking_code(&self, report: ReportId, code_hash: [u8; 32]) -> StoreResult<()> {
        let stored = sqlx::query(
            "INSERT INTO tracking_codes (report_id, code_hash)
             SELECT id, $2 FROM reports WHERE id = $1
             ON CONFLICT (report_id) DO UPDATE SET code_hash = excluded.code_hash",
        )
        .bind(report.0)
        .bind(code_hash.to_vec())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if stored.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn tracking_code(&self, report: ReportId) -> StoreResult<Option<[u8; 32]>> {
        let found: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT code_hash FROM tracking_codes WHERE report_id = $1")
                .bind(report.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        found
            .map(|hash| {
                <[u8; 32]>::try_from(hash.as_slice())
                    .map_err(|_| StoreError::other("a tracking code hash is not 32 bytes"))
            })
            .transpose()
    }
}
