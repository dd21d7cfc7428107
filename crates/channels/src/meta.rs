//! Meta's webhooks: Facebook Pages (Messenger `messaging` and the page `feed`) and Instagram
//! professional accounts (`messaging` and `comments`); WhatsApp shares the scheme. Meta
//! subscribes a webhook with a GET handshake (`hub.mode=subscribe`, `hub.verify_token`,
//! `hub.challenge` echoed back) and signs every POST in `X-Hub-Signature-256` with
//! `sha256=<hex>`, the HMAC-SHA256 of the raw body under the app secret. A POST batches
//! `entry[]` per page or account; what the page or account itself wrote is not a report.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use aduan_domain::{Channel, ChannelKind, Jurisdiction};

use crate::config::MetaConfig;
use crate::inbound::{InboundError, InboundMessage, MediaRef, ReplyRoute, Sender};
use crate::signature::verify_sha256;
use crate::sms::{clean_text, geo_point, is_empty, json_error};

pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// Whether `header` (`X-Hub-Signature-256`) signs `body` under the app secret.
pub fn verify_signature(app_secret: &str, body: &[u8], header: &str) -> bool {
    verify_sha256(app_secret.as_bytes(), body, header)
}

/// The subscription handshake: the challenge to echo (as `text/plain`) when Meta asks to
/// subscribe with our verify token, else `None` (answer 403). The tokens are compared in
/// constant time; a challenge that is not a short run of letters, digits, `-`, `_` or `.`
/// (Meta sends digits) is refused rather than echoed.
pub fn verify_subscription(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Option<String> {
    let challenge = challenge?;
    let sane = (1..=256).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (mode == Some("subscribe")
        && sane
        && !expected_token.is_empty()
        && constant_time_eq(token?, expected_token))
    .then(|| challenge.to_owned())
}

/// Equal strings, compared through their digests so neither the first difference nor the
/// length shows in the time taken.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[derive(Deserialize)]
struct Webhook {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    /// The page id, or the Instagram professional account id.
    #[serde(default)]
    id: String,
    #[serde(default)]
    messaging: Vec<Messaging>,
    #[serde(default)]
    changes: Vec<Change>,
}

/// A Messenger or Instagram messaging event; only those with a `message` are read
/// (deliveries, reads, reactions, postbacks have none).
#[derive(Deserialize)]
struct Messaging {
    #[serde(default)]
    sender: Option<Party>,
    #[serde(default)]
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Party {
    id: String,
}

#[derive(Deserialize)]
struct Message {
    mid: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    attachments: Vec<Attachment>,
    #[serde(default)]
    is_echo: bool,
}

#[derive(Deserialize)]
struct Attachment {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    payload: Option<AttachmentPayload>,
}

#[derive(Deserialize)]
struct AttachmentPayload {
    #[serde(default)]
    url: Option<String>,
    /// Set on stickers (the thumbs-up included), which arrive as images.
    #[serde(default)]
    sticker_id: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    coordinates: Option<Coordinates>,
}

#[derive(Deserialize)]
struct Coordinates {
    lat: f64,
    long: f64,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: serde_json::Value,
}

/// A page `feed` change: a post, a status, a photo or a comment.
#[derive(Deserialize)]
struct FeedValue {
    #[serde(default)]
    item: String,
    #[serde(default)]
    verb: String,
    #[serde(default)]
    post_id: Option<String>,
    #[serde(default)]
    comment_id: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    from: Option<FeedFrom>,
    #[serde(default)]
    photo: Option<String>,
    #[serde(default)]
    photos: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct FeedFrom {
    id: String,
    #[serde(default)]
    name: Option<String>,
}

/// An Instagram `comments` change.
#[derive(Deserialize)]
struct CommentValue {
    id: String,
    #[serde(default)]
    text: Option<String>,
    from: IgUser,
}

#[derive(Deserialize)]
struct IgUser {
    id: String,
    #[serde(default)]
    username: Option<String>,
}

/// The Governor's own accounts (`governor_account_ids`) and the city's channel what
/// arrives on them files as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GovernorAccounts<'a> {
    pub ids: &'a [String],
    pub channel: Channel,
}

/// `governor_account_ids` is set, but the city's pack names no channel to file what
/// arrives there as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the channels file lists governor_account_ids, but the jurisdiction's pack lists no \
     channel of kind \"meta\" for what arrives on those accounts: add one to the pack's \
     settings.channels (Jakarta's is governor_social) or remove governor_account_ids"
)]
pub struct NoGovernorChannel;

impl<'a> GovernorAccounts<'a> {
    /// The accounts `meta` lists, filing as `j`'s first channel of kind `meta`; `None` when
    /// it lists none.
    pub fn of(meta: &'a MetaConfig, j: &Jurisdiction) -> Result<Option<Self>, NoGovernorChannel> {
        if meta.governor_account_ids.is_empty() {
            return Ok(None);
        }
        let channel = j
            .first_channel_of(ChannelKind::Meta)
            .ok_or(NoGovernorChannel)?;
        Ok(Some(Self {
            ids: &meta.governor_account_ids,
            channel,
        }))
    }
}

