//! Opening and closing the sessions the API and the pages share: the token, its cookie and
//! its limits (staff sessions are shorter and end when idle).

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

use aduan_domain::Role;
use aduan_store::{Session, User};

use crate::app_error::{AppError, AppResult};
use crate::auth::{new_token, session_cookie};
use crate::state::AppState;

/// A session just opened: the token (shown once), when it ends, and the cookie carrying it.
pub(crate) struct OpenedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub cookie: String,
}

/// How long a session of `user` lasts, and how long it may go unused: staff sessions are
/// short and end when idle; a citizen's lasts (`WebConfig`).
pub(crate) fn session_limits(
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
pub(crate) async fn open_session(state: &AppState, user: &User) -> AppResult<OpenedSession> {
    let (token, token_hash) = new_token();
    let now = Utc::now();
    let (ttl, idle) = session_limits(state, user);
    let expires_at = now + chrono::Duration::from_std(ttl).map_err(AppError::failed)?;
    let idle_timeout = idle
        .map(chrono::Duration::from_std)
        .transpose()
        .map_err(AppError::failed)?;
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
pub(crate) async fn close_session(state: &AppState, headers: &HeaderMap) -> AppResult<String> {
    if let Some(token) = crate::auth::presented_token(headers) {
        let hash = crate::auth::token_hash(&token);
        state.store.delete_session(hash).await?;
    }
    Ok(session_cookie("", 0, state.config.secure_cookies))
}
