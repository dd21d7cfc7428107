//! SMS answers through Twilio's REST API (or a gateway with the same API):
//! `POST {api_base}/2010-04-01/Accounts/{account_sid}/Messages.json` with HTTP basic auth
//! (`account_sid`, `auth_token`) and the form fields `To`, `From` (the configured number)
//! and `Body`. Twilio answers 201; its JSON errors carry a numeric `code` (e.g. 21211, an
//! invalid `To`), which is all that is kept of them. WhatsApp through Twilio uses the same
//! call with `whatsapp:`-prefixed numbers (see [`super::whatsapp`]).

use super::{DeliveryError, Outgoing, http};
use crate::config::TwilioConfig;

const CHANNEL: &str = "sms";

pub(super) async fn send(
    client: &reqwest::Client,
    twilio: &TwilioConfig,
    message: &Outgoing,
) -> Result<(), DeliveryError> {
    let to = message.route.address.trim();
    send_message(
        client,
        twilio,
        CHANNEL,
        to,
        twilio.from.trim(),
        &message.text,
    )
    .await
}

/// One Twilio `Messages.json` call; `channel` names the failure (`sms` or `whatsapp`).
pub(super) async fn send_message(
    client: &reqwest::Client,
    twilio: &TwilioConfig,
    channel: &str,
    to: &str,
    from: &str,
    body: &str,
) -> Result<(), DeliveryError> {
    if to.is_empty() {
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the route has no phone number"
        )));
    }
    let url = format!(
        "{}/2010-04-01/Accounts/{}/Messages.json",
        twilio.api_base.trim_end_matches('/'),
        twilio.account_sid
    );
    let request = client
        .post(url)
        .basic_auth(&twilio.account_sid, Some(&twilio.auth_token))
        .form(&[("To", to), ("From", from), ("Body", body)]);
    http::send(channel, request, to).await.map(|_| ())
}
