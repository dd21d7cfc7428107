//! Delivering answers to citizens on the channel they wrote through, and fetching the photos
//! they sent. One [`Deliverer`] holds the HTTP clients and the SMTP transport built from
//! [`ChannelsConfig`]; [`Deliverer::deliver`] sends one [`Outgoing`] answer and
//! [`Deliverer::fetch_media`] downloads one [`MediaRef`].
//!
//! Each channel's call is documented in its module: [`email`] (SMTP), [`sms`] (Twilio),
//! [`whatsapp`] (Cloud API, or Twilio), [`x`] (X v2 API), [`meta`] (Facebook and Instagram
//! through the Graph API), [`lapor`] (LAPOR! status push) and [`media`].
//!
//! Failures are sorted for the outbox: [`DeliveryError::Temporary`] (try again later),
//! [`DeliveryError::Permanent`] (dead letter) and [`DeliveryError::NotConfigured`] (a dead
//! letter too, saying why, for an admin to retry once the channel is configured). Their messages are logged and shown to admins,
//! so they never carry the citizen's address or the text: only the channel, the HTTP status
//! or SMTP code, and the provider's error code.

use std::time::Duration;

use aduan_domain::{Channel, ChannelKind};

use crate::config::ChannelsConfig;
use crate::inbound::{MediaRef, ReplyRoute};

mod address;
pub mod email;
mod guard;
mod http;
pub mod lapor;
pub mod media;
pub mod meta;
pub mod push;
pub mod sms;
pub mod vapid;
pub mod whatsapp;
pub mod x;

#[cfg(test)]
mod tests;

/// How long one API call may take (connecting, sending, answering).
const API_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one media download may take in all, lookups and redirects included (photos
/// can be several megabytes).
const MEDIA_TIMEOUT: Duration = Duration::from_secs(30);

/// One answer to one citizen, already composed (Indonesian first, then English) and
/// already checked against the privacy rules by the caller.
#[derive(Clone)]
pub struct Outgoing {
    /// Where: channel + address (+ in_reply_to, public).
    pub route: ReplyRoute,
    /// The ticket the answer is about, e.g. `JK2611280001`.
    pub ticket: String,
    /// The e-mail subject (other channels have none).
    pub subject: String,
    /// The message body.
    pub text: String,
    /// Set for LAPOR! status pushes.
    pub status: Option<StatusChange>,
    /// Stable per outbox message, for idempotency (the e-mail Message-ID, logging).
    pub key: String,
}

/// Never print the address or the text.
impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("channel", &self.route.channel)
            .field("public", &self.route.public)
            .field("ticket", &self.ticket)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A report's change of state, as LAPOR! is told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The state's code, e.g. `in_progress`.
    pub state: String,
    /// The state's Indonesian label, e.g. `Sedang ditangani`.
    pub label: String,
    pub note: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Why an answer was not delivered (or a photo not fetched). The message never names the
/// citizen nor quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth trying again later (timeouts, connection errors, 5xx, 408, 429).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Trying again will not help (other 4xx, bad address, the channel is not configured…).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The channel has no configuration: nothing can be sent until an admin configures it
    /// (and retries the message).
    #[error("the {0} channel is not configured")]
    NotConfigured(String),
}

/// A downloaded photo.
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedMedia {
    pub bytes: Vec<u8>,
    /// The `image/*` type the channel served (or declared).
    pub content_type: Option<String>,
}

impl std::fmt::Debug for FetchedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedMedia")
            .field("bytes", &self.bytes.len())
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Delivers answers and fetches media with the channels' configuration. Cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    config: ChannelsConfig,
    /// API calls: no redirects followed. Media downloads build their own client per hop
    /// (see [`guard`]).
    api: reqwest::Client,
    smtp: Option<email::Smtp>,
}

