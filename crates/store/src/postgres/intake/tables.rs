//! The batch's rows, one set-based statement per table: every column is bound as an array
//! and unnested (`INSERT … SELECT … FROM unnest(…)`), so the round trips do not grow with
//! the batch. Called by [`super::batch`] in the order its transaction needs.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use aduan_domain::filing::{FilingMessage, FilingPlan};
use aduan_domain::report::{ImageObject, NewPhoto, PhotoKind, TriageMark};
use aduan_domain::{ReportId, Ticket};

use super::Submission;
use crate::counts::Contribution;
use crate::postgres::reports::image_size;
use crate::postgres::rows::{column, micros};
use crate::postgres::{db_error, search};
use crate::values::{EventRow, capture_time, reply_payload};
use crate::{OutboxKind, StoreError, StoreResult};

/// A new report's place in the batch and what it is given.
pub(super) struct Fresh<'a> {
    pub(super) submission: &'a Submission,
    pub(super) plan: FilingPlan<'a>,
    pub(super) id: i64,
    pub(super) event: i64,
    pub(super) ticket: Ticket,
    pub(super) at: DateTime<Utc>,
}

/// What a report just filed adds to the statistics: [`insert_reports`] writes it with no
/// coordination or completion instant yet, so it has no durations.
pub(super) fn contribution(f: &Fresh<'_>) -> Contribution {
    let new = &f.submission.new;
    Contribution {
        day: day(f.submission.local_date),
        category: new.category.as_str().to_owned(),
        channel: new.channel.code().to_owned(),
        region: new.region.as_str().to_owned(),
        state: f.plan.state.code().to_owned(),
        coordination_ms: None,
        completion_ms: None,
        reporter: f.plan.reporter.key.clone(),
    }
}

/// A local day as the tables keep it: `YYYY-MM-DD`.
pub(super) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(super) async fn insert_reports(
    conn: &mut PgConnection,
    fresh: &[Fresh<'_>],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO reports (id, ticket, state, category, description, lat, lon, region,
             address, channel, first_receiver, holding_unit, visibility, created_at,
             updated_at, version, local_day, public_search, staff_description)
         SELECT n.id, n.ticket, n.state, n.category, n.description, n.lat, n.lon, n.region,
             n.address, n.channel, n.first_receiver, n.first_receiver, n.visibility,
             n.created_at, n.created_at, 1, n.local_day,
             to_tsvector('indonesian', n.public_text), n.staff_description
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::float8[], $7::float8[], $8::text[], $9::text[], $10::text[],
                     $11::text[], $12::text[], $13::bigint[], $14::text[], $15::text[],
                     $16::text[])
             AS n(id, ticket, state, category, description, lat, lon, region, address,
                  channel, first_receiver, visibility, created_at, local_day, public_text,
                  staff_description)",
    )
    .bind(column(fresh, |f| f.id))
    .bind(column(fresh, |f| f.ticket.as_str()))
    .bind(column(fresh, |f| f.plan.state.code()))
    .bind(column(fresh, |f| f.submission.new.category.as_str()))
    .bind(column(fresh, |f| f.submission.new.description.as_str()))
    .bind(column(fresh, |f| f.submission.new.location.map(|c| c.lat)))
    .bind(column(fresh, |f| f.submission.new.location.map(|c| c.lon)))
    .bind(column(fresh, |f| f.submission.new.region.as_str()))
    .bind(column(fresh, |f| f.submission.new.address.as_deref()))
    .bind(column(fresh, |f| f.submission.new.channel.code()))
    .bind(column(fresh, |f| f.submission.new.first_receiver.as_str()))
    .bind(column(fresh, |f| f.plan.visibility.code()))
    .bind(column(fresh, |f| micros(f.at)))
    .bind(column(fresh, |f| day(f.submission.local_date)))
    .bind(column(fresh, |f| search::public_text(f.plan.searched_text)))
    .bind(column(fresh, |f| {
        f.submission.new.staff_description.as_deref()
    }))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn insert_reporters(
    conn: &mut PgConnection,
    fresh: &[Fresh<'_>],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO report_reporters (report_id, user_id, entered_by, sealed_identity,
             sealed_reply, reporter_key)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[],
                              $5::bytea[], $6::text[])",
    )
    .bind(column(fresh, |f| f.id))
    .bind(column(fresh, |f| f.plan.reporter.user.map(|u| u.0)))
    .bind(column(fresh, |f| f.plan.reporter.entered_by.map(|u| u.0)))
    .bind(column(fresh, |f| f.plan.reporter.sealed_identity))
    .bind(column(fresh, |f| f.plan.reporter.sealed_reply))
    .bind(column(fresh, |f| f.plan.reporter.key.as_deref()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn insert_channel_messages(
    conn: &mut PgConnection,
    fresh: &[Fresh<'_>],
) -> StoreResult<()> {
    let messages: Vec<(String, &str, i64)> = fresh
        .iter()
        .filter_map(|f| {
            let (channel, message) = f.plan.channel_message?;
            Some((channel.code().to_owned(), message, f.id))
        })
        .collect();
    if messages.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO channel_messages (channel, message_id, report_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])",
    )
    .bind(column(&messages, |m| m.0.as_str()))
    .bind(column(&messages, |m| m.1))
    .bind(column(&messages, |m| m.2))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The answers and photo fetches each report queues, in the order its plan gives.
pub(super) async fn insert_outbox(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    let mut reports = Vec::new();
    let mut kinds = Vec::new();
    let mut channels = Vec::new();
    let mut payloads = Vec::new();
    let mut created = Vec::new();
    for f in fresh {
        for message in &f.plan.outbox {
            let (kind, channel, payload) = match *message {
                FilingMessage::Reply {
                    channel,
                    action,
                    state,
                } => (
                    OutboxKind::Reply,
                    channel,
                    reply_payload(action, state, None),
                ),
                FilingMessage::FetchMedia { channel, media } => (
                    OutboxKind::FetchMedia,
                    channel,
                    serde_json::to_string(media).map_err(StoreError::other)?,
                ),
            };
            reports.push(f.id);
            kinds.push(kind.code());
            channels.push(channel.code().to_owned());
            payloads.push(payload);
            created.push(micros(f.at));
        }
    }
    if reports.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (report_id, kind, channel, payload, created_at, next_attempt_at)
         SELECT o.report_id, o.kind, o.channel, o.payload, o.created_at, o.created_at
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])
             WITH ORDINALITY AS o(report_id, kind, channel, payload, created_at, n)
         ORDER BY o.n",
    )
    .bind(reports)
    .bind(kinds)
    .bind(channels)
    .bind(payloads)
    .bind(created)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn insert_triage(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    let marked: Vec<(i64, &TriageMark)> = fresh
        .iter()
        .filter_map(|f| Some((f.id, f.plan.triage?)))
        .collect();
    if marked.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO triage (report_id, suggested_category, confidence, suggested_region)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::real[], $4::text[])",
    )
    .bind(column(&marked, |(id, _)| *id))
    .bind(column(&marked, |(_, m)| {
        m.category.as_ref().map(|c| c.as_str())
    }))
    .bind(column(&marked, |(_, m)| m.confidence))
    .bind(column(&marked, |(_, m)| {
        m.region.as_ref().map(|r| r.as_str())
    }))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn insert_events(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    if fresh.is_empty() {
        return Ok(());
    }
    let events: Vec<EventRow<'_>> = column(fresh, |f| {
        EventRow::first(ReportId(f.id), &f.plan.submission, f.at)
    });
    sqlx::query(
        "INSERT INTO report_events (id, report_id, at, action, actor_id, actor_role,
             actor_unit, from_state, to_state, note, target)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                              $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::text[], $11::text[])",
    )
    .bind(column(fresh, |f| f.event))
    .bind(column(&events, |e| e.report.0))
    .bind(column(&events, |e| micros(e.at)))
    .bind(column(&events, |e| e.action.code()))
    .bind(column(&events, |e| e.actor.map(|a| a.0)))
    .bind(column(&events, |e| e.role))
    .bind(column(&events, |e| e.unit))
    .bind(column(&events, |e| e.from.map(|s| s.code())))
    .bind(column(&events, |e| e.to.code()))
    .bind(column(&events, |e| e.note))
    .bind(column(&events, |e| e.target))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The photos sent with the reports, attached to their first timeline entries.
