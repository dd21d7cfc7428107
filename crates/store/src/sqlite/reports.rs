//! Reports, timelines and photos in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, params};

use aduan_domain::filing::{self, FilingMessage};
use aduan_domain::message::{Message, NewMessage};
use aduan_domain::report::{
    ImageObject, NewPhoto, NewReport, PhotoInfo, PhotoKind, Report, TimelineEntry,
};
use aduan_domain::stepping::{self, ActionRecord};
use aduan_domain::workflow::Transition;
use aduan_domain::{ActionKind, ReportId, Ticket, TicketPrefix, UserId};

use super::rows::{
    self, REPORT_COLUMNS, REPORT_FROM, corrupt, micros, parse_role, parse_state, parse_unit,
};
use super::{SqliteStore, aggregates, outbox, push, search, triage};
use crate::values::{EventRow, capture_time, evidence};
use crate::{PhotoToMove, ReportPage, ReportQuery, ReportStore, StoreError, StoreResult};

pub(super) fn select_report(
    conn: &Connection,
    clause: &str,
    param: &dyn ToSql,
) -> StoreResult<Report> {
    let sql = format!("SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE {clause}");
    let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
    let mut found = stmt.query([param]).map_err(StoreError::other)?;
    match found.next().map_err(StoreError::other)? {
        Some(row) => rows::report(row),
        None => Err(StoreError::NotFound),
    }
}

fn insert_event(conn: &Connection, e: &EventRow<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO report_events (report_id, at, action, actor_id, actor_role, actor_unit, from_state, to_state, note, target)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![
            e.report.0,
            micros(e.at),
            e.action.code(),
            e.actor.map(|a| a.0),
            e.role,
            e.unit,
            e.from.map(|s| s.code()),
            e.to.code(),
            e.note,
            e.target
        ])
    })
    .map_err(StoreError::other)?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn insert_photos(
    conn: &Connection,
    report: ReportId,
    event: i64,
    kind: PhotoKind,
    photos: &[NewPhoto],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO photos (report_id, event_id, kind, content_type, created_at,
                 captured_at, evidence_lat, evidence_lon, image_sha256, image_size,
                 thumbnail_sha256, thumbnail_size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .map_err(StoreError::other)?;
    for photo in photos {
        stmt.execute(params![
            report.0,
            event,
            kind.code(),
            photo.content_type,
            micros(at),
            photo.evidence.captured_at.map(capture_time),
            photo.evidence.location.map(|c| c.lat),
            photo.evidence.location.map(|c| c.lon),
            photo.image.sha256,
            image_size(&photo.image)?,
            photo.thumbnail.sha256,
            image_size(&photo.thumbnail)?,
        ])
        .map_err(StoreError::other)?;
    }
    Ok(())
}

fn next_ticket(conn: &Connection, prefix: &TicketPrefix, date: NaiveDate) -> StoreResult<Ticket> {
    let sequence: u32 = conn
        .prepare_cached(
            "INSERT INTO ticket_days (day, last) VALUES (?1, 1)
             ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .and_then(|mut s| s.query_row([date.format("%Y-%m-%d").to_string()], |r| r.get(0)))
        .map_err(StoreError::other)?;
    Ok(Ticket::issue(prefix, date, sequence))
}

fn insert_report(
    conn: &Connection,
    new: NewReport,
    prefix: &TicketPrefix,
    local_date: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Report> {
    // A redelivered message: answer with the report it filed the first time. The single
    // writer makes check-then-insert atomic, so concurrent retries also file one report.
    if let Some(message_id) = &new.channel_message_id {
        let filed: Option<i64> = conn
            .prepare_cached(
                "SELECT report_id FROM channel_messages WHERE channel = ?1 AND message_id = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![new.channel.code(), message_id], |r| r.get(0))
                    .optional()
            })
            .map_err(StoreError::other)?;
        if let Some(id) = filed {
            return select_report(conn, "r.id = ?1", &id);
        }
    }
    // Keep the precision the database keeps, so the answer equals what is read back.
    let now = rows::instant(micros(now))?;
    let plan = filing::plan(&new);
    let ticket = next_ticket(conn, prefix, local_date)?;
    conn.prepare_cached(
        "INSERT INTO reports (ticket, state, category, description, lat, lon, region, address, channel,
             first_receiver, holding_unit, visibility, created_at, updated_at, version, local_day,
             staff_description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?12, 1, ?13, ?14)",
    )
    .and_then(|mut s| {
        s.execute(params![
            ticket.as_str(),
            plan.state.code(),
            new.category.as_str(),
            new.description,
            new.location.map(|c| c.lat),
            new.location.map(|c| c.lon),
            new.region.as_str(),
            new.address,
            new.channel.code(),
            new.first_receiver.as_str(),
            plan.visibility.code(),
            micros(now),
            local_date.format("%Y-%m-%d").to_string(),
            new.staff_description,
        ])
    })
    .map_err(StoreError::other)?;
    let id = ReportId(conn.last_insert_rowid());
    search::index(conn, id.0, plan.searched_text, new.address.as_deref())?;
    if let Some((channel, message_id)) = plan.channel_message {
        conn.prepare_cached(
            "INSERT INTO channel_messages (channel, message_id, report_id) VALUES (?1, ?2, ?3)",
        )
        .and_then(|mut s| s.execute(params![channel.code(), message_id, id.0]))
        .map_err(StoreError::other)?;
    }
    let reporter = &plan.reporter;
    conn.prepare_cached(
        "INSERT INTO report_reporters (report_id, user_id, entered_by, sealed_identity,
             sealed_reply, reporter_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            id.0,
            reporter.user.map(|u| u.0),
            reporter.entered_by.map(|u| u.0),
            reporter.sealed_identity,
            reporter.sealed_reply,
            reporter.key,
        ])
    })
    .map_err(StoreError::other)?;
    for message in &plan.outbox {
        match *message {
            FilingMessage::Reply {
                channel,
                action,
                state,
            } => outbox::enqueue_reply(conn, id, channel, action, state, None, now)?,
            FilingMessage::FetchMedia { channel, media } => {
                outbox::enqueue_media(conn, id, channel, media, now)?
            }
        }
    }
    if let Some(mark) = plan.triage {
        triage::insert(conn, id, mark)?;
    }
    let event = insert_event(conn, &EventRow::first(id, &plan.submission, now))?;
    insert_photos(conn, id, event, PhotoKind::Report, plan.photos, now)?;
    aggregates::count_new(conn, &[id.0])?;
    Ok(new.filed(id, ticket, now))
}

