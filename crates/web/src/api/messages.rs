//! `/reports/{ticket}/messages`: the reporter and the staff handling a report talk through
//! the system, never by handing over a contact. Staff write as a role and a unit; the
//! reporter writes as "the reporter". Nobody else reads the conversation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::Actor;
use aduan_domain::message::{ThreadAccess, thread_access};
use aduan_domain::report::Report;

use crate::auth::{Caller, SignedIn};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::views::{MessageView, message_view, messages_view};

use crate::app::{self, reading::readable_report};

#[derive(Deserialize, ToSchema)]
pub struct PostMessageRequest {
    /// 1-2000 characters (trimmed).
    pub body: String,
}

/// The report whose conversation `viewer` takes part in, and the viewer. 404 when the
/// report is out of reach or read as the public (anyone not signed in, another citizen,
/// whoever reads a public report); 403 for staff who may read the report but do not handle it.
async fn conversation(
    state: &AppState,
    ticket: &str,
    viewer: Option<Actor>,
) -> ApiResult<(Report, Actor)> {
    let report = readable_report(state, ticket, viewer.as_ref()).await?;
    match (thread_access(&report, viewer.as_ref()), viewer) {
        (ThreadAccess::Party(_), Some(viewer)) => Ok((report, viewer)),
        (ThreadAccess::Bystander, _) => Err(ApiError::forbidden(
            "only the reporter and the staff handling this report take part in its messages",
        )),
        _ => Err(ApiError::not_found("no report has this ticket")),
    }
}

/// The report's messages, oldest first, for its reporter and the staff handling it.
#[utoipa::path(get, path = "/reports/{ticket}/messages", tag = "reports",
    params(("ticket" = String, Path)),
    responses((status = 200, body = [MessageView]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ticket): ApiPath<String>,
) -> ApiResult<Json<Vec<MessageView>>> {
    let (report, viewer) = conversation(&state, &ticket, caller.actor()).await?;
    let messages = app::messages::messages(&state, &report, &viewer).await?;
    let catalog = state.catalog();
    Ok(Json(messages_view(
        &catalog.jurisdiction,
        &messages,
        &viewer,
    )))
}

/// Write to the other side: the reporter to the staff handling the report, or staff to the
/// reporter. The reporter reads staff as a role and a unit; staff read the reporter as
/// "the reporter".
#[utoipa::path(post, path = "/reports/{ticket}/messages", tag = "reports",
    params(("ticket" = String, Path)), request_body = PostMessageRequest,
    responses((status = 201, body = MessageView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_message(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(ticket): ApiPath<String>,
    ApiJson(req): ApiJson<PostMessageRequest>,
) -> ApiResult<impl IntoResponse> {
    let (report, author) = conversation(&state, &ticket, Some(signed_in.actor())).await?;
    let message = app::messages::post(&state, &report, &author, &req.body).await?;
    let catalog = state.catalog();
    Ok((
        StatusCode::CREATED,
        Json(message_view(&catalog.jurisdiction, &message, &author)),
    ))
}
