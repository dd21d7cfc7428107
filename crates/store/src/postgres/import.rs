//! Reports imported from the system aduan replaces, stored as they were, in PostgreSQL.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::PgConnection;

use aduan_domain::import::{IMPORT_NOTE, ImportedReport};
use aduan_domain::{ActionKind, Role};

use super::rows::{get, micros};
use super::{PgStore, aggregates, db_error, search};
use crate::{ImportOutcome, ImportStore, StoreResult};

/// Insert one report unless its ticket is stored; its id, or `None` when it was already
/// there (stored before, by this batch, or by a concurrent import). The caller counts it in
/// the statistics.
async fn insert(conn: &mut PgConnection, r: &ImportedReport) -> StoreResult<Option<i64>> {
    let inserted = sqlx::query(
        "INSERT INTO reports (ticket, state, category, description, lat, lon, region,
             channel, first_receiver, holding_unit, visibility, created_at, updated_at,
             coordinated_at, completed_at, version, local_day, public_search)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16,
             to_tsvector('indonesian', $17))
         ON CONFLICT (ticket) DO NOTHING
         RETURNING id",
    )
    .bind(r.ticket.as_str())
    .bind(r.state.code())
    .bind(r.category.as_str())
    .bind(&r.description)
    .bind(r.location.map(|c| c.lat))
    .bind(r.location.map(|c| c.lon))
    .bind(r.region.as_str())
    .bind(r.channel.code())
    .bind(r.first_receiver.as_str())
    .bind(r.holding_unit.as_str())
    .bind(r.visibility.code())
    .bind(micros(r.submitted_at))
    .bind(micros(r.updated_at()))
    .bind(r.coordinated_at.map(micros))
    .bind(r.completed_at.map(micros))
    .bind(r.local_day.format("%Y-%m-%d").to_string())
    .bind(search::public_text(&r.description))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    let Some(row) = inserted else {
        return Ok(None);
    };
    let id: i64 = get(&row, 0)?;
    sqlx::query("INSERT INTO report_reporters (report_id, reporter_key) VALUES ($1, $2)")
        .bind(id)
        .bind(&r.reporter_key)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO report_events (report_id, at, action, actor_id, actor_role, to_state, note)
         VALUES ($1, $2, $3, NULL, $4, $5, $6)",
    )
    .bind(id)
    .bind(micros(r.submitted_at))
    .bind(ActionKind::Submit.code())
    .bind(Role::Admin.code())
    .bind(r.state.code())
    .bind(IMPORT_NOTE)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(Some(id))
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
        let mut outcome = ImportOutcome::default();
        let mut inserted = Vec::with_capacity(reports.len());
        for report in &reports {
            match insert(&mut tx, report).await? {
                Some(id) => inserted.push(id),
                None => outcome.already_present += 1,
            }
        }
        outcome.imported = inserted.len() as u64;
        // The whole batch at once: each statistics row is written once per batch.
        aggregates::count_new(&mut tx, &inserted).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(outcome)
    }
}
