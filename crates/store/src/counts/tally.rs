//! Reading the counted rows back: which rows a query needs (whole months where the period
//! spans them, days at its ends, under each asked-for category or under all of them), and
//! their sum as [`StatsCounts`]. The cost grows with the period's length and the number of
//! categories asked for, never with the number of reports stored.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use roaring::RoaringBitmap;

use aduan_domain::stats::{StatsCounts, StatsQuery};
use aduan_domain::{CategoryCode, Channel, RegionCode, ReportState};

use super::ALL_CATEGORIES;
use super::reporter_set::decode_reporter_set;
use crate::{StoreError, StoreResult};

/// Rows of one grain with periods in `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub grain: &'static str,
    pub from: String,
    pub to: String,
}

/// The segments covering a query's period: its whole months, then the days at its ends.
pub(crate) fn segments(query: &StatsQuery) -> Vec<Segment> {
    let cover = query.period.cover();
    let mut segments = Vec::new();
    if let Some((first, end)) = cover.months {
        segments.push(Segment {
            grain: "m",
            from: month_key(first),
            to: month_key(end),
        });
    }
    for (from, to) in &cover.days {
        segments.push(Segment {
            grain: "d",
            from: day_key(*from),
            to: day_key(*to),
        });
    }
    segments
}

/// The category rows a query reads: the asked-for categories, or the row of all of them.
pub(crate) fn category_rows(query: &StatsQuery) -> Vec<&str> {
    if query.categories.is_empty() {
        vec![ALL_CATEGORIES]
    } else {
        query.categories.iter().map(CategoryCode::as_str).collect()
    }
}

/// Sums over the rows read so far.
#[derive(Default)]
pub(crate) struct Tally {
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
    /// Add one `stats_cells` row read under category row `category` (a code, or all
    /// categories); `numbers` are `[reports, coordinated, coordination_ms, completed,
    /// completion_ms]`.
    pub fn cell(
        &mut self,
        category: &str,
        period: &str,
        dim: &str,
        value: &str,
        numbers: [i64; 5],
    ) -> StoreResult<()> {
        let n = count(numbers[0]);
        match dim {
            "state" => {
                let state = ReportState::parse(value).ok_or_else(|| corrupt("state", value))?;
                self.reports += n;
                *self.by_state.entry(state).or_default() += n;
                let month = period.get(..7).unwrap_or(period);
                *self.by_month.entry(month.to_owned()).or_default() += n;
                if category != ALL_CATEGORIES {
                    let own =
                        CategoryCode::parse(category).map_err(|_| corrupt("category", category))?;
                    *self.by_category.entry(own).or_default() += n;
                }
                self.coordination.0 += numbers[1];
                self.coordination.1 += numbers[2];
                self.completion.0 += numbers[3];
                self.completion.1 += numbers[4];
            }
            "category" => {
                let code = CategoryCode::parse(value).map_err(|_| corrupt("category", value))?;
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
        Ok(())
    }

    /// Add one `stats_reporter_sets` row: the reporters of a channel.
    pub fn reporter_set(&mut self, channel: &str, members: &[u8]) -> StoreResult<()> {
        let channel = Channel::parse(channel).ok_or_else(|| corrupt("channel", channel))?;
        let set = decode_reporter_set(members)?;
        self.reporters |= &set;
        *self.reporters_by_channel.entry(channel).or_default() |= set;
        Ok(())
    }

    /// The counts of everything added, with a month for each of the query's months.
    pub fn finish(self, query: &StatsQuery) -> StatsCounts {
        let by_month = query
            .period
            .months()
            .iter()
            .map(|m| self.by_month.get(&month_key(*m)).copied().unwrap_or(0))
            .collect();
        let by_channel = self
            .by_channel
            .iter()
            .map(|(channel, n)| {
                let people = self
                    .reporters_by_channel
                    .get(channel)
                    .map_or(0, |s| s.len());
                (*channel, *n, people)
            })
            .collect();
        StatsCounts {
            reports: self.reports,
            reporters: self.reporters.len(),
            by_state: self.by_state.into_iter().collect(),
            mean_coordination_secs: mean_secs(self.coordination),
            mean_completion_secs: mean_secs(self.completion),
            by_category: self.by_category.into_iter().collect(),
            by_channel,
            by_month,
            by_region: self.by_region.into_iter().collect(),
        }
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Other(format!("stored {what} {value:?} is not valid"))
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

#[cfg(test)]
mod tests {
    use aduan_domain::stats::Period;

    use super::*;

    fn query(from: &str, to: &str, categories: &[&str]) -> StatsQuery {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let categories = categories
            .iter()
            .map(|c| CategoryCode::parse(c).unwrap())
            .collect();
        StatsQuery::new(Period::new(day(from), day(to)).unwrap(), categories)
    }

    fn segment(grain: &'static str, from: &str, to: &str) -> Segment {
        Segment {
            grain,
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn a_period_reads_whole_months_and_the_days_at_its_ends() {
        let q = query("2025-03-05", "2025-05-10", &[]);
        assert_eq!(
            segments(&q),
            vec![
                segment("m", "2025-04", "2025-05"),
                segment("d", "2025-03-05", "2025-04-01"),
                segment("d", "2025-05-01", "2025-05-10"),
            ]
        );
        assert_eq!(category_rows(&q), vec![ALL_CATEGORIES]);
        let q = query("2025-03-05", "2025-03-07", &["jalan", "sampah"]);
        assert_eq!(segments(&q), vec![segment("d", "2025-03-05", "2025-03-07")]);
        assert_eq!(category_rows(&q), vec!["jalan", "sampah"]);
    }

    #[test]
    fn rows_add_up_to_the_counts() {
        let q = query("2025-03-01", "2025-05-01", &["jalan"]);
        let mut tally = Tally::default();
        tally
            .cell("jalan", "2025-03", "state", "waiting", [2, 0, 0, 0, 0])
            .unwrap();
        tally
            .cell(
                "jalan",
                "2025-04-02",
                "state",
                "completed",
                [1, 1, 4000, 1, 9000],
            )
            .unwrap();
        tally
            .cell("jalan", "2025-03", "channel", "sms", [3, 0, 0, 0, 0])
            .unwrap();
        assert!(
            tally
                .cell("jalan", "2025-03", "colour", "red", [1; 5])
                .is_err()
        );
        assert!(
            tally
                .cell("jalan", "2025-03", "state", "lost", [1; 5])
                .is_err()
        );
        let counts = tally.finish(&q);
        assert_eq!(counts.reports, 3);
        assert_eq!(counts.by_month, vec![2, 1]);
        assert_eq!(
            counts.by_category,
            vec![(CategoryCode::parse("jalan").unwrap(), 3)]
        );
        assert_eq!(counts.by_channel, vec![(Channel::Sms, 3, 0)]);
        assert_eq!(counts.mean_coordination_secs, Some(4.0));
        assert_eq!(counts.mean_completion_secs, Some(9.0));
        assert_eq!(counts.reporters, 0);
    }
}
