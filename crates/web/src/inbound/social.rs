//! X Account Activity (the CRC challenge answered with an HMAC of the token; events signed
//! in `x-twitter-webhooks-signature`) and Meta webhooks for Facebook pages and Instagram
//! accounts (`X-Hub-Signature-256`, the `hub.challenge` handshake).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;

use aduan_channels::meta::GovernorAccounts;
use aduan_channels::{meta, twitter};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

use super::messaging::{answer_handshake, check_meta_signature};
use super::{
    WebhookBody, file_all, forged, header, malformed, not_configured, query_pairs, query_value,
};

pub(super) async fn meta_handshake(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let Some(config) = &state.config.channels.meta else {
        return Err(not_configured());
    };
    answer_handshake(query.as_deref(), &config.verify_token)
}

pub(super) async fn receive_meta(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<StatusCode> {
    let Some(config) = &state.config.channels.meta else {
        return Err(not_configured());
    };
    check_meta_signature(&config.app_secret, &headers, &body)?;
    // The accounts file as the city's meta channel in the catalog in force; `aduan serve`
    // refuses to start without one, so failing here means the pack changed since.
    let governor =
        GovernorAccounts::of(config, &state.catalog().jurisdiction).map_err(ApiError::internal)?;
    let messages = meta::parse_webhook(&body, governor).map_err(malformed)?;
    file_all(&state, messages).await?;
    Ok(StatusCode::OK)
}

/// The CRC check X makes when the webhook is registered and every so often after.
pub(super) async fn x_crc(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<serde_json::Value>> {
    let Some(config) = &state.config.channels.x else {
        return Err(not_configured());
    };
    let pairs = query_pairs(query.as_deref());
    let token = query_value(&pairs, "crc_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::invalid("crc_token", "required"))?;
    // Anything else would make the CRC check sign a forged event body.
    let answer = twitter::crc_response(&config.consumer_secret, token).ok_or_else(|| {
        ApiError::bad_request(format!(
            "crc_token: not a token X sends (at most {} letters, digits, '+', '/', '=', '-' \
             or '_')",
            twitter::MAX_CRC_TOKEN
        ))
    })?;
    Ok(Json(json!({ "response_token": answer })))
}

pub(super) async fn receive_x(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebhookBody(body): WebhookBody,
) -> ApiResult<StatusCode> {
    let Some(config) = &state.config.channels.x else {
        return Err(not_configured());
    };
    let signature = header(&headers, twitter::SIGNATURE_HEADER);
    if !twitter::verify_signature(&config.consumer_secret, &body, signature) {
        return Err(forged());
    }
    let messages = twitter::parse_activity(&body, &config.user_id).map_err(malformed)?;
    file_all(&state, messages).await?;
    Ok(StatusCode::OK)
}
