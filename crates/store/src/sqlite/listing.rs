//! Listing reports: a scope, filters and a page, in the query's order (see
//! [`crate::listing`]).

use rusqlite::Connection;
use rusqlite::types::{ToSql, ToSqlOutput};

use super::rows;
use crate::listing::{self, Dialect, Value};
use crate::{ReportPage, ReportQuery, StoreError, StoreResult};

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Value::Text(text) => text.to_sql(),
            Value::Number(number) => number.to_sql(),
            Value::Real(real) => real.to_sql(),
            Value::Texts(_) => Err(rusqlite::Error::ToSqlConversionFailure(
                "SQLite binds no arrays".into(),
            )),
        }
    }
}

pub(super) fn list(conn: &Connection, q: &ReportQuery) -> StoreResult<ReportPage> {
    let filter = listing::filter(q, Dialect::Sqlite);
    let mut stmt = conn
        .prepare_cached(&listing::page_sql(q, &filter))
        .map_err(StoreError::other)?;
    let params: Vec<&dyn ToSql> = filter.values.iter().map(|v| v as &dyn ToSql).collect();
    let mut found = stmt.query(params.as_slice()).map_err(StoreError::other)?;
    let keyed = q.order.is_keyed();
    let mut reports = Vec::new();
    while let Some(row) = found.next().map_err(StoreError::other)? {
        let key = if keyed {
            Some(
                row.get::<_, f64>(listing::SORT_KEY_COLUMN)
                    .map_err(StoreError::other)?,
            )
        } else {
            None
        };
        reports.push((rows::report(row)?, key));
    }
    Ok(listing::page(q, reports))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use aduan_domain::{CategoryCode, ReportState};

    use super::*;
    use crate::ReportScope;
    use crate::sqlite::SqliteStore;

    /// SQLite's plan for the page `q` reads, one line per step.
    fn plan(q: &ReportQuery) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aduan.db");
        drop(SqliteStore::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let filter = listing::filter(q, Dialect::Sqlite);
        let params: Vec<&dyn ToSql> = filter.values.iter().map(|v| v as &dyn ToSql).collect();
        let mut stmt = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                listing::page_sql(q, &filter)
            ))
            .unwrap();
        let steps: Vec<String> = stmt
            .query_map(params.as_slice(), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        steps.join("\n")
    }

    #[test]
    fn a_page_of_one_state_and_category_reads_their_index_newest_first() {
        let mut q = ReportQuery::new(ReportScope::All, 50);
        q.state = Some(ReportState::Coordination);
        q.category = Some(CategoryCode::parse("jalan").unwrap());
        let plan = plan(&q);
        // Walking one category's index for the few reports in a state read a fifth of a
        // million-report store per page; this index holds exactly the page, in order.
        assert!(
            plan.contains("USING INDEX reports_state_category (state=? AND category=?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "sorted apart: {plan}");
    }

    #[test]
    fn the_first_and_next_pages_of_everything_read_the_table_newest_first() {
        let mut q = ReportQuery::new(ReportScope::All, 50);
        let first = plan(&q);
        q.after = Some(1_000);
        let next = plan(&q);
        for plan in [first, next] {
            assert!(
                plan.contains("SCAN r") || plan.contains("SEARCH r USING INTEGER PRIMARY KEY"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "sorted apart: {plan}");
        }
    }
}
