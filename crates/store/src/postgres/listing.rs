//! Listing reports in PostgreSQL: a scope, filters and a page, in the query's order (see
//! [`crate::listing`]).

use sqlx::PgConnection;

use super::{db_error, rows};
use crate::listing::{self, Dialect, Value};
use crate::{ReportPage, ReportQuery, StoreResult};

/// One page of the reports `q` selects, in its order.
pub(super) async fn list(conn: &mut PgConnection, q: &ReportQuery) -> StoreResult<ReportPage> {
    let filter = listing::filter(q, Dialect::Postgres);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(listing::page_sql(q, &filter)));
    for value in filter.values {
        query = match value {
            Value::Text(text) => query.bind(text),
            Value::Number(number) => query.bind(number),
            Value::Real(real) => query.bind(real),
            Value::Texts(texts) => query.bind(texts),
        };
    }
    let found = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    let keyed = q.order.is_keyed();
    let reports = found
        .iter()
        .map(|row| {
            let key = if keyed {
                Some(rows::get::<f64>(row, listing::SORT_KEY_COLUMN)?)
            } else {
                None
            };
            Ok((rows::report(row)?, key))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(listing::page(q, reports))
}
