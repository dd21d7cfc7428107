//! The counts behind the published statistics, read from the counts kept with every change
//! (`aggregates`); which rows to read and how they add up is `crate::counts`.

use rusqlite::{Connection, params};

use aduan_domain::stats::{StatsCounts, StatsQuery};

use crate::counts::{Tally, category_rows, segments};
use crate::{StoreError, StoreResult};

/// Everything in one read transaction, so the figures agree with each other.
pub fn stats_counts(conn: &Connection, query: &StatsQuery) -> StoreResult<StatsCounts> {
    let tx = conn.unchecked_transaction().map_err(StoreError::other)?;
    let mut tally = Tally::default();
    for segment in &segments(query) {
        for category in category_rows(query) {
            let params = params![segment.grain, category, segment.from, segment.to];
            cells(&tx, &mut tally, category, params)?;
            reporter_sets(&tx, &mut tally, params)?;
        }
    }
    tx.finish().map_err(StoreError::other)?;
    Ok(tally.finish(query))
}

/// The cells of one segment under one category row (a code, or all categories).
fn cells(
    conn: &Connection,
    tally: &mut Tally,
    category: &str,
    params: impl rusqlite::Params,
) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT period, dim, value, reports, coordinated, coordination_ms, completed,
                    completion_ms
             FROM stats_cells
             WHERE grain = ?1 AND category = ?2 AND period >= ?3 AND period < ?4",
        )
        .map_err(StoreError::other)?;
    let mut rows = stmt.query(params).map_err(StoreError::other)?;
    while let Some(row) = rows.next().map_err(StoreError::other)? {
        let text = |i| {
            row.get_ref(i)
                .and_then(|v| Ok(v.as_str()?))
                .map_err(StoreError::other)
        };
        let number = |i| row.get::<_, i64>(i).map_err(StoreError::other);
        let numbers = [number(3)?, number(4)?, number(5)?, number(6)?, number(7)?];
        tally.cell(category, text(0)?, text(1)?, text(2)?, numbers)?;
    }
    Ok(())
}

/// The reporters of one segment under one category row, per channel.
fn reporter_sets(
    conn: &Connection,
    tally: &mut Tally,
    params: impl rusqlite::Params,
) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT channel, members FROM stats_reporter_sets
             WHERE grain = ?1 AND category = ?2 AND period >= ?3 AND period < ?4",
        )
        .map_err(StoreError::other)?;
    let mut rows = stmt.query(params).map_err(StoreError::other)?;
    while let Some(row) = rows.next().map_err(StoreError::other)? {
        let channel = row
            .get_ref(0)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(StoreError::other)?;
        let members = row
            .get_ref(1)
            .and_then(|v| Ok(v.as_blob()?))
            .map_err(StoreError::other)?;
        tally.reporter_set(channel, members)?;
    }
    Ok(())
}
