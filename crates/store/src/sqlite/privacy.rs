//! Personal-data duties in SQLite: erasing reporters' identities and citizens' accounts,
//! finding a data subject's reports by their reporter keys; each act logged in its own
//! transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use aduan_domain::{ReportId, UserId};

use super::SqliteStore;
use super::rows::{self, micros};
use crate::privacy::{AuditAction, AuditNote, PrivacyStore, ReporterMatch};
use crate::{SealedReporter, StoreError, StoreResult};

/// The states a report ends in (`ReportState::is_terminal`), as the partial index
/// `reports_closed` lists them.
const CLOSED: &str = "('completed', 'rejected', 'duplicate', 'referred')";

fn log(
    conn: &Connection,
    note: &AuditNote,
    report: Option<ReportId>,
    detail: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO identity_access_log (at, actor_id, report_id, reason, action, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            micros(note.at),
            note.actor.map(|a| a.0),
            report.map(|r| r.0),
            note.reason,
            note.action.code(),
            detail
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

/// Drop the replies still waiting to go to a report's reporter.
fn drop_pending_replies(conn: &Connection, report: ReportId) -> StoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM outbox WHERE report_id = ?1 AND kind IN ('reply', 'push')
             AND state = 'pending'",
    )
    .and_then(|mut s| s.execute([report.0]))
    .map_err(StoreError::other)?;
    Ok(())
}

fn erase_reporter(conn: &Connection, report: ReportId) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE report_reporters SET sealed_identity = NULL, sealed_reply = NULL
             WHERE report_id = ?1 AND (sealed_identity IS NOT NULL OR sealed_reply IS NOT NULL)",
        )
        .and_then(|mut s| s.execute([report.0]))
        .map_err(StoreError::other)?;
    drop_pending_replies(conn, report)?;
    Ok(changed > 0)
}

#[async_trait]
impl PrivacyStore for SqliteStore {
    async fn expired_reporters(
        &self,
        closed_before: DateTime<Utc>,
        after: Option<ReportId>,
        limit: u32,
    ) -> StoreResult<Vec<ReportId>> {
        self.readers
            .read(move |conn| {
                let sql = format!(
                    "SELECT r.id FROM reports r JOIN report_reporters rr ON rr.report_id = r.id
                     WHERE r.state IN {CLOSED} AND r.updated_at < ?1 AND r.id > ?2
                       AND (rr.sealed_identity IS NOT NULL OR rr.sealed_reply IS NOT NULL)
                     ORDER BY r.id LIMIT ?3"
                );
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                stmt.query_map(
                    params![
                        micros(closed_before),
                        after.map_or(0, |a| a.0),
                        limit.clamp(1, 10_000)
                    ],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(StoreError::other)?
                .map(|id| id.map(ReportId).map_err(StoreError::other))
                .collect()
            })
            .await
    }

    async fn erase_reporters(
        &self,
        reports: Vec<ReportId>,
        note: Option<AuditNote>,
    ) -> StoreResult<u64> {
        self.writer
            .write(move |conn| {
                let mut erased = 0;
                for report in reports {
                    if erase_reporter(conn, report)? {
                        erased += 1;
                    }
                    if let Some(note) = &note {
                        log(conn, note, Some(report), None)?;
                    }
                }
                Ok(erased)
            })
            .await
    }

    async fn find_reporters(
        &self,
        keys: Vec<String>,
        limit: u32,
        note: AuditNote,
    ) -> StoreResult<Vec<ReporterMatch>> {
        self.writer
            .write(move |conn| {
                if keys.is_empty() {
                    log(conn, &note, None, Some("0 reports"))?;
                    return Ok(Vec::new());
                }
                let marks = vec!["?"; keys.len()].join(", ");
                let sql = format!(
                    "SELECT {}, rr.sealed_identity, rr.reporter_key
                     FROM reports r JOIN report_reporters rr ON rr.report_id = r.id
                     WHERE rr.reporter_key IN ({marks}) ORDER BY r.id LIMIT {}",
                    rows::REPORT_COLUMNS,
                    limit.clamp(1, crate::privacy::MAX_SUBJECT_REPORTS)
                );
                let mut stmt = conn.prepare(&sql).map_err(StoreError::other)?;
                let mut found = Vec::new();
                let mut cursor = stmt
                    .query(params_from_iter(keys.iter()))
                    .map_err(StoreError::other)?;
                while let Some(row) = cursor.next().map_err(StoreError::other)? {
                    let report = rows::report(row)?;
                    let sealed: Option<Vec<u8>> = row.get(24).map_err(StoreError::other)?;
                    let reporter_key: Option<String> = row.get(25).map_err(StoreError::other)?;
                    found.push(ReporterMatch {
                        report,
                        sealed: sealed.map(|sealed| SealedReporter {
                            sealed,
                            account: None,
                            reporter_key,
                        }),
                    });
                }
                if found.is_empty() {
                    log(conn, &note, None, Some("0 reports"))?;
                }
                for m in &found {
                    log(conn, &note, Some(m.report.id), None)?;
                }
                Ok(found)
            })
            .await
    }

    async fn record_audit(&self, note: AuditNote, detail: Option<String>) -> StoreResult<()> {
        self.writer
            .write(move |conn| log(conn, &note, None, detail.as_deref()))
            .await
    }

    async fn erase_account(
        &self,
        user: UserId,
        tombstone: String,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.writer
            .write(move |conn| {
                let role: Option<String> = conn
                    .prepare_cached("SELECT role FROM users WHERE id = ?1")
                    .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
                    .map_err(StoreError::other)?;
                if role.as_deref() != Some("citizen") {
                    return Err(StoreError::NotFound);
                }
                conn.prepare_cached(
                    "UPDATE users SET username = ?1, password_hash = '!', display_name = NULL,
                         disabled = 1, must_change_password = 0
                     WHERE id = ?2",
                )
                .and_then(|mut s| s.execute(params![tombstone, user.0]))
                .map_err(StoreError::other)?;
                for sql in [
                    "DELETE FROM identities WHERE user_id = ?1",
                    "DELETE FROM sessions WHERE user_id = ?1",
                    "DELETE FROM push_subscriptions WHERE user_id = ?1",
                    // What the account supported is what it complained of: gone with it.
                    "DELETE FROM report_supporters WHERE user_id = ?1",
                    "DELETE FROM outbox WHERE kind IN ('reply', 'push') AND state = 'pending'
                         AND report_id IN (SELECT report_id FROM report_reporters WHERE user_id = ?1)",
                ] {
                    conn.prepare_cached(sql)
                        .and_then(|mut s| s.execute([user.0]))
                        .map_err(StoreError::other)?;
                }
                let unlinked = conn
                    .prepare_cached(
                        "UPDATE report_reporters
                         SET user_id = NULL, sealed_identity = NULL, sealed_reply = NULL
                         WHERE user_id = ?1",
                    )
                    .and_then(|mut s| s.execute([user.0]))
                    .map_err(StoreError::other)?;
                let note = AuditNote {
                    at,
                    actor: Some(user),
                    action: AuditAction::AccountErase,
                    reason: "the account holder erased their account".to_owned(),
                };
                log(conn, &note, None, Some(&format!("{unlinked} reports")))?;
                Ok(unlinked as u64)
            })
            .await
    }
}
