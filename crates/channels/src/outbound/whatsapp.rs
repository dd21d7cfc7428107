//! WhatsApp answers. With the Cloud API configured ([`WhatsappConfig`]):
//! `POST {api_base}/{phone_number_id}/messages` with `Authorization: Bearer {access_token}`
//! and the JSON `{"messaging_product":"whatsapp","recipient_type":"individual",
//! "to":"<digits, no +>","type":"text","text":{"body":…}}`; Graph errors keep their
//! `error.code` (131047: the 24-hour window is closed). With only Twilio configured, the
//! answer goes through Twilio's `Messages.json` with `To`/`From` prefixed `whatsapp:`.

use serde_json::json;

use super::{DeliveryError, Outgoing, http, sms};
use crate::config::{TwilioConfig, WhatsappConfig};

const CHANNEL: &str = "whatsapp";

pub(super) async fn send(
    client: &reqwest::Client,
    cloud: Option<&WhatsappConfig>,
    twilio: Option<&TwilioConfig>,
    message: &Outgoing,
) -> Result<(), DeliveryError> {
    if cloud.is_none() && twilio.is_none() {
        return Err(DeliveryError::NotConfigured(CHANNEL.to_owned()));
    }
    let digits: String = message
        .route
        .address
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return Err(DeliveryError::Permanent(format!(
            "{CHANNEL}: the route has no phone number"
        )));
    }
    if let Some(cloud) = cloud {
        let url = format!(
            "{}/{}/messages",
            cloud.api_base.trim_end_matches('/'),
            cloud.phone_number_id
        );
        let body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": digits,
            "type": "text",
            "text": { "body": message.text },
        });
        let request = client
            .post(url)
            .bearer_auth(&cloud.access_token)
            .json(&body);
        return http::send(CHANNEL, request, &digits).await.map(|_| ());
    }
    let Some(twilio) = twilio else {
        return Err(DeliveryError::NotConfigured(CHANNEL.to_owned()));
    };
    let to = format!("whatsapp:+{digits}");
    let from = twilio.from.trim();
    let from = if from.starts_with("whatsapp:") {
        from.to_owned()
    } else {
        format!("whatsapp:{from}")
    };
    sms::send_message(client, twilio, CHANNEL, &to, &from, &message.text).await
}
