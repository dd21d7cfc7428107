//! Figures computed from the data in PostgreSQL: the statistics' counts read from the rows
//! `aggregates` keeps (the queued changes folded in first); which rows to read and how they add up is `crate::counts`.

use async_trait::async_trait;
use sqlx::PgConnection;

use aduan_domain::stats::{StatsCounts, StatsQuery};

use super::aggregates::{self, Others};
use super::rows::get;
use super::{PgStore, db_error};
use crate::counts::{Tally, category_rows, segments};
use crate::{StatsStore, StoreResult};

#[async_trait]
impl StatsStore for PgStore {
    /// Every change committed so far folded in first (waiting for folds in flight), then
    /// everything in one read-only snapshot, so the figures agree with each other however
    /// many instances write meanwhile.
    async fn stats_counts(&self, query: StatsQuery) -> StoreResult<StatsCounts> {
        aggregates::fold(&self.pool, Others::Wait).await?;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut tally = Tally::default();
        for segment in &segments(&query) {
            for category in category_rows(&query) {
                let range = (
                    segment.grain,
                    category,
                    segment.from.as_str(),
                    segment.to.as_str(),
                );
                cells(&mut tx, &mut tally, range).await?;
                reporter_sets(&mut tx, &mut tally, range).await?;
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(tally.finish(&query))
    }
}

/// `(grain, category row, first period, end period)`.
type Range<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The cells of one segment under one category row (a code, or all categories).
async fn cells(conn: &mut PgConnection, tally: &mut Tally, range: Range<'_>) -> StoreResult<()> {
    let (grain, category, from, to) = range;
    let rows = sqlx::query(
        "SELECT period, dim, value, reports, coordinated, coordination_ms, completed,
                completion_ms
         FROM stats_cells
         WHERE grain = $1 AND category = $2 AND period >= $3 AND period < $4",
    )
    .bind(grain)
    .bind(category)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    for row in &rows {
        let numbers = [
            get(row, 3)?,
            get(row, 4)?,
            get(row, 5)?,
            get(row, 6)?,
            get(row, 7)?,
        ];
        let (period, dim, value): (&str, &str, &str) = (get(row, 0)?, get(row, 1)?, get(row, 2)?);
        tally.cell(category, period, dim, value, numbers)?;
    }
    Ok(())
}

/// The reporters of one segment under one category row, per channel.
async fn reporter_sets(
    conn: &mut PgConnection,
    tally: &mut Tally,
    range: Range<'_>,
) -> StoreResult<()> {
    let (grain, category, from, to) = range;
    let rows = sqlx::query(
        "SELECT channel, members FROM stats_reporter_sets
         WHERE grain = $1 AND category = $2 AND period >= $3 AND period < $4",
    )
    .bind(grain)
    .bind(category)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    for row in &rows {
        tally.reporter_set(get(row, 0)?, get(row, 1)?)?;
    }
    Ok(())
}
