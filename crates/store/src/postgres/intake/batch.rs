//! Filing a batch of submissions in one transaction, a statement per table: every column of
//! the batch is bound as an array and unnested (`INSERT … SELECT … FROM unnest(…)`), so the
//! round trips do not grow with the batch.
//!
//! The order inside the transaction keeps every rule of a lone submission:
//! 1. the advisory locks of the batch's channel messages, in one order (so two batches
//!    cannot deadlock), then the reports those messages already filed: a redelivery is
//!    answered with its first report, and an instance filing the same message at once waits
//!    for this commit, then finds it;
//! 2. the ids of the new reports and their first timeline entries, from their sequences;
//! 3. the day's ticket row, advanced by the batch's count: it stays locked until the commit,
//!    so tickets are gap-free per day and unique across instances, and nothing slow runs
//!    between taking it and committing (the rows are written next, nothing is read);
//! 4. the reports with their tickets, then what hangs off them (reporters, channel messages,
//!    answers and photo fetches queued in the outbox, triage marks, first timeline entries,
//!    photos) and the statistics' queued changes (from the values just written: nothing is
//!    read back).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use aduan_domain::filing::{self, FilingMessage, FilingPlan};
use aduan_domain::report::{PhotoKind, Report};
use aduan_domain::{ReportId, Ticket};

use super::Submission;
use crate::counts::Contribution;
use crate::postgres::rows::{self, corrupt, micros};
use crate::postgres::{aggregates, db_error, reports, search};
use crate::values::{EventRow, capture_time, reply_payload};
use crate::{OutboxKind, StoreError, StoreResult};

/// Where each caller's answer goes.
pub(super) type Answer = tokio::sync::oneshot::Sender<StoreResult<Report>>;

/// A batch's result: every report with its caller, or every submission back with why the
/// batch failed.
pub(super) type Outcome = Result<Vec<(Answer, Report)>, (Vec<Submission>, Failure)>;

/// Why a batch was not filed.
pub(super) enum Failure {
    /// A statement failed and the transaction was rolled back: nothing of the batch was
    /// written, and filing each submission alone files all but the one at fault.
    Refused(StoreError),
    /// No transaction could be begun (the database is out of reach), or the COMMIT failed:
    /// then the batch may be written or not, and filing it again could file it twice.
    Final(StoreError),
}

impl Failure {
    pub(super) fn error(&self) -> &StoreError {
        match self {
            Self::Refused(e) | Self::Final(e) => e,
        }
    }
}

/// Split off the submissions naming a channel message an earlier one in `taken` names too:
/// the first is filed with the batch, the others after it (finding its report).
pub(super) fn split_repeated_messages(
    taken: Vec<Submission>,
) -> (Vec<Submission>, Vec<Submission>) {
    let mut seen = HashSet::new();
    taken
        .into_iter()
        .partition(|s| match &s.new.channel_message_id {
            Some(message) => seen.insert((s.new.channel, message.clone())),
            None => true,
        })
}

/// File `batch` in one transaction and hand each caller its report.
pub(super) async fn file_together(pool: &PgPool, batch: Vec<Submission>) -> Outcome {
    match write(pool, &batch).await {
        Ok(filed) => Ok(batch
            .into_iter()
            .zip(filed)
            .map(|(submission, filed)| {
                let report = match filed {
                    Filed::New { id, ticket, at } => submission.new.filed(id, ticket, at),
                    Filed::Before(report) => *report,
                };
                (submission.answer, report)
            })
            .collect()),
        Err(error) => Err((batch, error)),
    }
}

/// What became of one submission.
enum Filed {
    New {
        id: ReportId,
        ticket: Ticket,
        /// The submission's time at the precision the database keeps, so the answer equals
        /// what is read back.
        at: DateTime<Utc>,
    },
    /// Its channel message had filed this report before.
    Before(Box<Report>),
}

