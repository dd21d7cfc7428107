//! What a report contributes to the counts, and the sum of the changes one write makes.

use std::collections::BTreeMap;

use aduan_domain::ReportState;
use aduan_domain::import::ImportedReport;
use chrono::{DateTime, Utc};

use crate::values::micros;

/// The category row that counts every category.
pub(crate) const ALL_CATEGORIES: &str = "*";

/// What one report adds to the statistics, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contribution {
    /// The report's local day, `YYYY-MM-DD`.
    pub day: String,
    pub category: String,
    pub channel: String,
    pub region: String,
    pub state: String,
    pub coordination_ms: Option<i64>,
    /// Only for a completed report with a completion instant.
    pub completion_ms: Option<i64>,
    pub reporter: Option<String>,
}

impl Contribution {
    /// What an imported report adds once stored: the same as reading it back (the
    /// durations are whole milliseconds between the stored microsecond instants, and a
    /// completion counts only for a completed report).
    pub fn of_imported(r: &ImportedReport) -> Self {
        let since_submitted = |at: DateTime<Utc>| (micros(at) - micros(r.submitted_at)) / 1000;
        Self {
            day: r.local_day.format("%Y-%m-%d").to_string(),
            category: r.category.as_str().to_owned(),
            channel: r.channel.code().to_owned(),
            region: r.region.as_str().to_owned(),
            state: r.state.code().to_owned(),
            coordination_ms: r.coordinated_at.map(since_submitted),
            completion_ms: r
                .completed_at
                .filter(|_| r.state == ReportState::Completed)
                .map(since_submitted),
            reporter: Some(r.reporter_key.clone()),
        }
    }
}

/// `(grain, category, period, dim, value)`.
pub(crate) type CellKey = (&'static str, String, String, &'static str, String);

/// `(grain, category, period, channel)`.
pub(crate) type SetKey = (&'static str, String, String, String);

/// Changes to the counts, summed before anything is written, in key order (the order
/// writers take the rows' locks in).
#[derive(Debug, Default)]
pub(crate) struct Delta {
    /// `[reports, coordinated, coordination_ms, completed, completion_ms]` per cell.
    cells: BTreeMap<CellKey, [i64; 5]>,
    /// Per reporter set, each reporter's change in reports there.
    reporters: BTreeMap<SetKey, BTreeMap<String, i64>>,
}

/// How one reporter set may change: reporters who gain a report there, and reporters who
/// lose one (they leave the set only if they have no other report left in it).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SetChange<'a> {
    pub joining: Vec<&'a str>,
    pub losing: Vec<&'a str>,
}

