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
