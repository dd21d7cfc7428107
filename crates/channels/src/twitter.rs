//! X (Twitter) Account Activity API. X checks the webhook with a CRC: a GET with
//! `crc_token`, answered `{"response_token": "sha256=<base64 HMAC-SHA256 of the token under
//! the consumer secret>"}`; and signs every POST in `x-twitter-webhooks-signature` with
//! `sha256=<base64 HMAC-SHA256 of the raw body>`. A POST carries the events of one
//! subscribed account (`for_user_id`): tweets mentioning it (`tweet_create_events`) are
//! public reports, DMs to it (`direct_message_events`) private ones.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::IgnoredAny;
use sha2::Sha256;

use aduan_domain::Channel;

use crate::inbound::{InboundError, InboundMessage, MediaRef, ReplyRoute, Sender};
use crate::sms::{clean_text, geo_point, is_empty, json_error};

pub const SIGNATURE_HEADER: &str = "x-twitter-webhooks-signature";

const CHANNEL: Channel = Channel::Twitter;

/// The longest `crc_token` answered. X's tokens are short random strings.
pub const MAX_CRC_TOKEN: usize = 100;

/// Whether `token` is shaped like a CRC token X sends: at most [`MAX_CRC_TOKEN`] letters,
/// digits and the base64/base64url symbols `+ / = - _`.
///
/// The CRC answer is the HMAC under the consumer secret, the very key and construction
/// that sign event bodies: answering any string would sign any forged body for whoever
/// asks. A token of these characters has no `{`, quote or space, so it is never a JSON
/// event body.
pub fn is_crc_token(token: &str) -> bool {
    (1..=MAX_CRC_TOKEN).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

/// The `response_token` answering a CRC check of `crc_token`, or `None` when the token is
/// not one X sends (see [`is_crc_token`]).
pub fn crc_response(consumer_secret: &str, crc_token: &str) -> Option<String> {
    is_crc_token(crc_token).then(|| sign_body(consumer_secret, crc_token.as_bytes()))
}

/// `sha256=` and the base64 HMAC-SHA256 of `body` under the consumer secret: what X puts
/// in `x-twitter-webhooks-signature` (for tools and tests that play X).
pub fn sign_body(consumer_secret: &str, body: &[u8]) -> String {
    let digest = match Hmac::<Sha256>::new_from_slice(consumer_secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    format!("sha256={}", STANDARD.encode(digest))
}

/// Whether `header` (`x-twitter-webhooks-signature`) signs `body` under the consumer secret.
pub fn verify_signature(consumer_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(encoded) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = STANDARD.decode(encoded) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(consumer_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[derive(Deserialize)]
struct Activity {
    /// The subscribed account the events are for; every payload names it.
    for_user_id: String,
    #[serde(default)]
    tweet_create_events: Vec<Tweet>,
    #[serde(default)]
    direct_message_events: Vec<DmEvent>,
    #[serde(default)]
    users: HashMap<String, User>,
}

#[derive(Deserialize)]
struct Tweet {
    id_str: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    extended_tweet: Option<ExtendedTweet>,
    user: User,
    #[serde(default)]
    entities: Option<Entities>,
    #[serde(default)]
    extended_entities: Option<Entities>,
    #[serde(default)]
    coordinates: Option<Point>,
    #[serde(default)]
    retweeted_status: Option<IgnoredAny>,
}

/// The whole of a tweet longer than 140 characters, sent as `truncated` with its start.
#[derive(Deserialize)]
struct ExtendedTweet {
    #[serde(default)]
    full_text: Option<String>,
    #[serde(default)]
    entities: Option<Entities>,
    #[serde(default)]
    extended_entities: Option<Entities>,
}

#[derive(Deserialize, Default)]
struct User {
    #[serde(default)]
    id_str: Option<String>,
    #[serde(default)]
    screen_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Entities {
    #[serde(default)]
    user_mentions: Vec<Mention>,
    #[serde(default)]
    media: Vec<Media>,
}

#[derive(Deserialize)]
struct Mention {
    #[serde(default)]
    id_str: Option<String>,
}

#[derive(Deserialize)]
struct Media {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    media_url_https: Option<String>,
    /// The `t.co` link the text carries for the photo.
    #[serde(default)]
    url: Option<String>,
}

/// GeoJSON: `[longitude, latitude]`.
#[derive(Deserialize)]
struct Point {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    coordinates: Vec<f64>,
}

#[derive(Deserialize)]
struct DmEvent {
    #[serde(rename = "type", default)]
    kind: String,
    id: String,
    #[serde(default)]
    message_create: Option<MessageCreate>,
}

#[derive(Deserialize)]
struct MessageCreate {
    sender_id: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    message_data: Option<MessageData>,
}

#[derive(Deserialize)]
struct Target {
    #[serde(default)]
    recipient_id: Option<String>,
}

#[derive(Deserialize)]
struct MessageData {
    #[serde(default)]
    text: String,
    #[serde(default)]
    attachment: Option<DmAttachment>,
}

#[derive(Deserialize)]
struct DmAttachment {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    media: Option<Media>,
}

/// Read an Account Activity POST for the city's account `own_user_id`.
///
/// Files the tweets that mention the account (not retweets, not its own) and the DMs sent to
/// it (not its own). Other events (likes, follows, deletes, typing…) and a payload for
/// another account produce nothing.
pub fn parse_activity(body: &[u8], own_user_id: &str) -> Result<Vec<InboundMessage>, InboundError> {
    let activity: Activity =
        serde_json::from_slice(body).map_err(|e| json_error("X activity", &e))?;
    if activity.for_user_id != own_user_id {
        return Ok(Vec::new());
    }
    let tweets = activity
        .tweet_create_events
        .iter()
        .filter_map(|tweet| from_tweet(tweet, own_user_id));
    let dms = activity
        .direct_message_events
        .iter()
        .filter_map(|event| from_dm(event, own_user_id, &activity.users));
    Ok(tweets.chain(dms).filter(|m| !is_empty(m)).collect())
}

fn from_tweet(tweet: &Tweet, own_user_id: &str) -> Option<InboundMessage> {
    let author = tweet.user.id_str.as_deref()?;
    if tweet.retweeted_status.is_some() || author == own_user_id {
        return None;
    }
    let extended = tweet.extended_tweet.as_ref();
    let entities: Vec<&Entities> = [
        tweet.entities.as_ref(),
        tweet.extended_entities.as_ref(),
        extended.and_then(|e| e.entities.as_ref()),
        extended.and_then(|e| e.extended_entities.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mentions_us = entities
        .iter()
        .flat_map(|e| &e.user_mentions)
        .any(|m| m.id_str.as_deref() == Some(own_user_id));
    if !mentions_us {
        return None;
    }
    let full = extended.and_then(|e| e.full_text.as_deref());
    let raw = full.or(tweet.text.as_deref()).unwrap_or_default();
    let all_media: Vec<&Media> = entities.iter().flat_map(|e| &e.media).collect();
    let text = without_media_links(&unescape(strip_leading_mentions(raw)), &all_media);
    let location = tweet
        .coordinates
        .as_ref()
        .filter(|p| p.kind == "Point")
        .and_then(|p| match p.coordinates.as_slice() {
            [lon, lat] => geo_point(*lat, *lon),
            _ => None,
        });
    Some(InboundMessage {
        channel: CHANNEL,
        message_id: tweet.id_str.clone(),
        text: clean_text(&text),
        sender: sender(&tweet.user),
        reply: ReplyRoute {
            channel: CHANNEL,
            address: author.to_owned(),
            in_reply_to: Some(tweet.id_str.clone()),
            public: true,
        },
        location,
        address: None,
        category_hint: None,
        media: photos(&all_media),
    })
}

fn from_dm(
    event: &DmEvent,
    own_user_id: &str,
    users: &HashMap<String, User>,
) -> Option<InboundMessage> {
    let create = event.message_create.as_ref()?;
    let to_us = create
        .target
        .as_ref()
        .and_then(|t| t.recipient_id.as_deref())
        .is_none_or(|id| id == own_user_id);
    if event.kind != "message_create" || create.sender_id == own_user_id || !to_us {
        return None;
    }
    let data = create.message_data.as_ref()?;
    let media: Vec<&Media> = data
        .attachment
        .iter()
        .filter(|a| a.kind == "media")
        .filter_map(|a| a.media.as_ref())
        .collect();
    let user = users.get(&create.sender_id);
    Some(InboundMessage {
        channel: CHANNEL,
        message_id: event.id.clone(),
        text: clean_text(&without_media_links(&data.text, &media)),
        sender: user.map(sender).unwrap_or_default(),
        reply: ReplyRoute {
            channel: CHANNEL,
            address: create.sender_id.clone(),
            in_reply_to: None,
            public: false,
        },
        location: None,
        address: None,
        category_hint: None,
        media: photos(&media),
    })
}

fn sender(user: &User) -> Sender {
    let screen_name = user.screen_name.as_deref().map(str::trim);
    Sender {
        name: user.name.as_deref().map(str::trim).map(str::to_owned),
        handle: screen_name
            .filter(|s| !s.is_empty())
            .map(|s| format!("@{s}")),
        ..Sender::default()
    }
}

/// The photos among `media` (videos and GIFs give only a still), each once.
fn photos(media: &[&Media]) -> Vec<MediaRef> {
    let mut out: Vec<MediaRef> = Vec::new();
    for url in media
        .iter()
        .filter(|m| m.kind == "photo")
        .filter_map(|m| m.media_url_https.as_deref())
    {
        if !out.iter().any(|r| r.reference == url) {
            out.push(MediaRef {
                channel: CHANNEL,
                reference: url.to_owned(),
                content_type: None,
            });
        }
    }
    out
}

/// The text after the `@handles` a reply or mention starts with.
fn strip_leading_mentions(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(after) = rest.strip_prefix('@') {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        rest = after.get(end..).unwrap_or_default().trim_start();
    }
    rest
}

/// Tweets escape `&`, `<` and `>` as HTML entities.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text without the `t.co` links standing for its attached media.
fn without_media_links(text: &str, media: &[&Media]) -> String {
    media
        .iter()
        .filter_map(|m| m.url.as_deref())
        .filter(|url| !url.is_empty())
        .fold(text.to_owned(), |text, url| text.replace(url, ""))
}

#[cfg(test)]
#[path = "twitter_tests.rs"]
mod tests;
