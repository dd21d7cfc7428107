//! The outbox in SQLite: answers to reporters and photos to fetch, written in the
//! transaction of the change that causes them and claimed by workers with a lease.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use aduan_domain::report::{MediaFetch, NewPhoto, PhotoKind};
use aduan_domain::{ActionKind, Channel, ReportId, ReportState, Ticket};

use super::SqliteStore;
use super::reports::insert_photos;
use super::rows::{corrupt, instant, micros};
use crate::tracking::SEALED_CODE_KEY;
use crate::values::{code_payload, reply_payload};
use crate::{
    OutboxEntry, OutboxItem, OutboxKind, OutboxOutcome, OutboxState, OutboxStore, StoreError,
    StoreResult,
};

fn enqueue(
    conn: &Connection,
    report: ReportId,
    kind: OutboxKind,
    channel: Channel,
    payload: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (report_id, kind, channel, payload, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            report.0,
            kind.code(),
            channel.code(),
            payload,
            micros(now)
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

/// Queue an answer telling the reporter of `action`, which left the report in `state`.
pub(super) fn enqueue_reply(
    conn: &Connection,
    report: ReportId,
    channel: Channel,
    action: ActionKind,
    state: ReportState,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let payload = reply_payload(action, state, note);
    enqueue(conn, report, OutboxKind::Reply, channel, &payload, now)
}

/// Queue an answer of its own carrying the report's tracking code (sealed).
pub(super) fn enqueue_code(
    conn: &Connection,
    report: ReportId,
    channel: Channel,
    state: ReportState,
    sealed_code: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let payload = code_payload(state, sealed_code);
    enqueue(conn, report, OutboxKind::Reply, channel, &payload, now)
}

/// Queue fetching a photo the report's channel holds.
pub(super) fn enqueue_media(
    conn: &Connection,
    report: ReportId,
    channel: Channel,
    media: &MediaFetch,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let payload = serde_json::to_string(media).map_err(StoreError::other)?;
    enqueue(conn, report, OutboxKind::FetchMedia, channel, &payload, now)
}

/// Whether the report's reporter can be answered on a channel.
pub(super) fn has_reply_route(conn: &Connection, report: ReportId) -> StoreResult<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM report_reporters WHERE report_id = ?1 AND sealed_reply IS NOT NULL",
    )
    .and_then(|mut s| s.query_row([report.0], |_| Ok(())).optional())
    .map(|found| found.is_some())
    .map_err(StoreError::other)
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

fn claim(
    conn: &Connection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u32,
) -> StoreResult<Vec<OutboxItem>> {
    let now_micros = micros(now);
    let mut due = conn
        .prepare_cached(
            "SELECT o.id, o.report_id, r.ticket, o.kind, o.channel, o.payload, o.attempts,
                 rr.sealed_reply, rr.reporter_key
             FROM outbox o
             JOIN reports r ON r.id = o.report_id
             LEFT JOIN report_reporters rr ON rr.report_id = o.report_id
             WHERE o.state = 'pending' AND o.next_attempt_at <= ?1
               AND (o.locked_until IS NULL OR o.locked_until <= ?1)
             ORDER BY o.next_attempt_at, o.id
             LIMIT ?2",
        )
        .map_err(StoreError::other)?;
    let rows = due
        .query_map(params![now_micros, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, Option<Vec<u8>>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .map_err(StoreError::other)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::other)?;
    let mut hold = conn
        .prepare_cached("UPDATE outbox SET locked_until = ?1 WHERE id = ?2")
        .map_err(StoreError::other)?;
    let until = micros(now + lease);
    rows.into_iter()
        .map(
            |(
                id,
                report,
                raw_ticket,
                raw_kind,
                raw_channel,
                payload,
                attempts,
                sealed_reply,
                reporter_key,
            )| {
                hold.execute(params![until, id])
                    .map_err(StoreError::other)?;
                Ok(OutboxItem {
                    id,
                    report: ReportId(report),
                    ticket: ticket(&raw_ticket)?,
                    kind: kind(&raw_kind)?,
                    channel: channel(&raw_channel)?,
                    payload,
                    attempts,
                    sealed_reply,
                    reporter_key,
                })
            },
        )
        .collect()
}

fn finish(
    conn: &Connection,
    id: i64,
    outcome: &OutboxOutcome,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let settled = outcome.settlement(at);
    let (state, error) = (settled.state, settled.error);
    let next = settled.next_attempt_at.map(micros);
    let done = settled.done_at.map(micros);
    let changed = conn
        .prepare_cached(
            // A tracking code sealed for the answer is dropped once it is settled.
            "UPDATE outbox SET state = ?1, attempts = attempts + 1,
                 next_attempt_at = COALESCE(?2, next_attempt_at),
                 last_error = COALESCE(?3, last_error), done_at = ?4, locked_until = NULL,
                 payload = CASE WHEN ?1 <> 'pending' AND instr(payload, ?6) > 0
                     THEN json_remove(payload, ?7) ELSE payload END
             WHERE id = ?5 AND state = 'pending'",
        )
        .and_then(|mut s| {
            s.execute(params![
                state.code(),
                next,
                error,
                done,
                id,
                format!("\"{SEALED_CODE_KEY}\""),
                format!("$.{SEALED_CODE_KEY}"),
            ])
        })
        .map_err(StoreError::other)?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "outbox message {id} is not pending"
        )));
    }
    Ok(())
}

