//! The page for a path nothing answers (outside the API): "not found" in the reader's
//! language with the way home, with the pages' security headers.

use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::forms::safe_next;
use super::session::Visitor;
use super::{Chrome, LangQuery, csp, error_page};
use crate::map_tiles::MapConfig;

/// What the page says, besides the shared frame.
struct NotFoundTexts {
    message: &'static str,
}

static NOT_FOUND_ID: NotFoundTexts = NotFoundTexts {
    message: "Halaman yang Anda cari tidak ada. Mungkin alamatnya salah ketik, atau halamannya sudah dipindahkan.",
};

static NOT_FOUND_EN: NotFoundTexts = NotFoundTexts {
    message: "The page you are looking for does not exist. The address may be mistyped, or the page has moved.",
};

/// 404 as a page for `path` (without its query); `raw_query` gives the language (an
/// unreadable query reads as Indonesian).
pub fn not_found_page(path: &str, raw_query: Option<&str>, visitor: &Visitor) -> Response {
    let lang = raw_query
        .and_then(|q| serde_urlencoded::from_str::<LangQuery>(q).ok())
        .unwrap_or_default()
        .lang;
    let t = lang.texts();
    let texts = match lang {
        super::Lang::Id => &NOT_FOUND_ID,
        super::Lang::En => &NOT_FOUND_EN,
    };
    // The link to the other language stays on this site, whatever was asked for.
    let here = safe_next(Some(path)).unwrap_or_else(|| "/".to_owned());
    let mut response = error_page(
        t,
        Chrome::new(&here, t, visitor),
        StatusCode::NOT_FOUND,
        texts.message,
    );
    let headers = response.headers_mut();
    // No map here: the policy without any tile server.
    headers.insert(CONTENT_SECURITY_POLICY, csp(&MapConfig::default()));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
