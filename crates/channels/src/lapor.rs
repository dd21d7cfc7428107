//! LAPOR! (SP4N, 1708), the national complaint system: its partner API pushes reports to
//! us and we push each status change back. Both ways are JSON signed with a shared-secret
//! HMAC-SHA256 over `"{timestamp}.{body}"`, with the Unix timestamp in `X-Lapor-Timestamp`
//! and `sha256=<hex>` in `X-Lapor-Signature`; a call older or newer than five minutes is
//! refused, so a captured request cannot be replayed later.
//!
//! A report pushed to us ([`parse_report`]); unknown fields are ignored:
//!
//! ```json
//! {
//!   "tracking_id": "LAPOR-2503-8812345",   // required: 1 to 64 characters, no spaces
//!   "submitted_at": "2025-03-03T08:15:00+07:00",     // RFC 3339, optional
//!   "title": "Pohon tumbang",                        // optional
//!   "content": "Pohon tumbang di Kelurahan Menteng", // required, not blank
//!   "category": "Lingkungan Hidup",   // optional: LAPOR!'s category name
//!   "location": {"lat": -6.19, "lon": 106.83, "address": "Jl. Teuku Umar"}, // all optional
//!   "anonymous": false,               // default false
//!   "reporter": {"name": "…", "phone": "08…", "email": "…"}, // optional, dropped if anonymous
//!   "attachments": [{"url": "https://…", "content_type": "image/jpeg"}] // http(s) URLs
//! }
//! ```
//!
//! A status pushed back ([`StatusUpdate`], [`status_update_body`]):
//! `{"tracking_id", "ticket", "status" (our state code), "status_label" (its Indonesian
//! label), "note" (or null), "at" (RFC 3339, UTC)}`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use aduan_domain::{Channel, ReportState};

use crate::inbound::{InboundError, InboundMessage, MediaRef, ReplyRoute, Sender};
use crate::signature::{sign_sha256, verify_sha256};
use crate::sms::{clean_text, geo_point, json_error, normalize_phone};

pub const TIMESTAMP_HEADER: &str = "x-lapor-timestamp";
pub const SIGNATURE_HEADER: &str = "x-lapor-signature";
/// How far a call's timestamp may be from our clock, in seconds.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The bytes the signature covers.
fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut payload = format!("{timestamp}.").into_bytes();
    payload.extend_from_slice(body);
    payload
}

/// The `X-Lapor-Signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    sign_sha256(secret, &signed_payload(timestamp, body))
}

/// Whether a call with these headers, received at `now` (Unix seconds), is LAPOR!'s.
pub fn verify(secret: &[u8], timestamp: &str, signature: &str, body: &[u8], now: i64) -> bool {
    let Ok(timestamp) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    (now - timestamp).abs() <= MAX_SKEW_SECONDS
        && verify_sha256(secret, &signed_payload(timestamp, body), signature)
}

const CHANNEL: Channel = Channel::Lapor;

/// The longest tracking id taken, in characters.
pub const MAX_TRACKING_ID: usize = 64;

#[derive(Deserialize)]
struct Report {
    tracking_id: String,
    /// Checked to be RFC 3339, not kept: an intake is dated when it arrives.
    #[serde(default, rename = "submitted_at")]
    _submitted_at: Option<DateTime<Utc>>,
    #[serde(default)]
    title: Option<String>,
    content: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    anonymous: bool,
    /// Read only when the report is not anonymous.
    #[serde(default)]
    reporter: Option<serde_json::Value>,
    #[serde(default)]
    attachments: Vec<Attachment>,
}

#[derive(Deserialize)]
struct Location {
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    lon: Option<f64>,
    #[serde(default)]
    address: Option<String>,
}

