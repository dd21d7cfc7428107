//! The public feed: public reports, newest first, as anyone may read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_domain::{CategoryCode, RegionCode, ReportState, access};
use aduan_store::{ReportQuery, ReportScope};

use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::app::reading::parse_search;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::{Named, StateView, category_named, photo_url, region_named, unit_named};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicFilter {
    pub state: Option<String>,
    pub category: Option<String>,
    /// A region code; reports in it or inside it.
    pub region: Option<String>,
    /// Words to search for in the descriptions as shown here (2-200 characters): reports
    /// holding every word, matched by Indonesian stems. Masked personal data is never
    /// searched. Empty: no search.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    pub limit: Option<u32>,
}

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

/// The feed page the API and the web page share.
pub async fn public_feed(state: &AppState, filter: &PublicFilter) -> ApiResult<PublicFeed> {
    let limit = filter.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "between 1 and 100"));
    }
    let mut query = ReportQuery::new(ReportScope::Public, limit);
    query.state = filter
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| ReportState::parse(s).ok_or_else(|| ApiError::invalid("state", "no such state")))
        .transpose()?;
    query.category = filter
        .category
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| CategoryCode::parse(c).map_err(|e| ApiError::invalid("category", e.to_string())))
        .transpose()?;
    query.region = filter
        .region
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| RegionCode::parse(r).map_err(|e| ApiError::invalid("region", e.to_string())))
        .transpose()?;
    query.text = parse_search(filter.q.as_deref())?;
    query.after = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state.store.list_reports(query).await?;
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let mut items = Vec::with_capacity(page.reports.len());
    for r in &page.reports {
        let ticket = r.ticket.to_string();
        // Public reports show their photos (the reporter chose so), never the reporter.
        let photo_urls = state
            .store
            .photos(r.id)
            .await?
            .iter()
            .filter(|p| access::may_see_photo(r, p.kind, None))
            .map(|p| photo_url(&ticket, p.id))
            .collect();
        items.push(PublicReport {
            state: r.state.code().to_owned(),
            status: r.state.into(),
            category: category_named(j, &r.category),
            description: r.description_for_others(),
            region: region_named(j, &r.region),
            unit: unit_named(j, &r.holding_unit),
            created_at: r.created_at,
            completed_at: r.completed_at,
            photo_urls,
            ticket,
        });
    }
    Ok(PublicFeed {
        items,
        next_cursor: page.next_after.map(encode_cursor),
    })
}
