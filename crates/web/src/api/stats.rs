//! `GET /api/v1/stats`: the published figures for a period, public; counts only, never a
//! reporter.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use aduan_domain::stats::{
    Figures, Period, StatsCounts, StatsError, StatsQuery, parse_day, resolve_category,
};
use aduan_domain::{CategoryCode, Jurisdiction};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The period and filter, as the query string carries them.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Documents the parameters; they are read as pairs (`category` repeats).
pub struct StatsParams {
    /// First day, `YYYY-MM-DD`, in the jurisdiction's time zone.
    from: String,
    /// The day after the period (exclusive), `YYYY-MM-DD`.
    to: String,
    /// A category's code or Indonesian name (any case); repeat for several. None: all.
    category: Option<Vec<String>>,
}

/// The figures (the schema of what `aduan stats --json` prints too).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // The document's description of `Figures`, which is served.
pub struct StatsResponse {
    #[schema(example = "2021-01-01")]
    from: String,
    #[schema(example = "2022-01-01")]
    to: String,
    reports: u64,
    /// Distinct reporters.
    reporters: u64,
    /// Every state code with its count, 0 included, in lifecycle order.
    by_status: BTreeMap<String, u64>,
    /// Percent in state `completed`, one decimal.
    completed_pct: f64,
    /// Percent in state `coordination`, one decimal.
    coordination_pct: f64,
    /// Mean hours from submission to coordination, two decimals; null when none.
    avg_coordination_hours: Option<f64>,
    /// Mean hours from submission to completion (completed reports), two decimals.
    avg_completion_hours: Option<f64>,
    /// Most first, ties by name.
    by_category: Vec<CategoryCount>,
    /// Most first.
    by_channel: Vec<ChannelCount>,
    /// Every month the period touches, 0 included, in order.
    by_month: Vec<MonthCount>,
    /// Most first.
    by_kota: Vec<KotaCount>,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct CategoryCount {
    category: String,
    reports: u64,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ChannelCount {
    channel: String,
    reports: u64,
    reporters: u64,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct MonthCount {
    #[schema(example = "2021-02")]
    month: String,
    reports: u64,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct KotaCount {
    kota: String,
    reports: u64,
}

/// Figures for reports submitted in a period of local days.
#[utoipa::path(get, path = "/stats", tag = "public", params(StatsParams),
    responses((status = 200, body = StatsResponse), (status = 422, body = ErrorBody)))]
pub async fn get_stats(
    State(state): State<AppState>,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Json<Figures>> {
    let catalog = state.catalog();
    let request = parse_request(&pairs, &catalog.jurisdiction).map_err(Refusal::into_error)?;
    let (figures, _) = stats_figures(&state, &request).await?;
    Ok(Json(figures))
}

/// A period and category group asked for, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRequest {
    pub period: Period,
    /// Empty for every category; each code once.
    pub categories: Vec<CategoryCode>,
}

/// Why a statistics request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A required parameter (`from` or `to`) is missing.
    Missing(&'static str),
    Stats(StatsError),
}

impl Refusal {
    /// The parameter at fault.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Missing(field) => field,
            Self::Stats(e) => e.field(),
        }
    }

    pub fn into_error(self) -> ApiError {
        match self {
            Self::Missing(field) => ApiError::invalid(field, "required (YYYY-MM-DD)"),
            Self::Stats(e) => ApiError::invalid(e.field(), e.problem()),
        }
    }
}

impl From<StatsError> for Refusal {
    fn from(e: StatsError) -> Self {
        Self::Stats(e)
    }
}

/// The request that query pairs carry: `from` and `to` (`YYYY-MM-DD`, required) and any
/// number of `category` (a code or name; empty ones ignored).
pub fn parse_request(
    pairs: &[(String, String)],
    jurisdiction: &Jurisdiction,
) -> Result<StatsRequest, Refusal> {
    let one = |name: &'static str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or(Refusal::Missing(name))
    };
    let from = parse_day("from", one("from")?)?;
    let to = parse_day("to", one("to")?)?;
    let period = Period::new(from, to)?;
    let mut categories = Vec::new();
    for (_, raw) in pairs
        .iter()
        .filter(|(k, v)| k == "category" && !v.is_empty())
    {
        let code = resolve_category(jurisdiction, raw)?;
        if !categories.contains(&code) {
            categories.push(code);
        }
    }
    Ok(StatsRequest { period, categories })
}

/// The one way the web crate counts: one store query for the request, the published
/// figures and the raw counts they were made from (for what the figures leave out, such
/// as counts per region finer than the kota).
pub async fn stats_figures(
    state: &AppState,
    request: &StatsRequest,
) -> ApiResult<(Figures, StatsCounts)> {
    let catalog = state.catalog();
    let jurisdiction = &catalog.jurisdiction;
    let query = StatsQuery::new(request.period, request.categories.clone());
    let counts = state.store.stats_counts(query).await?;
    let figures = Figures::from_counts(&request.period, counts.clone(), jurisdiction);
    Ok((figures, counts))
}
