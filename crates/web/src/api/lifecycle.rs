//! The account lifecycle: admins disable and enable accounts and set temporary passwords;
//! everyone changes their own password. Every change that takes access away ends the
//! account's sessions at once: every request reads its session from the store, so every
//! instance sees the change on the next request.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::Role;
use aduan_store::User;

use crate::auth::{SignedIn, presented_token};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

use super::auth::{MeView, me_view};
use crate::app::accounts::{change_own_password, set_disabled, set_password};

#[derive(Deserialize, ToSchema)]
pub struct SetPasswordRequest {
    /// A temporary password; the account must choose its own at its next sign-in.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

fn admin_only(caller: &User) -> ApiResult<()> {
    if caller.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only admins manage accounts"))
    }
}

/// Disable an account (admins only): it can no longer sign in, and every session it holds
/// ends at once.
#[utoipa::path(post, path = "/users/{username}/disable", tag = "admin",
    params(("username" = String, Path, description = "The account's username")),
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable_user(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    Path(username): Path<String>,
) -> ApiResult<Json<MeView>> {
    admin_only(&admin)?;
    if username.trim().eq_ignore_ascii_case(&admin.username) {
        return Err(ApiError::conflict(
            "an admin cannot disable their own account",
        ));
    }
    let user = set_disabled(state.store.as_ref(), &username, true).await?;
    Ok(Json(me_view(&state, &user).await?))
}

/// Enable a disabled account again (admins only).
#[utoipa::path(post, path = "/users/{username}/enable", tag = "admin",
    params(("username" = String, Path, description = "The account's username")),
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable_user(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    Path(username): Path<String>,
) -> ApiResult<Json<MeView>> {
    admin_only(&admin)?;
    let user = set_disabled(state.store.as_ref(), &username, false).await?;
    Ok(Json(me_view(&state, &user).await?))
}

/// Set a temporary password (admins only): every session of the account ends, and after
/// signing in with it the account may do nothing but choose its own
/// (`password_change_required`).
#[utoipa::path(post, path = "/users/{username}/password", tag = "admin",
    params(("username" = String, Path, description = "The account's username")),
    request_body = SetPasswordRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_user_password(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    Path(username): Path<String>,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> ApiResult<StatusCode> {
    admin_only(&admin)?;
    let _slot = state.limits.hash_slot().await?;
    set_password(state.store.as_ref(), &username, req.password, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change one's own password. Every other session of the account ends; this one stays.
#[utoipa::path(post, path = "/me/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the current password is wrong"),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn change_my_password(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    let token = presented_token(&headers);
    change_own_password(
        &state,
        &user,
        token.as_deref(),
        req.current_password,
        req.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
