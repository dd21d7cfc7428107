//! Tracking codes' hashes in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use aduan_domain::{Channel, ReportId, ReportState};

use super::outbox;
use super::rows::{corrupt, micros};
use super::{PgStore, db_error};
use crate::tracking::{SEALED_CODE_KEY, TrackingStore};
use crate::{StoreError, StoreResult};

/// Hand the sealed code to the report's acknowledgement while it waits unclaimed (a
/// worker's claim holds the row's lock, and the condition is checked again after it),
/// else queue an answer of its own (when the reporter can be answered at all).
async fn hand_over(
    conn: &mut PgConnection,
    report: ReportId,
    sealed_code: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let attached = sqlx::query(
        "UPDATE outbox SET payload = jsonb_set(payload::jsonb, ARRAY[$2::text], to_jsonb($3::text))::text
         WHERE id = (SELECT id FROM outbox WHERE report_id = $1 AND kind = 'reply'
                     ORDER BY id LIMIT 1)
           AND state = 'pending' AND attempts = 0
           AND (locked_until IS NULL OR locked_until <= $4)",
    )
    .bind(report.0)
    .bind(SEALED_CODE_KEY)
    .bind(sealed_code)
    .bind(micros(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?
    .rows_affected();
    if attached > 0 || !outbox::has_reply_route(conn, report).await? {
        return Ok(());
    }
    let (channel, state): (String, String) =
        sqlx::query_as("SELECT channel, state FROM reports WHERE id = $1")
            .bind(report.0)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    let channel = Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?;
    let state = ReportState::parse(&state).ok_or_else(|| corrupt("state", &state))?;
    outbox::enqueue_code(conn, report, channel, state, sealed_code, now).await
}

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

    async fn issue_tracking_code(
        &self,
        report: ReportId,
        code_hash: [u8; 32],
        sealed_code: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM reports WHERE id = $1")
            .bind(report.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let issued = sqlx::query(
            "INSERT INTO tracking_codes (report_id, code_hash) VALUES ($1, $2)
             ON CONFLICT (report_id) DO NOTHING",
        )
        .bind(report.0)
        .bind(code_hash.to_vec())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if issued == 0 {
            return Ok(false);
        }
        if let Some(sealed) = &sealed_code {
            hand_over(&mut tx, report, sealed, now).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
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