impl Delta {
    /// Counting newly stored reports.
    pub fn counting<'a>(new: impl IntoIterator<Item = &'a Contribution>) -> Self {
        let mut delta = Self::default();
        for c in new {
            delta.add(c, 1);
        }
        delta
    }

    /// Summing contributions counted (`sign` 1) and taken back (-1), as a queue of
    /// changes holds them.
    pub fn signed<'a>(changes: impl IntoIterator<Item = (&'a Contribution, i64)>) -> Self {
        let mut delta = Self::default();
        for (c, sign) in changes {
            delta.add(c, sign);
        }
        delta
    }

    /// Replacing what a report contributed `before` a change by what it contributes
    /// `after` it; `None` when nothing changes.
    pub fn shifting(before: Option<&Contribution>, after: Option<&Contribution>) -> Option<Self> {
        if before == after {
            return None;
        }
        let mut delta = Self::default();
        if let Some(before) = before {
            delta.add(before, -1);
        }
        if let Some(after) = after {
            delta.add(after, 1);
        }
        Some(delta)
    }

    /// Count (`sign` 1) or uncount (-1) a contribution: each dimension at day and month
    /// grain, under its category and under all categories.
    fn add(&mut self, c: &Contribution, sign: i64) {
        let times = [
            1,
            i64::from(c.coordination_ms.is_some()),
            c.coordination_ms.unwrap_or(0),
            i64::from(c.completion_ms.is_some()),
            c.completion_ms.unwrap_or(0),
        ];
        let one = [1, 0, 0, 0, 0];
        let month = c.day.get(..7).unwrap_or(&c.day).to_owned();
        for (grain, period) in [("d", &c.day), ("m", &month)] {
            for category in [c.category.as_str(), ALL_CATEGORIES] {
                let mut dims = vec![
                    ("state", &c.state, times),
                    ("channel", &c.channel, one),
                    ("region", &c.region, one),
                ];
                if category == ALL_CATEGORIES {
                    dims.push(("category", &c.category, one));
                }
                for (dim, value, delta) in dims {
                    let key = (
                        grain,
                        category.to_owned(),
                        period.clone(),
                        dim,
                        value.clone(),
                    );
                    let sum = self.cells.entry(key).or_default();
                    for (s, d) in sum.iter_mut().zip(delta) {
                        *s += sign * d;
                    }
                }
                if let Some(reporter) = &c.reporter {
                    let set = (
                        grain,
                        category.to_owned(),
                        period.clone(),
                        c.channel.clone(),
                    );
                    *self
                        .reporters
                        .entry(set)
                        .or_default()
                        .entry(reporter.clone())
                        .or_default() += sign;
                }
            }
        }
    }

    /// The cells whose counts change, in key order, with their changes.
    pub fn changed_cells(&self) -> impl Iterator<Item = (&CellKey, [i64; 5])> {
        self.cells
            .iter()
            .filter(|(_, d)| d.iter().any(|v| *v != 0))
            .map(|(key, d)| (key, *d))
    }

    /// The reporter sets that may change, in key order.
    pub fn set_changes(&self) -> impl Iterator<Item = (&SetKey, SetChange<'_>)> {
        self.reporters.iter().filter_map(|(set, people)| {
            let pick = |keep: fn(i64) -> bool| {
                people
                    .iter()
                    .filter(|(_, change)| keep(**change))
                    .map(|(reporter, _)| reporter.as_str())
                    .collect::<Vec<_>>()
            };
            let change = SetChange {
                joining: pick(|n| n > 0),
                losing: pick(|n| n < 0),
            };
            (!change.joining.is_empty() || !change.losing.is_empty()).then_some((set, change))
        })
    }

    /// Every reporter who joins some set, once each, in order.
    pub fn joining_reporters(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .set_changes()
            .flat_map(|(_, change)| change.joining)
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_report_contributes_what_reading_it_back_gives() {
        use aduan_domain::import::ImportedReport;
        use aduan_domain::{CategoryCode, Channel, RegionCode, Ticket, UnitCode, Visibility};
        let submitted = DateTime::from_timestamp_micros(1_612_114_200_000_000).unwrap();
        let mut r = ImportedReport {
            ticket: Ticket::parse("CRM-1").unwrap(),
            issued: None,
            state: ReportState::Completed,
            category: CategoryCode::parse("jalan").unwrap(),
            description: String::new(),
            location: None,
            region: RegionCode::parse("31.74.01.1001").unwrap(),
            channel: Channel::parse("qlue").unwrap(),
            first_receiver: UnitCode::parse("kel-31.74.01.1001").unwrap(),
            holding_unit: UnitCode::parse("kel-31.74.01.1001").unwrap(),
            visibility: Visibility::Private,
            reporter_key: "import:aa".into(),
            submitted_at: submitted,
            // 1.5 ms and 2 h later: whole milliseconds, rounded toward zero.
            coordinated_at: Some(submitted + chrono::Duration::microseconds(1_500)),
            completed_at: Some(submitted + chrono::Duration::hours(2)),
            local_day: chrono::NaiveDate::from_ymd_opt(2021, 2, 1).unwrap(),
        };
        let c = Contribution::of_imported(&r);
        assert_eq!(c.day, "2021-02-01");
        assert_eq!((c.category.as_str(), c.channel.as_str()), ("jalan", "qlue"));
        assert_eq!(
            (c.region.as_str(), c.state.as_str()),
            ("31.74.01.1001", "completed")
        );
        assert_eq!(c.coordination_ms, Some(1));
        assert_eq!(c.completion_ms, Some(7_200_000));
        assert_eq!(c.reporter.as_deref(), Some("import:aa"));
        // A completion instant counts only for a completed report.
        r.state = ReportState::Rejected;
        assert_eq!(Contribution::of_imported(&r).completion_ms, None);
    }

    fn contribution(state: &str, reporter: Option<&str>) -> Contribution {
        Contribution {
            day: "2025-03-05".into(),
            category: "jalan".into(),
            channel: "sms".into(),
            region: "31.74.01.1001".into(),
            state: state.into(),
            coordination_ms: None,
            completion_ms: None,
            reporter: reporter.map(str::to_owned),
        }
    }

    #[test]
    fn a_new_report_counts_once_per_dimension_grain_and_category_row() {
        let c = contribution("waiting", Some("sms:a"));
        let delta = Delta::counting([&c]);
        // (state, channel, region) x 2 grains x 2 category rows, + category x 2 grains.
        assert_eq!(delta.changed_cells().count(), 14);
        assert!(delta.changed_cells().all(|(_, d)| d[0] == 1));
        let sets: Vec<_> = delta.set_changes().collect();
        assert_eq!(sets.len(), 4);
        assert!(
            sets.iter()
                .all(|(_, ch)| ch.joining == ["sms:a"] && ch.losing.is_empty())
        );
        assert_eq!(delta.joining_reporters(), ["sms:a"]);
    }

    #[test]
    fn a_shift_touches_only_what_changes() {
        let before = contribution("waiting", Some("sms:a"));
        assert!(Delta::shifting(Some(&before), Some(&before)).is_none());
        let mut after = before.clone();
        after.state = "coordination".into();
        after.coordination_ms = Some(5000);
        let delta = Delta::shifting(Some(&before), Some(&after)).unwrap();
        // Only the state cells: old value -1, new value +1, at 2 grains x 2 rows.
        let cells: Vec<_> = delta.changed_cells().collect();
        assert_eq!(cells.len(), 8);
        assert!(cells.iter().all(|((_, _, _, dim, _), _)| *dim == "state"));
        assert_eq!(delta.set_changes().count(), 0);

        let mut moved = before.clone();
        moved.reporter = Some("sms:b".into());
        let delta = Delta::shifting(Some(&before), Some(&moved)).unwrap();
        let (_, change) = delta.set_changes().next().unwrap();
        assert_eq!(change.joining, ["sms:b"]);
        assert_eq!(change.losing, ["sms:a"]);
    }
}
