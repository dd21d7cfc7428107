//! Reports imported from the system aduan replaces, stored as they were.

use async_trait::async_trait;
use rusqlite::{Connection, params};

use aduan_domain::import::{IMPORT_NOTE, ImportedReport};
use aduan_domain::{ActionKind, Role};

use super::rows::micros;
use super::{SqliteStore, aggregates, search};
use crate::counts::{Contribution, Delta};
use crate::{ImportOutcome, ImportStore, StoreError, StoreResult};

/// Insert one report unless its ticket is stored; whether it was inserted (not already
/// there). The caller counts it in the statistics.
fn insert(conn: &Connection, r: &ImportedReport) -> StoreResult<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO reports (ticket, state, category, description, lat, lon, region,
                 channel, first_receiver, holding_unit, visibility, created_at, updated_at,
                 coordinated_at, completed_at, version, local_day)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 1, ?16)
             ON CONFLICT(ticket) DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute(params![
                r.ticket.as_str(),
                r.state.code(),
                r.category.as_str(),
                r.description,
                r.location.map(|c| c.lat),
                r.location.map(|c| c.lon),
                r.region.as_str(),
                r.channel.code(),
                r.first_receiver.as_str(),
                r.holding_unit.as_str(),
                r.visibility.code(),
                micros(r.submitted_at),
                micros(r.updated_at()),
                r.coordinated_at.map(micros),
                r.completed_at.map(micros),
                r.local_day.format("%Y-%m-%d").to_string(),
            ])
        })
        .map_err(StoreError::other)?;
    if inserted == 0 {
        return Ok(false);
    }
    let id = conn.last_insert_rowid();
    search::index(conn, id, &r.description, None)?;
    conn.prepare_cached("INSERT INTO report_reporters (report_id, reporter_key) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![id, r.reporter_key]))
        .map_err(StoreError::other)?;
    conn.prepare_cached(
        "INSERT INTO report_events (report_id, at, action, actor_id, actor_role, to_state, note)
         VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            id,
            micros(r.submitted_at),
            ActionKind::Submit.code(),
            Role::Admin.code(),
            r.state.code(),
            IMPORT_NOTE,
        ])
    })
    .map_err(StoreError::other)?;
    if let Some((day, sequence)) = r.issued {
        // A ticket this jurisdiction issues: new tickets of that day come after it.
        conn.prepare_cached(
            "INSERT INTO ticket_days (day, last) VALUES (?1, ?2)
             ON CONFLICT(day) DO UPDATE SET last = MAX(last, excluded.last)",
        )
        .and_then(|mut s| s.execute(params![day.format("%Y-%m-%d").to_string(), sequence]))
        .map_err(StoreError::other)?;
    }
    Ok(true)
}

#[async_trait]
impl ImportStore for SqliteStore {
    async fn import_reports(&self, reports: Vec<ImportedReport>) -> StoreResult<ImportOutcome> {
        // What the batch adds to the statistics when every report in it is new (the usual
        // case), summed before the writer is taken; summed again from the new ones only
        // when some were stored before.
        let contributions: Vec<Contribution> =
            reports.iter().map(Contribution::of_imported).collect();
        let all_new = Delta::counting(&contributions);
        self.writer
            .write(move |conn| {
                let mut new = Vec::with_capacity(reports.len());
                for (report, contribution) in reports.iter().zip(contributions) {
                    if insert(conn, report)? {
                        new.push(contribution);
                    }
                }
                let outcome = ImportOutcome {
                    imported: new.len() as u64,
                    already_present: (reports.len() - new.len()) as u64,
                };
                let delta = if new.len() == reports.len() {
                    all_new
                } else {
                    Delta::counting(&new)
                };
                aggregates::write(conn, &delta)?;
                Ok(outcome)
            })
            .await
    }
}
