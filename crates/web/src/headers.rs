//! The security headers every response carries, set in one layer after the handlers ran.
//!
//! - `X-Content-Type-Options: nosniff` everywhere: a photo or a JSON body is never read by
//!   a browser as HTML or script.
//! - HTML (the pages): framing refused (`frame-ancestors 'none'` in the page's own CSP, or a
//!   CSP of just that when a page sent none, and `X-Frame-Options: DENY` for old browsers).
//! - Everything else (JSON, Open311's XML, photos, CSV): `default-src 'none'`, so even a
//!   response opened on its own runs nothing and loads nothing.
//! - `Referrer-Policy: same-origin` unless a handler chose one; `Strict-Transport-Security`
//!   only when the deployment's public address is https (on plain http it would be ignored,
//!   and a developer's `localhost` must not be pinned to https).

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What the layer needs from the configuration.
#[derive(Clone, Copy)]
pub struct SecurityHeaders {
    pub hsts: bool,
}

const MACHINE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";
const PAGE_CSP: &str = "frame-ancestors 'none'";

pub async fn security_headers(
    State(settings): State<SecurityHeaders>,
    req: Request,
    next: Next,
) -> Response {
    let mut response = next.run(req).await;
    apply(response.headers_mut(), settings);
    response
}

fn apply(headers: &mut HeaderMap, settings: SecurityHeaders) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html {
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        let policy = match headers.get(CONTENT_SECURITY_POLICY) {
            None => Some(HeaderValue::from_static(PAGE_CSP)),
            Some(existing) => {
                let text = existing.to_str().unwrap_or_default();
                (!text.contains("frame-ancestors"))
                    .then(|| HeaderValue::from_str(&format!("{text}; {PAGE_CSP}")).ok())
                    .flatten()
            }
        };
        if let Some(policy) = policy {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
    } else if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(MACHINE_CSP),
        );
    }
    if !headers.contains_key(REFERRER_POLICY) {
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    }
    if settings.hsts {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(content_type: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        h
    }

    #[test]
    fn a_page_keeps_its_policy_and_refuses_framing() {
        let mut h = with_type("text/html; charset=utf-8");
        h.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; img-src 'self'"),
        );
        apply(&mut h, SecurityHeaders { hsts: false });
        assert_eq!(
            h[CONTENT_SECURITY_POLICY],
            "default-src 'none'; img-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(h[X_FRAME_OPTIONS], "DENY");
        assert!(!h.contains_key(STRICT_TRANSPORT_SECURITY));
    }

    #[test]
    fn machine_answers_load_nothing() {
        let mut h = with_type("image/png");
        apply(&mut h, SecurityHeaders { hsts: true });
        assert_eq!(h[CONTENT_SECURITY_POLICY], MACHINE_CSP);
        assert_eq!(h[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[STRICT_TRANSPORT_SECURITY], "max-age=31536000");
        assert!(!h.contains_key(X_FRAME_OPTIONS));
    }
}
