//! The outbox in PostgreSQL: answers to reporters and photos to fetch, written in the
//! transaction of the change that causes them and claimed by the workers of every instance
//! with a lease. A claim takes due rows with `FOR UPDATE SKIP LOCKED`, so each message goes
//! to one claimer; finishing and attaching lock the message's row and act only while it is
//! pending, so a result raced by two workers counts once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use aduan_domain::report::{NewPhoto, PhotoKind};
use aduan_domain::{ActionKind, Channel, ReportId, ReportState, Ticket};

use super::reports::insert_photos;
use super::rows::{corrupt, get, instant, micros, opt_instant};
use super::{PgStore, db_error};
use crate::tracking::SEALED_CODE_KEY;
use crate::values::{code_payload, reply_payload};
use crate::{
    OutboxEntry, OutboxItem, OutboxKind, OutboxOutcome, OutboxState, OutboxStore, StoreError,
    StoreResult,
};

async fn enqueue(
    conn: &mut PgConnection,
    report: ReportId,
    kind: OutboxKind,
    channel: Channel,
    payload: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (report_id, kind, channel, payload, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(report.0)
    .bind(kind.code())
    .bind(channel.code())
    .bind(payload)
    .bind(micros(now))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Queue an answer telling the reporter of `action`, which left the report in `state`.
pub(super) async fn enqueue_reply(
    conn: &mut PgConnection,
    report: ReportId,
    channel: Channel,
    action: ActionKind,
    state: ReportState,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let payload = reply_payload(action, state, note);
    enqueue(conn, report, OutboxKind::Reply, channel, &payload, now).await
}

/// Queue an answer of its own carrying the report's tracking code (sealed).
pub(super) async fn enqueue_code(
    conn: &mut PgConnection,
    report: ReportId,
    channel: Channel,
    state: ReportState,
    sealed_code: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let payload = code_payload(state, sealed_code);
    enqueue(conn, report, OutboxKind::Reply, channel, &payload, now).await
}

/// Whether the report's reporter can be answered on a channel.
pub(super) async fn has_reply_route(
    conn: &mut PgConnection,
    report: ReportId,
) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT report_id FROM report_reporters WHERE report_id = $1 AND sealed_reply IS NOT NULL",
    )
    .bind(report.0)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    Ok(found.is_some())
}

fn channel(raw: &str) -> StoreResult<Channel> {
    Channel::parse(raw).ok_or_else(|| corrupt("channel", raw))
}

fn kind(raw: &str) -> StoreResult<OutboxKind> {
    OutboxKind::parse(raw).ok_or_else(|| corrupt("outbox kind", raw))
}

fn ticket(raw: &str) -> StoreResult<Ticket> {
    Ticket::parse(raw).map_err(|_| corrupt("ticket", raw))
}

fn attempts(row: &PgRow, index: usize) -> StoreResult<u32> {
    let raw: i64 = get(row, index)?;
    u32::try_from(raw).map_err(|_| corrupt("attempts", &raw.to_string()))
}

/// A row of the claim's query.
fn item(row: &PgRow) -> StoreResult<OutboxItem> {
    Ok(OutboxItem {
        id: get(row, 0)?,
        report: ReportId(get(row, 1)?),
        ticket: ticket(&get::<String>(row, 2)?)?,
        kind: kind(&get::<String>(row, 3)?)?,
        channel: channel(&get::<String>(row, 4)?)?,
        payload: get(row, 5)?,
        attempts: attempts(row, 6)?,
        sealed_reply: get(row, 7)?,
        reporter_key: get(row, 8)?,
    })
}

/// A row of the admins' listing.
fn entry(row: &PgRow) -> StoreResult<OutboxEntry> {
    let raw_state: String = get(row, 4)?;
    Ok(OutboxEntry {
        id: get(row, 0)?,
        ticket: ticket(&get::<String>(row, 1)?)?,
        kind: kind(&get::<String>(row, 2)?)?,
        channel: channel(&get::<String>(row, 3)?)?,
        state: OutboxState::parse(&raw_state).ok_or_else(|| corrupt("outbox state", &raw_state))?,
        attempts: attempts(row, 5)?,
        created_at: instant(get(row, 6)?)?,
        next_attempt_at: instant(get(row, 7)?)?,
        last_error: get(row, 8)?,
        done_at: opt_instant(get(row, 9)?)?,
    })
}

