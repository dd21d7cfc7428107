//! The outbox as admins see it: what is waiting, sent or dead (with the last error, never
//! the address or the text), and a retry for dead messages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_domain::Role;
use aduan_store::{OutboxState, StoreError};

use crate::auth::SignedIn;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

use crate::app::cursor::{decode_cursor, encode_cursor};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxFilter {
    /// `pending`, `sent` or `dead` (the dead-letter list); any when absent.
    pub state: Option<String>,
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct OutboxMessageView {
    pub id: i64,
    pub ticket: String,
    /// `reply` (an answer to the reporter) or `fetch_media` (a photo from the channel).
    pub kind: String,
    /// The channel the report came through. An answer goes out where the reporter asked
    /// (a desk's walk-in citizen may hear by SMS); that address stays sealed.
    pub channel: String,
    pub state: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxMessageView>,
    pub next_cursor: Option<String>,
}

fn admin_only(role: Role) -> ApiResult<()> {
    if role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only admins see the outbox"))
    }
}

/// Outbox messages, newest first (admins only).
#[utoipa::path(get, path = "/outbox", tag = "admin", params(OutboxFilter),
    responses((status = 200, body = OutboxPage), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_outbox(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiQuery(filter): ApiQuery<OutboxFilter>,
) -> ApiResult<Json<OutboxPage>> {
    admin_only(user.role)?;
    let limit = filter.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit", "between 1 and 200"));
    }
    let wanted = filter
        .state
        .as_deref()
        .map(|s| {
            OutboxState::parse(s)
                .ok_or_else(|| ApiError::invalid("state", "one of pending, sent, dead"))
        })
        .transpose()?;
    let before = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let mut items = state.store.outbox(wanted, before, limit + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|e| encode_cursor(e.id))
    } else {
        None
    };
    Ok(Json(OutboxPage {
        items: items
            .into_iter()
            .map(|e| OutboxMessageView {
                id: e.id,
                ticket: e.ticket.to_string(),
                kind: e.kind.code().to_owned(),
                channel: e.channel.code().to_owned(),
                state: e.state.code().to_owned(),
                attempts: e.attempts,
                created_at: e.created_at,
                next_attempt_at: e.next_attempt_at,
                last_error: e.last_error,
                done_at: e.done_at,
            })
            .collect(),
        next_cursor,
    }))
}

/// Send a dead message again, now (admins only), e.g. once its channel is configured.
#[utoipa::path(post, path = "/outbox/{id}/retry", tag = "admin", params(("id" = i64, Path)),
    responses((status = 204, description = "Queued again"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry_outbox(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    admin_only(user.role)?;
    match state.store.retry_outbox(id, Utc::now()).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::NotFound) => Err(ApiError::not_found("no such outbox message")),
        Err(e) => Err(e.into()),
    }
}
