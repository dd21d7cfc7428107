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
use aduan_store::{Store, StoreError, User};

use crate::auth::{SignedIn, hash_password, presented_token, token_hash, verify_password};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

use super::auth::{MeView, check_password, me_view};

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

/// The account named `username`; 404 when there is none.
pub async fn account_named(store: &dyn Store, username: &str) -> ApiResult<User> {
    let username = username.trim().to_ascii_lowercase();
    match store.credentials(&username).await {
        Ok(found) => Ok(found.user),
        Err(StoreError::NotFound) => Err(ApiError::not_found("no such account")),
        Err(e) => Err(e.into()),
    }
}

/// Disable or enable the account named `username` (disabling ends its sessions); returns it
/// as stored. The command line calls it too.
pub async fn set_disabled(store: &dyn Store, username: &str, disabled: bool) -> ApiResult<User> {
    let user = account_named(store, username).await?;
    let changed = store.set_disabled(user.id, disabled).await?;
    Ok(changed)
}

/// Give the account named `username` a new password, ending its sessions; `temporary`
/// flags it to be changed at the next sign-in.
pub async fn set_password(
    store: &dyn Store,
    username: &str,
    password: String,
    temporary: bool,
) -> ApiResult<User> {
    let user = account_named(store, username).await?;
    check_password(&password, &user.username)?;
    let hash = hash_password(password).await?;
    store.set_password(user.id, hash, temporary, None).await?;
    Ok(user)
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

/// Change one's own password: the current one must match. Every other session of the
/// account ends; this one stays. Clears a temporary password's flag.
pub async fn change_own_password(
    state: &AppState,
    user: &User,
    current_token: Option<&str>,
    current_password: String,
    new_password: String,
) -> ApiResult<()> {
    // Up to three argon2 runs: they take one of the few hashing slots, as signing in does.
    let _slot = state.limits.hash_slot().await?;
    let stored = match state.store.credentials(&user.username).await {
        Ok(found) => found.password_hash,
        Err(StoreError::NotFound) => return Err(ApiError::unauthorized("sign in first")),
        Err(e) => return Err(e.into()),
    };
    if !verify_password(Some(stored.clone()), current_password).await? {
        return Err(ApiError::forbidden("the current password is wrong"));
    }
    check_password(&new_password, &user.username)?;
    if verify_password(Some(stored), new_password.clone()).await? {
        return Err(ApiError::invalid(
            "new_password",
            "must differ from the current password",
        ));
    }
    let hash = hash_password(new_password).await?;
    let keep = current_token.map(token_hash);
    state.store.set_password(user.id, hash, false, keep).await?;
    Ok(())
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
