//! Statistics: what a request for figures asks (period, region, category), why one is
//! refused, and the figures themselves, for the API, the dashboard and its downloads.

use aduan_domain::stats::{
    Figures, Period, StatsCounts, StatsError, StatsQuery, parse_day, resolve_category,
};
use aduan_domain::{CategoryCode, Jurisdiction};

use crate::app_error::{AppError, AppResult};
use crate::state::AppState;

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

    pub fn into_error(self) -> AppError {
        match self {
            Self::Missing(field) => AppError::invalid(field, "required (YYYY-MM-DD)"),
            Self::Stats(e) => AppError::invalid(e.field(), e.problem()),
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
) -> AppResult<(Figures, StatsCounts)> {
    let catalog = state.catalog();
    let jurisdiction = &catalog.jurisdiction;
    let query = StatsQuery::new(request.period, request.categories.clone());
    let counts = state.store.stats_counts(query).await?;
    let figures = Figures::from_counts(&request.period, counts.clone(), jurisdiction);
    Ok((figures, counts))
}
