//! The open data: `/statistik.json` (the API's figures) and `/statistik.csv` (every
//! figure and the regions of the map's level), as attachments named by the period.

use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use aduan_domain::RegionLevel;
use aduan_domain::stats::{Figures, StatsCounts};

use crate::app::stats::{Refusal, StatsRequest, parse_request, stats_figures};
use crate::error::ApiError;
use crate::state::AppState;

use super::{Asked, csv, map};

/// The request of a download, or the API's refusal.
async fn download(
    state: &AppState,
    raw: Vec<(String, String)>,
) -> Result<(Asked, StatsRequest, Figures, StatsCounts), ApiError> {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let asked = Asked::new(raw, j, &map::levels(&catalog.map));
    let request = parse_request(&asked.pairs, j).map_err(Refusal::into_error)?;
    let (figures, counts) = stats_figures(state, &request).await?;
    Ok((asked, request, figures, counts))
}

fn attachment(body: Vec<u8>, content_type: &'static str, figures: &Figures, ext: &str) -> Response {
    let name = format!("statistik_{}_{}.{ext}", figures.from, figures.to);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `/statistik.json`: exactly what `GET /api/v1/stats` answers for the same parameters.
pub async fn stats_json(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    match download(&state, raw).await {
        Ok((_, _, figures, _)) => match serde_json::to_vec(&figures) {
            Ok(body) => attachment(body, "application/json", &figures, "json"),
            Err(e) => ApiError::internal(e).into_response(),
        },
        Err(e) => e.into_response(),
    }
}

/// `/statistik.csv`: every figure, and the regions of the map's level.
pub async fn stats_csv(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let (asked, request, figures, counts) = match download(&state, raw).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let names: Vec<String> = request
        .categories
        .iter()
        .filter_map(|c| j.category(c))
        .map(|c| c.name.clone())
        .collect();
    let (kota, _) = map::region_counts(j, &counts.by_region, RegionLevel::Kota);
    let kota = csv::LevelCounts {
        level: RegionLevel::Kota,
        regions: &kota,
        coarser: 0,
    };
    let finer_counts = (asked.level != RegionLevel::Kota)
        .then(|| map::region_counts(j, &counts.by_region, asked.level));
    let finer = finer_counts
        .as_ref()
        .map(|(regions, coarser)| csv::LevelCounts {
            level: asked.level,
            regions,
            coarser: *coarser,
        });
    let body = csv::figures_csv(j, &figures, &names, &kota, finer.as_ref());
    attachment(
        body.into_bytes(),
        "text/csv; charset=utf-8",
        &figures,
        "csv",
    )
}