/// Record the outcome of an attempt on a pending message. The update waits for any other
/// transaction holding the row and then sees its result: a message finished meanwhile is a
/// conflict, never finished twice.
async fn finish(
    conn: &mut PgConnection,
    id: i64,
    outcome: &OutboxOutcome,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let settled = outcome.settlement(at);
    let (state, error) = (settled.state, settled.error);
    let next = settled.next_attempt_at.map(micros);
    let done = settled.done_at.map(micros);
    let changed = sqlx::query(
        // A tracking code sealed for the answer is dropped once it is settled.
        "UPDATE outbox SET state = $1, attempts = attempts + 1,
             next_attempt_at = COALESCE($2, next_attempt_at),
             last_error = COALESCE($3, last_error), done_at = $4, locked_until = NULL,
             payload = CASE WHEN $1 <> 'pending' AND strpos(payload, $6) > 0
                 THEN (payload::jsonb - $7::text)::text ELSE payload END
         WHERE id = $5 AND state = 'pending'",
    )
    .bind(state.code())
    .bind(next)
    .bind(error)
    .bind(done)
    .bind(id)
    .bind(format!("\"{SEALED_CODE_KEY}\""))
    .bind(SEALED_CODE_KEY)
    .execute(conn)
    .await
    .map_err(db_error)?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "outbox message {id} is not pending"
        )));
    }
    Ok(())
}

/// Attach the photo a pending fetch brought and mark the fetch delivered, under the
/// message's row lock: a second worker with the same result waits, then finds it done and
/// attaches nothing.
async fn attach(
    conn: &mut PgConnection,
    id: i64,
    photo: &NewPhoto,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let pending = sqlx::query(
        "SELECT report_id, kind FROM outbox WHERE id = $1 AND state = 'pending' FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    let Some(pending) = pending else {
        return Ok(());
    };
    let report = ReportId(get(&pending, 0)?);
    if kind(&get::<String>(&pending, 1)?)? != OutboxKind::FetchMedia {
        return Err(StoreError::Conflict(format!(
            "outbox message {id} does not fetch a photo"
        )));
    }
    let event: i64 = sqlx::query_scalar(
        "SELECT id FROM report_events WHERE report_id = $1 AND action = 'submit'
         ORDER BY id LIMIT 1",
    )
    .bind(report.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    // A fetched photo is shown with the report's submission.
    insert_photos(
        conn,
        report,
        event,
        PhotoKind::Report,
        std::slice::from_ref(photo),
        at,
    )
    .await?;
    finish(conn, id, &OutboxOutcome::Delivered, at).await
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        // The due rows are picked once (a materialized CTE is never re-run) and locked,
        // skipping those another claimer holds; a row another claimer leased meanwhile is
        // re-checked against the lease condition after its lock is released, and dropped.
        sqlx::query(
            "WITH due AS MATERIALIZED (
                 SELECT id FROM outbox
                 WHERE state = 'pending' AND next_attempt_at <= $1
                   AND (locked_until IS NULL OR locked_until <= $1)
                 ORDER BY next_attempt_at, id
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED
             ), claimed AS (
                 UPDATE outbox o SET locked_until = $2
                 FROM due WHERE o.id = due.id
                 RETURNING o.id, o.report_id, o.kind, o.channel, o.payload, o.attempts,
                     o.next_attempt_at
             )
             SELECT c.id, c.report_id, r.ticket, c.kind, c.channel, c.payload, c.attempts,
                 rr.sealed_reply, rr.reporter_key
             FROM claimed c
             JOIN reports r ON r.id = c.report_id
             LEFT JOIN report_reporters rr ON rr.report_id = c.report_id
             ORDER BY c.next_attempt_at, c.id",
        )
        .bind(micros(now))
        .bind(micros(now + lease))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(item)
        .collect()
    }

    async fn finish_outbox(
        &self,
        id: i64,
        outcome: OutboxOutcome,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        finish(&mut conn, id, &outcome, at).await
    }

    async fn attach_fetched_photo(
        &self,
        id: i64,
        photo: NewPhoto,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        attach(&mut tx, id, &photo, at).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn outbox(
        &self,
        state: Option<OutboxState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        sqlx::query(
            "SELECT o.id, r.ticket, o.kind, o.channel, o.state, o.attempts,
                 o.created_at, o.next_attempt_at, o.last_error, o.done_at
             FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE ($1::text IS NULL OR o.state = $1) AND ($2::bigint IS NULL OR o.id < $2)
             ORDER BY o.id DESC LIMIT $3",
        )
        .bind(state.map(OutboxState::code))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(entry)
        .collect()
    }

    async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        // One statement revives a dead message, so a refusal holds no row lock: a
        // transaction dropped on an error is rolled back only later, and a claimer meanwhile
        // would skip the row it locked (`SKIP LOCKED`).
        let revived = sqlx::query(
            "UPDATE outbox SET state = 'pending', attempts = 0,
                 next_attempt_at = $1, locked_until = NULL, done_at = NULL
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(micros(now))
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?
        .rows_affected();
        if revived == 1 {
            return Ok(());
        }
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        match state {
            None => Err(StoreError::NotFound),
            Some(other) => Err(StoreError::Conflict(format!(
                "outbox message {id} is {other}, not dead"
            ))),
        }
    }
}
