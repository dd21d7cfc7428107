//! `GET /api/v1/stats`: the published figures for a period, public; counts only, never a
//! reporter.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use aduan_domain::stats::Figures;

use crate::app::stats::{Refusal, parse_request, stats_figures};
use crate::error::{ApiResult, ErrorBody};
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