/// Read a Facebook Page or Instagram webhook POST. What arrives on one of the `governor`
/// accounts files as their channel (the city's channel of kind `meta`, see
/// [`GovernorAccounts::of`]).
///
/// Messenger and Instagram messages (not echoes), visitors' posts, statuses and photos on
/// the page's feed, and comments are read; edits, removals, reactions, mentions, and what
/// the page or account wrote itself produce nothing. A feed item or comment without its
/// author (`from`) is skipped too: it could be the page's own.
pub fn parse_webhook(
    body: &[u8],
    governor: Option<GovernorAccounts<'_>>,
) -> Result<Vec<InboundMessage>, InboundError> {
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|e| json_error("Meta webhook", &e))?;
    let instagram = match webhook.object.as_str() {
        "page" => false,
        "instagram" => true,
        _ => {
            return Err(InboundError::Malformed(
                "not a page or instagram webhook".into(),
            ));
        }
    };
    let mut out = Vec::new();
    for entry in webhook.entry {
        let channel = if let Some(governor) = governor.filter(|g| g.ids.contains(&entry.id)) {
            governor.channel
        } else if instagram {
            Channel::Instagram
        } else {
            Channel::Facebook
        };
        for event in &entry.messaging {
            out.extend(from_messaging(channel, &entry.id, event));
        }
        for change in &entry.changes {
            let message = match (instagram, change.field.as_str()) {
                (false, "feed") => from_feed(channel, &entry.id, &change.value)?,
                (true, "comments") => from_ig_comment(channel, &entry.id, &change.value)?,
                _ => None,
            };
            out.extend(message);
        }
    }
    Ok(out.into_iter().filter(|m| !is_empty(m)).collect())
}

fn from_messaging(channel: Channel, account: &str, event: &Messaging) -> Option<InboundMessage> {
    let message = event.message.as_ref()?;
    let sender = event.sender.as_ref()?;
    if message.is_echo || sender.id == account {
        return None;
    }
    let mut media = Vec::new();
    let mut location = None;
    for attachment in &message.attachments {
        let Some(payload) = &attachment.payload else {
            continue;
        };
        match attachment.kind.as_str() {
            "image" if payload.sticker_id.is_none() => {
                media.extend(payload.url.as_ref().map(|url| MediaRef {
                    channel,
                    reference: url.clone(),
                    content_type: None,
                }))
            }
            "location" => {
                location = location.or_else(|| {
                    let c = payload.coordinates.as_ref()?;
                    geo_point(c.lat, c.long)
                });
            }
            _ => {}
        }
    }
    Some(InboundMessage {
        channel,
        message_id: message.mid.clone(),
        text: clean_text(message.text.as_deref().unwrap_or_default()),
        sender: Sender {
            handle: Some(sender.id.clone()),
            ..Sender::default()
        },
        reply: ReplyRoute {
            channel,
            address: sender.id.clone(),
            in_reply_to: None,
            public: false,
        },
        location,
        address: None,
        category_hint: None,
        media,
    })
}

fn from_feed(
    channel: Channel,
    page: &str,
    value: &serde_json::Value,
) -> Result<Option<InboundMessage>, InboundError> {
    let feed = FeedValue::deserialize(value).map_err(|e| json_error("page feed change", &e))?;
    if feed.verb != "add" {
        return Ok(None);
    }
    let id = match feed.item.as_str() {
        "comment" => feed.comment_id.as_ref(),
        "post" | "status" | "photo" => feed.post_id.as_ref(),
        _ => None,
    };
    let (Some(id), Some(from)) = (id, feed.from.as_ref()) else {
        return Ok(None);
    };
    if from.id == page {
        return Ok(None);
    }
    let media = feed
        .photo
        .iter()
        .chain(feed.photos.iter().flatten())
        .map(|url| MediaRef {
            channel,
            reference: url.clone(),
            content_type: None,
        })
        .collect();
    Ok(Some(InboundMessage {
        channel,
        message_id: id.clone(),
        text: clean_text(feed.message.as_deref().unwrap_or_default()),
        sender: Sender {
            name: from.name.clone(),
            handle: Some(from.id.clone()),
            ..Sender::default()
        },
        reply: ReplyRoute {
            channel,
            address: from.id.clone(),
            in_reply_to: Some(id.clone()),
            public: true,
        },
        location: None,
        address: None,
        category_hint: None,
        media,
    }))
}

fn from_ig_comment(
    channel: Channel,
    account: &str,
    value: &serde_json::Value,
) -> Result<Option<InboundMessage>, InboundError> {
    let comment =
        CommentValue::deserialize(value).map_err(|e| json_error("instagram comment", &e))?;
    if comment.from.id == account {
        return Ok(None);
    }
    let handle = match &comment.from.username {
        Some(username) if !username.trim().is_empty() => format!("@{}", username.trim()),
        _ => comment.from.id.clone(),
    };
    Ok(Some(InboundMessage {
        channel,
        message_id: comment.id.clone(),
        text: clean_text(comment.text.as_deref().unwrap_or_default()),
        sender: Sender {
            handle: Some(handle),
            ..Sender::default()
        },
        reply: ReplyRoute {
            channel,
            address: comment.from.id,
            in_reply_to: Some(comment.id),
            public: true,
        },
        location: None,
        address: None,
        category_hint: None,
        media: Vec::new(),
    }))
}

#[cfg(test)]
#[path = "meta_tests.rs"]
mod tests;
