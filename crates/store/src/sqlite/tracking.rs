//! Tracking codes' hashes in SQLite.

use async_trait::async_trait;
use rusqlite::OptionalExtension;

use aduan_domain::ReportId;

use super::SqliteStore;
use crate::tracking::TrackingStore;
use crate::{StoreError, StoreResult};

#[async_trait]
impl TrackingStore for SqliteStore {
    async fn set_tracking_code(&self, report: ReportId, code_hash: [u8; 32]) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                let exists: Option<i64> = conn
                    .prepare_cached("SELECT id FROM reports WHERE id = ?1")
                    .and_then(|mut s| s.query_row([report.0], |r| r.get(0)).optional())
                    .map_err(StoreError::other)?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
                conn.prepare_cached(
                    "INSERT INTO tracking_codes (report_id, code_hash) VALUES (?1, ?2)
                     ON CONFLICT (report_id) DO UPDATE SET code_hash = excluded.code_hash",
                )
                .and_then(|mut s| s.execute(rusqlite::params![report.0, code_hash.to_vec()]))
                .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    async fn tracking_code(&self, report: ReportId) -> StoreResult<Option<[u8; 32]>> {
        self.readers
            .read(move |conn| {
                let found: Option<Vec<u8>> = conn
                    .prepare_cached("SELECT code_hash FROM tracking_codes WHERE report_id = ?1")
                    .and_then(|mut s| s.query_row([report.0], |r| r.get(0)).optional())
                    .map_err(StoreError::other)?;
                found
                    .map(|hash| {
                        <[u8; 32]>::try_from(hash.as_slice())
                            .map_err(|_| StoreError::other("a tracking code hash is not 32 bytes"))
                    })
                    .transpose()
            })
            .await
    }
}
