//! The public feed: reports their reporters chose to make public, with personal data in
//! the text masked. Never a private report, never a reporter.

use axum::Json;
use axum::extract::State;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;

use crate::app::public_feed::{PublicFeed, PublicFilter, public_feed};

/// Public reports, newest first.
#[utoipa::path(get, path = "/public/reports", tag = "public", params(PublicFilter),
    responses((status = 200, body = PublicFeed), (status = 422, body = ErrorBody)))]
pub async fn list_public_reports(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<PublicFilter>,
) -> ApiResult<Json<PublicFeed>> {
    Ok(Json(public_feed(&state, &filter).await?))
}
