//! The public feed: public reports, newest first, as anyone may read them.

use serde::Deserialize;
use utoipa::IntoParams;

use aduan_domain::access::RejectedFollowups;
use aduan_domain::report::{PhotoKind, Report};
use aduan_domain::{CategoryCode, RegionCode, ReportState, access};
use aduan_store::{ReportQuery, ReportScope};

use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::app::reading::parse_search;
use crate::app_error::{AppError, AppResult};
use crate::state::AppState;

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

/// A public report and the photos anyone may see.
pub struct PublicItem {
    pub report: Report,
    pub photos: Vec<PublicPhoto>,
}

/// A photo anyone may see, and what it shows (the problem, the scene before the work, the
/// work done).
pub struct PublicPhoto {
    pub id: i64,
    pub kind: PhotoKind,
}

/// One page of the feed, newest first.
pub struct PublicPage {
    pub items: Vec<PublicItem>,
    /// The cursor for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The feed page the API and the web page share.
pub async fn public_feed(state: &AppState, filter: &PublicFilter) -> AppResult<PublicPage> {
    let limit = filter.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid("limit", "between 1 and 100"));
    }
    let mut query = ReportQuery::new(ReportScope::Public, limit);
    query.state = filter
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| ReportState::parse(s).ok_or_else(|| AppError::invalid("state", "no such state")))
        .transpose()?;
    query.category = filter
        .category
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| CategoryCode::parse(c).map_err(|e| AppError::invalid("category", e.to_string())))
        .transpose()?;
    query.region = filter
        .region
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| RegionCode::parse(r).map_err(|e| AppError::invalid("region", e.to_string())))
        .transpose()?;
    query.text = parse_search(filter.q.as_deref())?;
    query.after = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state.store.list_reports(query).await?;
    let mut items = Vec::with_capacity(page.reports.len());
    for report in page.reports {
        items.push(public_item(state, report).await?);
    }
    Ok(PublicPage {
        items,
        next_cursor: page.next_after.map(encode_cursor),
    })
}

/// A public report as anyone sees it in the feed. Public reports show their photos (the
/// reporter chose so), never the reporter, and never those of a follow-up the validator
/// rejected. Also what the reporter's preview shows before a report is made public: given
/// the report as it would be once public, it answers exactly what the feed would.
pub async fn public_item(state: &AppState, report: Report) -> AppResult<PublicItem> {
    let history = state.store.timeline(report.id).await?;
    let rejected = RejectedFollowups::in_history(&history);
    let photos = state
        .store
        .photos(report.id)
        .await?
        .iter()
        .filter(|p| access::may_see_photo(&report, p, &rejected, None))
        .map(|p| PublicPhoto {
            id: p.id,
            kind: p.kind,
        })
        .collect();
    Ok(PublicItem { report, photos })
}