pub(super) async fn insert_photos(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    let photos: Vec<(&Fresh<'_>, &NewPhoto)> = fresh
        .iter()
        .flat_map(|f| f.plan.photos.iter().map(move |p| (f, p)))
        .collect();
    if photos.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO photos (report_id, event_id, kind, content_type, created_at,
             captured_at, evidence_lat, evidence_lon, image_sha256, image_size,
             thumbnail_sha256, thumbnail_size)
         SELECT p.report_id, p.event_id, p.kind, p.content_type, p.created_at,
             p.captured_at, p.lat, p.lon, p.image, p.image_size, p.thumbnail, p.thumbnail_size
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                     $6::text[], $7::float8[], $8::float8[], $9::bytea[], $10::bigint[],
                     $11::bytea[], $12::bigint[])
             WITH ORDINALITY AS p(report_id, event_id, kind, content_type, created_at,
                                  captured_at, lat, lon, image, image_size, thumbnail,
                                  thumbnail_size, n)
         ORDER BY p.n",
    )
    .bind(column(&photos, |(f, _)| f.id))
    .bind(column(&photos, |(f, _)| f.event))
    .bind(column(&photos, |_| PhotoKind::Report.code()))
    .bind(column(&photos, |(_, p)| p.content_type))
    .bind(column(&photos, |(f, _)| micros(f.at)))
    .bind(column(&photos, |(_, p)| {
        p.evidence.captured_at.map(capture_time)
    }))
    .bind(column(&photos, |(_, p)| p.evidence.location.map(|c| c.lat)))
    .bind(column(&photos, |(_, p)| p.evidence.location.map(|c| c.lon)))
    .bind(column(&photos, |(_, p)| p.image.sha256.as_slice()))
    .bind(sizes(&photos, |p| &p.image)?)
    .bind(column(&photos, |(_, p)| p.thumbnail.sha256.as_slice()))
    .bind(sizes(&photos, |p| &p.thumbnail)?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The sizes of one of each photo's images, as PostgreSQL stores them.
fn sizes(
    photos: &[(&Fresh<'_>, &NewPhoto)],
    image: impl Fn(&NewPhoto) -> &ImageObject,
) -> StoreResult<Vec<i64>> {
    photos.iter().map(|(_, p)| image_size(image(p))).collect()
}
