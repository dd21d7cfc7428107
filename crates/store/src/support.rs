//! Supporters of a report ("Saya juga mengalami ini"): one mark per citizen account and
//! report, removable by its owner; and the open reports of a category near a point, which
//! a citizen is offered to support instead of filing a duplicate.
//!
//! Who supports a report is read only for that supporter's own list: nothing here answers
//! "who supports this report", so no staff surface can show it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::report::Report;
use aduan_domain::support::{Area, distance_metres};
use aduan_domain::{CategoryCode, Coordinates, ReportId, UserId};

use crate::StoreResult;

/// Most reports one read of supported reports or counts covers.
pub const MAX_SUPPORT_READ: u32 = 200;

/// Most candidate rows the near query reads from the box around the point before measuring
/// distances: the box's corners lie outside the circle, so a few more than asked for.
pub const MAX_NEAR_CANDIDATES: u32 = 200;

/// The open reports of `category` within `metres` of `at`.
#[derive(Debug, Clone)]
pub struct NearQuery {
    pub category: CategoryCode,
    pub at: Coordinates,
    pub metres: f64,
    /// The asking citizen: their own reports are left out, and each report found says
    /// whether they support it already.
    pub citizen: UserId,
    pub limit: u32,
}

/// A report near the point, as the near query found it.
#[derive(Debug, Clone)]
pub struct NearReport {
    pub report: Report,
    /// From the query's point, in metres.
    pub metres: f64,
    /// Whether the asking citizen supports it already.
    pub supporting: bool,
}

/// A report a citizen supports, for their own list.
#[derive(Debug, Clone)]
pub struct SupportedReport {
    pub report: Report,
    pub supported_at: DateTime<Utc>,
    /// Every supporter of the report, the citizen included.
    pub supporters: u64,
}

#[async_trait]
pub trait SupportStore: Send + Sync {
    /// Record that `citizen` supports `report`: true when new, false when they already did
    /// (nothing changes). `NotFound` when no report has the id.
    async fn support_report(
        &self,
        report: ReportId,
        citizen: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Remove `citizen`'s support of `report`: true when there was one.
    async fn withdraw_support(&self, report: ReportId, citizen: UserId) -> StoreResult<bool>;
    /// How many citizens support each of `reports` (at most [`MAX_SUPPORT_READ`] are read;
    /// a report without supporters answers 0), in the order asked.
    async fn supporter_counts(&self, reports: Vec<ReportId>) -> StoreResult<Vec<u64>>;
    /// The reports `citizen` supports, the latest supported first, at most `limit` (and
    /// [`MAX_SUPPORT_READ`]).
    async fn supported_reports(
        &self,
        citizen: UserId,
        limit: u32,
    ) -> StoreResult<Vec<SupportedReport>>;
    /// The open reports `q` asks for: not in a final state, placed within `q.metres` of
    /// `q.at`, not reported by `q.citizen`; the latest first, at most `q.limit`.
    async fn open_reports_near(&self, q: NearQuery) -> StoreResult<Vec<NearReport>>;
}

/// The final states' codes as an SQL list, the same text as the partial index
/// `reports_open_near` is declared with, so that both stores use it.
pub(crate) const CLOSED_STATES: &str = "'completed', 'rejected', 'duplicate', 'referred'";

/// The near query's SELECT, each `?` numbered by `mark`: binds category, latitude band,
/// longitude band, the citizen (twice), the number of candidates. Adds one column after
/// the report's: whether the citizen supports it.
pub(crate) fn near_sql(mark: fn(usize) -> String) -> String {
    format!(
        "SELECT {columns}, EXISTS (SELECT 1 FROM report_supporters s \
             WHERE s.report_id = r.id AND s.user_id = {citizen}) \
         FROM {from} \
         WHERE r.category = {category} AND r.state NOT IN ({closed}) \
           AND r.lat BETWEEN {lat_min} AND {lat_max} AND r.lon BETWEEN {lon_min} AND {lon_max} \
           AND (rr.user_id IS NULL OR rr.user_id <> {citizen2}) \
         ORDER BY r.id DESC LIMIT {candidates}",
        columns = crate::values::REPORT_COLUMNS,
        from = crate::values::REPORT_FROM,
        closed = CLOSED_STATES,
        category = mark(1),
        lat_min = mark(2),
        lat_max = mark(3),
        lon_min = mark(4),
        lon_max = mark(5),
        citizen = mark(6),
        citizen2 = mark(7),
        candidates = mark(8),
    )
}

/// The column after the report's that says whether the citizen supports it.
pub(crate) const SUPPORTING_COLUMN: usize = 24;

/// The box a near query reads candidates from.
pub(crate) fn near_area(q: &NearQuery) -> Area {
    Area::around(q.at, q.metres)
}

/// The candidates a store read (latest first) narrowed to those truly within the radius,
/// open, and at most `q.limit`.
pub(crate) fn nearest_of(q: &NearQuery, candidates: Vec<(Report, bool)>) -> Vec<NearReport> {
    candidates
        .into_iter()
        .filter(|(r, _)| !r.state.is_terminal())
        .filter_map(|(report, supporting)| {
            let metres = distance_metres(q.at, report.location?);
            (metres <= q.metres).then_some(NearReport {
                report,
                metres,
                supporting,
            })
        })
        .take(q.limit.min(MAX_SUPPORT_READ) as usize)
        .collect()
}
