//! Filing a batch of submissions in one transaction, a statement per table ([`super::tables`]).
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

use aduan_domain::filing;
use aduan_domain::report::Report;
use aduan_domain::{ReportId, Ticket};

use super::Submission;
use super::tables::{self, Fresh, contribution, day};
use crate::counts::Contribution;
use crate::postgres::rows::{self, corrupt, micros};
use crate::postgres::{aggregates, db_error, reports};
use crate::{StoreError, StoreResult};

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
    // Read before the ticket row is taken: from there to the COMMIT only writes run.
    let mut earlier = HashMap::new();
    for id in before.iter().flatten() {
        earlier.insert(*id, reports::select_report(&mut *tx, *id).await?);
    }
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
    tables::insert_reports(&mut *tx, &fresh).await?;
    tables::insert_reporters(&mut *tx, &fresh).await?;
    tables::insert_channel_messages(&mut *tx, &fresh).await?;
    tables::insert_outbox(&mut *tx, &fresh).await?;
    tables::insert_triage(&mut *tx, &fresh).await?;
    tables::insert_events(&mut *tx, &fresh).await?;
    tables::insert_photos(&mut *tx, &fresh).await?;
    let counted: Vec<Contribution> = fresh.iter().map(contribution).collect();
    aggregates::count_filed(&mut *tx, &counted).await?;
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
