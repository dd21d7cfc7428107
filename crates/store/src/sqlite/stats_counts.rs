//! The counts behind the published statistics, read from the counts kept with every change
//! (`aggregates`): whole months where the period spans them, days at its ends. The cost
//! grows with the period's length and the categories, never with the number of reports,
//! except distinct reporters, which are counted over the reporters of the period's days.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use aduan_domain::stats::{StatsCounts, StatsQuery};
use aduan_domain::{CategoryCode, Channel, RegionCode, ReportState};

use super::rows::corrupt;
use crate::{StoreError, StoreResult};

/// Only the categories in the JSON array `?4`, unless it is NULL.
const CATEGORIES: &str = "(?4 IS NULL OR category IN (SELECT j.value FROM json_each(?4) AS j))";

/// Everything in one read transaction, so the figures agree with each other.
pub fn stats_counts(conn: &Connection, query: &StatsQuery) -> StoreResult<StatsCounts> {
    let tx = conn.unchecked_transaction().map_err(StoreError::other)?;
    let categories = if query.categories.is_empty() {
        None
    } else {
        let codes: Vec<&str> = query.categories.iter().map(CategoryCode::as_str).collect();
        Some(serde_json::to_string(&codes).map_err(StoreError::other)?)
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
        tally.states(&tx, params![grain, from, to, categories])?;
        tally.others(&tx, params![grain, from, to, categories])?;
    }
    let days = (day_key(query.period.from()), day_key(query.period.to()));
    let (reporters, reporters_by_channel) = reporters(&tx, &days, &categories)?;
    tx.finish().map_err(StoreError::other)?;

    let months = query.period.months();
    let by_month = months
        .iter()
        .map(|m| tally.by_month.get(&month_key(*m)).copied().unwrap_or(0))
        .collect();
    let by_channel = tally
        .by_channel
        .into_iter()
        .map(|(channel, n)| {
            let people = reporters_by_channel.get(&channel).copied().unwrap_or(0);
            (channel, n, people)
        })
        .collect();
    Ok(StatsCounts {
        reports: tally.reports,
        reporters,
        by_state: tally.by_state.into_iter().collect(),
        mean_coordination_secs: mean_secs(tally.coordination),
        mean_completion_secs: mean_secs(tally.completion),
        by_category: tally.by_category.into_iter().collect(),
        by_channel,
        by_month,
        by_region: tally.by_region.into_iter().collect(),
    })
}

/// Sums over the cells read so far.
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
}

impl Tally {
    /// The `state` cells of one segment: states, categories, months and the time sums.
    fn states(&mut self, conn: &Connection, params: impl rusqlite::Params) -> StoreResult<()> {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT value, category, substr(period, 1, 7), SUM(reports), SUM(coordinated),
                        SUM(coordination_ms), SUM(completed), SUM(completion_ms)
                 FROM stats_cells
                 WHERE grain = ?1 AND period >= ?2 AND period < ?3 AND dim = 'state'
                   AND {CATEGORIES}
                 GROUP BY value, category, substr(period, 1, 7)"
            ))
            .map_err(StoreError::other)?;
        let mut rows = stmt.query(params).map_err(StoreError::other)?;
        while let Some(row) = rows.next().map_err(StoreError::other)? {
            let get = |i| row.get::<_, i64>(i).map_err(StoreError::other);
            let state: String = row.get(0).map_err(StoreError::other)?;
            let category: String = row.get(1).map_err(StoreError::other)?;
            let month: String = row.get(2).map_err(StoreError::other)?;
            let n = count(get(3)?);
            let state = ReportState::parse(&state).ok_or_else(|| corrupt("state", &state))?;
            let category =
                CategoryCode::parse(&category).map_err(|_| corrupt("category", &category))?;
            self.reports += n;
            *self.by_state.entry(state).or_default() += n;
            *self.by_category.entry(category).or_default() += n;
            *self.by_month.entry(month).or_default() += n;
            self.coordination.0 += get(4)?;
            self.coordination.1 += get(5)?;
            self.completion.0 += get(6)?;
            self.completion.1 += get(7)?;
        }
        Ok(())
    }

    /// The `channel` and `region` cells of one segment.
    fn others(&mut self, conn: &Connection, params: impl rusqlite::Params) -> StoreResult<()> {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT dim, value, SUM(reports) FROM stats_cells
                 WHERE grain = ?1 AND period >= ?2 AND period < ?3
                   AND dim IN ('channel', 'region') AND {CATEGORIES}
                 GROUP BY dim, value"
            ))
            .map_err(StoreError::other)?;
        let mut rows = stmt.query(params).map_err(StoreError::other)?;
        while let Some(row) = rows.next().map_err(StoreError::other)? {
            let dim: String = row.get(0).map_err(StoreError::other)?;
            let value: String = row.get(1).map_err(StoreError::other)?;
            let n = count(row.get(2).map_err(StoreError::other)?);
            if dim == "channel" {
                let channel = Channel::parse(&value).ok_or_else(|| corrupt("channel", &value))?;
                *self.by_channel.entry(channel).or_default() += n;
            } else {
                let region = RegionCode::parse(&value).map_err(|_| corrupt("region", &value))?;
                *self.by_region.entry(region).or_default() += n;
            }
        }
        Ok(())
    }
}

/// Distinct reporters of the days `[from, to)`: in all, and per channel.
fn reporters(
    conn: &Connection,
    (from, to): &(String, String),
    categories: &Option<String>,
) -> StoreResult<(u64, BTreeMap<Channel, u64>)> {
    let all: i64 = conn
        .prepare_cached(&format!(
            "SELECT COUNT(DISTINCT reporter) FROM stats_reporters
             WHERE day >= ?1 AND day < ?2 AND {}",
            CATEGORIES.replace("?4", "?3")
        ))
        .and_then(|mut s| s.query_row(params![from, to, categories], |r| r.get(0)))
        .map_err(StoreError::other)?;
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT channel, COUNT(DISTINCT reporter) FROM stats_reporters
             WHERE day >= ?1 AND day < ?2 AND {}
             GROUP BY channel",
            CATEGORIES.replace("?4", "?3")
        ))
        .map_err(StoreError::other)?;
    let mut rows = stmt
        .query(params![from, to, categories])
        .map_err(StoreError::other)?;
    let mut by_channel = BTreeMap::new();
    while let Some(row) = rows.next().map_err(StoreError::other)? {
        let raw: String = row.get(0).map_err(StoreError::other)?;
        let n: i64 = row.get(1).map_err(StoreError::other)?;
        let channel = Channel::parse(&raw).ok_or_else(|| corrupt("channel", &raw))?;
        by_channel.insert(channel, count(n));
    }
    Ok((count(all), by_channel))
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
