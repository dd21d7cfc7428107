//! Listing reports: a scope, filters and a page, newest first (see [`crate::listing`]).

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
    let mut reports = Vec::new();
    while let Some(row) = found.next().map_err(StoreError::other)? {
        reports.push(rows::report(row)?);
    }
    Ok(listing::page(q, reports))
}
