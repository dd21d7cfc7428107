//! Facebook and Instagram answers through Meta's Graph API, authenticated with the page
//! access token as `Authorization: Bearer` (never the `access_token` query parameter Graph
//! also takes: a URL ends up in proxies' and access logs):
//! - public (the citizen commented): a reply under their comment, the form field
//!   `message=…` posted to `{api_base}/{comment id}/comments` on Facebook or
//!   `{api_base}/{comment id}/replies` on Instagram;
//! - private (Messenger or an Instagram DM): the Send API, `POST {api_base}/me/messages`
//!   with `{"recipient":{"id":…},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE",
//!   "message":{"text":…}}` (the tag allows an update outside the 24-hour window).
//!
//! A city's own channel of kind `meta` (Jakarta's `governor_social`) covers both networks,
//! so the comment id decides (see [`comment_network`]). Graph errors keep `error.code`,
//! `error_subcode` and `type`.

use aduan_domain::Channel;
use serde_json::json;

use super::{DeliveryError, Outgoing, http};
use crate::config::MetaConfig;

/// Which Graph API a comment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Facebook,
    Instagram,
}

/// The network of the comment `comment_id` on `channel`. Facebook and Instagram routes
/// say so themselves; for a city's own `meta` channel (`governor_social`) a heuristic:
/// Facebook comment ids are `{post id}_{comment id}`, two runs of digits joined by one
/// underscore, while Instagram comment ids are a single number. Anything else is treated
/// as Instagram's.
pub fn comment_network(channel: Channel, comment_id: &str) -> Network {
    match channel {
        Channel::Facebook => Network::Facebook,
        Channel::Instagram => Network::Instagram,
        _ => {
            let facebook = comment_id.split_once('_').is_some_and(|(post, comment)| {
                [post, comment]
                    .iter()
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            });
            if facebook {
                Network::Facebook
            } else {
                Network::Instagram
            }
        }
    }
}

/// Graph ids are digits, letters and underscores: nothing that changes the path.
fn is_graph_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(super) async fn send(
    client: &reqwest::Client,
    meta: &MetaConfig,
    message: &Outgoing,
) -> Result<(), DeliveryError> {
    let channel = message.route.channel.code();
    let base = meta.api_base.trim_end_matches('/');
    let route = &message.route;
    let request = if route.public {
        let Some(comment_id) = route
            .in_reply_to
            .as_deref()
            .map(str::trim)
            .filter(|id| is_graph_id(id))
        else {
            return Err(DeliveryError::Permanent(format!(
                "{channel}: a public answer needs the comment to reply to"
            )));
        };
        let edge = match comment_network(route.channel, comment_id) {
            Network::Facebook => "comments",
            Network::Instagram => "replies",
        };
        client
            .post(format!("{base}/{comment_id}/{edge}"))
            .bearer_auth(&meta.page_access_token)
            .form(&[("message", message.text.as_str())])
    } else {
        let recipient = route.address.trim();
        if !is_graph_id(recipient) {
            return Err(DeliveryError::Permanent(format!(
                "{channel}: the route's address is not a Meta user id"
            )));
        }
        let body = json!({
            "recipient": { "id": recipient },
            "messaging_type": "MESSAGE_TAG",
            "tag": "ACCOUNT_UPDATE",
            "message": { "text": message.text },
        });
        client
            .post(format!("{base}/me/messages"))
            .bearer_auth(&meta.page_access_token)
            .json(&body)
    };
    http::send(channel, request, &route.address)
        .await
        .map(|_| ())
}
