//! Full-text search over reports: the FTS5 table `reports_fts` (rowid = report id), kept
//! with each report (a listing's condition on it is in `crate::listing::search`).

use rusqlite::{Connection, params};

use aduan_domain::search::{index_terms, public_index_terms};

use crate::{StoreError, StoreResult};

/// The text a report is found by: its description and address.
fn searchable(description: &str, address: Option<&str>) -> String {
    match address {
        Some(address) => format!("{description}\n{address}"),
        None => description.to_owned(),
    }
}

/// Index a report just inserted, in the caller's transaction.
pub(super) fn index(
    conn: &Connection,
    report: i64,
    description: &str,
    address: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO reports_fts (rowid, terms, public_terms) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| {
            s.execute(params![
                report,
                index_terms(&searchable(description, address)),
                public_index_terms(description),
            ])
        })
        .map_err(StoreError::other)?;
    Ok(())
}

/// Index every report that is not indexed yet (the reports stored before search existed).
pub(super) fn backfill(conn: &Connection) -> StoreResult<()> {
    let mut stmt = conn
        .prepare(
            "SELECT id, description, address FROM reports
             WHERE id NOT IN (SELECT rowid FROM reports_fts) ORDER BY id",
        )
        .map_err(StoreError::other)?;
    let pending = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::other)?;
    for (id, description, address) in pending {
        index(conn, id, &description, address.as_deref())?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_sqlite_has_fts5() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../../migrations/sqlite/0005_search.sql"))
            .unwrap();
    }
}
