//! The JSON API's errors: one type, one response mapping, an explicit status per kind.
//!
//! Bodies are `{"error": {"code", "message", "fields"?}}`. A 5xx logs its cause and answers
//! with a generic message, so no internal detail (or personal data) leaves in an error.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use aduan_domain::workflow::WorkflowError;
use aduan_store::StoreError;

use crate::app_error::AppError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: BTreeMap<String, String>,
    /// Seconds to wait before trying again, sent as `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
    /// What the log gets for a 5xx; never sent to the client.
    cause: Option<String>,
}

/// The error body every endpoint uses.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: bad_request, unauthorized, forbidden, password_change_required,
    /// not_found, conflict, payload_too_large, unsupported_media_type, validation_failed,
    /// too_many_requests, unavailable, internal.
    pub code: String,
    pub message: String,
    /// Per-field problems, for validation failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            retry_after: None,
            cause: None,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// The account holds a temporary password: it must choose its own first.
    pub fn password_change_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "this account holds a temporary password: choose a new one at \
             POST /api/v1/me/password first",
        )
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not take this method",
        )
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }
    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        )
    }
    /// Too many attempts or requests from this caller: try again in `retry_after` seconds.
    pub fn too_many(message: impl Into<String>, retry_after: u64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message);
        e.retry_after = Some(retry_after.max(1));
        e
    }
    /// The server is too busy for this request now (not the caller's fault).
    pub fn busy(message: impl Into<String>, retry_after: u64) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message);
        e.retry_after = Some(retry_after.max(1));
        e
    }
    /// One field is not acceptable.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{field}: {problem}"),
        );
        e.fields.insert(field.to_owned(), problem);
        e
    }
    /// What the log is told of a 5xx.
    pub(crate) fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// An unexpected failure: logged with its cause, answered generically.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; please try again later",
        );
        e.cause = Some(cause.to_string());
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(
                cause = self.cause.as_deref().unwrap_or("unknown"),
                "request failed"
            );
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                fields: (!self.fields.is_empty()).then_some(self.fields),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("not found"),
            StoreError::Conflict(message) => Self::conflict(message),
            StoreError::Other(cause) => Self::internal(cause),
        }
    }
}

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Forbidden { role, action } => Self::forbidden(format!(
                "a {} may not {} this report",
                role.code(),
                action.code()
            )),
            WorkflowError::WrongState { action, state } => Self::conflict(format!(
                "cannot {} a report that is {} ({})",
                action.code(),
                state.code(),
                state.label_id()
            )),
            WorkflowError::Invalid { field, message } => Self::invalid(field, message),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The HTTP status that says why a use case refused or failed: what the API and the pages
/// both answer with.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotSignedIn(_) => StatusCode::UNAUTHORIZED,
        AppError::NotAllowed(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::UnsupportedPhoto(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<AppError> for ApiError {
    /// A use case's refusal as the API answers it: the status that says why (`status_of`),
    /// and the same words; a failure below is logged and answered generically.
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotSignedIn(m) => Self::unauthorized(m),
            AppError::NotAllowed(m) => Self::forbidden(m),
            AppError::NotFound(m) => Self::not_found(m),
            AppError::Conflict(m) => Self::conflict(m),
            AppError::Invalid { field, problem } => Self::invalid(&field, problem),
            AppError::TooLarge(m) => Self::too_large(m),
            AppError::UnsupportedPhoto(m) => Self::unsupported_media(m),
            AppError::TooManyAttempts {
                message,
                retry_after,
            } => Self::too_many(message, retry_after),
            AppError::Busy {
                message,
                retry_after,
            } => Self::busy(message, retry_after),
            AppError::Failed(cause) => Self::internal(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each refusal and failure a use case answers.
    fn every_app_error() -> Vec<AppError> {
        vec![
            AppError::not_signed_in("sign in first"),
            AppError::not_allowed("not yours"),
            AppError::not_found("no such report"),
            AppError::conflict("changed meanwhile"),
            AppError::invalid("description", "too short"),
            AppError::too_large("photo too big"),
            AppError::unsupported_photo("a GIF"),
            AppError::too_many_attempts("slow down", 30),
            AppError::busy("too many at once", 1),
            AppError::failed("disk full"),
        ]
    }

    #[test]
    fn the_api_answers_a_use_case_error_with_the_status_the_pages_use() {
        let statuses: Vec<u16> = every_app_error()
            .into_iter()
            .map(|e| {
                let status = status_of(&e);
                assert_eq!(ApiError::from(e.clone()).status, status, "{e:?}");
                status.as_u16()
            })
            .collect();
        assert_eq!(statuses, [401, 403, 404, 409, 422, 413, 415, 429, 503, 500]);
    }

    #[test]
    fn the_api_keeps_the_words_the_field_and_the_wait_but_never_a_cause() {
        for e in every_app_error() {
            let api = ApiError::from(e.clone());
            assert_eq!(api.retry_after, e.retry_after(), "{e:?}");
            assert_eq!(api.fields.keys().next().map(String::as_str), e.field());
            if let AppError::Failed(cause) = &e {
                assert!(!api.message.contains(cause.as_str()));
                assert_eq!(api.cause(), Some(cause.as_str()));
            } else {
                assert_eq!(api.message, e.message(), "{e:?}");
            }
        }
    }
}