fn attach(conn: &Connection, id: i64, photo: &NewPhoto, at: DateTime<Utc>) -> StoreResult<()> {
    let pending: Option<(i64, String)> = conn
        .prepare_cached("SELECT report_id, kind FROM outbox WHERE id = ?1 AND state = 'pending'")
        .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(StoreError::other)?;
    let Some((report, raw_kind)) = pending else {
        return Ok(());
    };
    if kind(&raw_kind)? != OutboxKind::FetchMedia {
        return Err(StoreError::Conflict(format!(
            "outbox message {id} does not fetch a photo"
        )));
    }
    let event: i64 = conn
        .prepare_cached("SELECT id FROM report_events WHERE report_id = ?1 AND action = 'submit'")
        .and_then(|mut s| s.query_row([report], |r| r.get(0)))
        .map_err(StoreError::other)?;
    insert_photos(
        conn,
        ReportId(report),
        event,
        PhotoKind::Report,
        std::slice::from_ref(photo),
        at,
    )?;
    finish(conn, id, &OutboxOutcome::Delivered, at)
}

fn entry(row: &Row<'_>) -> StoreResult<OutboxEntry> {
    let get = StoreError::other;
    let raw_state: String = row.get(4).map_err(get)?;
    Ok(OutboxEntry {
        id: row.get(0).map_err(get)?,
        ticket: ticket(&row.get::<_, String>(1).map_err(get)?)?,
        kind: kind(&row.get::<_, String>(2).map_err(get)?)?,
        channel: channel(&row.get::<_, String>(3).map_err(get)?)?,
        state: OutboxState::parse(&raw_state).ok_or_else(|| corrupt("outbox state", &raw_state))?,
        attempts: row.get(5).map_err(get)?,
        created_at: instant(row.get(6).map_err(get)?)?,
        next_attempt_at: instant(row.get(7).map_err(get)?)?,
        last_error: row.get(8).map_err(get)?,
        done_at: row
            .get::<_, Option<i64>>(9)
            .map_err(get)?
            .map(instant)
            .transpose()?,
    })
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        self.writer
            .write(move |conn| claim(conn, now, lease, limit))
            .await
    }

    async fn finish_outbox(
        &self,
        id: i64,
        outcome: OutboxOutcome,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.writer
            .write(move |conn| finish(conn, id, &outcome, at))
            .await
    }

    async fn attach_fetched_photo(
        &self,
        id: i64,
        photo: NewPhoto,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.writer
            .write(move |conn| attach(conn, id, &photo, at))
            .await
    }

    async fn outbox(
        &self,
        state: Option<OutboxState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT o.id, r.ticket, o.kind, o.channel, o.state, o.attempts,
                             o.created_at, o.next_attempt_at, o.last_error, o.done_at
                         FROM outbox o JOIN reports r ON r.id = o.report_id
                         WHERE (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR o.id < ?2)
                         ORDER BY o.id DESC LIMIT ?3",
                    )
                    .map_err(StoreError::other)?;
                let mut rows = stmt
                    .query(params![state.map(OutboxState::code), before, limit])
                    .map_err(StoreError::other)?;
                let mut entries = Vec::new();
                while let Some(row) = rows.next().map_err(StoreError::other)? {
                    entries.push(entry(row)?);
                }
                Ok(entries)
            })
            .await
    }

    async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                let state: Option<String> = conn
                    .prepare_cached("SELECT state FROM outbox WHERE id = ?1")
                    .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
                    .map_err(StoreError::other)?;
                match state.as_deref() {
                    None => Err(StoreError::NotFound),
                    Some("dead") => {
                        conn.prepare_cached(
                            "UPDATE outbox SET state = 'pending', attempts = 0,
                                 next_attempt_at = ?1, locked_until = NULL, done_at = NULL
                             WHERE id = ?2",
                        )
                        .and_then(|mut s| s.execute(params![micros(now), id]))
                        .map_err(StoreError::other)?;
                        Ok(())
                    }
                    Some(other) => Err(StoreError::Conflict(format!(
                        "outbox message {id} is {other}, not dead"
                    ))),
                }
            })
            .await
    }
}
