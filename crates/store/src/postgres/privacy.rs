//! Personal-data duties in PostgreSQL: erasing reporters' identities and citizens'
//! accounts, finding a data subject's reports by their reporter keys; each act logged in
//! its own transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use aduan_domain::{ReportId, UserId};

use super::rows::{self, get, micros};
use super::{PgStore, db_error};
use crate::privacy::{AuditAction, AuditNote, MAX_SUBJECT_REPORTS, PrivacyStore, ReporterMatch};
use crate::{SealedReporter, StoreError, StoreResult};

async fn log(
    tx: &mut Transaction<'_, Postgres>,
    note: &AuditNote,
    report: Option<ReportId>,
    detail: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO identity_access_log (at, actor_id, report_id, reason, action, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(micros(note.at))
    .bind(note.actor.map(|a| a.0))
    .bind(report.map(|r| r.0))
    .bind(&note.reason)
    .bind(note.action.code())
    .bind(detail)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[async_trait]
impl PrivacyStore for PgStore {
    async fn expired_reporters(
        &self,
        closed_before: DateTime<Utc>,
        after: Option<ReportId>,
        limit: u32,
    ) -> StoreResult<Vec<ReportId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT r.id FROM reports r JOIN report_reporters rr ON rr.report_id = r.id
             WHERE r.state IN ('completed', 'rejected', 'duplicate', 'referred')
               AND r.updated_at < $1 AND r.id > $2
               AND (rr.sealed_identity IS NOT NULL OR rr.sealed_reply IS NOT NULL)
             ORDER BY r.id LIMIT $3",
        )
        .bind(micros(closed_before))
        .bind(after.map_or(0, |a| a.0))
        .bind(i64::from(limit.clamp(1, 10_000)))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(ids.into_iter().map(ReportId).collect())
    }

    async fn erase_reporters(
        &self,
        reports: Vec<ReportId>,
        note: Option<AuditNote>,
    ) -> StoreResult<u64> {
        let ids: Vec<i64> = reports.iter().map(|r| r.0).collect();
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let erased = sqlx::query(
            "UPDATE report_reporters SET sealed_identity = NULL, sealed_reply = NULL
             WHERE report_id = ANY($1)
               AND (sealed_identity IS NOT NULL OR sealed_reply IS NOT NULL)",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        sqlx::query(
            "DELETE FROM outbox WHERE report_id = ANY($1) AND kind IN ('reply', 'push')
             AND state = 'pending'",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if let Some(note) = &note {
            for report in &reports {
                log(&mut tx, note, Some(*report), None).await?;
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(erased)
    }

    async fn find_reporters(
        &self,
        keys: Vec<String>,
        limit: u32,
        note: AuditNote,
    ) -> StoreResult<Vec<ReporterMatch>> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let sql = format!(
            "SELECT {}, rr.sealed_identity, rr.reporter_key
             FROM reports r JOIN report_reporters rr ON rr.report_id = r.id
             WHERE rr.reporter_key = ANY($1) ORDER BY r.id LIMIT $2",
            rows::REPORT_COLUMNS
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&keys)
            .bind(i64::from(limit.clamp(1, MAX_SUBJECT_REPORTS)))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?
            .iter()
            .map(|row| {
                let sealed: Option<Vec<u8>> = get(row, 24)?;
                let reporter_key: Option<String> = get(row, 25)?;
                Ok(ReporterMatch {
                    report: rows::report(row)?,
                    sealed: sealed.map(|sealed| SealedReporter {
                        sealed,
                        account: None,
                        reporter_key,
                    }),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        if found.is_empty() {
            log(&mut tx, &note, None, Some("0 reports")).await?;
        }
        for m in &found {
            log(&mut tx, &note, Some(m.report.id), None).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(found)
    }

    async fn record_audit(&self, note: AuditNote, detail: Option<String>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        log(&mut tx, &note, None, detail.as_deref()).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn erase_account(
        &self,
        user: UserId,
        tombstone: String,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM users WHERE id = $1 FOR UPDATE")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if role.as_deref() != Some("citizen") {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE users SET username = $1, password_hash = '!', display_name = NULL,
                 disabled = TRUE, must_change_password = FALSE
             WHERE id = $2",
        )
        .bind(&tombstone)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for sql in [
            "DELETE FROM identities WHERE user_id = $1",
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM push_subscriptions WHERE user_id = $1",
            // What the account supported is what it complained of: gone with it.
            "DELETE FROM report_supporters WHERE user_id = $1",
            "DELETE FROM outbox WHERE kind IN ('reply', 'push') AND state = 'pending'
                 AND report_id IN (SELECT report_id FROM report_reporters WHERE user_id = $1)",
        ] {
            sqlx::query(sql)
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        let unlinked = sqlx::query(
            "UPDATE report_reporters
             SET user_id = NULL, sealed_identity = NULL, sealed_reply = NULL
             WHERE user_id = $1",
        )
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        let note = AuditNote {
            at,
            actor: Some(user),
            action: AuditAction::AccountErase,
            reason: "the account holder erased their account".to_owned(),
        };
        log(&mut tx, &note, None, Some(&format!("{unlinked} reports"))).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(unlinked)
    }
}