/// A new report's place in the batch and what it is given.
struct Fresh<'a> {
    submission: &'a Submission,
    plan: FilingPlan<'a>,
    id: i64,
    event: i64,
    ticket: Ticket,
    at: DateTime<Utc>,
}

async fn write(pool: &PgPool, batch: &[Submission]) -> Result<Vec<Filed>, Failure> {
    let mut tx = pool
        .begin()
        .await
        .map_err(|e| Failure::Final(db_error(e)))?;
    let filed = stage(&mut tx, batch).await.map_err(Failure::Refused)?;
    tx.commit().await.map_err(|e| Failure::Final(db_error(e)))?;
    Ok(filed)
}

/// Write `batch` in the transaction `tx`; what each submission becomes once committed.
async fn stage(tx: &mut PgConnection, batch: &[Submission]) -> StoreResult<Vec<Filed>> {
    let before = filed_before(&mut *tx, batch).await?;
    let new: Vec<&Submission> = batch
        .iter()
        .zip(&before)
        .filter(|(_, before)| before.is_none())
        .map(|(submission, _)| submission)
        .collect();
    let ids = allocate_ids(&mut *tx, new.len()).await?;
    let tickets = take_tickets(&mut *tx, &new).await?;
    let fresh = new
        .into_iter()
        .zip(ids)
        .zip(tickets)
        .map(|((submission, (id, event)), ticket)| {
            Ok(Fresh {
                submission,
                plan: filing::plan(&submission.new),
                id,
                event,
                ticket,
                at: rows::instant(micros(submission.now))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    insert_reports(&mut *tx, &fresh).await?;
    insert_reporters(&mut *tx, &fresh).await?;
    insert_channel_messages(&mut *tx, &fresh).await?;
    insert_outbox(&mut *tx, &fresh).await?;
    insert_triage(&mut *tx, &fresh).await?;
    insert_events(&mut *tx, &fresh).await?;
    insert_photos(&mut *tx, &fresh).await?;
    let counted: Vec<Contribution> = fresh.iter().map(contribution).collect();
    aggregates::count_filed(&mut *tx, &counted).await?;
    let mut earlier = HashMap::new();
    for id in before.iter().flatten() {
        earlier.insert(*id, reports::select_report(&mut *tx, *id).await?);
    }
    let mut fresh = fresh.into_iter();
    before
        .iter()
        .map(|before| match before {
            Some(id) => earlier
                .remove(id)
                .map(|report| Filed::Before(Box::new(report)))
                .ok_or(StoreError::NotFound),
            None => fresh
                .next()
                .map(|f| Filed::New {
                    id: ReportId(f.id),
                    ticket: f.ticket,
                    at: f.at,
                })
                .ok_or_else(|| StoreError::other("a batch lost a report")),
        })
        .collect()
}

/// What a report just filed adds to the statistics: it is written above with no
/// coordination or completion instant yet, so it has no durations.
fn contribution(f: &Fresh<'_>) -> Contribution {
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

/// The lock that makes instances filing one channel message at once file it once.
fn message_lock_key(channel: &str, message_id: &str) -> String {
    format!("channel_messages\u{1f}{channel}\u{1f}{message_id}")
}

/// For each submission, the report its channel message filed before, if any; takes the
/// messages' advisory locks first (until the transaction ends).
async fn filed_before(
    conn: &mut PgConnection,
    batch: &[Submission],
) -> StoreResult<Vec<Option<ReportId>>> {
    let messages: Vec<(&str, &str)> = batch
        .iter()
        .filter_map(|s| {
            let message = s.new.channel_message_id.as_deref()?;
            Some((s.new.channel.code(), message))
        })
        .collect();
    if messages.is_empty() {
        return Ok(vec![None; batch.len()]);
    }
    let keys: Vec<String> = messages
        .iter()
        .map(|(channel, message)| message_lock_key(channel, message))
        .collect();
    sqlx::query(
        "SELECT count(pg_advisory_xact_lock(h))
         FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k
               ORDER BY h) AS locks",
    )
    .bind(&keys)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    let (channels, ids): (Vec<&str>, Vec<&str>) = messages.iter().copied().unzip();
    let found: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.channel, c.message_id, c.report_id
         FROM unnest($1::text[], $2::text[]) AS m(channel, message_id)
         JOIN channel_messages c ON c.channel = m.channel AND c.message_id = m.message_id",
    )
    .bind(&channels)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let found: HashMap<(String, String), i64> = found
        .into_iter()
        .map(|(channel, message, report)| ((channel, message), report))
        .collect();
    Ok(batch
        .iter()
        .map(|s| {
            let message = s.new.channel_message_id.clone()?;
            found
                .get(&(s.new.channel.code().to_owned(), message))
                .map(|id| ReportId(*id))
        })
        .collect())
}

/// Ids for `count` reports and their first timeline entries, ascending.
async fn allocate_ids(conn: &mut PgConnection, count: usize) -> StoreResult<Vec<(i64, i64)>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(count).map_err(StoreError::other)?;
    let (mut reports, mut events): (Vec<i64>, Vec<i64>) = sqlx::query_as::<_, (i64, i64)>(
        "SELECT nextval(s.reports), nextval(s.events)
         FROM (SELECT pg_get_serial_sequence('reports', 'id') AS reports,
                      pg_get_serial_sequence('report_events', 'id') AS events) AS s,
              generate_series(1, $1)",
    )
    .bind(count)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?
    .into_iter()
    .unzip();
    reports.sort_unstable();
    events.sort_unstable();
    Ok(reports.into_iter().zip(events).collect())
}

/// The next tickets of each day the submissions fall on, in their order: each day's row is
/// advanced by its count in one upsert, which locks it until the transaction ends.
async fn take_tickets(conn: &mut PgConnection, new: &[&Submission]) -> StoreResult<Vec<Ticket>> {
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for s in new {
        *per_day.entry(s.local_date).or_default() += 1;
    }
    // Days in ascending order: batches spanning midnight lock their rows in one order.
    let mut next: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (day, count) in per_day {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO ticket_days (day, last) VALUES ($1, $2)
             ON CONFLICT (day) DO UPDATE SET last = ticket_days.last + $2
             RETURNING last",
        )
        .bind(self::day(day))
        .bind(count)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        next.insert(day, last - count + 1);
    }
    new.iter()
        .map(|s| {
            let sequence = next.get_mut(&s.local_date).ok_or(StoreError::NotFound)?;
            let issued = u32::try_from(*sequence)
                .map_err(|_| corrupt("ticket sequence", &sequence.to_string()))?;
            *sequence += 1;
            Ok(Ticket::issue(&s.prefix, s.local_date, issued))
        })
        .collect()
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

async fn insert_reports(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
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
    .bind(fresh.iter().map(|f| f.id).collect::<Vec<_>>())
    .bind(fresh.iter().map(|f| f.ticket.as_str()).collect::<Vec<_>>())
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.state.code())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.category.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.description.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.location.map(|c| c.lat))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.location.map(|c| c.lon))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.region.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.address.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.channel.code())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.first_receiver.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.visibility.code())
            .collect::<Vec<_>>(),
    )
    .bind(fresh.iter().map(|f| micros(f.at)).collect::<Vec<_>>())
    .bind(
        fresh
            .iter()
            .map(|f| day(f.submission.local_date))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| search::public_text(f.plan.searched_text))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.submission.new.staff_description.as_deref())
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_reporters(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO report_reporters (report_id, user_id, entered_by, sealed_identity,
             sealed_reply, reporter_key)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[],
                              $5::bytea[], $6::text[])",
    )
    .bind(fresh.iter().map(|f| f.id).collect::<Vec<_>>())
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.reporter.user.map(|u| u.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.reporter.entered_by.map(|u| u.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.reporter.sealed_identity)
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.reporter.sealed_reply)
            .collect::<Vec<_>>(),
    )
    .bind(
        fresh
            .iter()
            .map(|f| f.plan.reporter.key.as_deref())
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_channel_messages(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
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
    .bind(messages.iter().map(|m| m.0.as_str()).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.1).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.2).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The answers and photo fetches each report queues, in the order its plan gives.
async fn insert_outbox(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
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

async fn insert_triage(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    let marked: Vec<(i64, &aduan_domain::report::TriageMark)> = fresh
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
    .bind(marked.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(
        marked
            .iter()
            .map(|(_, m)| m.category.as_ref().map(|c| c.as_str()))
            .collect::<Vec<_>>(),
    )
    .bind(marked.iter().map(|(_, m)| m.confidence).collect::<Vec<_>>())
    .bind(
        marked
            .iter()
            .map(|(_, m)| m.region.as_ref().map(|r| r.as_str()))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_events(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    if fresh.is_empty() {
        return Ok(());
    }
    let events: Vec<EventRow<'_>> = fresh
        .iter()
        .map(|f| EventRow::first(ReportId(f.id), &f.plan.submission, f.at))
        .collect();
    sqlx::query(
        "INSERT INTO report_events (id, report_id, at, action, actor_id, actor_role,
             actor_unit, from_state, to_state, note, target)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                              $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::text[], $11::text[])",
    )
    .bind(fresh.iter().map(|f| f.event).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.report.0).collect::<Vec<_>>())
    .bind(events.iter().map(|e| micros(e.at)).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.action.code()).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.actor.map(|a| a.0))
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.role).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.unit).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.from.map(|s| s.code()))
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.to.code()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.note).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.target).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The photos sent with the reports, attached to their first timeline entries.
async fn insert_photos(conn: &mut PgConnection, fresh: &[Fresh<'_>]) -> StoreResult<()> {
    let photos: Vec<(&Fresh<'_>, &aduan_domain::report::NewPhoto)> = fresh
        .iter()
        .flat_map(|f| f.plan.photos.iter().map(move |p| (f, p)))
        .collect();
    if photos.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO photos (report_id, event_id, kind, content_type, bytes, created_at,
             captured_at, evidence_lat, evidence_lon)
         SELECT p.report_id, p.event_id, p.kind, p.content_type, p.bytes, p.created_at,
             p.captured_at, p.lat, p.lon
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bytea[],
                     $6::bigint[], $7::text[], $8::float8[], $9::float8[])
             WITH ORDINALITY AS p(report_id, event_id, kind, content_type, bytes, created_at,
                                  captured_at, lat, lon, n)
         ORDER BY p.n",
    )
    .bind(photos.iter().map(|(f, _)| f.id).collect::<Vec<_>>())
    .bind(photos.iter().map(|(f, _)| f.event).collect::<Vec<_>>())
    .bind(
        photos
            .iter()
            .map(|_| PhotoKind::Report.code())
            .collect::<Vec<_>>(),
    )
    .bind(
        photos
            .iter()
            .map(|(_, p)| p.content_type)
            .collect::<Vec<_>>(),
    )
    .bind(
        photos
            .iter()
            .map(|(_, p)| p.bytes.as_slice())
            .collect::<Vec<_>>(),
    )
    .bind(photos.iter().map(|(f, _)| micros(f.at)).collect::<Vec<_>>())
    .bind(
        photos
            .iter()
            .map(|(_, p)| p.evidence.captured_at.map(capture_time))
            .collect::<Vec<_>>(),
    )
    .bind(
        photos
            .iter()
            .map(|(_, p)| p.evidence.location.map(|c| c.lat))
            .collect::<Vec<_>>(),
    )
    .bind(
        photos
            .iter()
            .map(|(_, p)| p.evidence.location.map(|c| c.lon))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