#[derive(Deserialize)]
struct Reporter {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct Attachment {
    url: String,
    #[serde(default)]
    content_type: Option<String>,
}

/// Read a report LAPOR! pushed (the schema is in the module documentation). The text is the
/// title, a blank line and the content; the tracking id is both the message id and where
/// answers go. A reporter's phone that is not a number is dropped, as is an e-mail without `@`.
pub fn parse_report(body: &[u8]) -> Result<InboundMessage, InboundError> {
    let report: Report =
        serde_json::from_slice(body).map_err(|e| json_error("LAPOR! report", &e))?;
    let malformed = |why: &str| InboundError::Malformed(format!("LAPOR! report: {why}"));
    let tracking_id = report.tracking_id.trim();
    if tracking_id.is_empty()
        || tracking_id.chars().count() > MAX_TRACKING_ID
        || tracking_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(malformed(
            "tracking_id must be 1 to 64 characters without spaces",
        ));
    }
    let content = report.content.trim();
    if content.is_empty() {
        return Err(malformed("content is blank"));
    }
    let title = report.title.as_deref().map(str::trim).unwrap_or_default();
    let text = if title.is_empty() {
        clean_text(content)
    } else {
        clean_text(&format!("{title}\n\n{content}"))
    };

    let (location, address) = match &report.location {
        None => (None, None),
        Some(place) => {
            let point = match (place.lat, place.lon) {
                (Some(lat), Some(lon)) => {
                    Some(geo_point(lat, lon).ok_or_else(|| malformed("lat/lon out of range"))?)
                }
                (None, None) => None,
                _ => return Err(malformed("lat and lon come together")),
            };
            (point, non_blank(place.address.as_deref()))
        }
    };

    let media = report
        .attachments
        .iter()
        .map(|a| {
            let url = a.url.trim();
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(MediaRef {
                    channel: CHANNEL,
                    reference: url.to_owned(),
                    content_type: non_blank(a.content_type.as_deref()),
                })
            } else {
                Err(malformed("an attachment url is not http(s)"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;

    let reporter = match &report.reporter {
        Some(value) if !report.anonymous => {
            Some(Reporter::deserialize(value).map_err(|e| json_error("LAPOR! reporter", &e))?)
        }
        _ => None,
    };
    let sender = reporter.map_or_else(Sender::default, |reporter| Sender {
        name: non_blank(reporter.name.as_deref()),
        phone: reporter.phone.as_deref().and_then(normalize_phone),
        email: non_blank(reporter.email.as_deref()).filter(|e| e.contains('@')),
        handle: None,
    });

    Ok(InboundMessage {
        channel: CHANNEL,
        message_id: tracking_id.to_owned(),
        text,
        sender,
        reply: ReplyRoute {
            channel: CHANNEL,
            address: tracking_id.to_owned(),
            in_reply_to: None,
            public: false,
        },
        location,
        address,
        category_hint: non_blank(report.category.as_deref()),
        media,
    })
}

fn non_blank(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A report's new state, pushed to LAPOR! (signed with [`sign`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub tracking_id: String,
    /// Our ticket number.
    pub ticket: String,
    /// Our state code (`in_progress`, `completed`, …).
    pub status: ReportState,
    /// The state's Indonesian label (`Proses`, `Selesai`, …).
    pub status_label: String,
    /// What the officer wrote to the citizen, when anything.
    #[serde(default)]
    pub note: Option<String>,
    /// When the state changed.
    pub at: DateTime<Utc>,
}

impl StatusUpdate {
    /// The update for `status`, labelled in Indonesian.
    pub fn new(
        tracking_id: impl Into<String>,
        ticket: impl Into<String>,
        status: ReportState,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            tracking_id: tracking_id.into(),
            ticket: ticket.into(),
            status,
            status_label: status.label_id().to_owned(),
            note,
            at,
        }
    }
}

/// The JSON body of a status update, as signed and posted.
pub fn status_update_body(update: &StatusUpdate) -> Vec<u8> {
    // Serialising these plain fields cannot fail.
    serde_json::to_vec(update).unwrap_or_default()
}

#[cfg(test)]
#[path = "lapor_tests.rs"]
mod tests;
