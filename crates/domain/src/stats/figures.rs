//! The published figures and how they are made from a store's raw counts: names for codes,
//! kelurahan folded into their kota, rounding, and the order of every list.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::codes::CategoryCode;
use crate::jurisdiction::Jurisdiction;
use crate::region::RegionCode;
use crate::state::ReportState;

use super::Period;

/// What a store counts for a `StatsQuery`; codes, not names, in no particular order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsCounts {
    pub reports: u64,
    /// Distinct reporter keys.
    pub reporters: u64,
    pub by_state: Vec<(ReportState, u64)>,
    /// Mean of `coordinated_at - created_at` in seconds over the reports that have it.
    pub mean_coordination_secs: Option<f64>,
    /// Mean of `completed_at - created_at` in seconds over the completed reports.
    pub mean_completion_secs: Option<f64>,
    pub by_category: Vec<(CategoryCode, u64)>,
    /// Per channel: reports and distinct reporters.
    pub by_channel: Vec<(Channel, u64, u64)>,
    /// Reports per calendar month of the period (`Period::months`), in order.
    pub by_month: Vec<u64>,
    /// Per region the reports are located in (any level).
    pub by_region: Vec<(RegionCode, u64)>,
}

/// The figures for a period, as `aduan stats --json` and `GET /api/v1/stats` publish them.
///
/// `by_status` lists every state, 0 included, in lifecycle order, so that readers need no
/// list of states; `by_month` lists every calendar month the period touches, 0 included,
/// so that a trend has no holes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// First day of the period (local), `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// The day after the period (local, exclusive), `YYYY-MM-DD`.
    pub to: NaiveDate,
    pub reports: u64,
    pub reporters: u64,
    #[serde(serialize_with = "every_state")]
    pub by_status: BTreeMap<ReportState, u64>,
    /// Share of reports in state `completed`, percent, one decimal.
    pub completed_pct: f64,
    /// Share of reports in state `coordination`, percent, one decimal.
    pub coordination_pct: f64,
    /// Mean hours from submission to coordination, two decimals; null when none.
    pub avg_coordination_hours: Option<f64>,
    /// Mean hours from submission to completion of completed reports, two decimals.
    pub avg_completion_hours: Option<f64>,
    pub by_category: Vec<CategoryFigure>,
    pub by_channel: Vec<ChannelFigure>,
    pub by_month: Vec<MonthFigure>,
    pub by_kota: Vec<KotaFigure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFigure {
    /// The category's Indonesian name.
    pub category: String,
    pub reports: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFigure {
    /// The channel code (`jaki`, `twitter`, ...).
    pub channel: String,
    pub reports: u64,
    pub reporters: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigure {
    /// `YYYY-MM`, local time.
    pub month: String,
    pub reports: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KotaFigure {
    /// The kota's name.
    pub kota: String,
    pub reports: u64,
}

impl Figures {
    /// Assemble the published figures from a store's counts for `period`.
    pub fn from_counts(period: &Period, counts: StatsCounts, jurisdiction: &Jurisdiction) -> Self {
        let mut by_status: BTreeMap<ReportState, u64> =
            ReportState::ALL.into_iter().map(|s| (s, 0)).collect();
        for (state, n) in &counts.by_state {
            *by_status.entry(*state).or_default() += n;
        }
        let share = |state| percent_tenths(by_status[&state], counts.reports);

        let by_category = most_first(counts.by_category.iter().map(|(code, n)| {
            let name = jurisdiction
                .category(code)
                .map_or_else(|| code.as_str().to_owned(), |c| c.name.clone());
            (name, *n)
        }))
        .map(|(category, reports)| CategoryFigure { category, reports })
        .collect();

        let mut by_channel: Vec<ChannelFigure> = counts
            .by_channel
            .iter()
            .map(|(channel, reports, reporters)| ChannelFigure {
                channel: channel.code().to_owned(),
                reports: *reports,
                reporters: *reporters,
            })
            .collect();
        by_channel.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.channel.cmp(&b.channel)));

        let by_month = period
            .months()
            .into_iter()
            .enumerate()
            .map(|(i, first)| MonthFigure {
                month: first.format("%Y-%m").to_string(),
                reports: counts.by_month.get(i).copied().unwrap_or_default(),
            })
            .collect();

        let by_kota = most_first(counts.by_region.iter().map(|(region, n)| {
            let kota = region.lineage().pop().unwrap_or_else(|| region.clone());
            let name = jurisdiction
                .region(&kota)
                .map_or_else(|| kota.as_str().to_owned(), |r| r.name.clone());
            (name, *n)
        }))
        .map(|(kota, reports)| KotaFigure { kota, reports })
        .collect();

        Self {
            from: period.from(),
            to: period.to(),
            reports: counts.reports,
            reporters: counts.reporters,
            completed_pct: share(ReportState::Completed),
            coordination_pct: share(ReportState::Coordination),
            by_status,
            avg_coordination_hours: counts.mean_coordination_secs.map(hours_hundredths),
            avg_completion_hours: counts.mean_completion_secs.map(hours_hundredths),
            by_category,
            by_channel,
            by_month,
            by_kota,
        }
    }
}

/// `part / whole` in percent, rounded half up to one decimal with integer arithmetic (so
/// 97.45 is 97.5, never 97.4 by a binary fraction); 0 when `whole` is 0.
pub fn percent_tenths(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let tenths = (part * 2000 + whole) / (2 * whole);
    // At most 1000 (part <= whole), exactly representable.
    u32::try_from(tenths).map_or(0.0, f64::from) / 10.0
}

/// Seconds as hours rounded half away from zero to two decimals.
pub fn hours_hundredths(seconds: f64) -> f64 {
    (seconds / 36.0).round() / 100.0
}

/// Sum the counts per name (several codes may share one, e.g. kelurahan of one kota) and
/// order them most first, ties by name.
fn most_first(items: impl Iterator<Item = (String, u64)>) -> impl Iterator<Item = (String, u64)> {
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for (name, n) in items {
        *sums.entry(name).or_default() += n;
    }
    let mut out: Vec<(String, u64)> = sums.into_iter().filter(|(_, n)| *n > 0).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.into_iter()
}

/// Every state by its code, in lifecycle order.
fn every_state<S: Serializer>(
    by_status: &BTreeMap<ReportState, u64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(ReportState::ALL.len()))?;
    for state in ReportState::ALL {
        map.serialize_entry(state.code(), &by_status.get(&state).copied().unwrap_or(0))?;
    }
    map.end()
}
