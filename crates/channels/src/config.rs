//! Each channel's endpoints and secrets, read from one JSON file (`--channels FILE`):
//! what authenticates the messages that arrive and what delivers the answers. A channel
//! left out is off: its webhook answers 404, and an answer due on it goes to the outbox's
//! dead-letter list at once, saying the channel is not configured, for an admin to retry
//! once it is.
//!
//! Secrets live in this file, never in the database; keep it readable by aduan only.

use serde::Deserialize;

use crate::media_hosts::{HostPattern, LocalOrigin};

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelsConfig {
    /// The public https origin the channels call (e.g. `https://aduan.jakarta.go.id`):
    /// Twilio signs the full URL it requested, so it must be known exactly.
    #[serde(default)]
    pub public_base_url: Option<String>,
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    #[serde(default)]
    pub twilio: Option<TwilioConfig>,
    #[serde(default)]
    pub whatsapp: Option<WhatsappConfig>,
    #[serde(default)]
    pub x: Option<XConfig>,
    #[serde(default)]
    pub meta: Option<MetaConfig>,
    #[serde(default)]
    pub lapor: Option<LaporConfig>,
    /// TESTS ONLY: origins (`http://127.0.0.1:8123`) whose media fetches skip the https
    /// and public-address checks, so a local receiver can stand in for a provider. Empty
    /// (the default) in production; a loud warning is logged at start otherwise.
    #[serde(default)]
    pub unsafe_local_fetch: Vec<LocalOrigin>,
}

/// Never print secrets.
impl std::fmt::Debug for ChannelsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelsConfig")
            .field("public_base_url", &self.public_base_url)
            .field("smtp", &self.smtp.is_some())
            .field("twilio", &self.twilio.is_some())
            .field("whatsapp", &self.whatsapp.is_some())
            .field("x", &self.x.is_some())
            .field("meta", &self.meta.is_some())
            .field("lapor", &self.lapor.is_some())
            .field("unsafe_local_fetch", &self.unsafe_local_fetch)
            .finish()
    }
}

/// Outgoing e-mail (answers to citizens who wrote by e-mail).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The From address of answers, e.g. `"CRM Jakarta <crm@jakarta.go.id>"`.
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (a relay on localhost).
    #[serde(default)]
    pub security: SmtpSecurity,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    #[default]
    Starttls,
    Tls,
    None,
}

/// An SMS gateway with Twilio's API (Twilio itself or a compatible gateway).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioConfig {
    #[serde(default = "TwilioConfig::default_api_base")]
    pub api_base: String,
    pub account_sid: String,
    /// Signs inbound webhooks (`X-Twilio-Signature`) and authenticates outgoing calls.
    pub auth_token: String,
    /// The number answers are sent from, e.g. `+628111272206`.
    pub from: String,
    /// Hosts photos may be fetched from (see [`crate::media_hosts`]); absent: the
    /// provider's defaults. The host of the channel's own API is always allowed.
    #[serde(default)]
    pub media_hosts: Option<Vec<HostPattern>>,
}

impl TwilioConfig {
    fn default_api_base() -> String {
        "https://api.twilio.com".into()
    }
}

/// The WhatsApp Business Cloud API.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsappConfig {
    #[serde(default = "default_graph_base")]
    pub api_base: String,
    pub phone_number_id: String,
    pub access_token: String,
    /// Signs inbound webhooks (`X-Hub-Signature-256`).
    pub app_secret: String,
    /// What Meta sends as `hub.verify_token` when the webhook is subscribed.
    pub verify_token: String,
    /// Hosts photos may be fetched from (see [`crate::media_hosts`]); absent: the
    /// provider's defaults. The host of the channel's own API is always allowed.
    #[serde(default)]
    pub media_hosts: Option<Vec<HostPattern>>,
}

/// X (Twitter) Account Activity API and the v2 API for answers.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XConfig {
    #[serde(default = "XConfig::default_api_base")]
    pub api_base: String,
    /// The app's consumer secret: answers CRC challenges and verifies
    /// `x-twitter-webhooks-signature`.
    pub consumer_secret: String,
    /// An OAuth 2.0 user-context token of the city's account, for replies and DMs.
    pub access_token: String,
    /// The city's own account id (@DKIJakarta): its own tweets and DMs are not reports.
    pub user_id: String,
    /// Hosts photos may be fetched from (see [`crate::media_hosts`]); absent: the
    /// provider's defaults. The host of the channel's own API is always allowed.
    #[serde(default)]
    pub media_hosts: Option<Vec<HostPattern>>,
}

impl XConfig {
    fn default_api_base() -> String {
        "https://api.x.com".into()
    }
}

/// Meta webhooks for Facebook pages and Instagram accounts.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaConfig {
    #[serde(default = "default_graph_base")]
    pub api_base: String,
    /// A page access token allowed to answer comments and messages.
    pub page_access_token: String,
    /// Signs inbound webhooks (`X-Hub-Signature-256`).
    pub app_secret: String,
    pub verify_token: String,
    /// Page and Instagram account ids that are the Governor's own social media: what
    /// arrives there files as the city's first channel of kind `meta` in its pack
    /// (Jakarta's `governor_social`); `aduan serve` refuses to start without one.
    #[serde(default)]
    pub governor_account_ids: Vec<String>,
    /// Hosts photos may be fetched from (see [`crate::media_hosts`]); absent: the
    /// provider's defaults. The host of the channel's own API is always allowed.
    #[serde(default)]
    pub media_hosts: Option<Vec<HostPattern>>,
}

/// LAPOR! (SP4N), the national complaint system: reports pushed to us, status pushed back.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaporConfig {
    /// Where status updates are posted (`{status_url}` receives one JSON per change).
    pub status_url: String,
    /// The shared secret of the HMAC both ways.
    pub secret: String,
    /// Hosts photos may be fetched from (see [`crate::media_hosts`]); absent: the
    /// provider's defaults. The host of the channel's own API is always allowed.
    #[serde(default)]
    pub media_hosts: Option<Vec<HostPattern>>,
}

fn default_graph_base() -> String {
    "https://graph.facebook.com/v20.0".into()
}

impl ChannelsConfig {
    /// Read and check the file's JSON.
    pub fn from_json(raw: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw)
    }
}
