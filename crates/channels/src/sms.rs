//! SMS through a gateway with Twilio's webhook (and WhatsApp through Twilio, whose `From`
//! reads `whatsapp:+628…`): each message is a form-encoded POST (`MessageSid`, `From`, `Body`,
//! `NumMedia`, `MediaUrl{N}`, …). Twilio signs it in `X-Twilio-Signature`: the base64
//! HMAC-SHA1, under the account's auth token, of the full URL it called followed by every POST
//! parameter's name and value, sorted by name. The URL must be the public one Twilio was given.
//!
//! Also home of the small helpers every message parser shares (text, numbers, points).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use aduan_domain::{Channel, PhoneNumber};

use crate::email::MAX_DESCRIPTION;
use crate::inbound::{GeoPoint, InboundError, InboundMessage, MediaRef, ReplyRoute, Sender};

pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// Twilio sends at most ten media per message; more `MediaUrl{N}` are not looked for.
const MAX_MEDIA: usize = 10;

/// Whether `header` (`X-Twilio-Signature`) signs this request: `url` is the full URL Twilio
/// requested (scheme, host, path and query), `params` the decoded POST parameters.
///
/// Parameters are sorted by name; a name given more than once has its values sorted and
/// each distinct pair signed once, as Twilio's own validators do.
pub fn verify_twilio_signature(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> bool {
    let Ok(expected) = STANDARD.decode(header.trim()) else {
        return false;
    };
    twilio_mac(auth_token, url, params).is_some_and(|mac| mac.verify_slice(&expected).is_ok())
}

/// The `X-Twilio-Signature` a gateway sends for these parameters posted to `url` (what
/// Twilio computes; for load tests and tools that play the gateway).
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    twilio_mac(auth_token, url, params)
        .map(|mac| STANDARD.encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
}

fn twilio_mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<Hmac<Sha1>> {
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

/// Decode an `application/x-www-form-urlencoded` body, in order, repeated names kept.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, InboundError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| InboundError::Malformed("not a form-encoded body".into()))
}

/// Read one message of Twilio's Messaging webhook.
pub fn parse_sms(params: &[(String, String)]) -> Result<InboundMessage, InboundError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    };
    let message_id = get("MessageSid")
        .or_else(|| get("SmsSid"))
        .or_else(|| get("SmsMessageSid"))
        .ok_or_else(|| InboundError::Malformed("no MessageSid".into()))?
        .to_owned();
    let from = get("From").ok_or_else(|| InboundError::Malformed("no From".into()))?;
    let (channel, number) = match from.strip_prefix("whatsapp:") {
        Some(number) => (Channel::Whatsapp, number),
        None => (Channel::Sms, from),
    };
    let phone = normalize_phone(number)
        .ok_or_else(|| InboundError::Malformed("From is not a phone number".into()))?;

    let count = get("NumMedia")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_MEDIA);
    let media = (0..count)
        .filter_map(|i| {
            let url = get(&format!("MediaUrl{i}"))?;
            Some(MediaRef {
                channel,
                reference: url.to_owned(),
                content_type: get(&format!("MediaContentType{i}")).map(str::to_owned),
            })
        })
        .collect();
    let location = match (get("Latitude"), get("Longitude")) {
        (Some(lat), Some(lon)) => lat
            .parse()
            .ok()
            .zip(lon.parse().ok())
            .and_then(|(lat, lon)| geo_point(lat, lon)),
        _ => None,
    };
    let address = join_place(get("Label"), get("Address"));

    let message = InboundMessage {
        channel,
        message_id,
        text: clean_text(get("Body").unwrap_or_default()),
        sender: Sender {
            name: get("ProfileName").map(str::to_owned),
            phone: Some(phone.clone()),
            ..Sender::default()
        },
        reply: ReplyRoute {
            channel,
            address: phone,
            in_reply_to: None,
            public: false,
        },
        location,
        address,
        category_hint: None,
        media,
    };
    if is_empty(&message) {
        return Err(InboundError::Malformed(
            "the message has neither text, media nor a location".into(),
        ));
    }
    Ok(message)
}

// ---------------------------------------------------------------------------------------
// Shared by the message parsers (sms, whatsapp, meta, twitter, lapor).

/// A number in E.164 form, written any usual way (see [`PhoneNumber::parse`]); anything
/// else (a short code, a sender name, a number without its leading zero) is `None`.
pub fn normalize_phone(raw: &str) -> Option<String> {
    PhoneNumber::parse(raw).ok().map(String::from)
}

/// A citizen's text: without control characters (see [`crate::inbound::strip_controls`]),
/// trimmed and cut to [`MAX_DESCRIPTION`] characters.
pub(crate) fn clean_text(raw: &str) -> String {
    crate::inbound::strip_controls(raw)
        .trim()
        .chars()
        .take(MAX_DESCRIPTION)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// A point on Earth, or `None` for an impossible one (or NaN).
pub(crate) fn geo_point(lat: f64, lon: f64) -> Option<GeoPoint> {
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(GeoPoint { lat, lon })
}

/// A place's name and address as one line, either or both given.
pub(crate) fn join_place(name: Option<&str>, address: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [name, address]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Whether a message carries nothing to file: no text, no media, no place.
pub(crate) fn is_empty(message: &InboundMessage) -> bool {
    message.text.is_empty() && message.media.is_empty() && message.location.is_none()
}

/// A payload's JSON error, said without quoting the payload: serde's own messages can
/// contain the offending value, which may be a citizen's name or number.
pub(crate) fn json_error(what: &str, error: &serde_json::Error) -> InboundError {
    use serde_json::error::Category;
    // A part read from an already parsed value has no position (line 0).
    let at = match error.line() {
        0 => String::new(),
        line => format!(" (line {line}, column {})", error.column()),
    };
    let detail = match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!("{what}: not JSON{at}"),
        // "missing field `x`" names our own schema, never the payload's values.
        Category::Data => match error
            .to_string()
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
        {
            Some((field, _)) => format!("{what}: missing field `{field}`"),
            None => format!("{what}: unexpected shape{at}"),
        },
    };
    InboundError::Malformed(detail)
}

#[cfg(test)]
#[path = "sms_tests.rs"]
mod tests;
