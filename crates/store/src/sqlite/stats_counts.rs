//! The counts behind the published statistics, read from the counts kept with every change
//! (`aggregates`): whole months where the period spans them, days at its ends, under each
//! asked-for category or under all of them. The cost grows with the period's length and the
//! number of categories asked for, never with the number of reports stored.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use roaring::RoaringBitmap;
use rusqlite::{Connection, params};

use aduan_domain::stats::{StatsCounts, StatsQuery};
use aduan_domain::{CategoryCode, Channel, RegionCode, ReportState};

use super::aggregates::{ALL_CATEGORIES, reporter_set};
use super::rows::corrupt;
use crate::{StoreError, StoreResult};

/// Everything in one read transaction, so the figures agree with each other.
pub fn stats_counts(conn: &Connection, query: &StatsQuery) -> StoreResult<StatsCounts> {
    let tx = conn.unchecked_transaction().map_err(StoreError::other)?;
    let categories: Vec<&str> = if query.categories.is_empty() {
        vec![ALL_CATEGORIES]
    } else {
        query.categories.iter().map(CategoryCode::as_str).collect()
    };
    let cover = query.period.cover();
    let mut segments: Vec<(&str, String, String)> = Vec::new();
    if let Some((first, end)) = cover.months {
        segments.push(("m", month_key(first), month_key(end)));
    }
    for (from, to) in &cover.days {
        segments.push(("d", day_key(*from), day_key(*to)));
    }

    let mut tally = Tally::default();
    for (grain, from, to) in &segments {
        for category in &categories {
            tally.cells(&tx, category, params![grain, category, from, to])?;
            tally.reporters(&tx, params![grain, category, from, to])?;
        }
    }
    tx.finish().map_err(StoreError::other)?;

    let by_month = query
        .period
        .months()
        .iter()
        .map(|m| tally.by_month.get(&month_key(*m)).copied().unwrap_or(0))
        .collect();
    let by_channel = tally
        .by_channel
        .iter()
        .map(|(channel, n)| {
            let people = tally
                .reporters_by_channel
                .get(channel)
                .map_or(0, |s| s.len());
            (*channel, *n, people)
        })
        .collect();
    Ok(StatsCounts {
        reports: tally.reports,
        reporters: tally.reporters.len(),
        by_state: tally.by_state.into_iter().collect(),
        mean_coordination_secs: mean_secs(tally.coordination),
        mean_completion_secs: mean_secs(tally.completion),
        by_category: tally.by_category.into_iter().collect(),
        by_channel,
        by_month,
        by_region: tally.by_region.into_iter().collect(),
    })
}

/// Sums over the rows read so far.
#[derive(Default)]
struct Tally {
    reports: u64,
    by_state: BTreeMap<ReportState, u64>,
    by_category: BTreeMap<CategoryCode, u64>,
    by_month: BTreeMap<String, u64>,
    by_channel: BTreeMap<Channel, u64>,
    by_region: BTreeMap<RegionCode, u64>,
    /// (how many, total ms)
    coordination: (i64, i64),
    completion: (i64, i64),
    reporters: RoaringBitmap,
    reporters_by_channel: BTreeMap<Channel, RoaringBitmap>,
}

impl Tally {
    /// The cells of one segment under one category row (a code, or all categories).
    fn cells(
        &mut self,
        conn: &Connection,
        category: &str,
        params: impl rusqlite::Params,
    ) -> StoreResult<()> {
        let own = if category == ALL_CATEGORIES {
            None
        } else {
            Some(CategoryCode::parse(category).map_err(|_| corrupt("category", category))?)
        };
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
            let (period, dim, value) = (text(0)?, text(1)?, text(2)?);
            let n = count(number(3)?);
            match dim {
                "state" => {
                    let state = ReportState::parse(value).ok_or_else(|| corrupt("state", value))?;
                    self.reports += n;
                    *self.by_state.entry(state).or_default() += n;
                    let month = period.get(..7).unwrap_or(period);
                    *self.by_month.entry(month.to_owned()).or_default() += n;
                    if let Some(own) = &own {
                        *self.by_category.entry(own.clone()).or_default() += n;
                    }
                    self.coordination.0 += number(4)?;
                    self.coordination.1 += number(5)?;
                    self.completion.0 += number(6)?;
                    self.completion.1 += number(7)?;
                }
                "category" => {
                    let code =
                        CategoryCode::parse(value).map_err(|_| corrupt("category", value))?;
                    *self.by_category.entry(code).or_default() += n;
                }
                "channel" => {
                    let channel = Channel::parse(value).ok_or_else(|| corrupt("channel", value))?;
                    *self.by_channel.entry(channel).or_default() += n;
                }
                "region" => {
                    let region = RegionCode::parse(value).map_err(|_| corrupt("region", value))?;
                    *self.by_region.entry(region).or_default() += n;
                }
                other => return Err(corrupt("statistics dimension", other)),
            }
        }
        Ok(())
    }

    /// The reporters of one segment under one category row, per channel.
    fn reporters(&mut self, conn: &Connection, params: impl rusqlite::Params) -> StoreResult<()> {
        let mut stmt = conn
            .prepare_cached(
                "SELECT channel, members FROM stats_reporter_sets
                 WHERE grain = ?1 AND category = ?2 AND period >= ?3 AND period < ?4",
            )
            .map_err(StoreError::other)?;
        let mut rows = stmt.query(params).map_err(StoreError::other)?;
        while let Some(row) = rows.next().map_err(StoreError::other)? {
            let raw: String = row.get(0).map_err(StoreError::other)?;
            let channel = Channel::parse(&raw).ok_or_else(|| corrupt("channel", &raw))?;
            let members = row
                .get_ref(1)
                .and_then(|v| Ok(v.as_blob()?))
                .map_err(StoreError::other)?;
            let set = reporter_set(members)?;
            self.reporters |= &set;
            *self.reporters_by_channel.entry(channel).or_default() |= set;
        }
        Ok(())
    }
}

fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The mean of `(how many, total ms)` in seconds; `None` over nothing.
fn mean_secs((n, total_ms): (i64, i64)) -> Option<f64> {
    (n > 0).then(|| total_ms as f64 / n as f64 / 1000.0)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}
