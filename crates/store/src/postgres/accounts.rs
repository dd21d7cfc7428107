//! Accounts, sessions, sealed identities and the identity access log in PostgreSQL.
//! Every change is one statement or one transaction; a reveal of a reporter's identity is
//! logged in the transaction that reads it, so no identity leaves without its log entry.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;

use aduan_domain::{ReportId, Role, UnitCode, UserId};

use super::rows::{self, USER_COLUMNS, get, instant, micros};
use super::{PgStore, db_error};
use crate::values::{AccessColumns, idle_micros};
use crate::{
    AccountStore, ActiveSession, Credentials, IdentityAccess, NewUser, SealedReporter, Session,
    StoreError, StoreResult, User,
};

/// The most rows one page of a listing returns.
const MAX_PAGE: u32 = 500;

fn page_size(limit: u32) -> i64 {
    i64::from(limit.clamp(1, MAX_PAGE))
}

/// The identity access log's entries, in [`access_row`]'s columns. LEFT JOINs: the
/// retention job acts without an actor, and a search without a report.
const ACCESS_ENTRIES: &str =
    "SELECT l.id, l.at, l.actor_id, u.username, r.ticket, l.reason, l.action, l.detail
     FROM identity_access_log l
     LEFT JOIN users u ON u.id = l.actor_id
     LEFT JOIN reports r ON r.id = l.report_id";

fn access_row(row: &PgRow) -> StoreResult<IdentityAccess> {
    AccessColumns {
        id: get(row, 0)?,
        at: get(row, 1)?,
        actor: get(row, 2)?,
        actor_username: get(row, 3)?,
        ticket: get(row, 4)?,
        reason: get(row, 5)?,
        action: get(row, 6)?,
        detail: get(row, 7)?,
    }
    .into_entry()
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        let created_at = instant(micros(user.created_at))?;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, unit, display_name,
                 can_view_identity, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(user.role.code())
        .bind(user.unit.as_ref().map(|u| u.as_str()))
        .bind(&user.display_name)
        .bind(user.can_view_identity)
        .bind(micros(created_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_error(e) {
            StoreError::Conflict(_) => StoreError::Conflict("username is taken".into()),
            other => other,
        })?;
        if let Some(sealed) = &user.sealed_identity {
            sqlx::query("INSERT INTO identities (user_id, sealed) VALUES ($1, $2)")
                .bind(id)
                .bind(sealed)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(user.stored(UserId(id), created_at))
    }

    async fn user(&self, id: UserId) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        rows::user(&row)
    }

    async fn credentials(&self, username: &str) -> StoreResult<Credentials> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        Ok(Credentials {
            user: rows::user(&row)?,
            password_hash: get(&row, 9)?,
        })
    }

    async fn count_users(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at,
                 idle_micros)
             VALUES ($1, $2, $3, $4, $3, $5)",
        )
        .bind(&session.token_hash[..])
        .bind(session.user.0)
        .bind(micros(session.created_at))
        .bind(micros(session.expires_at))
        .bind(session.idle_timeout.map(idle_micros))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // Expired sessions of this user go as new ones come.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
            .bind(session.user.0)
            .bind(micros(session.created_at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn session(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<ActiveSession> {
        let columns = USER_COLUMNS
            .split(',')
            .map(|c| format!("users.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, s.last_seen_at FROM sessions s JOIN users ON users.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT users.disabled
               AND (s.idle_micros IS NULL OR s.last_seen_at + s.idle_micros > $2)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&token_hash[..])
            .bind(micros(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        Ok(ActiveSession {
            user: rows::user(&row)?,
            last_seen_at: instant(get(&row, 9)?)?,
        })
    }

    async fn touch_session(&self, token_hash: [u8; 32], at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
        )
        .bind(&token_hash[..])
        .bind(micros(at))
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn set_disabled(&self, id: UserId, disabled: bool) -> StoreResult<User> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let sql = format!("UPDATE users SET disabled = $1 WHERE id = $2 RETURNING {USER_COLUMNS}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(disabled)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        rows::user(&row)
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        must_change: bool,
        keep: Option<[u8; 32]>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
        )
        .bind(&password_hash)
        .bind(must_change)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2")
            .bind(id.0)
            .bind(keep.as_ref().map(|k| &k[..]))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&token_hash[..])
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn sealed_identity(&self, user: UserId) -> StoreResult<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT sealed FROM identities WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn reveal_reporter(
        &self,
        report: ReportId,
        by: UserId,
        reason: String,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<SealedReporter>> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM reports WHERE id = $1")
            .bind(report.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if known.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO identity_access_log (at, actor_id, report_id, reason)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(micros(at))
        .bind(by.0)
        .bind(report.0)
        .bind(&reason)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let sealed: Option<(Option<Vec<u8>>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT COALESCE(i.sealed, rr.sealed_identity),
                 CASE WHEN i.sealed IS NOT NULL THEN u.username END, rr.reporter_key
             FROM report_reporters rr
             LEFT JOIN identities i ON i.user_id = rr.user_id
             LEFT JOIN users u ON u.id = rr.user_id
             WHERE rr.report_id = $1",
        )
        .bind(report.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let sealed = sealed.and_then(|(sealed, account, reporter_key)| {
            sealed.map(|sealed| SealedReporter {
                sealed,
                account,
                reporter_key,
            })
        });
        tx.commit().await.map_err(db_error)?;
        Ok(sealed)
    }

    async fn identity_access_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>> {
        // Constant text only: the values are bound.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCESS_ENTRIES} WHERE l.id < $1 ORDER BY l.id DESC LIMIT $2"
        )))
        .bind(before.unwrap_or(i64::MAX))
        .bind(page_size(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(access_row)
        .collect()
    }

    async fn identity_access_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>> {
        // Constant text only: the values are bound.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCESS_ENTRIES} WHERE l.id > $1 AND l.at >= $2 AND l.at < $3 ORDER BY l.id LIMIT $4"
        )))
        .bind(after.unwrap_or(0))
        .bind(micros(from))
        .bind(micros(to))
        .bind(page_size(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(access_row)
        .collect()
    }

    async fn list_users(
        &self,
        roles: Vec<Role>,
        after: Option<UserId>,
        limit: u32,
    ) -> StoreResult<Vec<User>> {
        // The role codes as one array parameter: one statement whatever their number.
        let codes: Vec<String> = roles.iter().map(|r| r.code().to_owned()).collect();
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id > $1
               AND (cardinality($2::text[]) = 0 OR role = ANY($2::text[]))
             ORDER BY id LIMIT $3"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.map_or(0, |id| id.0))
            .bind(codes)
            .bind(page_size(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(rows::user)
            .collect()
    }

    async fn update_user(
        &self,
        id: UserId,
        role: Role,
        unit: Option<UnitCode>,
    ) -> StoreResult<User> {
        let sql =
            format!("UPDATE users SET role = $1, unit = $2 WHERE id = $3 RETURNING {USER_COLUMNS}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(role.code())
            .bind(unit.as_ref().map(|u| u.as_str()))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        rows::user(&row)
    }
}
