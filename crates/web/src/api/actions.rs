//! `POST /reports/{ticket}/actions`: every workflow action through one door.

use axum::Json;
use axum::extract::State;

use crate::auth::SignedIn;
use crate::body::ApiBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiPath;
use crate::photos::FollowupUploads;
use crate::service;
use crate::state::AppState;
use crate::views::ReportView;

use super::reports::full_view;
use crate::app::acting::{ActionRequest, parse_action};
use crate::app::reading::readable_report;

/// Take a workflow action. Refused with 403 when the caller's role or unit may not, 409
/// when the report's state does not allow it or it changed meanwhile (a lost race), 422
/// when the action's content is wrong. Nothing changes unless the answer is 200.
#[utoipa::path(post, path = "/reports/{ticket}/actions", tag = "reports",
    params(("ticket" = String, Path)), request_body = ActionRequest,
    responses((status = 200, body = ReportView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn take_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(ticket): ApiPath<String>,
    ApiBody(body): ApiBody,
) -> ApiResult<Json<ReportView>> {
    let actor = signed_in.actor();
    let req: ActionRequest = body.parse()?;
    let action = parse_action(&req)?;
    let report = readable_report(&state, &ticket, Some(&actor)).await?;
    if req.version.is_some_and(|v| v != report.version) {
        return Err(ApiError::conflict(
            "the report changed since you loaded it; reload and try again",
        ));
    }
    // Decoded by the service once the action is allowed: never for a caller who may not.
    let uploads = FollowupUploads {
        before: body.photos_before,
        after: body.photos,
    };
    let updated = service::act(&state, &actor, &report, action, uploads).await?;
    Ok(Json(full_view(&state, &updated, Some(&actor)).await?))
}
