//! Who is calling: passwords (argon2id), bearer tokens and session cookies.
//!
//! A token is 32 random bytes, shown once to the client; only its SHA-256 is stored, so a
//! copy of the database does not let anyone sign in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use aduan_domain::Actor;
use aduan_store::{StoreError, User};

use crate::app_error::{AppError, AppResult};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "aduan_session";

/// Hash a password with argon2id (CPU-heavy: run off the async threads).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(AppError::failed)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::failed)
    })
    .await
    .map_err(AppError::failed)?
}

/// A hash of a random password, verified against when the username is unknown, so that
/// signing in takes as long for a wrong username as for a wrong password.
static DECOY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Check a password against a stored hash (or against the decoy when there is none).
pub async fn verify_password(stored: Option<String>, password: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = match stored {
            Some(hash) => hash,
            None => DECOY_HASH
                .get_or_init(|| {
                    let salt = SaltString::encode_b64(b"aduan-decoy-salt").ok();
                    salt.and_then(|s| {
                        Argon2::default()
                            .hash_password(b"decoy password", &s)
                            .ok()
                            .map(|h| h.to_string())
                    })
                    .unwrap_or_default()
                })
                .clone(),
        };
        let matches = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        Ok(known && matches)
    })
    .await
    .map_err(AppError::failed)?
}

/// A new session token and the hash to store.
pub fn new_token() -> (String, [u8; 32]) {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `Set-Cookie` value carrying a session for the web UI.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The token a request presents: `Authorization: Bearer`, else the session cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token.to_owned())
}

/// How often a session's last use is written: idle limits are hours, so a minute's
/// precision costs nothing and spares a write per request.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// The account holding the session `token` at `now`, recording its use when the last
/// recorded use is a minute old or more. `NotFound` when the session has expired, has been
/// idle too long, was ended, or its account is disabled.
pub async fn session_user(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let hash = token_hash(token);
    let session = match state.store.session(hash, now).await {
        Ok(session) => session,
        Err(e) => {
            if let (StoreError::NotFound, Some(metrics)) = (&e, state.metrics()) {
                metrics.session_rejected();
            }
            return Err(e);
        }
    };
    if now - session.last_seen_at >= TOUCH_EVERY
        && let Err(e) = state.store.touch_session(hash, now).await
    {
        // The request goes on: at worst the session ends a minute early.
        tracing::warn!(error = %e, "cannot record a session's use");
    }
    Ok(session.user)
}

/// The API paths an account holding a temporary password may still call: who it is,
/// choosing its own password, signing out.
const WHILE_PASSWORD_CHANGE_REQUIRED: [&str; 3] =
    ["/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"];

/// The path as the client sent it (before any nesting stripped a prefix).
pub fn request_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |original| original.0.path())
}

/// The caller, if signed in. A bearer token that is unknown or expired is refused with 401
/// rather than silently treated as anonymous (a client must learn its token is dead). A
/// browser's stale session cookie reads as the public instead, as the pages read it: its
/// `<img>` of a public report's photo still loads after the session has ended.
pub struct Caller(pub Option<User>);

impl Caller {
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(actor)
    }
}

pub fn actor(user: &User) -> Actor {
    Actor {
        user: user.id,
        role: user.role,
        unit: user.unit.clone(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Some(token) = presented_token(&parts.headers) else {
            return Ok(Self(None));
        };
        match session_user(state, &token, Utc::now()).await {
            Ok(user)
                if user.must_change_password
                    && !WHILE_PASSWORD_CHANGE_REQUIRED.contains(&request_path(parts)) =>
            {
                Err(ApiError::password_change_required())
            }
            Ok(user) => Ok(Self(Some(user))),
            Err(StoreError::NotFound) if !parts.headers.contains_key(AUTHORIZATION) => {
                Ok(Self(None))
            }
            Err(StoreError::NotFound) => Err(ApiError::unauthorized(
                "the session is unknown or has expired; sign in again",
            )),
            Err(e) => Err(e.into()),
        }
    }
}

/// A signed-in caller; 401 otherwise.
pub struct SignedIn(pub User);

impl SignedIn {
    pub fn actor(&self) -> Actor {
        actor(&self.0)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        match Caller::from_request_parts(parts, state).await? {
            Caller(Some(user)) => Ok(Self(user)),
            Caller(None) => Err(ApiError::unauthorized("sign in first")),
        }
    }
}
