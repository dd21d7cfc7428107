//! LAPOR! status pushes: `POST {status_url}` with a [`StatusUpdate`]'s JSON
//! `{"tracking_id","ticket","status","status_label","note","at"}` (`at` in RFC 3339, UTC),
//! signed like every LAPOR! call: `X-Lapor-Timestamp: <Unix seconds now>` and
//! `X-Lapor-Signature: sha256=<hex>` over `"{timestamp}.{body}"` ([`crate::lapor::sign`]).
//! The route's address is the LAPOR! tracking id; an answer without a
//! [`StatusChange`](super::StatusChange) has nothing to push and is refused as permanent.

use aduan_domain::ReportState;

use super::{DeliveryError, Outgoing, http};
use crate::config::LaporConfig;
use crate::lapor::{SIGNATURE_HEADER, StatusUpdate, TIMESTAMP_HEADER, sign, status_update_body};

const CHANNEL: &str = "lapor";

pub(super) async fn send(
    client: &reqwest::Client,
    lapor: &LaporConfig,
    message: &Outgoing,
) -> Result<(), DeliveryError> {
    let Some(status) = &message.status else {
        return Err(DeliveryError::Permanent(format!(
            "{CHANNEL}: only status changes are pushed to LAPOR!"
        )));
    };
    let tracking_id = message.route.address.trim();
    if tracking_id.is_empty() {
        return Err(DeliveryError::Permanent(format!(
            "{CHANNEL}: the route has no tracking id"
        )));
    }
    let state = ReportState::parse(&status.state).ok_or_else(|| {
        DeliveryError::Permanent(format!("{CHANNEL}: {} is not a state", status.state))
    })?;
    let update = StatusUpdate {
        tracking_id: tracking_id.to_owned(),
        ticket: message.ticket.clone(),
        status: state,
        status_label: status.label.clone(),
        note: status.note.clone(),
        at: status.at,
    };
    let body = status_update_body(&update);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign(lapor.secret.as_bytes(), timestamp, &body);
    let request = client
        .post(lapor.status_url.trim())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature)
        .body(body);
    http::send(CHANNEL, request, tracking_id).await.map(|_| ())
}
