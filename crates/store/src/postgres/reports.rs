//! Reports, timelines and photos in PostgreSQL.
//!
//! Every change is one transaction. Rules the SQLite store keeps with its single writer are
//! kept here with row locks, so that several instances sharing the database let one of
//! racing transitions win (the report's row, locked before its version is checked). New
//! reports are filed in groups by [`super::intake`], which keeps the rules of filing the
//! same way (one report per channel message, gap-free tickets).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use aduan_domain::message::{Message, NewMessage};
use aduan_domain::report::{
    ImageObject, NewPhoto, NewReport, PhotoInfo, PhotoKind, Report, TimelineEntry,
};
use aduan_domain::stepping::{self, ActionRecord};
use aduan_domain::workflow::Transition;
use aduan_domain::{ActionKind, ReportId, ReportState, Ticket, TicketPrefix, UserId};

use super::rows::{
    self, REPORT_COLUMNS, REPORT_FROM, corrupt, get, micros, parse_role, parse_state, parse_unit,
};
use super::{PgStore, aggregates, db_error, listing, messages, outbox, push};
use crate::values::{EventRow, capture_time, evidence};
use crate::{PhotoToMove, ReportPage, ReportQuery, ReportStore, StoreError, StoreResult};

/// The report with this id; `NotFound` when there is none.
pub(super) async fn select_report(
    conn: &mut PgConnection,
    report: ReportId,
) -> StoreResult<Report> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.id = $1"
    )))
    .bind(report.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    match row {
        Some(row) => rows::report(&row),
        None => Err(StoreError::NotFound),
    }
}

/// The report with this ticket; `NotFound` when there is none.
async fn select_by_ticket(conn: &mut PgConnection, ticket: &Ticket) -> StoreResult<Report> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.ticket = $1"
    )))
    .bind(ticket.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    match row {
        Some(row) => rows::report(&row),
        None => Err(StoreError::NotFound),
    }
}

async fn insert_event(conn: &mut PgConnection, e: &EventRow<'_>) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO report_events (report_id, at, action, actor_id, actor_role, actor_unit,
             from_state, to_state, note, target)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id",
    )
    .bind(e.report.0)
    .bind(micros(e.at))
    .bind(e.action.code())
    .bind(e.actor.map(|a| a.0))
    .bind(e.role)
    .bind(e.unit)
    .bind(e.from.map(|s| s.code()))
    .bind(e.to.code())
    .bind(e.note)
    .bind(e.target)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)
}

