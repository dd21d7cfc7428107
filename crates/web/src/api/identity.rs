//! Who reported: revealed only to an admin holding the identity permission, only with a
//! reason, and every reveal written to an append-only audit log that admins can read.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_domain::Role;
use aduan_store::StoreError;
use aduan_store::identity::Identity;

use crate::auth::SignedIn;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

use crate::app::reading::parse_ticket;

#[derive(Deserialize, ToSchema)]
pub struct RevealRequest {
    /// Why (e.g. the court order's number): 10-1000 characters, kept in the audit log.
    pub reason: String,
}

/// The reporter's identity, for the rare lawful need.
#[derive(Serialize, ToSchema)]
pub struct ReporterIdentity {
    pub ticket: String,
    /// The channel the report came through.
    pub channel: String,
    /// The reporter's account, when they filed it themself.
    pub username: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub nik: Option<String>,
    pub handle: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityAccessView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; absent for aduan itself (the retention job).
    pub actor: Option<String>,
    /// `reveal`, `subject_search`, `subject_export`, `subject_erase`, `account_erase` or
    /// `retention`.
    pub action: String,
    /// The report concerned; absent for an entry about no single report.
    pub ticket: Option<String>,
    pub reason: String,
    /// What the entry counts (e.g. the retention job's cutoff and how many it erased).
    pub detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityAccessPage {
    pub items: Vec<IdentityAccessView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<u32>,
}

/// Reveal who reported a report. Admins with the identity permission only; the reason and
/// the reveal are logged before anything is shown.
#[utoipa::path(post, path = "/reports/{ticket}/reporter", tag = "admin",
    params(("ticket" = String, Path)), request_body = RevealRequest,
    responses((status = 200, body = ReporterIdentity), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reveal_reporter(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(ticket): ApiPath<String>,
    ApiJson(req): ApiJson<RevealRequest>,
) -> ApiResult<Json<ReporterIdentity>> {
    if user.role != Role::Admin || !user.can_view_identity {
        return Err(ApiError::forbidden(
            "only an admin with the identity permission may see who reported",
        ));
    }
    let reason = req.reason.trim().to_owned();
    if !(10..=1000).contains(&reason.chars().count()) {
        return Err(ApiError::invalid("reason", "must be 10 to 1000 characters"));
    }
    let ticket = parse_ticket(&ticket)?;
    let report = state.store.report(&ticket).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("no report has this ticket"),
        other => other.into(),
    })?;
    let sealed = state
        .store
        .reveal_reporter(report.id, user.id, reason, Utc::now())
        .await?;
    let identity = match sealed {
        Some(sealed) => state.sealer.open(&sealed.sealed, sealed.binding())?,
        None => Identity::default(),
    };
    let username = match report.reporter {
        Some(id) => Some(state.store.user(id).await?.username),
        None => None,
    };
    Ok(Json(ReporterIdentity {
        ticket: report.ticket.to_string(),
        channel: report.channel.code().to_owned(),
        username,
        name: identity.name,
        phone: identity.phone,
        email: identity.email,
        nik: identity.nik,
        handle: identity.handle,
    }))
}

/// The identity access log, newest first (admins only).
#[utoipa::path(get, path = "/audit/identity-access", tag = "admin", params(AuditFilter),
    responses((status = 200, body = IdentityAccessPage), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_identity_access(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiQuery(filter): ApiQuery<AuditFilter>,
) -> ApiResult<Json<IdentityAccessPage>> {
    if user.role != Role::Admin {
        return Err(ApiError::forbidden("only admins read the audit log"));
    }
    let limit = filter.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit", "between 1 and 200"));
    }
    let before = filter
        .cursor
        .as_deref()
        .map(crate::app::cursor::decode_cursor)
        .transpose()?;
    let mut items = state.store.identity_access_log(before, limit + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items
            .last()
            .map(|e| crate::app::cursor::encode_cursor(e.id))
    } else {
        None
    };
    Ok(Json(IdentityAccessPage {
        items: items
            .into_iter()
            .map(|e| IdentityAccessView {
                id: e.id,
                at: e.at,
                actor: e.actor_username,
                action: e.action.code().to_owned(),
                ticket: e.ticket.map(|t| t.to_string()),
                reason: e.reason,
                detail: e.detail,
            })
            .collect(),
        next_cursor,
    }))
}