/// Never print secrets.
impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Deliverer {
    /// Builds the HTTP clients (10 s timeouts; 30 s for a whole media download) and, when
    /// e-mail is configured, the SMTP transport. Fails on an unusable SMTP configuration
    /// (a From address that does not parse, a host TLS cannot be set up for).
    pub fn new(config: &ChannelsConfig) -> Result<Self, DeliveryError> {
        let user_agent = concat!("aduan/", env!("CARGO_PKG_VERSION"));
        let api = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(API_TIMEOUT)
            .timeout(API_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| DeliveryError::Permanent("cannot build the HTTP client".into()))?;
        if !config.unsafe_local_fetch.is_empty() {
            let origins: Vec<String> = config
                .unsafe_local_fetch
                .iter()
                .map(crate::media_hosts::LocalOrigin::text)
                .collect();
            tracing::warn!(
                origins = %origins.join(", "),
                "UNSAFE, FOR TESTS ONLY: unsafe_local_fetch is set in the channels file; media \
                 fetches from these origins skip the https and public-address checks. Never \
                 set it in production."
            );
        }
        let smtp = config
            .smtp
            .as_ref()
            .map(|smtp| email::Smtp::new(smtp, API_TIMEOUT))
            .transpose()?;
        Ok(Self {
            config: config.clone(),
            api,
            smtp,
        })
    }

    /// Sends one answer on its route's channel, through the provider of the channel's
    /// `kind` (the caller reads it from the city's catalog: a city's own channel of kind
    /// `meta`, such as its Governor's accounts, answers through Meta).
    pub async fn deliver(
        &self,
        message: &Outgoing,
        kind: ChannelKind,
    ) -> Result<(), DeliveryError> {
        let channel = message.route.channel;
        let not_configured = || Err(DeliveryError::NotConfigured(channel.to_string()));
        let result = match (kind, channel) {
            (ChannelKind::Email, _) => match &self.smtp {
                Some(smtp) => smtp.send(message).await,
                None => not_configured(),
            },
            (ChannelKind::Sms, _) => match &self.config.twilio {
                Some(twilio) => sms::send(&self.api, twilio, message).await,
                None => not_configured(),
            },
            (ChannelKind::Whatsapp, _) => {
                whatsapp::send(
                    &self.api,
                    self.config.whatsapp.as_ref(),
                    self.config.twilio.as_ref(),
                    message,
                )
                .await
            }
            (ChannelKind::X, _) => match &self.config.x {
                Some(x) => x::send(&self.api, x, message).await,
                None => not_configured(),
            },
            (ChannelKind::Meta, _) => match &self.config.meta {
                Some(meta) => meta::send(&self.api, meta, message).await,
                None => not_configured(),
            },
            (ChannelKind::PartnerApi, Channel::Lapor) => match &self.config.lapor {
                Some(lapor) => lapor::send(&self.api, lapor, message).await,
                None => not_configured(),
            },
            _ => Err(DeliveryError::Permanent(format!(
                "no outbound delivery for {channel}"
            ))),
        };
        match &result {
            Ok(()) => {
                tracing::debug!(channel = channel.code(), key = %message.key, "answer delivered")
            }
            Err(error) => {
                tracing::debug!(channel = channel.code(), key = %message.key, %error, "answer not delivered");
            }
        }
        result
    }

    /// Downloads a photo the citizen sent on a channel of `kind`: at most `max_bytes`,
    /// `image/*` only, from an allowed host on a public address, within [`MEDIA_TIMEOUT`] in
    /// all.
    pub async fn fetch_media(
        &self,
        media: &MediaRef,
        kind: ChannelKind,
        max_bytes: usize,
    ) -> Result<FetchedMedia, DeliveryError> {
        let fetch = media::fetch(&self.config, media, kind, max_bytes);
        tokio::time::timeout(MEDIA_TIMEOUT, fetch)
            .await
            .unwrap_or_else(|_| {
                Err(DeliveryError::Temporary(format!(
                    "{}: timed out",
                    media.channel.code()
                )))
            })
    }
}