/// Attach `photos` of `kind` to the report, as documentation of timeline entry `event`.
pub(super) async fn insert_photos(
    conn: &mut PgConnection,
    report: ReportId,
    event: i64,
    kind: PhotoKind,
    photos: &[NewPhoto],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    for photo in photos {
        sqlx::query(
            "INSERT INTO photos (report_id, event_id, kind, content_type, created_at,
                 captured_at, evidence_lat, evidence_lon, image_sha256, image_size,
                 thumbnail_sha256, thumbnail_size)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(report.0)
        .bind(event)
        .bind(kind.code())
        .bind(photo.content_type)
        .bind(micros(at))
        .bind(photo.evidence.captured_at.map(capture_time))
        .bind(photo.evidence.location.map(|c| c.lat))
        .bind(photo.evidence.location.map(|c| c.lon))
        .bind(photo.image.sha256.as_slice())
        .bind(image_size(&photo.image)?)
        .bind(photo.thumbnail.sha256.as_slice())
        .bind(image_size(&photo.thumbnail)?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// Lock the report's row for the rest of the transaction and tell whether it is still at
/// `version` in `state`; a racing change waits here, then sees the winner's row.
pub(super) async fn lock_unchanged(
    conn: &mut PgConnection,
    report: ReportId,
    version: i64,
    state: ReportState,
) -> StoreResult<bool> {
    let found: Option<(i64, String)> =
        sqlx::query_as("SELECT version, state FROM reports WHERE id = $1 FOR NO KEY UPDATE")
            .bind(report.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
    Ok(matches!(found, Some((v, s)) if v == version && s == state.code()))
}

/// Take a decided step: carry out [`stepping::plan`] if the report is still at
/// `expected_version` in the state the step was decided from.
async fn apply(
    conn: &mut PgConnection,
    report: ReportId,
    expected_version: i64,
    t: &Transition,
    record: &ActionRecord,
) -> StoreResult<Report> {
    let plan = stepping::plan(t, record);
    if !lock_unchanged(conn, report, expected_version, plan.from).await? {
        return Err(StoreError::Conflict(
            "the report changed since it was read; reload and try again".into(),
        ));
    }
    let changes = &plan.report;
    let at = micros(plan.at);
    let counted = aggregates::read(conn, report.0).await?;
    sqlx::query(
        "UPDATE reports SET
             state = $1,
             holding_unit = COALESCE($2, holding_unit),
             visibility = COALESCE($3, visibility),
             coordinated_at = CASE WHEN $4 THEN COALESCE(coordinated_at, $8) ELSE coordinated_at END,
             completed_at = CASE WHEN $5 THEN $8 ELSE completed_at END,
             estimated_completion = COALESCE($6, estimated_completion),
             duplicate_of = COALESCE($7, duplicate_of),
             referred_to = COALESCE($9, referred_to),
             updated_at = $8,
             version = version + 1
         WHERE id = $10",
    )
    .bind(changes.state.code())
    .bind(changes.holding_unit.map(|u| u.as_str()))
    .bind(changes.visibility.map(|v| v.code()))
    .bind(changes.stamps_coordinated)
    .bind(changes.stamps_completed)
    .bind(
        changes
            .estimated_completion
            .map(|d| d.format("%Y-%m-%d").to_string()),
    )
    .bind(changes.duplicate_of)
    .bind(at)
    .bind(changes.referred_to)
    .bind(report.0)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    let after = aggregates::read(conn, report.0).await?;
    aggregates::shift(conn, counted.as_ref(), after.as_ref()).await?;
    let event = insert_event(conn, &EventRow::step(report, &plan.entry, plan.at)).await?;
    for attached in &plan.photos {
        insert_photos(conn, report, event, attached.kind, attached.photos, plan.at).await?;
    }
    let updated = select_report(conn, report).await?;
    if let Some(reply) = &plan.reply {
        push::enqueue_push(
            conn,
            report,
            updated.channel,
            reply.action,
            reply.state,
            plan.at,
        )
        .await?;
    }
    if let Some(reply) = &plan.reply
        && outbox::has_reply_route(conn, report).await?
    {
        outbox::enqueue_reply(
            conn,
            report,
            updated.channel,
            reply.action,
            reply.state,
            reply.note,
            plan.at,
        )
        .await?;
    }
    Ok(updated)
}

fn timeline_entry(row: &PgRow) -> StoreResult<TimelineEntry> {
    let action: String = get(row, 1)?;
    let role: String = get(row, 3)?;
    let from: Option<String> = get(row, 5)?;
    let to: String = get(row, 6)?;
    Ok(TimelineEntry {
        at: rows::instant(get(row, 0)?)?,
        action: ActionKind::parse(&action).ok_or_else(|| corrupt("action", &action))?,
        actor: get::<Option<i64>>(row, 2)?.map(UserId),
        actor_role: parse_role(&role)?,
        actor_unit: parse_unit(get(row, 4)?)?,
        from_state: from.map(|s| parse_state(&s)).transpose()?,
        to_state: parse_state(&to)?,
        note: get(row, 7)?,
        target: get(row, 8)?,
        attachments: get(row, 9)?,
    })
}

async fn timeline(conn: &mut PgConnection, report: ReportId) -> StoreResult<Vec<TimelineEntry>> {
    let found = sqlx::query(
        "SELECT e.at, e.action, e.actor_id, e.actor_role, e.actor_unit, e.from_state,
                e.to_state, e.note, e.target,
                ARRAY(SELECT p.id FROM photos p WHERE p.event_id = e.id ORDER BY p.id)
         FROM report_events e WHERE e.report_id = $1 ORDER BY e.id",
    )
    .bind(report.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    found.iter().map(timeline_entry).collect()
}

/// A photo's columns; a photo still waiting to be moved out of the database (see
/// `photos_to_move`) has no image yet and is not read.
const PHOTO_COLUMNS: &str = "id, kind, content_type, captured_at, evidence_lat, evidence_lon,
     image_sha256, image_size, thumbnail_sha256, thumbnail_size";
const PHOTO_MOVED: &str = "image_sha256 IS NOT NULL";

/// An image's size as PostgreSQL stores it.
pub(super) fn image_size(image: &ImageObject) -> StoreResult<i64> {
    i64::try_from(image.size).map_err(|_| StoreError::Other("an image too large".into()))
}

/// The image whose hash and size are in columns `at` and `at + 1`.
fn image_at(row: &PgRow, at: usize) -> StoreResult<ImageObject> {
    let hash: Vec<u8> = get(row, at)?;
    let size: i64 = get(row, at + 1)?;
    Ok(ImageObject {
        sha256: hash
            .try_into()
            .map_err(|_| corrupt("image hash", "not 32 bytes"))?,
        size: u64::try_from(size).map_err(|_| corrupt("image size", &size.to_string()))?,
    })
}

fn photo_info(row: &PgRow) -> StoreResult<PhotoInfo> {
    let kind: String = get(row, 1)?;
    let captured_at: Option<String> = get(row, 3)?;
    let lat: Option<f64> = get(row, 4)?;
    let lon: Option<f64> = get(row, 5)?;
    Ok(PhotoInfo {
        id: get(row, 0)?,
        kind: PhotoKind::parse(&kind).ok_or_else(|| corrupt("photo kind", &kind))?,
        content_type: get(row, 2)?,
        image: image_at(row, 6)?,
        thumbnail: image_at(row, 8)?,
        evidence: evidence(captured_at, lat, lon)?,
    })
}

impl PgStore {
    async fn connection(&self) -> StoreResult<sqlx::pool::PoolConnection<sqlx::Postgres>> {
        self.pool.acquire().await.map_err(db_error)
    }
}

#[async_trait]
impl ReportStore for PgStore {
    async fn submit_report(
        &self,
        report: NewReport,
        prefix: TicketPrefix,
        local_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        self.intake.submit(report, prefix, local_date, now).await
    }

    async fn report(&self, ticket: &Ticket) -> StoreResult<Report> {
        select_by_ticket(&mut *self.connection().await?, ticket).await
    }

    async fn apply_transition(
        &self,
        report: ReportId,
        expected_version: i64,
        transition: Transition,
        record: ActionRecord,
    ) -> StoreResult<Report> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let updated = apply(&mut tx, report, expected_version, &transition, &record).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn list_reports(&self, query: ReportQuery) -> StoreResult<ReportPage> {
        listing::list(&mut *self.connection().await?, &query).await
    }

    async fn timeline(&self, report: ReportId) -> StoreResult<Vec<TimelineEntry>> {
        timeline(&mut *self.connection().await?, report).await
    }

    async fn photos(&self, report: ReportId) -> StoreResult<Vec<PhotoInfo>> {
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PHOTO_COLUMNS} FROM photos WHERE report_id = $1 AND {PHOTO_MOVED} ORDER BY id"
        )))
        .bind(report.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        found.iter().map(photo_info).collect()
    }

    async fn photo(&self, report: ReportId, photo: i64) -> StoreResult<PhotoInfo> {
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PHOTO_COLUMNS} FROM photos WHERE report_id = $1 AND id = $2 AND {PHOTO_MOVED}"
        )))
        .bind(report.0)
        .bind(photo)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        photo_info(&found.ok_or(StoreError::NotFound)?)
    }

    async fn photo_images(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, ImageObject, ImageObject)>> {
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, image_sha256, image_size, thumbnail_sha256, thumbnail_size
             FROM photos WHERE id > $1 AND {PHOTO_MOVED} ORDER BY id LIMIT $2"
        )))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|row| Ok((get(row, 0)?, image_at(row, 1)?, image_at(row, 3)?)))
            .collect()
    }

    async fn photos_to_move(&self, limit: u32) -> StoreResult<Vec<PhotoToMove>> {
        let found =
            sqlx::query("SELECT photo_id, bytes FROM photos_to_move ORDER BY photo_id LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        found
            .iter()
            .map(|row| {
                Ok(PhotoToMove {
                    photo: get(row, 0)?,
                    bytes: get(row, 1)?,
                })
            })
            .collect()
    }

    async fn photo_moved(&self, photo: i64, moved: NewPhoto) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let waiting = sqlx::query("DELETE FROM photos_to_move WHERE photo_id = $1")
            .bind(photo)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if waiting.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE photos SET content_type = $2, image_sha256 = $3, image_size = $4,
                 thumbnail_sha256 = $5, thumbnail_size = $6
             WHERE id = $1",
        )
        .bind(photo)
        .bind(moved.content_type)
        .bind(moved.image.sha256.as_slice())
        .bind(image_size(&moved.image)?)
        .bind(moved.thumbnail.sha256.as_slice())
        .bind(image_size(&moved.thumbnail)?)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn duplicates_of(&self, ticket: &Ticket) -> StoreResult<Vec<Ticket>> {
        let tickets: Vec<String> =
            sqlx::query_scalar("SELECT ticket FROM reports WHERE duplicate_of = $1 ORDER BY id")
                .bind(ticket.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        tickets
            .iter()
            .map(|t| Ticket::parse(t).map_err(|_| corrupt("ticket", t)))
            .collect()
    }

    async fn post_message(&self, message: NewMessage) -> StoreResult<Message> {
        messages::insert(&mut *self.connection().await?, message).await
    }

    async fn messages(&self, report: ReportId) -> StoreResult<Vec<Message>> {
        messages::select(&mut *self.connection().await?, report).await
    }
}
