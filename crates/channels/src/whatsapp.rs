//! WhatsApp Business Cloud API: Meta's webhook scheme (the `hub.*` GET handshake and
//! `X-Hub-Signature-256` over the raw body, see [`crate::meta`]) with
//! `object: "whatsapp_business_account"`. Each `entry[].changes[]` of field `messages`
//! carries `messages[]` (text, image, document, video, location, …), the senders'
//! `contacts[]` (profile name, `wa_id`) and delivery `statuses[]`, which are not messages.
//! Media come as ids, resolved later through the Graph API.

use serde::Deserialize;

use aduan_domain::Channel;

pub use crate::meta::{SIGNATURE_HEADER, verify_signature, verify_subscription};

use crate::inbound::{InboundError, InboundMessage, MediaRef, ReplyRoute, Sender};
use crate::sms::{clean_text, geo_point, is_empty, join_place, json_error, normalize_phone};

const CHANNEL: Channel = Channel::Whatsapp;

#[derive(Deserialize)]
struct Webhook {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct MessagesValue {
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Contact {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    id: String,
    /// The sender's number, digits with the country code and without `+`.
    #[serde(default)]
    from: Option<String>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    text: Option<Text>,
    #[serde(default)]
    image: Option<Media>,
    #[serde(default)]
    video: Option<Media>,
    #[serde(default)]
    document: Option<Media>,
    #[serde(default)]
    location: Option<Location>,
}

#[derive(Deserialize)]
struct Text {
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct Media {
    id: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    caption: Option<String>,
}

#[derive(Deserialize)]
struct Location {
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

/// Read a WhatsApp Cloud API webhook POST: one [`InboundMessage`] per text, image, video,
/// document or location message. Delivery statuses, other change fields and other message
/// types (reactions, stickers, audio, contacts, buttons…) produce nothing; so does a message
/// without a sender number.
pub fn parse_webhook(body: &[u8]) -> Result<Vec<InboundMessage>, InboundError> {
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|e| json_error("WhatsApp webhook", &e))?;
    if webhook.object != "whatsapp_business_account" {
        return Err(InboundError::Malformed(
            "not a whatsapp_business_account webhook".into(),
        ));
    }
    let mut out = Vec::new();
    for change in webhook.entry.iter().flat_map(|e| &e.changes) {
        if change.field != "messages" {
            continue;
        }
        let value = MessagesValue::deserialize(&change.value)
            .map_err(|e| json_error("WhatsApp messages change", &e))?;
        for message in &value.messages {
            out.extend(from_message(message, &value.contacts));
        }
    }
    Ok(out)
}

fn from_message(message: &Message, contacts: &[Contact]) -> Option<InboundMessage> {
    let from = message.from.as_deref()?.trim();
    let phone = normalize_phone(&format!("+{}", from.trim_start_matches('+')))?;
    let mut text = String::new();
    let mut media = Vec::new();
    let mut location = None;
    let mut address = None;
    match message.kind.as_str() {
        "text" => text = message.text.as_ref()?.body.clone(),
        "image" | "video" | "document" => {
            let item = match message.kind.as_str() {
                "image" => message.image.as_ref(),
                "video" => message.video.as_ref(),
                _ => message.document.as_ref(),
            }?;
            text = item.caption.clone().unwrap_or_default();
            media.push(MediaRef {
                channel: CHANNEL,
                reference: item.id.clone(),
                content_type: item.mime_type.clone(),
            });
        }
        "location" => {
            let place = message.location.as_ref()?;
            location = geo_point(place.latitude, place.longitude);
            address = join_place(place.name.as_deref(), place.address.as_deref());
        }
        _ => return None,
    }
    let name = contacts
        .iter()
        .find(|c| c.wa_id.as_deref().map(str::trim) == Some(from))
        .and_then(|c| c.profile.as_ref()?.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let message = InboundMessage {
        channel: CHANNEL,
        message_id: message.id.clone(),
        text: clean_text(&text),
        sender: Sender {
            name,
            phone: Some(phone.clone()),
            ..Sender::default()
        },
        reply: ReplyRoute {
            channel: CHANNEL,
            address: phone,
            in_reply_to: None,
            public: false,
        },
        location,
        address,
        category_hint: None,
        media,
    };
    (!is_empty(&message)).then_some(message)
}

#[cfg(test)]
#[path = "whatsapp_tests.rs"]
mod tests;
