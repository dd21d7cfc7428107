//! Accounts and sessions in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use aduan_domain::{ReportId, Role, UnitCode, UserId};

use super::SqliteStore;
use super::rows::{self, micros, query_error};
use crate::values::{AccessColumns, idle_micros};
use crate::{
    AccountStore, ActiveSession, Credentials, IdentityAccess, NewUser, SealedReporter, Session,
    StoreError, StoreResult, User,
};

pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// The user columns prefixed with `users.`, for statements that join another table.
fn qualified_user_columns() -> String {
    rows::USER_COLUMNS
        .split(',')
        .map(|c| format!("users.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.writer
            .write(move |conn| {
                let created_at = rows::instant(micros(user.created_at))?;
                let inserted = conn
                    .prepare_cached(
                        "INSERT INTO users (username, password_hash, role, unit, display_name,
                             can_view_identity, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            user.username,
                            user.password_hash,
                            user.role.code(),
                            user.unit.as_ref().map(|u| u.as_str()),
                            user.display_name,
                            user.can_view_identity,
                            micros(created_at)
                        ])
                    });
                match inserted {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict("username is taken".into()));
                    }
                    Err(e) => return Err(StoreError::other(e)),
                }
                let id = conn.last_insert_rowid();
                if let Some(sealed) = &user.sealed_identity {
                    conn.prepare_cached("INSERT INTO identities (user_id, sealed) VALUES (?1, ?2)")
                        .and_then(|mut s| s.execute(params![id, sealed]))
                        .map_err(StoreError::other)?;
                }
                Ok(user.stored(UserId(id), created_at))
            })
            .await
    }

    async fn user(&self, id: UserId) -> StoreResult<User> {
        self.readers
            .read(move |conn| {
                let sql = format!("SELECT {} FROM users WHERE id = ?1", rows::USER_COLUMNS);
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                let mut found = stmt.query([id.0]).map_err(StoreError::other)?;
                match found.next().map_err(StoreError::other)? {
                    Some(row) => rows::user(row),
                    None => Err(StoreError::NotFound),
                }
            })
            .await
    }

    async fn credentials(&self, username: &str) -> StoreResult<Credentials> {
        let username = username.to_owned();
        self.readers
            .read(move |conn| {
                let sql = format!(
                    "SELECT {}, password_hash FROM users WHERE username = ?1",
                    rows::USER_COLUMNS
                );
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                let mut found = stmt.query([username]).map_err(StoreError::other)?;
                match found.next().map_err(StoreError::other)? {
                    Some(row) => Ok(Credentials {
                        user: rows::user(row)?,
                        password_hash: row.get(9).map_err(StoreError::other)?,
                    }),
                    None => Err(StoreError::NotFound),
                }
            })
            .await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        self.readers
            .read(|conn| {
                conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
                    .map_err(query_error)
            })
            .await
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, idle_micros)
                     VALUES (?1, ?2, ?3, ?4, ?3, ?5)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        &session.token_hash[..],
                        session.user.0,
                        micros(session.created_at),
                        micros(session.expires_at),
                        session.idle_timeout.map(idle_micros)
                    ])
                })
                .map_err(StoreError::other)?;
                // Expired sessions of this user go as new ones come.
                conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1 AND expires_at < ?2")
                    .and_then(|mut s| s.execute(params![session.user.0, micros(session.created_at)]))
                    .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    async fn session(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> StoreResult<ActiveSession> {
        self.readers
            .read(move |conn| {
                let sql = format!(
                    "SELECT {}, s.last_seen_at FROM sessions s JOIN users ON users.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND NOT users.disabled
                       AND (s.idle_micros IS NULL OR s.last_seen_at + s.idle_micros > ?2)",
                    qualified_user_columns()
                );
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                let found = stmt
                    .query_row(params![&token_hash[..], micros(now)], |row| {
                        Ok(rows::user(row).and_then(|user| {
                            let seen: i64 = row.get(9).map_err(StoreError::other)?;
                            Ok(ActiveSession {
                                user,
                                last_seen_at: rows::instant(seen)?,
                            })
                        }))
                    })
                    .optional()
                    .map_err(StoreError::other)?;
                found.unwrap_or(Err(StoreError::NotFound))
            })
            .await
    }

    async fn touch_session(&self, token_hash: [u8; 32], at: DateTime<Utc>) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached(
                    "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1 AND last_seen_at < ?2",
                )
                .and_then(|mut s| s.execute(params![&token_hash[..], micros(at)]))
                .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    // The writer runs each job in its own savepoint: the statements of one job stand or
    // fall together.
    async fn set_disabled(&self, id: UserId, disabled: bool) -> StoreResult<User> {
        self.writer
            .write(move |conn| {
                let changed = conn
                    .prepare_cached("UPDATE users SET disabled = ?1 WHERE id = ?2")
                    .and_then(|mut s| s.execute(params![disabled, id.0]))
                    .map_err(StoreError::other)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                if disabled {
                    conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1")
                        .and_then(|mut s| s.execute([id.0]))
                        .map_err(StoreError::other)?;
                }
                let sql = format!("SELECT {} FROM users WHERE id = ?1", rows::USER_COLUMNS);
                conn.prepare_cached(&sql)
                    .and_then(|mut s| s.query_row([id.0], |row| Ok(rows::user(row))))
                    .map_err(query_error)?
            })
            .await
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        must_change: bool,
        keep: Option<[u8; 32]>,
    ) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                let changed = conn
                    .prepare_cached(
                        "UPDATE users SET password_hash = ?1, must_change_password = ?2 WHERE id = ?3",
                    )
                    .and_then(|mut s| s.execute(params![password_hash, must_change, id.0]))
                    .map_err(StoreError::other)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2")
                    .and_then(|mut s| s.execute(params![id.0, keep.as_ref().map(|k| &k[..])]))
                    .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                conn.execute(
                    "DELETE FROM sessions WHERE token_hash = ?1",
                    [&token_hash[..]],
                )
                .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    async fn sealed_identity(&self, user: UserId) -> StoreResult<Option<Vec<u8>>> {
        self.readers
            .read(move |conn| {
                conn.prepare_cached("SELECT sealed FROM identities WHERE user_id = ?1")
                    .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
                    .map_err(StoreError::other)
            })
            .await
    }

    async fn reveal_reporter(
        &self,
        report: ReportId,
        by: UserId,
        reason: String,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<SealedReporter>> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached(
                    "INSERT INTO identity_access_log (at, actor_id, report_id, reason) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut s| s.execute(params![micros(at), by.0, report.0, reason]))
                .map_err(query_error)?;
                conn.prepare_cached(
                    "SELECT COALESCE(i.sealed, rr.sealed_identity),
                     CASE WHEN i.sealed IS NOT NULL THEN u.username END, rr.reporter_key
                 FROM report_reporters rr
                 LEFT JOIN identities i ON i.user_id = rr.user_id
                 LEFT JOIN users u ON u.id = rr.user_id
                 WHERE rr.report_id = ?1",
                )
                .and_then(|mut s| {
                    s.query_row([report.0], |r| {
                        let (account, reporter_key) = (r.get(1)?, r.get(2)?);
                        Ok(r.get::<_, Option<Vec<u8>>>(0)?.map(|sealed| SealedReporter {
                            sealed,
                            account,
                            reporter_key,
                        }))
                    })
                    .optional()
                })
                .map(Option::flatten)
                .map_err(StoreError::other)
            })
            .await
    }

    async fn identity_access_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>> {
        self.readers
            .read(move |conn| {
                access_entries(
                    conn,
                    "WHERE l.id < ?1 ORDER BY l.id DESC LIMIT ?2",
                    params![before.unwrap_or(i64::MAX), limit.clamp(1, 500)],
                )
            })
            .await
    }

    async fn identity_access_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>> {
        self.readers
            .read(move |conn| {
                access_entries(
                    conn,
                    "WHERE l.id > ?1 AND l.at >= ?2 AND l.at < ?3 ORDER BY l.id LIMIT ?4",
                    params![
                        after.unwrap_or(0),
                        micros(from),
                        micros(to),
                        limit.clamp(1, 500)
                    ],
                )
            })
            .await
    }

    async fn list_users(
        &self,
        roles: Vec<Role>,
        after: Option<UserId>,
        limit: u32,
    ) -> StoreResult<Vec<User>> {
        self.readers
            .read(move |conn| {
                // The role codes as a JSON array: one statement whatever their number.
                let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
                let codes = serde_json::to_string(&codes).map_err(StoreError::other)?;
                let sql = format!(
                    "SELECT {} FROM users WHERE id > ?1
                       AND (?2 = '[]' OR role IN (SELECT value FROM json_each(?2)))
                     ORDER BY id LIMIT ?3",
                    rows::USER_COLUMNS
                );
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                let mut found = stmt
                    .query(params![
                        after.map_or(0, |id| id.0),
                        codes,
                        limit.clamp(1, 500)
                    ])
                    .map_err(StoreError::other)?;
                let mut users = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    users.push(rows::user(row)?);
                }
                Ok(users)
            })
            .await
    }

    async fn update_user(
        &self,
        id: UserId,
        role: Role,
        unit: Option<UnitCode>,
    ) -> StoreResult<User> {
        self.writer
            .write(move |conn| {
                let changed = conn
                    .prepare_cached("UPDATE users SET role = ?1, unit = ?2 WHERE id = ?3")
                    .and_then(|mut s| {
                        s.execute(params![
                            role.code(),
                            unit.as_ref().map(|u| u.as_str()),
                            id.0
                        ])
                    })
                    .map_err(StoreError::other)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                let sql = format!("SELECT {} FROM users WHERE id = ?1", rows::USER_COLUMNS);
                conn.prepare_cached(&sql)
                    .and_then(|mut s| s.query_row([id.0], |row| Ok(rows::user(row))))
                    .map_err(query_error)?
            })
            .await
    }
}

/// Entries of the identity access log, chosen and ordered by `tail` (a WHERE clause on `l`,
/// ORDER BY and LIMIT).
fn access_entries(
    conn: &Connection,
    tail: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<IdentityAccess>> {
    // LEFT JOINs: the retention job acts without an actor, and a search without a report.
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT l.id, l.at, l.actor_id, u.username, r.ticket, l.reason, l.action, l.detail
             FROM identity_access_log l
             LEFT JOIN users u ON u.id = l.actor_id
             LEFT JOIN reports r ON r.id = l.report_id
             {tail}"
        ))
        .map_err(StoreError::other)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok(AccessColumns {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                actor_username: r.get(3)?,
                ticket: r.get(4)?,
                reason: r.get(5)?,
                action: r.get(6)?,
                detail: r.get(7)?,
            })
        })
        .map_err(StoreError::other)?;
    rows.map(|row| row.map_err(StoreError::other)?.into_entry())
        .collect()
}
