//! The one shape every message channel (SMS, WhatsApp, X, Facebook, Instagram, LAPOR!)
//! parses into, before it becomes a report. E-mail has its own richer type
//! ([`crate::InboundEmail`]) because it carries its attachments inline.

use aduan_domain::Channel;

/// A citizen's message as it arrived, parsed and authenticated.
#[derive(Clone, PartialEq)]
pub struct InboundMessage {
    pub channel: Channel,
    /// The channel's own id of the message (Twilio `MessageSid`, WhatsApp `wamid…`, a tweet
    /// or DM id, a Facebook `mid` or comment id, a LAPOR! tracking id): a redelivery files
    /// nothing new.
    pub message_id: String,
    /// What the citizen wrote, trimmed. May be empty when only a photo or a place was sent.
    pub text: String,
    /// Who wrote: identity, to be sealed; never shown to staff.
    pub sender: Sender,
    /// Where to answer the citizen on this channel.
    pub reply: ReplyRoute,
    /// A point the citizen shared (WhatsApp location, a geotagged tweet, LAPOR!'s lat/lon).
    pub location: Option<GeoPoint>,
    /// A place the citizen named in a structured field (LAPOR!'s address), if any.
    pub address: Option<String>,
    /// The channel's category, when it has one (LAPOR! does); matched to ours by the caller.
    pub category_hint: Option<String>,
    /// Photos referenced by the message, to be fetched later.
    pub media: Vec<MediaRef>,
}

/// Never print who wrote, not even in debug logs.
impl std::fmt::Debug for InboundMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundMessage")
            .field("channel", &self.channel)
            .field("message_id", &self.message_id)
            .field("media", &self.media.len())
            .finish_non_exhaustive()
    }
}

/// The citizen as the channel names them. Every field is identity.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sender {
    pub name: Option<String>,
    /// In E.164 form (`+628…`) when the channel gives a number.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The account on the channel: an X `@screen_name`, a Facebook/Instagram user id.
    pub handle: Option<String>,
}

/// How to answer on the channel a report came through. Identity: sealed with the reporter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyRoute {
    pub channel: Channel,
    /// The address on the channel: a phone number (`+628…`), an e-mail address, an X user
    /// id, a Facebook page-scoped id or Instagram-scoped id, a LAPOR! tracking id.
    pub address: String,
    /// What the answer replies to, when the channel threads answers: the tweet id to reply
    /// under, the comment id to answer, the e-mail Message-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// Whether the citizen wrote in private (SMS, a DM) or in public (a mention, a comment).
    /// Public answers carry only the ticket and the state.
    #[serde(default)]
    pub public: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// A photo (or other attachment) the channel holds for us: a URL to fetch, or a media id
/// the channel's API resolves (WhatsApp).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MediaRef {
    pub channel: Channel,
    /// A URL (Twilio `MediaUrl0`, an X `media_url_https`, a Facebook attachment URL) or a
    /// WhatsApp media id.
    pub reference: String,
    /// The MIME type the channel declared, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// Why a webhook call cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    /// The signature is missing or wrong: answer 401 (or 403 where the channel expects it)
    /// and store nothing.
    #[error("the request is not signed by the channel")]
    Unauthenticated,
    /// The body is not what the channel sends.
    #[error("malformed payload: {0}")]
    Malformed(String),
}

/// `text` without control characters other than `\n` and `\t` (`\r\n` and a lone `\r`
/// become `\n`): U+0000 cannot be stored by PostgreSQL, and the others only garble what staff
/// read. Everything a channel brings passes through this before it is filed.
pub fn strip_controls(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::strip_controls;

    #[test]
    fn control_characters_are_stripped_but_lines_and_tabs_kept() {
        assert_eq!(
            strip_controls("a\u{0}b\u{7}c\u{1b}[31m\r\nd\te\u{7f}f\u{85}g"),
            "abc[31m\nd\tefg"
        );
        assert_eq!(strip_controls("Jalan rusak"), "Jalan rusak");
    }
}
