//! Listing reports in PostgreSQL: a scope, filters and a page, newest first (see
//! [`crate::listing`]).

use sqlx::PgConnection;

use super::{db_error, rows};
use crate::listing::{self, Dialect, Value};
use crate::{ReportPage, ReportQuery, StoreResult};

/// One page of the reports `q` selects, newest first.
pub(super) async fn list(conn: &mut PgConnection, q: &ReportQuery) -> StoreResult<ReportPage> {
    let filter = listing::filter(q, Dialect::Postgres);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(listing::page_sql(q, &filter)));
    for value in filter.values {
        query = match value {
            Value::Text(text) => query.bind(text),
            Value::Number(number) => query.bind(number),
            Value::Texts(texts) => query.bind(texts),
        };
    }
    let found = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    let reports = found
        .iter()
        .map(rows::report)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(listing::page(q, reports))
}
