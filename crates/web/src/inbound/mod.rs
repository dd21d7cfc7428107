//! Webhooks through which channels deliver citizens' messages. Each checks the channel's
//! signature before reading anything (unsigned or forged calls get 401 and leave nothing
//! behind), parses the channel's own format, and files each message through
//! [`crate::intake`]. A channel without configuration answers 404.
//!
//! | path | channel |
//! |---|---|
//! | `POST /channels/email/inbound` | raw e-mail from an inbound-mail relay |
//! | `POST /channels/sms/inbound` | SMS (and WhatsApp) through a Twilio-style gateway |
//! | `GET`/`POST /channels/whatsapp/webhook` | WhatsApp Cloud API |
//! | `GET`/`POST /channels/meta/webhook` | Facebook pages and Instagram accounts |
//! | `GET`/`POST /channels/x/webhook` | X Account Activity (CRC and events) |
//! | `POST /channels/lapor/reports` | LAPOR! partner API |
//!
//! On a flood day the providers redeliver whatever we do not acknowledge: a message is
//! acknowledged only once it is stored, and redeliveries file nothing new.

mod email;
mod lapor;
mod messaging;
mod social;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Serialize;

use aduan_channels::{InboundError, InboundMessage};
use aduan_domain::report::Report;

use crate::error::{ApiError, ApiResult};
use crate::intake::submit_channel_message;
use crate::state::AppState;

/// Each webhook's path, written once: the router serves them, the admins' channel page
/// shows them, and the SMS gateway's signature covers one.
pub const EMAIL_PATH: &str = "/channels/email/inbound";
pub const SMS_PATH: &str = "/channels/sms/inbound";
pub const WHATSAPP_PATH: &str = "/channels/whatsapp/webhook";
pub const META_PATH: &str = "/channels/meta/webhook";
pub const X_PATH: &str = "/channels/x/webhook";
pub const LAPOR_PATH: &str = "/channels/lapor/reports";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(EMAIL_PATH, post(email::receive_email))
        .route(SMS_PATH, post(messaging::receive_sms))
        .route(
            WHATSAPP_PATH,
            get(messaging::whatsapp_handshake).post(messaging::receive_whatsapp),
        )
        .route(
            META_PATH,
            get(social::meta_handshake).post(social::receive_meta),
        )
        .route(X_PATH, get(social::x_crc).post(social::receive_x))
        .route(LAPOR_PATH, post(lapor::receive_report))
}

/// A webhook's raw body. Over the body limit (or cut off) it is refused in the API's error
/// format with the reason, not axum's plain text.
pub(super) struct WebhookBody(pub Bytes);

impl FromRequest<AppState> for WebhookBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::too_large(format!(
                    "the body is larger than this server takes ({} bytes)",
                    state.config.max_body_bytes
                )))
            }
            Err(e) => Err(ApiError::bad_request(format!(
                "the body could not be read: {}",
                e.body_text()
            ))),
        }
    }
}

/// A header's value, or "" when absent or not text.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The decoded `name=value` pairs of a query string (none when it does not decode).
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn not_configured() -> ApiError {
    ApiError::not_found("no such endpoint")
}

fn forged() -> ApiError {
    ApiError::unauthorized("the call is not signed with this channel's secret")
}

fn malformed(e: InboundError) -> ApiError {
    match e {
        InboundError::Unauthenticated => forged(),
        InboundError::Malformed(problem) => ApiError::invalid("body", problem),
    }
}

/// What a caller that wants one hears back: the ticket, and whether this delivery filed it.
#[derive(Serialize)]
pub struct Receipt {
    pub ticket: String,
    /// False when the message had been delivered before (nothing new was filed).
    pub filed: bool,
    /// The report's tracking code, for a partner to give its user (`/lacak`): given once,
    /// by the delivery that filed the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
}

impl Receipt {
    /// The receipt for `report`, filed by a delivery that arrived at `received`.
    fn of(report: &Report, received: DateTime<Utc>) -> Self {
        // At the store's precision (microseconds): a report made by this delivery is not
        // older than its arrival.
        let received =
            DateTime::from_timestamp_micros(received.timestamp_micros()).unwrap_or(received);
        Self {
            ticket: report.ticket.to_string(),
            filed: report.created_at >= received,
            tracking_code: None,
        }
    }

    fn respond(self) -> (StatusCode, Json<Receipt>) {
        let status = if self.filed {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        (status, Json(self))
    }
}

/// File every message of one delivery. A message we cannot accept (it breaks a rule the
/// sender cannot fix by resending) is logged and skipped; a store failure fails the whole
/// delivery so the provider sends it again, and what was filed already is not filed twice.
async fn file_all(state: &AppState, messages: Vec<InboundMessage>) -> ApiResult<Vec<Report>> {
    let mut filed = Vec::with_capacity(messages.len());
    for message in messages {
        let channel = message.channel;
        match submit_channel_message(state, message.into()).await {
            Ok(report) => filed.push(report),
            Err(e) if e.is_failure_below() => return Err(e.into()),
            Err(e) => tracing::warn!(channel = channel.code(), problem = %e,
                "a channel message was not filed"),
        }
    }
    Ok(filed)
}
