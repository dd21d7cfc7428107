//! Who is looking at a page, and the guards on every form POST.
//!
//! CSRF, in two parts (computed in `crate::csrf`, which the API's guard shares):
//! - A form posted with a session carries `csrf`, derived from the session token:
//!   `base64url(SHA-256("aduan-csrf-v1:" || token))`. The token lives only in the HttpOnly
//!   cookie, so another site can neither read nor compute it; nothing extra is stored, and
//!   signing out (or in again) changes it. A missing or wrong value is 403 before anything
//!   is read or changed.
//! - Signing in and registering happen before there is a session (login CSRF would sign a
//!   victim into the attacker's account): those POSTs are refused when the browser says the
//!   request comes from another site, by `Sec-Fetch-Site: cross-site` or by an `Origin`
//!   whose host is not this request's `Host` (`Origin: null` included). A client that sends
//!   neither header (not a browser) is let through; a browser always sends `Origin` on a
//!   POST. Every page POST is checked this way too, besides the token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use aduan_domain::Actor;
use aduan_store::{StoreError, User};

use crate::auth::{actor, presented_token, request_path, session_user};
pub use crate::csrf::cross_site;
use crate::csrf::{csrf_for, csrf_matches};
use crate::state::AppState;

use super::{Chrome, Lang, PageError};

/// The visitor of a page: signed in or not. An unknown or expired session reads as not
/// signed in (a page then offers to sign in, rather than failing as the API does).
pub struct Visitor {
    pub user: Option<User>,
    token: Option<String>,
}

impl Visitor {
    pub fn actor(&self) -> Option<Actor> {
        self.user.as_ref().map(actor)
    }

    pub fn username(&self) -> Option<String> {
        self.user.as_ref().map(|u| u.username.clone())
    }

    /// The value every form posted with this session must carry ("" without a session).
    pub fn csrf(&self) -> String {
        self.token.as_deref().map(csrf_for).unwrap_or_default()
    }

    /// Whether a posted `csrf` value is this session's.
    pub fn csrf_ok(&self, presented: Option<&str>) -> bool {
        match (&self.token, presented) {
            (Some(token), Some(presented)) => csrf_matches(token, presented),
            _ => false,
        }
    }
}

/// Where an account holding a temporary password is sent, and the only pages it may use
/// besides: choosing its own password, and signing out.
pub const CHANGE_PASSWORD_PATH: &str = "/akun/kata-sandi";
const WHILE_PASSWORD_CHANGE_REQUIRED: [&str; 2] = [CHANGE_PASSWORD_PATH, "/keluar"];

/// The language the request asks for, before anything else of it is read.
fn asked_lang(parts: &Parts) -> Lang {
    let english = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "lang=en"));
    if english { Lang::En } else { Lang::Id }
}

/// 303 to the change-password page, in the language the request asked for.
fn to_change_password(parts: &Parts) -> Response {
    super::see_other(CHANGE_PASSWORD_PATH, asked_lang(parts).texts())
}

impl FromRequestParts<AppState> for Visitor {
    /// A store failure, or the way to the change-password page.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = presented_token(&parts.headers) else {
            return Ok(Self {
                user: None,
                token: None,
            });
        };
        match session_user(state, &token, Utc::now()).await {
            Ok(user)
                if user.must_change_password
                    && !WHILE_PASSWORD_CHANGE_REQUIRED.contains(&request_path(parts)) =>
            {
                Err(to_change_password(parts))
            }
            Ok(user) => Ok(Self {
                user: Some(user),
                token: Some(token),
            }),
            Err(StoreError::NotFound) => Ok(Self {
                user: None,
                token: None,
            }),
            // The session cannot be read: an error page, as to a visitor not signed in.
            Err(e) => {
                let t = asked_lang(parts).texts();
                let anonymous = Self {
                    user: None,
                    token: None,
                };
                let chrome = Chrome::new(request_path(parts), t, &anonymous);
                Err(PageError::server(t, chrome, e).into_response())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_bound_to_the_session() {
        let visitor = Visitor {
            user: None,
            token: Some("session-a".into()),
        };
        let good = visitor.csrf();
        assert!(visitor.csrf_ok(Some(&good)));
        assert!(!visitor.csrf_ok(Some(&csrf_for("session-b"))));
        assert!(!visitor.csrf_ok(None));
        assert!(!visitor.csrf_ok(Some("")));
        let anonymous = Visitor {
            user: None,
            token: None,
        };
        assert_eq!(anonymous.csrf(), "");
        assert!(!anonymous.csrf_ok(Some("")));
    }
}
