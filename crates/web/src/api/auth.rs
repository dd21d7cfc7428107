//! Accounts: citizens register; everyone signs in and out; `GET /me`.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aduan_domain::Role;
use aduan_store::identity::{Binding, Identity};
use aduan_store::{NewUser, Session, StoreError, User};

use crate::auth::{SignedIn, hash_password, new_token, session_cookie, verify_password};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::limits::{ClientAddr, retry_secs};
use crate::password_policy;
use crate::state::AppState;
use crate::views::{Named, unit_named};

#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// 3-32 characters: a-z, 0-9, '.', '_' or '-'.
    pub username: String,
    /// 10-128 characters, not a common or easily guessed password, not containing the
    /// username.
    pub password: String,
    pub display_name: Option<String>,
    /// Kept private: used only to reach the reporter through the system.
    pub phone: Option<String>,
    pub email: Option<String>,
}

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

/// A store conflict on creating an account can only be the username.
pub fn username_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::conflict("this username is taken"),
        other => other.into(),
    }
}

pub fn check_username(username: &str) -> ApiResult<()> {
    let ok = (3..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "username",
            "3-32 characters of a-z, 0-9, '.', '_' or '-'",
        ))
    }
}

/// A new password for `username` as the policy wants it ([`password_policy::check`]).
pub fn check_password(password: &str, username: &str) -> ApiResult<()> {
    password_policy::check(password, username)
        .map_err(|weakness| ApiError::invalid("password", weakness.english()))
}

fn optional_text(field: &str, value: Option<String>, max: usize) -> ApiResult<Option<String>> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value)
}

fn check_phone(phone: Option<String>) -> ApiResult<Option<String>> {
    let phone = optional_text("phone", phone, 20)?;
    if let Some(p) = &phone {
        let digits = p.strip_prefix('+').unwrap_or(p);
        if digits.len() < 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid(
                "phone",
                "digits only, optionally starting with +",
            ));
        }
    }
    Ok(phone)
}

fn check_email(email: Option<String>) -> ApiResult<Option<String>> {
    let email = optional_text("email", email, 254)?;
    if let Some(e) = &email {
        let valid = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !e.contains(' ')
        });
        if !valid {
            return Err(ApiError::invalid("email", "not an e-mail address"));
        }
    }
    Ok(email)
}

/// A session just opened: the token (shown once), when it ends, and the cookie carrying it.
pub(crate) struct OpenedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub cookie: String,
}

/// How long a session of `user` lasts, and how long it may go unused: staff sessions are
/// short and end when idle; a citizen's lasts (`WebConfig`).
fn session_limits(
    state: &AppState,
    user: &User,
) -> (std::time::Duration, Option<std::time::Duration>) {
    let config = &state.config;
    if user.role == Role::Citizen {
        (config.session_ttl, None)
    } else {
        (config.staff_session_ttl, Some(config.staff_idle_timeout))
    }
}

/// Open a session for `user` (both the API and the web pages sign in through here).
pub(crate) async fn open_session(state: &AppState, user: &User) -> ApiResult<OpenedSession> {
    let (token, token_hash) = new_token();
    let now = Utc::now();
    let (ttl, idle) = session_limits(state, user);
    let expires_at = now + chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    let idle_timeout = idle
        .map(chrono::Duration::from_std)
        .transpose()
        .map_err(ApiError::internal)?;
    state
        .store
        .create_session(Session {
            token_hash,
            user: user.id,
            created_at: now,
            expires_at,
            idle_timeout,
        })
        .await?;
    let cookie = session_cookie(&token, ttl.as_secs(), state.config.secure_cookies);
    Ok(OpenedSession {
        token,
        expires_at,
        cookie,
    })
}

/// End the session the request presents, if any; returns the `Set-Cookie` that clears it.
pub(crate) async fn close_session(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    if let Some(token) = crate::auth::presented_token(headers) {
        let hash = crate::auth::token_hash(&token);
        state.store.delete_session(hash).await?;
    }
    Ok(session_cookie("", 0, state.config.secure_cookies))
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

/// Every problem with a registration, one per field: the API answers with the first, a form
/// shows them all at once.
pub(crate) fn registration_problems(req: &RegisterRequest) -> Vec<ApiError> {
    let username = req.username.trim().to_ascii_lowercase();
    [
        check_username(&username).err(),
        check_password(&req.password, &username).err(),
        optional_text("display_name", req.display_name.clone(), 100).err(),
        check_phone(req.phone.clone()).err(),
        check_email(req.email.clone()).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Check a registration from `addr` and create the citizen account it asks for.
pub(crate) async fn create_citizen(
    state: &AppState,
    addr: ClientAddr,
    req: RegisterRequest,
) -> ApiResult<User> {
    let username = req.username.trim().to_ascii_lowercase();
    check_username(&username)?;
    check_password(&req.password, &username)?;
    let display_name = optional_text("display_name", req.display_name, 100)?;
    let phone = check_phone(req.phone)?;
    let email = check_email(req.email)?;
    let identity = Identity {
        name: display_name,
        phone,
        email,
        ..Identity::default()
    };
    let sealed_identity = (!identity.is_empty())
        .then(|| state.sealer.seal(&identity, Binding::Account(&username)))
        .transpose()?;
    state.limits.registration(addr)?;
    let password_hash = {
        let _slot = state.limits.hash_slot().await?;
        hash_password(req.password).await?
    };
    state
        .store
        .create_user(NewUser {
            username,
            password_hash,
            // A citizen's name is identity: sealed, never in the clear.
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            sealed_identity,
            created_at: Utc::now(),
        })
        .await
        .map_err(username_taken)
}

/// The 429 of a sign-in the throttle refuses.
fn too_many_sign_ins(wait: std::time::Duration) -> ApiError {
    let secs = retry_secs(wait);
    ApiError::too_many(
        format!("too many sign-in attempts; try again in {secs} seconds"),
        secs,
    )
}

/// The account a username and password belong to; 401 when they do not match (as long for
/// an unknown username as for a wrong password), 429 when `addr` or the account has failed
/// too often in a row (see [`crate::limits`]).
pub(crate) async fn authenticate(
    state: &AppState,
    addr: ClientAddr,
    username: &str,
    password: String,
) -> ApiResult<User> {
    let username = username.trim().to_ascii_lowercase();
    let throttle = &state.limits.sign_in;
    if let Some(wait) = throttle.locked(&username, addr) {
        return Err(too_many_sign_ins(wait));
    }
    let _slot = state.limits.hash_slot().await?;
    throttle.admit(&username, addr).map_err(too_many_sign_ins)?;
    let found = match state.store.credentials(&username).await {
        Ok(c) => Some(c),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let hash = found.as_ref().map(|c| c.password_hash.clone());
    if !verify_password(hash, password).await? {
        return Err(ApiError::unauthorized("wrong username or password"));
    }
    // A disabled account is refused in the same words as a wrong password, after the same
    // work: the answer tells nobody which accounts exist or are disabled.
    let user = found
        .map(|c| c.user)
        .filter(|user| !user.disabled)
        .ok_or_else(|| ApiError::unauthorized("wrong username or password"))?;
    throttle.succeeded(&username, addr);
    Ok(user)
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
