//! Webhooks through which channels deliver messages: `POST /channels/email/inbound` takes a
//! raw RFC 5322 message (`message/rfc822`) from an inbound-mail relay, signed with
//! `X-Aduan-Signature: sha256=<hmac of the body>`. Unsigned or forged calls are refused with
//! 401 before anything is parsed or stored.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use serde::Serialize;

use aduan_channels::signature::verify_sha256;

use crate::email::submit_raw_email;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const SIGNATURE_HEADER: &str = "x-aduan-signature";

pub fn router() -> Router<AppState> {
    Router::new().route("/channels/email/inbound", post(receive_email))
}

/// What the relay hears back: the ticket, and whether this delivery filed it.
#[derive(Serialize)]
pub struct Receipt {
    pub ticket: String,
    /// False when the message had been delivered before (nothing new was filed).
    pub filed: bool,
}

async fn receive_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    let Some(secret) = &state.config.email_webhook_secret else {
        return Err(ApiError::not_found("no such endpoint"));
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !verify_sha256(secret.0.as_bytes(), &body, signature) {
        return Err(ApiError::unauthorized(
            "the message is not signed with the webhook's secret",
        ));
    }
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !content_type.starts_with("message/rfc822") {
        return Err(ApiError::unsupported_media(
            "send the raw message as message/rfc822",
        ));
    }
    // At the store's precision (microseconds): a report made by this delivery is not older.
    let received = Utc::now();
    let received =
        chrono::DateTime::from_timestamp_micros(received.timestamp_micros()).unwrap_or(received);
    let report = submit_raw_email(&state, &body).await?;
    let filed = report.created_at >= received;
    let status = if filed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(Receipt {
            ticket: report.ticket.to_string(),
            filed,
        }),
    ))
}
