//! What a page answers when it cannot do what was asked: an error page in the reader's
//! language with the status that says why. A failure on the server's side is logged here,
//! with its cause, and shown to the reader only as a generic apology.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::app_error::AppError;
use crate::error::{ApiError, status_of};

use super::{Chrome, Texts, render_with};

/// An error page to answer with.
pub struct PageError {
    t: &'static Texts,
    chrome: Chrome,
    status: StatusCode,
    /// What the reader is told, in their language.
    message: String,
    /// What the log is told of a server failure; never shown.
    cause: Option<String>,
}

impl PageError {
    /// `status` with `message`, which the reader may see.
    pub fn new(t: &'static Texts, chrome: Chrome, status: StatusCode, message: &str) -> Self {
        Self {
            t,
            chrome,
            status,
            message: message.to_owned(),
            cause: None,
        }
    }

    /// A failure on the server's side: 500, its cause logged, the reader told only that
    /// something went wrong.
    pub fn server(t: &'static Texts, chrome: Chrome, cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(t, chrome, StatusCode::INTERNAL_SERVER_ERROR, t.server_error)
        }
    }

    /// A use case's refusal or failure, as a page: its status with `message`, or, for a
    /// failure below, a server failure (logged with its cause).
    pub fn from_app(t: &'static Texts, chrome: Chrome, e: AppError, message: &str) -> Self {
        match e {
            AppError::Failed(cause) => Self::server(t, chrome, cause),
            busy @ AppError::Busy { .. } => Self::server(t, chrome, busy),
            refused => Self::new(t, chrome, status_of(&refused), message),
        }
    }

    /// A refusal of the HTTP layer (a body or form that could not be read) as a page: its
    /// status with `message`, or, for a 5xx, a server failure.
    pub fn from_api(t: &'static Texts, chrome: Chrome, e: ApiError, message: &str) -> Self {
        if e.status.is_server_error() {
            let cause = e.cause().unwrap_or(&e.message).to_owned();
            return Self::server(t, chrome, cause);
        }
        Self::new(t, chrome, e.status, message)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'static Texts,
    chrome: Chrome,
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(status = self.status.as_u16(), cause, "page failed");
        }
        let t = self.t;
        let title = match self.status {
            StatusCode::NOT_FOUND => t.not_found_title,
            StatusCode::FORBIDDEN => t.forbidden_title,
            _ => t.error_title,
        };
        render_with(
            self.status,
            &ErrorPage {
                t,
                chrome: self.chrome,
                title,
                message: &self.message,
            },
        )
    }
}

/// A page that could not be rendered (a template failure): logged, and answered with a
/// page that needs no template, in both languages.
pub fn unrenderable(cause: impl std::fmt::Display) -> Response {
    tracing::error!(cause = %cause, "page could not be rendered");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(concat!(
            "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Terjadi kesalahan</title>",
            "<p>Terjadi kesalahan di pihak kami. Silakan coba lagi nanti.</p>",
            "<p lang=\"en\">Something went wrong on our side. Please try again later.</p></html>"
        )),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::Lang;

    fn chrome() -> Chrome {
        Chrome {
            other_lang_href: "/?lang=en".into(),
            username: None,
            csrf: String::new(),
            is_citizen: false,
            is_staff: false,
            is_operator: false,
            is_admin: false,
        }
    }

    async fn page(e: PageError) -> (StatusCode, String) {
        let response = e.into_response();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_server_failure_is_a_page_that_keeps_its_cause_to_the_log() {
        let t = Lang::Id.texts();
        let (status, body) = page(PageError::server(t, chrome(), "pool timed out: 10.0.0.7")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("<html"), "{body}");
        assert!(body.contains(t.server_error), "{body}");
        assert!(!body.contains("10.0.0.7"), "the cause is not shown: {body}");
    }

    #[tokio::test]
    async fn the_layer_belows_refusal_keeps_its_status_and_a_failure_becomes_500() {
        let t = Lang::En.texts();
        let refused = ApiError::forbidden("not yours");
        let (status, body) = page(PageError::from_api(t, chrome(), refused, "Not for you.")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains("Not for you.") && body.contains(t.forbidden_title));

        let failed = ApiError::internal("disk full on /var/lib/aduan");
        let (status, body) = page(PageError::from_api(t, chrome(), failed, "Not for you.")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains(t.server_error), "{body}");
        assert!(!body.contains("disk full") && !body.contains("Not for you."));
    }
}
