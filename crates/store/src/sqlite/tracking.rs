//! Tracking codes' hashes in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use aduan_domain::{Channel, ReportId, ReportState};

use super::SqliteStore;
use super::outbox;
use super::rows::{self, corrupt, micros};
use crate::tracking::{SEALED_CODE_KEY, TrackingStore};
use crate::{StoreError, StoreResult};

/// Hand the sealed code to the report's acknowledgement while it waits unclaimed, else
/// queue an answer of its own (when the reporter can be answered at all).
fn hand_over(
    conn: &Connection,
    report: ReportId,
    sealed_code: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let path = format!("$.{SEALED_CODE_KEY}");
    let attached = conn
        .prepare_cached(
            "UPDATE outbox SET payload = json_set(payload, ?2, ?3)
             WHERE id = (SELECT id FROM outbox WHERE report_id = ?1 AND kind = 'reply'
                         ORDER BY id LIMIT 1)
               AND state = 'pending' AND attempts = 0
               AND (locked_until IS NULL OR locked_until <= ?4)",
        )
        .and_then(|mut s| s.execute(params![report.0, path, sealed_code, micros(now)]))
        .map_err(StoreError::other)?;
    if attached > 0 || !outbox::has_reply_route(conn, report)? {
        return Ok(());
    }
    let (channel, state): (String, String) = conn
        .prepare_cached("SELECT channel, state FROM reports WHERE id = ?1")
        .and_then(|mut s| s.query_row([report.0], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(StoreError::other)?;
    let channel = Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?;
    let state = ReportState::parse(&state).ok_or_else(|| corrupt("state", &state))?;
    outbox::enqueue_code(conn, report, channel, state, sealed_code, now)
}

#[async_trait]
impl TrackingStore for SqliteStore {
    async fn set_tracking_code(&self, report: ReportId, code_hash: [u8; 32]) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                rows::require_report(conn, report)?;
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

    async fn issue_tracking_code(
        &self,
        report: ReportId,
        code_hash: [u8; 32],
        sealed_code: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.writer
            .write(move |conn| {
                rows::require_report(conn, report)?;
                let issued = conn
                    .prepare_cached(
                        "INSERT INTO tracking_codes (report_id, code_hash) VALUES (?1, ?2)
                         ON CONFLICT (report_id) DO NOTHING",
                    )
                    .and_then(|mut s| s.execute(params![report.0, code_hash.to_vec()]))
                    .map_err(StoreError::other)?;
                if issued == 0 {
                    return Ok(false);
                }
                if let Some(sealed) = &sealed_code {
                    hand_over(conn, report, sealed, now)?;
                }
                Ok(true)
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
