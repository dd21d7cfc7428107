//! The public feed: reports their reporters chose to make public, with personal data in
//! the text masked. Never a private report, never a reporter.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::public_feed::{PublicFilter, PublicPage, public_feed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::views::{Named, StateView, category_named, photo_url, region_named, unit_named};

/// A public report as anyone may see it.
#[derive(Serialize, ToSchema)]
pub struct PublicReport {
    pub ticket: String,
    pub state: String,
    pub status: StateView,
    pub category: Named,
    /// Phone numbers, e-mail addresses, NIK and plates are masked.
    pub description: String,
    pub region: Named,
    pub unit: Named,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub photo_urls: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicFeed {
    pub items: Vec<PublicReport>,
    pub next_cursor: Option<String>,
}

/// Public reports, newest first.
#[utoipa::path(get, path = "/public/reports", tag = "public", params(PublicFilter),
    responses((status = 200, body = PublicFeed), (status = 422, body = ErrorBody)))]
pub async fn list_public_reports(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<PublicFilter>,
) -> ApiResult<Json<PublicFeed>> {
    let page: PublicPage = public_feed(&state, &filter).await?;
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let items = page
        .items
        .into_iter()
        .map(|item| {
            let r = item.report;
            let ticket = r.ticket.to_string();
            PublicReport {
                state: r.state.code().to_owned(),
                status: r.state.into(),
                category: category_named(j, &r.category),
                description: r.description_for_others(),
                region: region_named(j, &r.region),
                unit: unit_named(j, &r.holding_unit),
                created_at: r.created_at,
                completed_at: r.completed_at,
                photo_urls: item
                    .photos
                    .iter()
                    .map(|p| photo_url(&ticket, p.id))
                    .collect(),
                ticket,
            }
        })
        .collect();
    Ok(Json(PublicFeed {
        items,
        next_cursor: page.next_cursor,
    }))
}
