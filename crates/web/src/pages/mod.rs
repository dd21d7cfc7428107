//! Server-rendered pages (askama, auto-escaped), Indonesian first, working without
//! JavaScript, loading nothing from other hosts.

mod feed;
mod i18n;

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

pub use i18n::{Lang, Texts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/publik", get(feed::public_feed_page))
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    pub lang: Lang,
}

/// The link to the same page in the other language.
pub fn other_lang_href(path: &str, t: &Texts) -> String {
    format!("{path}?lang={}", t.other_lang)
}

/// Render a page; a template failure is logged and answered generically.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: &'static Texts,
    other_lang_href: String,
}

async fn home(Query(q): Query<LangQuery>) -> Response {
    let t = q.lang.texts();
    render(&HomePage {
        t,
        other_lang_href: other_lang_href("/", t),
    })
}

/// A page-shaped error: the status, with a short message in the reader's language.
pub fn page_error(status: StatusCode, message: &str) -> Response {
    (status, Html(format!(
        "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>aduan</title><main><h1>{}</h1><p>{}</p><p><a href=\"/\">aduan</a></p></main></html>",
        i18n::ID.error_title,
        askama::filters::escape(message, askama::filters::Html).map(|m| m.to_string()).unwrap_or_default()
    )))
        .into_response()
}
