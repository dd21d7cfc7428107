//! Accounts: citizens register; everyone signs in and out; `GET /me`.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aduan_store::User;
use aduan_store::identity::{Binding, Identity};

use crate::app::accounts::{RegisterRequest, authenticate, create_citizen};
use crate::auth::SignedIn;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::limits::ClientAddr;
use crate::sessions::{close_session, open_session};
use crate::state::AppState;
use crate::views::{Named, unit_named};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in account. A citizen's contact details appear only here, to themself.
#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// citizen, operator, coordinator, officer, validator or admin.
    pub role: String,
    pub unit: Option<Named>,
    /// Only when asked with the session cookie (a browser's script): the value its unsafe
    /// calls must send in `X-CSRF-Token`. Bearer-token calls need none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    pub user: MeView,
}

/// The account as its owner sees it; a citizen's name and contacts come from their sealed
/// identity.
pub async fn me_view(state: &AppState, user: &User) -> ApiResult<MeView> {
    let identity = match state.store.sealed_identity(user.id).await? {
        Some(sealed) => state
            .sealer
            .open(&sealed, Binding::Account(&user.username))?,
        None => Identity::default(),
    };
    let catalog = state.catalog();
    Ok(MeView {
        id: user.id.0,
        username: user.username.clone(),
        display_name: identity.name.or_else(|| user.display_name.clone()),
        phone: identity.phone,
        email: identity.email,
        role: user.role.code().to_owned(),
        unit: user
            .unit
            .as_ref()
            .map(|u| unit_named(&catalog.jurisdiction, u)),
        csrf_token: None,
    })
}

/// Issue a session for `user`: the token in the body, and a cookie for browsers.
async fn issue_session(state: &AppState, user: &User) -> ApiResult<impl IntoResponse + use<>> {
    let session = open_session(state, user).await?;
    Ok((
        AppendHeaders([(SET_COOKIE, session.cookie)]),
        Json(TokenResponse {
            token: session.token,
            token_type: "Bearer".into(),
            expires_at: session.expires_at,
            user: me_view(state, user).await?,
        }),
    ))
}

/// Register a citizen account and sign it in.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = TokenResponse), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<impl IntoResponse> {
    let user = create_citizen(&state, addr, req).await?;
    Ok((StatusCode::CREATED, issue_session(&state, &user).await?))
}

/// Sign in with a username and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many failed attempts in a row: wait `Retry-After` seconds"),
        (status = 503, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let user = authenticate(&state, addr, &req.username, req.password).await?;
    issue_session(&state, &user).await
}

/// End the current session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    SignedIn(_user): SignedIn,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let clear = close_session(&state, &headers).await?;
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, clear)])))
}

/// The signed-in account, with its role and unit; asked with the session cookie, also the
/// `csrf_token` that the cookie's unsafe calls must carry.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_me(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
) -> ApiResult<Json<MeView>> {
    let mut view = me_view(&state, &user).await?;
    view.csrf_token = crate::csrf::cookie_session(&headers).map(|t| crate::csrf::csrf_for(&t));
    Ok(Json(view))
}
