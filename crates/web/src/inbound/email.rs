//! `POST /channels/email/inbound` takes a raw RFC 5322 message (`message/rfc822`) from an inbound-mail relay, signed with
//! `X-Aduan-Signature: sha256=<hmac of the body>`. Unsigned or forged calls are refused with
//! 401 before anything is parsed or stored.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;

use aduan_channels::signature::verify_sha256;

use crate::email::submit_raw_email;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

use super::{Receipt, WebhookBody, header};

pub const SIGNATURE_HEADER: &str = "x-aduan-signature";

pub(super) async fn receive_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    let Some(secret) = &state.config.email_webhook_secret else {
        return Err(ApiError::not_found("no such endpoint"));
    };
    if !verify_sha256(
        secret.0.as_bytes(),
        &body,
        header(&headers, SIGNATURE_HEADER),
    ) {
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
    let received = Utc::now();
    let report = submit_raw_email(&state, &body).await?;
    Ok(Receipt::of(&report, received).respond())
}
