//! The triage queue: reports from channels that carry no category or place (e-mail, SMS,
//! WhatsApp, social media), with what triage suggested, for coordinators to confirm or
//! correct. Each decision teaches the classifier.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_store::ReportQuery;

use crate::auth::SignedIn;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service;
use crate::state::AppState;
use crate::views::{ReportSummary, ReportView, report_summary};

use super::reports::full_view;
use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::app::reading::readable_report;
use crate::app::reading::triage_scope;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TriageFilter {
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct TriageItem {
    pub report: ReportSummary,
    /// The category triage suggested from the text, if any.
    pub suggested_category: Option<String>,
    /// 0 to 1.
    pub confidence: f32,
    /// The region named in the text, if any.
    pub suggested_region: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TriageQueue {
    pub items: Vec<TriageItem>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageConfirmation {
    /// The category the report belongs to (the suggestion, or a correction).
    pub category: String,
    /// Where the problem is: a kota, kecamatan or kelurahan code.
    pub region: String,
}

/// Reports waiting for a coordinator to confirm their category and place, newest first.
#[utoipa::path(get, path = "/triage", tag = "reports", params(TriageFilter),
    responses((status = 200, body = TriageQueue), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_triage(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiQuery(filter): ApiQuery<TriageFilter>,
) -> ApiResult<Json<TriageQueue>> {
    let actor = signed_in.actor();
    let limit = filter.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit", "between 1 and 200"));
    }
    let mut query = ReportQuery::new(triage_scope(&actor)?, limit);
    query.awaiting_triage = true;
    query.after = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state.store.list_reports(query).await?;
    let catalog = state.catalog();
    let mut items = Vec::with_capacity(page.reports.len());
    for report in &page.reports {
        let record = state.store.triage(report.id).await?;
        items.push(TriageItem {
            report: report_summary(&catalog.jurisdiction, report),
            suggested_category: record
                .as_ref()
                .and_then(|r| r.suggested_category.as_ref())
                .map(|c| c.to_string()),
            confidence: record.as_ref().map_or(0.0, |r| r.confidence),
            suggested_region: record
                .as_ref()
                .and_then(|r| r.suggested_region.as_ref())
                .map(|r| r.to_string()),
        });
    }
    Ok(Json(TriageQueue {
        items,
        next_cursor: page.next_after.map(encode_cursor),
    }))
}

/// Confirm or correct a triaged report's category and place. The report moves to the
/// office of that place; the classifier learns from the decision.
#[utoipa::path(post, path = "/reports/{ticket}/triage", tag = "reports",
    params(("ticket" = String, Path)), request_body = TriageConfirmation,
    responses((status = 200, body = ReportView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn confirm_triage(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(ticket): ApiPath<String>,
    ApiJson(req): ApiJson<TriageConfirmation>,
) -> ApiResult<Json<ReportView>> {
    let actor = signed_in.actor();
    triage_scope(&actor)?;
    let report = readable_report(&state, &ticket, Some(&actor)).await?;
    let updated =
        service::confirm_triage(&state, &actor, &report, &req.category, &req.region).await?;
    Ok(Json(full_view(&state, &updated, Some(&actor)).await?))
}
