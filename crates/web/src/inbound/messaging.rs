//! SMS through a Twilio-style gateway (form-encoded, `X-Twilio-Signature` over the full URL
//! and the sorted parameters) and the WhatsApp Cloud API (JSON, `X-Hub-Signature-256`,
//! with Meta's `hub.challenge` subscription handshake).

use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;

use aduan_channels::{meta, sms, whatsapp};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

use super::{
    WebhookBody, file_all, forged, header, malformed, not_configured, query_pairs, query_value,
};

/// An empty TwiML answer: the gateway sends nothing back itself; our answer (with the
/// ticket) goes out through the outbox once the report is filed.
const EMPTY_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#;

pub(super) async fn receive_sms(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<impl IntoResponse> {
    let channels = &state.config.channels;
    let (Some(twilio), Some(base)) = (&channels.twilio, &channels.public_base_url) else {
        return Err(not_configured());
    };
    // Twilio signs the URL it was told to call, query included.
    let mut url = format!("{}{}", base.trim_end_matches('/'), super::SMS_PATH);
    if let Some(query) = query {
        url.push('?');
        url.push_str(&query);
    }
    let form = header(&headers, CONTENT_TYPE.as_str()).to_ascii_lowercase();
    if !form.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::unsupported_media(
            "the gateway posts its messages as application/x-www-form-urlencoded",
        ));
    }
    let params = sms::parse_form(&body)
        .map_err(|_| ApiError::bad_request("the body is not a form-encoded body"))?;
    let signature = header(&headers, sms::SIGNATURE_HEADER);
    if !sms::verify_twilio_signature(&twilio.auth_token, &url, &params, signature) {
        return Err(forged());
    }
    let message = sms::parse_sms(&params).map_err(malformed)?;
    file_all(&state, vec![message]).await?;
    Ok((
        StatusCode::OK,
        [(CONTENT_TYPE, "text/xml; charset=utf-8")],
        EMPTY_TWIML,
    ))
}

/// Meta's subscription handshake (WhatsApp, Facebook, Instagram): echo `hub.challenge`
/// when `hub.verify_token` is ours, else 403.
pub(super) fn answer_handshake(
    query: Option<&str>,
    verify_token: &str,
) -> ApiResult<impl IntoResponse + use<>> {
    let pairs = query_pairs(query);
    let challenge = meta::verify_subscription(
        query_value(&pairs, "hub.mode"),
        query_value(&pairs, "hub.verify_token"),
        query_value(&pairs, "hub.challenge"),
        verify_token,
    )
    .ok_or_else(|| ApiError::forbidden("the verify token does not match"))?;
    Ok((StatusCode::OK, [(CONTENT_TYPE, "text/plain")], challenge))
}

/// Refuse a body not signed with Meta's `X-Hub-Signature-256` under `app_secret`.
pub(super) fn check_meta_signature(
    app_secret: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<()> {
    if meta::verify_signature(app_secret, body, header(headers, meta::SIGNATURE_HEADER)) {
        Ok(())
    } else {
        Err(forged())
    }
}

pub(super) async fn whatsapp_handshake(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let Some(config) = &state.config.channels.whatsapp else {
        return Err(not_configured());
    };
    answer_handshake(query.as_deref(), &config.verify_token)
}

pub(super) async fn receive_whatsapp(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<StatusCode> {
    let Some(config) = &state.config.channels.whatsapp else {
        return Err(not_configured());
    };
    check_meta_signature(&config.app_secret, &headers, &body)?;
    let messages = whatsapp::parse_webhook(&body).map_err(malformed)?;
    file_all(&state, messages).await?;
    Ok(StatusCode::OK)
}
