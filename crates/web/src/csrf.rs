//! Cross-site request forgery guards shared by the pages and the JSON API.
//!
//! Two parts (the pages' module notes say why each is needed):
//! - a token derived from the session token, `base64url(SHA-256("aduan-csrf-v1:" || token))`,
//!   which another site can neither read nor compute, since the session token lives only in
//!   an HttpOnly cookie;
//! - the browser's own word on where a request comes from (`Sec-Fetch-Site`, `Origin`).
//!
//! The API takes a bearer token (which a browser never adds by itself) or the session cookie
//! (which it does): an unsafe call that rides on the cookie must carry the token in
//! `X-CSRF-Token` and come from this site, exactly as a page's form must.

use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::auth::presented_token;
use crate::error::ApiError;

const CSRF_LABEL: &[u8] = b"aduan-csrf-v1:";

/// The header an API call riding on the session cookie carries its token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of the session whose token is `session_token`.
pub fn csrf_for(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(CSRF_LABEL);
    hasher.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Whether `presented` is the CSRF token of the session `session_token`.
pub fn csrf_matches(session_token: &str, presented: &str) -> bool {
    constant_time_eq(
        csrf_for(session_token).as_bytes(),
        presented.trim().as_bytes(),
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the browser says this request comes from another site: `Sec-Fetch-Site:
/// cross-site`, or an `Origin` whose host is not this request's `Host` (`Origin: null`
/// included). A client that sends neither header (not a browser) is let through; a browser
/// always sends `Origin` on a POST.
pub fn cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if fetch_site.is_some_and(|s| s.eq_ignore_ascii_case("cross-site")) {
        return true;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return false;
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h.trim()),
        _ => true,
    }
}

/// The session token when the request is authenticated by the cookie (no `Authorization`).
pub fn cookie_session(headers: &HeaderMap) -> Option<String> {
    if headers.contains_key(AUTHORIZATION) {
        return None;
    }
    presented_token(headers)
}

fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Signing in and registering come before any session (a stale cookie must not stop them):
/// only the cross-site check applies to them, as on the pages.
fn before_session(path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    matches!(path, "/auth/login" | "/auth/register")
}

/// The API's guard: an unsafe call without a bearer token is refused (403, nothing read or
/// changed) when it comes from another site, or when it presents the session cookie
/// without that session's `X-CSRF-Token`.
pub async fn guard_api(req: Request, next: Next) -> Response {
    let headers = req.headers();
    if !unsafe_method(req.method()) || headers.contains_key(AUTHORIZATION) {
        return next.run(req).await;
    }
    if cross_site(headers) {
        return ApiError::forbidden("a request from another site is refused").into_response();
    }
    if let Some(session) = cookie_session(headers)
        && !before_session(req.uri().path())
    {
        let presented = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if !presented.is_some_and(|p| csrf_matches(&session, p)) {
            return ApiError::forbidden(
                "a call signed in by the session cookie must carry its X-CSRF-Token header \
                 (GET /api/v1/me gives it); or send Authorization: Bearer",
            )
            .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_token_is_bound_to_the_session() {
        let good = csrf_for("session-a");
        assert!(csrf_matches("session-a", &good));
        assert!(!csrf_matches("session-b", &good));
        assert!(!csrf_matches("session-a", ""));
    }

    #[test]
    fn requests_from_other_sites_are_recognized() {
        assert!(!cross_site(&headers(&[])));
        assert!(!cross_site(&headers(&[
            ("host", "aduan.example:8080"),
            ("origin", "https://aduan.example:8080"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(cross_site(&headers(&[
            ("host", "aduan.example"),
            ("origin", "https://evil.example"),
        ])));
        assert!(cross_site(&headers(&[
            ("host", "aduan.example"),
            ("origin", "null"),
        ])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn only_login_and_registration_come_before_a_session() {
        assert!(before_session("/auth/login"));
        assert!(before_session("/api/v1/auth/register"));
        assert!(!before_session("/auth/logout"));
        assert!(!before_session("/reports"));
    }
}
