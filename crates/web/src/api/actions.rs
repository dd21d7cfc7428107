//! `POST /reports/{ticket}/actions`: every workflow action through one door.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::workflow::Action;
use aduan_domain::{ActionKind, Ticket, UnitCode};

use crate::auth::SignedIn;
use crate::body::ApiBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiPath;
use crate::photos::FollowupUploads;
use crate::service;
use crate::state::AppState;
use crate::views::ReportView;

use crate::app::reading::{full_view, readable_report};

/// An action and what it carries. JSON, or multipart/form-data with an `action` JSON part
/// (or plain fields) and the photos documenting a follow-up: `photo` parts (the work done)
/// and `photo_before` parts (the scene before it).
#[derive(Deserialize, ToSchema)]
pub struct ActionRequest {
    /// accept, forward, dispose, schedule, submit_followup, validate, reject_followup,
    /// reject, mark_duplicate, refer, make_public, make_private, review_satisfied,
    /// review_unsatisfied.
    pub action: String,
    /// forward, dispose: the unit code.
    pub unit: Option<String>,
    /// schedule: the estimated completion date (YYYY-MM-DD).
    pub estimated_completion: Option<String>,
    /// submit_followup: what was done.
    pub note: Option<String>,
    /// reject_followup, reject, refer: why.
    pub reason: Option<String>,
    /// mark_duplicate: the original report's ticket.
    pub of: Option<String>,
    /// refer: the body it is referred to (e.g. LAPOR! for a national agency).
    pub to: Option<String>,
    /// review_unsatisfied: what is still wrong (required); review_satisfied: optional.
    pub comment: Option<String>,
    /// Optional: the `version` the client saw; a mismatch answers 409.
    pub version: Option<i64>,
}

fn required<'a>(field: &str, value: &'a Option<String>) -> ApiResult<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| ApiError::invalid(field, "is required for this action"))
}

fn unit(req: &ActionRequest) -> ApiResult<UnitCode> {
    UnitCode::parse(required("unit", &req.unit)?.trim())
        .map_err(|e| ApiError::invalid("unit", e.to_string()))
}

/// Parse the request into a domain action.
pub(crate) fn parse_action(req: &ActionRequest) -> ApiResult<Action> {
    let kind = ActionKind::parse(req.action.trim())
        .filter(|k| *k != ActionKind::Submit)
        .ok_or_else(|| ApiError::invalid("action", "no such action"))?;
    Ok(match kind {
        ActionKind::Accept => Action::Accept,
        ActionKind::Forward => Action::Forward { to: unit(req)? },
        ActionKind::Dispose => Action::Dispose { to: unit(req)? },
        ActionKind::Schedule => Action::Schedule {
            estimated_completion: NaiveDate::parse_from_str(
                required("estimated_completion", &req.estimated_completion)?.trim(),
                "%Y-%m-%d",
            )
            .map_err(|_| ApiError::invalid("estimated_completion", "a date as YYYY-MM-DD"))?,
        },
        ActionKind::SubmitFollowup => Action::SubmitFollowup {
            note: required("note", &req.note)?.to_owned(),
        },
        ActionKind::Validate => Action::Validate,
        ActionKind::RejectFollowup => Action::RejectFollowup {
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::Reject => Action::Reject {
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::MarkDuplicate => Action::MarkDuplicate {
            of: Ticket::parse(required("of", &req.of)?)
                .map_err(|e| ApiError::invalid("of", e.to_string()))?,
        },
        ActionKind::Refer => Action::Refer {
            to: required("to", &req.to)?.to_owned(),
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::MakePublic => Action::MakePublic,
        ActionKind::MakePrivate => Action::MakePrivate,
        ActionKind::ReviewSatisfied => Action::ReviewSatisfied {
            comment: req.comment.clone(),
        },
        ActionKind::ReviewUnsatisfied => Action::ReviewUnsatisfied {
            comment: required("comment", &req.comment)?.to_owned(),
        },
        ActionKind::Submit => return Err(ApiError::invalid("action", "no such action")),
    })
}

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
