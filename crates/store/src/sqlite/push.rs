//! Web Push subscriptions in SQLite, and the push queued with a step of a report whose
//! reporter's account has one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use aduan_domain::{ActionKind, Channel, ReportId, ReportState, UserId};

use super::SqliteStore;
use super::rows::micros;
use crate::push::{MAX_SUBSCRIPTIONS, PushStore, PushSubscriptionRow};
use crate::values::push_payload;
use crate::{StoreError, StoreResult};

/// Queue a push telling of `action` (which left the report in `state`) to each citizen
/// account with at least one subscription that filed the report or supports it; nothing
/// for the others.
pub(super) fn enqueue_push(
    conn: &Connection,
    report: ReportId,
    channel: Channel,
    action: ActionKind,
    state: ReportState,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let reporter: Option<i64> = conn
        .prepare_cached(
            "SELECT rr.user_id FROM report_reporters rr
             WHERE rr.report_id = ?1 AND rr.user_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = rr.user_id)",
        )
        .and_then(|mut s| s.query_row([report.0], |r| r.get(0)).optional())
        .map_err(StoreError::other)?;
    let supporters: Vec<i64> = conn
        .prepare_cached(
            "SELECT s.user_id FROM report_supporters s
             WHERE s.report_id = ?1
               AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = s.user_id)
             ORDER BY s.user_id",
        )
        .and_then(|mut s| {
            s.query_map([report.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(StoreError::other)?;
    let told = reporter
        .map(|account| (account, false))
        .into_iter()
        .chain(supporters.into_iter().map(|account| (account, true)));
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO outbox (report_id, kind, channel, payload, created_at, next_attempt_at)
             VALUES (?1, 'push', ?2, ?3, ?4, ?4)",
        )
        .map_err(StoreError::other)?;
    for (account, supporter) in told {
        let payload = push_payload(action, state, UserId(account), supporter);
        insert
            .execute(params![report.0, channel.code(), payload, micros(now)])
            .map_err(StoreError::other)?;
    }
    Ok(())
}

#[async_trait]
impl PushStore for SqliteStore {
    async fn add_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
        sealed: Vec<u8>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                let citizen: Option<i64> = conn
                    .prepare_cached(
                        "SELECT id FROM users WHERE id = ?1 AND role = 'citizen' AND disabled = 0",
                    )
                    .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
                    .map_err(StoreError::other)?;
                if citizen.is_none() {
                    return Err(StoreError::NotFound);
                }
                for (sql, values) in [
                    (
                        "DELETE FROM push_subscriptions WHERE endpoint_key = ?1",
                        params![endpoint_key],
                    ),
                    (
                        "INSERT INTO push_subscriptions (user_id, endpoint_key, sealed, created_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![user.0, endpoint_key, sealed, micros(at)],
                    ),
                    // The newest few stay; ids grow with time.
                    (
                        "DELETE FROM push_subscriptions WHERE user_id = ?1 AND id NOT IN
                             (SELECT id FROM push_subscriptions WHERE user_id = ?1
                              ORDER BY id DESC LIMIT ?2)",
                        params![user.0, MAX_SUBSCRIPTIONS],
                    ),
                ] {
                    conn.prepare_cached(sql)
                        .and_then(|mut s| s.execute(values))
                        .map_err(StoreError::other)?;
                }
                Ok(())
            })
            .await
    }

    async fn push_subscriptions(&self, user: UserId) -> StoreResult<Vec<PushSubscriptionRow>> {
        self.readers
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT id, sealed FROM push_subscriptions WHERE user_id = ?1 ORDER BY id",
                )
                .and_then(|mut s| {
                    s.query_map([user.0], |r| {
                        Ok(PushSubscriptionRow {
                            id: r.get(0)?,
                            sealed: r.get(1)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()
                })
                .map_err(StoreError::other)
            })
            .await
    }

    async fn remove_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
    ) -> StoreResult<bool> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached(
                    "DELETE FROM push_subscriptions WHERE user_id = ?1 AND endpoint_key = ?2",
                )
                .and_then(|mut s| s.execute(params![user.0, endpoint_key]))
                .map(|removed| removed > 0)
                .map_err(StoreError::other)
            })
            .await
    }

    async fn remove_push_subscriptions_of(&self, user: UserId) -> StoreResult<u64> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached("DELETE FROM push_subscriptions WHERE user_id = ?1")
                    .and_then(|mut s| s.execute([user.0]))
                    .map(|removed| removed as u64)
                    .map_err(StoreError::other)
            })
            .await
    }

    async fn drop_push_subscription(&self, id: i64) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached("DELETE FROM push_subscriptions WHERE id = ?1")
                    .and_then(|mut s| s.execute([id]))
                    .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }
}