/// Take a decided step: carry out [`stepping::plan`] if the report is still at
/// `expected_version` in the state the step was decided from.
fn apply(
    conn: &Connection,
    report: ReportId,
    expected_version: i64,
    t: &Transition,
    record: &ActionRecord,
) -> StoreResult<Report> {
    let plan = stepping::plan(t, record);
    let changes = &plan.report;
    let at = micros(plan.at);
    let counted = aggregates::read(conn, report.0)?;
    let changed = conn
        .prepare_cached(
            "UPDATE reports SET
                 state = ?1,
                 holding_unit = COALESCE(?2, holding_unit),
                 visibility = COALESCE(?3, visibility),
                 coordinated_at = CASE WHEN ?4 THEN COALESCE(coordinated_at, ?8) ELSE coordinated_at END,
                 completed_at = CASE WHEN ?5 THEN ?8 ELSE completed_at END,
                 estimated_completion = COALESCE(?6, estimated_completion),
                 duplicate_of = COALESCE(?7, duplicate_of),
                 referred_to = COALESCE(?9, referred_to),
                 updated_at = ?8,
                 version = version + 1
             WHERE id = ?10 AND version = ?11 AND state = ?12",
        )
        .and_then(|mut s| {
            s.execute(params![
                changes.state.code(),
                changes.holding_unit.map(|u| u.as_str()),
                changes.visibility.map(|v| v.code()),
                changes.stamps_coordinated,
                changes.stamps_completed,
                changes
                    .estimated_completion
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                changes.duplicate_of,
                at,
                changes.referred_to,
                report.0,
                expected_version,
                plan.from.code(),
            ])
        })
        .map_err(StoreError::other)?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "the report changed since it was read; reload and try again".into(),
        ));
    }
    aggregates::shift(
        conn,
        counted.as_ref(),
        aggregates::read(conn, report.0)?.as_ref(),
    )?;
    let event = insert_event(conn, &EventRow::step(report, &plan.entry, plan.at))?;
    for attached in &plan.photos {
        insert_photos(conn, report, event, attached.kind, attached.photos, plan.at)?;
    }
    let updated = select_report(conn, "r.id = ?1", &report.0)?;
    if let Some(reply) = &plan.reply {
        push::enqueue_push(
            conn,
            report,
            updated.channel,
            reply.action,
            reply.state,
            plan.at,
        )?;
    }
    if let Some(reply) = &plan.reply
        && outbox::has_reply_route(conn, report)?
    {
        outbox::enqueue_reply(
            conn,
            report,
            updated.channel,
            reply.action,
            reply.state,
            reply.note,
            plan.at,
        )?;
    }
    Ok(updated)
}

