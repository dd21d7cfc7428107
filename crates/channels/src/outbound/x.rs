//! X (Twitter) answers through the v2 API with the city account's OAuth 2.0 user token
//! (`Authorization: Bearer {access_token}`):
//! - public (the citizen mentioned @DKIJakarta): `POST {api_base}/2/tweets` with
//!   `{"text":…,"reply":{"in_reply_to_tweet_id":…}}`, the text cut to fit a tweet and
//!   ending with the ticket (see [`tweet_text`]);
//! - private (a DM): `POST {api_base}/2/dm_conversations/with/{user id}/messages` with
//!   `{"text":…}`.
//!
//! X answers 201; errors keep their `title` and problem `type` (e.g. `Forbidden`).

use serde_json::json;

use super::{DeliveryError, Outgoing, http};
use crate::config::XConfig;

const CHANNEL: &str = "twitter";
/// A tweet's length, in X's weighted characters.
pub const TWEET_LIMIT: usize = 280;

pub(super) async fn send(
    client: &reqwest::Client,
    x: &XConfig,
    message: &Outgoing,
) -> Result<(), DeliveryError> {
    let base = x.api_base.trim_end_matches('/');
    let route = &message.route;
    let request = if route.public {
        let Some(tweet_id) = route
            .in_reply_to
            .as_deref()
            .map(str::trim)
            .filter(|id| is_id(id))
        else {
            return Err(DeliveryError::Permanent(format!(
                "{CHANNEL}: a public answer needs the tweet to reply to"
            )));
        };
        let body = json!({
            "text": tweet_text(&message.text, &message.ticket),
            "reply": { "in_reply_to_tweet_id": tweet_id },
        });
        client.post(format!("{base}/2/tweets")).json(&body)
    } else {
        let user_id = route.address.trim();
        if !is_id(user_id) {
            return Err(DeliveryError::Permanent(format!(
                "{CHANNEL}: the route's address is not an X user id"
            )));
        }
        let body = json!({ "text": message.text });
        client
            .post(format!("{base}/2/dm_conversations/with/{user_id}/messages"))
            .json(&body)
    };
    let request = request.bearer_auth(&x.access_token);
    http::send(CHANNEL, request, &route.address)
        .await
        .map(|_| ())
}

/// X ids are decimal numbers.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// The text of a public reply: `text` as it is when it fits and already names the ticket;
/// otherwise followed by the ticket, cut at a word boundary (with `…`) so the whole fits
/// [`TWEET_LIMIT`]. Lengths are X's weighted count (Latin and common punctuation count 1,
/// other scripts and emoji 2); URLs, which X counts as 23 each, are counted as written.
pub fn tweet_text(text: &str, ticket: &str) -> String {
    let text = text.trim();
    let ticket = ticket.trim();
    if weighted_len(text) <= TWEET_LIMIT && (ticket.is_empty() || text.contains(ticket)) {
        return text.to_owned();
    }
    let tail = format!(" {ticket}");
    if weighted_len(text) + weighted_len(&tail) <= TWEET_LIMIT {
        return format!("{text}{tail}");
    }
    let tail = format!("… {ticket}");
    let budget = TWEET_LIMIT.saturating_sub(weighted_len(&tail));
    let mut end = 0;
    let mut used = 0;
    let mut last_break = None;
    for (index, c) in text.char_indices() {
        let width = char_weight(c);
        if used + width > budget {
            break;
        }
        if c.is_whitespace() {
            last_break = Some(index);
        }
        used += width;
        end = index + c.len_utf8();
    }
    // Cut after the last whole word unless the cut already falls between words (or the
    // only word is longer than a tweet).
    let next_is_break = text[end..].chars().next().is_none_or(char::is_whitespace);
    let cut = match last_break {
        Some(index) if !next_is_break => index,
        _ => end,
    };
    let head = text[..cut].trim_end_matches(|c: char| c.is_whitespace() || ",;:-".contains(c));
    format!("{head}{tail}")
}

/// X's weighted length of `text` (twitter-text v3 configuration, without URL handling).
pub fn weighted_len(text: &str) -> usize {
    text.chars().map(char_weight).sum()
}

fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}
