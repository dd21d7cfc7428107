//! Reports imported from the system aduan replaces, stored as they were, in PostgreSQL.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::PgConnection;

use aduan_domain::import::{IMPORT_NOTE, ImportedReport};
use aduan_domain::{ActionKind, Role};

use super::rows::{column, get, micros};
use super::{PgStore, aggregates, db_error, search};
use crate::{ImportOutcome, ImportStore, StoreResult};

/// Insert every report whose ticket is not stored yet, each with its reporter and its first
/// timeline entry, in three set-based statements (every column bound as an array and
/// unnested); the ids inserted. A ticket already stored (before, earlier in this batch, or
/// by a concurrent import) is skipped. The caller counts the new ones in the statistics.
async fn insert(conn: &mut PgConnection, reports: &[ImportedReport]) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query(
        "INSERT INTO reports (ticket, state, category, description, lat, lon, region,
             channel, first_receiver, holding_unit, visibility, created_at, updated_at,
             coordinated_at, completed_at, version, local_day, public_search)
         SELECT n.ticket, n.state, n.category, n.description, n.lat, n.lon, n.region,
             n.channel, n.first_receiver, n.holding_unit, n.visibility, n.created_at,
             n.updated_at, n.coordinated_at, n.completed_at, 1, n.local_day,
             to_tsvector('indonesian', n.public_text)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[],
                     $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[],
                     $16::text[], $17::text[])
             WITH ORDINALITY AS n(ticket, state, category, description, lat, lon, region,
                  channel, first_receiver, holding_unit, visibility, created_at, updated_at,
                  coordinated_at, completed_at, local_day, public_text, position)
         ORDER BY n.position
         ON CONFLICT (ticket) DO NOTHING
         RETURNING id, ticket",
    )
    .bind(column(reports, |r| r.ticket.as_str()))
    .bind(column(reports, |r| r.state.code()))
    .bind(column(reports, |r| r.category.as_str()))
    .bind(column(reports, |r| r.description.as_str()))
    .bind(column(reports, |r| r.location.map(|c| c.lat)))
    .bind(column(reports, |r| r.location.map(|c| c.lon)))
    .bind(column(reports, |r| r.region.as_str()))
    .bind(column(reports, |r| r.channel.code()))
    .bind(column(reports, |r| r.first_receiver.as_str()))
    .bind(column(reports, |r| r.holding_unit.as_str()))
    .bind(column(reports, |r| r.visibility.code()))
    .bind(column(reports, |r| micros(r.submitted_at)))
    .bind(column(reports, |r| micros(r.updated_at())))
    .bind(column(reports, |r| r.coordinated_at.map(micros)))
    .bind(column(reports, |r| r.completed_at.map(micros)))
    .bind(column(reports, |r| {
        r.local_day.format("%Y-%m-%d").to_string()
    }))
    .bind(column(reports, |r| search::public_text(&r.description)))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in &rows {
        ids.insert(get::<String>(row, 1)?, get::<i64>(row, 0)?);
    }
    // The new ones in the file's order, each with its id.
    let new: Vec<(i64, &ImportedReport)> = reports
        .iter()
        .filter_map(|r| Some((ids.remove(r.ticket.as_str())?, r)))
        .collect();
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let report_ids = column(&new, |(id, _)| *id);
    sqlx::query(
        "INSERT INTO report_reporters (report_id, reporter_key)
         SELECT * FROM unnest($1::bigint[], $2::text[])",
    )
    .bind(&report_ids)
    .bind(column(&new, |(_, r)| r.reporter_key.as_str()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO report_events (report_id, at, action, actor_id, actor_role, to_state, note)
         SELECT e.report_id, e.at, $3, NULL, $4, e.to_state, $5
         FROM unnest($1::bigint[], $2::bigint[], $6::text[])
             WITH ORDINALITY AS e(report_id, at, to_state, position)
         ORDER BY e.position",
    )
    .bind(&report_ids)
    .bind(column(&new, |(_, r)| micros(r.submitted_at)))
    .bind(ActionKind::Submit.code())
    .bind(Role::Admin.code())
    .bind(IMPORT_NOTE)
    .bind(column(&new, |(_, r)| r.state.code()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(report_ids)
}

/// Move each day's ticket sequence past the highest imported ticket issued on it, days in
/// order.
async fn advance_ticket_days(
    conn: &mut PgConnection,
    issued: &BTreeMap<NaiveDate, u32>,
) -> StoreResult<()> {
    for (day, last) in issued {
        sqlx::query(
            "INSERT INTO ticket_days AS t (day, last) VALUES ($1, $2)
             ON CONFLICT (day) DO UPDATE SET last = GREATEST(t.last, excluded.last)",
        )
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(i64::from(*last))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

#[async_trait]
impl ImportStore for PgStore {
    async fn import_reports(&self, reports: Vec<ImportedReport>) -> StoreResult<ImportOutcome> {
        // Tickets this jurisdiction issued: new tickets of their days come after them. The
        // days move on in a transaction of their own, committed before the reports are
        // written: a submission takes its day's row last, after the statistics' rows, so
        // holding a day while waiting for those rows could deadlock with it. Should the
        // batch then fail, the days have only skipped numbers the imported tickets hold.
        // (A ticket already stored was counted in its day when it was stored, so moving
        // past it again changes nothing.)
        let mut issued: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for (day, sequence) in reports.iter().filter_map(|r| r.issued) {
            let last = issued.entry(day).or_default();
            *last = (*last).max(sequence);
        }
        if !issued.is_empty() {
            let mut days = self.pool.begin().await.map_err(db_error)?;
            advance_ticket_days(&mut days, &issued).await?;
            days.commit().await.map_err(db_error)?;
        }
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let inserted = insert(&mut tx, &reports).await?;
        let outcome = ImportOutcome {
            imported: inserted.len() as u64,
            already_present: (reports.len() - inserted.len()) as u64,
        };
        // The whole batch at once: each statistics row is written once per batch.
        aggregates::count_new(&mut tx, &inserted).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(outcome)
    }
}