/// The report's timeline, oldest first, each entry with the ids of its photos.
fn timeline(conn: &Connection, report: ReportId) -> StoreResult<Vec<TimelineEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.id, e.at, e.action, e.actor_id, e.actor_role, e.actor_unit, e.from_state, e.to_state,
                    e.note, e.target, (SELECT group_concat(p.id) FROM photos p WHERE p.event_id = e.id)
             FROM report_events e WHERE e.report_id = ?1 ORDER BY e.id",
        )
        .map_err(StoreError::other)?;
    let mut found = stmt.query([report.0]).map_err(StoreError::other)?;
    let mut out = Vec::new();
    while let Some(row) = found.next().map_err(StoreError::other)? {
        let get = |e: rusqlite::Error| StoreError::other(e);
        let action: String = row.get(2).map_err(get)?;
        let attachments: Option<String> = row.get(10).map_err(get)?;
        out.push(TimelineEntry {
            at: rows::instant(row.get(1).map_err(get)?)?,
            action: ActionKind::parse(&action).ok_or_else(|| corrupt("action", &action))?,
            actor: row.get::<_, Option<i64>>(3).map_err(get)?.map(UserId),
            actor_role: parse_role(&row.get::<_, String>(4).map_err(get)?)?,
            actor_unit: parse_unit(row.get(5).map_err(get)?)?,
            from_state: row
                .get::<_, Option<String>>(6)
                .map_err(get)?
                .map(|s| parse_state(&s))
                .transpose()?,
            to_state: parse_state(&row.get::<_, String>(7).map_err(get)?)?,
            note: row.get(8).map_err(get)?,
            target: row.get(9).map_err(get)?,
            attachments: attachments
                .map(|a| a.split(',').filter_map(|id| id.parse().ok()).collect())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// A photo's columns; a photo still waiting to be moved out of the database (see
/// `photos_to_move`) has no image yet and is not read.
const PHOTO_COLUMNS: &str = "id, kind, content_type, captured_at, evidence_lat, evidence_lon,
     image_sha256, image_size, thumbnail_sha256, thumbnail_size";
const PHOTO_MOVED: &str = "image_sha256 IS NOT NULL";

/// An image's size as SQLite stores it.
pub(super) fn image_size(image: &ImageObject) -> StoreResult<i64> {
    i64::try_from(image.size).map_err(|_| StoreError::Other("an image too large".into()))
}

/// The image whose hash and size are in columns `at` and `at + 1`.
fn image_at(row: &rusqlite::Row<'_>, at: usize) -> StoreResult<ImageObject> {
    let get = |e: rusqlite::Error| StoreError::other(e);
    let hash: Vec<u8> = row.get(at).map_err(get)?;
    let size: i64 = row.get(at + 1).map_err(get)?;
    Ok(ImageObject {
        sha256: hash
            .try_into()
            .map_err(|_| corrupt("image hash", "not 32 bytes"))?,
        size: u64::try_from(size).map_err(|_| corrupt("image size", &size.to_string()))?,
    })
}

fn photo_info(row: &rusqlite::Row<'_>) -> StoreResult<PhotoInfo> {
    let get = |e: rusqlite::Error| StoreError::other(e);
    let kind: String = row.get(1).map_err(get)?;
    let captured_at: Option<String> = row.get(3).map_err(get)?;
    let lat: Option<f64> = row.get(4).map_err(get)?;
    let lon: Option<f64> = row.get(5).map_err(get)?;
    Ok(PhotoInfo {
        id: row.get(0).map_err(get)?,
        kind: PhotoKind::parse(&kind).ok_or_else(|| corrupt("photo kind", &kind))?,
        content_type: row.get(2).map_err(get)?,
        image: image_at(row, 6)?,
        thumbnail: image_at(row, 8)?,
        evidence: evidence(captured_at, lat, lon)?,
    })
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn submit_report(
        &self,
        report: NewReport,
        prefix: TicketPrefix,
        local_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        self.writer
            .write(move |conn| insert_report(conn, report, &prefix, local_date, now))
            .await
    }

    async fn report(&self, ticket: &Ticket) -> StoreResult<Report> {
        let ticket = ticket.to_string();
        self.readers
            .read(move |conn| select_report(conn, "r.ticket = ?1", &ticket))
            .await
    }

    async fn apply_transition(
        &self,
        report: ReportId,
        expected_version: i64,
        transition: Transition,
        record: ActionRecord,
    ) -> StoreResult<Report> {
        self.writer
            .write(move |conn| apply(conn, report, expected_version, &transition, &record))
            .await
    }

    async fn list_reports(&self, query: ReportQuery) -> StoreResult<ReportPage> {
        self.readers
            .read(move |conn| super::listing::list(conn, &query))
            .await
    }

    async fn timeline(&self, report: ReportId) -> StoreResult<Vec<TimelineEntry>> {
        self.readers.read(move |conn| timeline(conn, report)).await
    }

    async fn photos(&self, report: ReportId) -> StoreResult<Vec<PhotoInfo>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(&format!(
                        "SELECT {PHOTO_COLUMNS} FROM photos WHERE report_id = ?1 AND {PHOTO_MOVED}
                         ORDER BY id"
                    ))
                    .map_err(StoreError::other)?;
                let mut found = stmt.query([report.0]).map_err(StoreError::other)?;
                let mut out = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    out.push(photo_info(row)?);
                }
                Ok(out)
            })
            .await
    }

    async fn photo(&self, report: ReportId, photo: i64) -> StoreResult<PhotoInfo> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(&format!(
                        "SELECT {PHOTO_COLUMNS} FROM photos
                         WHERE report_id = ?1 AND id = ?2 AND {PHOTO_MOVED}"
                    ))
                    .map_err(StoreError::other)?;
                let mut found = stmt.query([report.0, photo]).map_err(StoreError::other)?;
                match found.next().map_err(StoreError::other)? {
                    Some(row) => photo_info(row),
                    None => Err(StoreError::NotFound),
                }
            })
            .await
    }

    async fn photo_images(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, ImageObject, ImageObject)>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(&format!(
                        "SELECT id, image_sha256, image_size, thumbnail_sha256, thumbnail_size
                         FROM photos WHERE id > ?1 AND {PHOTO_MOVED} ORDER BY id LIMIT ?2"
                    ))
                    .map_err(StoreError::other)?;
                let mut found = stmt
                    .query(params![after, limit])
                    .map_err(StoreError::other)?;
                let mut out = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    let id = row.get(0).map_err(StoreError::other)?;
                    out.push((id, image_at(row, 1)?, image_at(row, 3)?));
                }
                Ok(out)
            })
            .await
    }

    async fn photos_to_move(&self, limit: u32) -> StoreResult<Vec<PhotoToMove>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT photo_id, bytes FROM photos_to_move ORDER BY photo_id LIMIT ?1",
                    )
                    .map_err(StoreError::other)?;
                let found = stmt
                    .query_map([limit], |r| {
                        Ok(PhotoToMove {
                            photo: r.get(0)?,
                            bytes: r.get(1)?,
                        })
                    })
                    .map_err(StoreError::other)?;
                found.collect::<Result<_, _>>().map_err(StoreError::other)
            })
            .await
    }

    async fn photo_moved(&self, photo: i64, moved: NewPhoto) -> StoreResult<()> {
        let sizes = (image_size(&moved.image)?, image_size(&moved.thumbnail)?);
        self.writer
            .write(move |conn| {
                let changed = conn
                    .prepare_cached(
                        "UPDATE photos SET content_type = ?2, image_sha256 = ?3, image_size = ?4,
                             thumbnail_sha256 = ?5, thumbnail_size = ?6
                         WHERE id = ?1 AND id IN (SELECT photo_id FROM photos_to_move)",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            photo,
                            moved.content_type,
                            moved.image.sha256,
                            sizes.0,
                            moved.thumbnail.sha256,
                            sizes.1,
                        ])
                    })
                    .map_err(StoreError::other)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                conn.execute("DELETE FROM photos_to_move WHERE photo_id = ?1", [photo])
                    .map_err(StoreError::other)?;
                Ok(())
            })
            .await
    }

    async fn duplicates_of(&self, ticket: &Ticket) -> StoreResult<Vec<Ticket>> {
        let ticket = ticket.to_string();
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT ticket FROM reports WHERE duplicate_of = ?1 ORDER BY id",
                    )
                    .map_err(StoreError::other)?;
                let tickets = stmt
                    .query_map([ticket], |r| r.get::<_, String>(0))
                    .map_err(StoreError::other)?;
                tickets
                    .map(|t| {
                        let t = t.map_err(StoreError::other)?;
                        Ticket::parse(&t).map_err(|_| corrupt("ticket", &t))
                    })
                    .collect()
            })
            .await
    }

    async fn post_message(&self, message: NewMessage) -> StoreResult<Message> {
        self.writer
            .write(move |conn| super::messages::insert(conn, message))
            .await
    }

    async fn messages(&self, report: ReportId) -> StoreResult<Vec<Message>> {
        self.readers
            .read(move |conn| super::messages::select(conn, report))
            .await
    }
}
