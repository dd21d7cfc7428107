//! The LAPOR! partner API: a report pushed to us, signed with the shared-secret HMAC over
//! `"{timestamp}.{body}"`; we answer with our ticket and, the first time, the report's
//! tracking code (for LAPOR! to show its user: our status pushes carry no text). Status
//! changes go back through the outbox.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;

use aduan_channels::lapor;

use crate::error::ApiResult;
use crate::intake::submit_with_code;
use crate::state::AppState;

use super::{Receipt, WebhookBody, forged, header, malformed, not_configured};

pub(super) async fn receive_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    let Some(config) = &state.config.channels.lapor else {
        return Err(not_configured());
    };
    let received = Utc::now();
    if !lapor::verify(
        config.secret.as_bytes(),
        header(&headers, lapor::TIMESTAMP_HEADER),
        header(&headers, lapor::SIGNATURE_HEADER),
        &body,
        received.timestamp(),
    ) {
        return Err(forged());
    }
    let message = lapor::parse_report(&body).map_err(malformed)?;
    let (report, code) = submit_with_code(&state, message.into()).await?;
    let receipt = Receipt {
        tracking_code: code.map(|c| c.display()),
        ..Receipt::of(&report, received)
    };
    Ok(receipt.respond())
}
