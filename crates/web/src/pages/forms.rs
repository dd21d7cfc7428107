//! What the forms share: errors beside their fields, the guard on every POST, where to go
//! after signing in.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use aduan_domain::Actor;

use crate::app_error::AppError;
use crate::body::JsonWithPhotos;
use crate::error::ApiError;

use super::page_error::PageError;
use super::session::{Visitor, cross_site};
use super::{Chrome, Texts, error_page, see_other};

/// Problems with a form's fields, by field name, in the reader's language.
#[derive(Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// One field's problem.
    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }
}

/// The field a refusal names; "" for none.
pub fn field_of(e: &AppError) -> &str {
    e.field().unwrap_or("")
}

/// Refuse a POST another site made: 403 when the browser says it comes from elsewhere, or
/// (with a session) when the form's CSRF value is missing or not this session's.
/// Nothing has been read or changed when this refuses.
pub fn refuse_forgery(
    t: &'static Texts,
    path: &str,
    visitor: &Visitor,
    headers: &HeaderMap,
    csrf: Option<&str>,
    with_session: bool,
) -> Option<Response> {
    let forged = cross_site(headers) || (with_session && !visitor.csrf_ok(csrf));
    forged.then(|| {
        error_page(
            t,
            Chrome::new(path, t, visitor),
            StatusCode::FORBIDDEN,
            t.csrf_failed,
        )
    })
}

/// A form with photos posted from `path` with a session: read, not forged, and its sender
/// signed in (else off to sign in). Refused with the page to answer, `too_large` saying
/// what to do about a body over the limit; nothing has been changed when this refuses.
pub fn posted_with_photos(
    t: &'static Texts,
    path: &str,
    visitor: &Visitor,
    headers: &HeaderMap,
    body: Result<JsonWithPhotos, ApiError>,
    too_large: &str,
) -> Result<(Actor, JsonWithPhotos), Box<Response>> {
    let chrome = || Chrome::new(path, t, visitor);
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(Box::new(error_page(t, chrome(), e.status, too_large)));
        }
        Err(e) => {
            let refused = PageError::from_api(t, chrome(), e, t.csrf_failed);
            return Err(Box::new(refused.into_response()));
        }
    };
    let csrf = body
        .object
        .get("csrf")
        .and_then(Value::as_str)
        .unwrap_or("");
    let actor = signed_in_posting(t, path, visitor, headers, csrf)?;
    Ok((actor, body))
}

/// A form posted from `path` with a session: its sender signed in (else off to sign in)
/// and the form not forged (else 403); nothing has been changed when this refuses.
pub fn signed_in_posting(
    t: &'static Texts,
    path: &str,
    visitor: &Visitor,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Actor, Box<Response>> {
    let Some(actor) = visitor.actor() else {
        return Err(Box::new(see_other(&format!("/masuk?next={path}"), t)));
    };
    match refuse_forgery(t, path, visitor, headers, Some(csrf), true) {
        Some(refused) => Err(Box::new(refused)),
        None => Ok(actor),
    }
}

/// Where to go after signing in: a path on this site only (never another host), without a
/// query; anything else is ignored.
pub fn safe_next(raw: Option<&str>) -> Option<String> {
    let next = raw?.trim();
    let ok = next.len() <= 200
        && next.starts_with('/')
        && !next.starts_with("//")
        && next
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
    ok.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/lapor")).as_deref(), Some("/lapor"));
        assert_eq!(
            safe_next(Some("/laporan/JK2611280001")).as_deref(),
            Some("/laporan/JK2611280001")
        );
        for bad in ["//evil.example", "evil", "/a?b=c", "/\\evil", "/a b", ""] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_next(None), None);
    }
}
