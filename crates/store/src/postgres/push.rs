//! Web Push subscriptions in PostgreSQL, and the push queued with a step of a report whose
//! reporter's account has one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};

use aduan_domain::{ActionKind, Channel, ReportId, ReportState, UserId};

use super::rows::micros;
use super::{PgStore, db_error};
use crate::push::{MAX_SUBSCRIPTIONS, PushStore, PushSubscriptionRow};
use crate::values::push_payload;
use crate::{StoreError, StoreResult};

/// Queue a push telling of `action` (which left the report in `state`) to each citizen
/// account with at least one subscription that filed the report or supports it; nothing
/// for the others.
pub(super) async fn enqueue_push(
    conn: &mut PgConnection,
    report: ReportId,
    channel: Channel,
    action: ActionKind,
    state: ReportState,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let reporter: Option<i64> = sqlx::query_scalar(
        "SELECT rr.user_id FROM report_reporters rr
         WHERE rr.report_id = $1 AND rr.user_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = rr.user_id)",
    )
    .bind(report.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    let supporters: Vec<i64> = sqlx::query_scalar(
        "SELECT s.user_id FROM report_supporters s
         WHERE s.report_id = $1
           AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = s.user_id)
         ORDER BY s.user_id",
    )
    .bind(report.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let told = reporter
        .map(|account| (account, false))
        .into_iter()
        .chain(supporters.into_iter().map(|account| (account, true)));
    for (account, supporter) in told {
        sqlx::query(
            "INSERT INTO outbox (report_id, kind, channel, payload, created_at, next_attempt_at)
             VALUES ($1, 'push', $2, $3, $4, $4)",
        )
        .bind(report.0)
        .bind(channel.code())
        .bind(push_payload(action, state, UserId(account), supporter))
        .bind(micros(now))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

#[async_trait]
impl PushStore for PgStore {
    async fn add_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
        sealed: Vec<u8>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // Locks the account: two subscriptions at once still keep at most the newest few.
        let citizen: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE id = $1 AND role = 'citizen' AND NOT disabled FOR UPDATE",
        )
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if citizen.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint_key = $1")
            .bind(&endpoint_key)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO push_subscriptions (user_id, endpoint_key, sealed, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(user.0)
        .bind(&endpoint_key)
        .bind(sealed)
        .bind(micros(at))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query(
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN
                 (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(user.0)
        .bind(i64::from(MAX_SUBSCRIPTIONS))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn push_subscriptions(&self, user: UserId) -> StoreResult<Vec<PushSubscriptionRow>> {
        let rows =
            sqlx::query("SELECT id, sealed FROM push_subscriptions WHERE user_id = $1 ORDER BY id")
                .bind(user.0)
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(PushSubscriptionRow {
                    id: row.try_get(0).map_err(db_error)?,
                    sealed: row.try_get(1).map_err(db_error)?,
                })
            })
            .collect()
    }

    async fn remove_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
    ) -> StoreResult<bool> {
        let removed =
            sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint_key = $2")
                .bind(user.0)
                .bind(endpoint_key)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(removed.rows_affected() > 0)
    }

    async fn remove_push_subscriptions_of(&self, user: UserId) -> StoreResult<u64> {
        let removed = sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1")
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(removed.rows_affected())
    }

    async fn drop_push_subscription(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
