//! Control characters out of the forms and query strings of the pages and Open311, in one
//! place before any handler reads them (the API's JSON and queries are checked in
//! `crate::input`, the channels' messages at intake). A person may paste such a character
//! with their text: it is dropped, not refused, and the rest of the text is kept. Webhooks
//! are not routed through here: their signatures cover the fields exactly as sent.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Uri;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::input::has_control;

/// Largest form body read here; a form without photos is a few kilobytes.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The middleware: rewrites an urlencoded body and the query string when, and only when,
/// a field holds a control character.
pub async fn strip_controls(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    if let Some(uri) = parts.uri.query().and_then(clean_query).and_then(|query| {
        let path = parts.uri.path();
        Uri::try_from(format!("{path}?{query}")).ok()
    }) {
        parts.uri = uri;
    }
    let urlencoded = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !urlencoded {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::too_large(format!("a form may be at most {MAX_FORM_BYTES} bytes"))
                .into_response();
        }
    };
    let body = match std::str::from_utf8(&bytes).ok().and_then(clean_query) {
        Some(cleaned) => Body::from(cleaned),
        None => Body::from(bytes),
    };
    next.run(Request::from_parts(parts, body)).await
}

/// The urlencoded `text` again without control characters (but newline, carriage return
/// and tab), or `None` when it holds none or does not parse (the handler then answers it).
fn clean_query(text: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(text).ok()?;
    if !pairs.iter().any(|(k, v)| has_control(k) || has_control(v)) {
        return None;
    }
    let cleaned: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (without_controls(&k), without_controls(&v)))
        .collect();
    serde_urlencoded::to_string(cleaned).ok()
}

fn without_controls(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_texts_with_control_characters_are_rewritten() {
        assert_eq!(clean_query("q=lampu+taman&page=2"), None);
        assert_eq!(clean_query("%ZZ"), None);
        assert_eq!(
            clean_query("description=Jalan%00+rusak%0Aparah&x%01=1").as_deref(),
            Some("description=Jalan+rusak%0Aparah&x=1")
        );
    }
}
