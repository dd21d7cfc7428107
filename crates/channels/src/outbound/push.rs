//! Web Push (RFC 8030) to a citizen's browser. The endpoint comes from the browser, that is
//! from anyone, so it is an address a stranger chose: only https endpoints on the known push
//! services' hosts ([`PUSH_HOSTS`]) on port 443 are taken ([`Subscription::parse`], at
//! subscribe time), and sending goes through the same guard as media fetches (public
//! addresses only, connections pinned to the checked addresses, no proxy, no redirect
//! followed). The message is encrypted for the browser (RFC 8291 aes128gcm, by
//! `web-push-native`) and signed for the push service with the deployment's VAPID key.
//!
//! Errors never name the endpoint (it is a capability that reaches a person): only the
//! push service's host, the HTTP status and its short error code.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};

use super::guard::{self, Rules};
use super::vapid::VapidKey;
use super::{DeliveryError, http};
use crate::media_hosts::{HostPattern, LocalOrigin, defaults};

/// The push services of the browsers people use: Chrome and Android (FCM), Firefox
/// (Mozilla autopush), Edge (WNS) and Safari (Apple).
pub const PUSH_HOSTS: &[&str] = &[
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
];

/// The longest endpoint taken (real ones are a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;
/// The longest message sent, before encryption: push services take 4096 bytes of encrypted
/// body, of which the aes128gcm header (86 bytes) and the tag and padding take some.
pub const MAX_PAYLOAD: usize = 3072;
/// How long the push service keeps a message for a browser that is offline.
pub const TTL: Duration = Duration::from_secs(4 * 24 * 3600);
/// One message, connection and answer included.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
const CHANNEL: &str = "push";

/// Why a subscription was not taken; safe to show (it names no endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the endpoint is not a URL, or too long")]
    NotUrl,
    #[error("the endpoint is not https")]
    NotHttps,
    #[error("the endpoint is not on a known push service")]
    NotPushService,
    #[error("the endpoint's port is not 443")]
    Port,
    #[error("the subscription's keys are not a P-256 key and a 16-byte secret")]
    Keys,
}

/// Where and how to reach one browser: its push endpoint, its P-256 key and auth secret.
#[derive(Clone)]
pub struct Subscription {
    endpoint: Url,
    p256dh: web_push_native::p256::PublicKey,
    auth: [u8; 16],
}

/// Never print the endpoint.
impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("host", &self.endpoint.host_str())
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// A browser's subscription as `PushSubscription.toJSON()` gives it (`p256dh` and
    /// `auth` base64url), when the endpoint is a known push service's; `local` are the
    /// test-only origins that stand in for one.
    pub fn parse(
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        local: &[LocalOrigin],
    ) -> Result<Self, Refused> {
        let endpoint = check_endpoint(endpoint, local)?;
        let decode = |text: &str| URL_SAFE_NO_PAD.decode(text.trim().trim_end_matches('='));
        let p256dh = decode(p256dh)
            .ok()
            .and_then(|bytes| web_push_native::p256::PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or(Refused::Keys)?;
        let auth: [u8; 16] = decode(auth)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(Refused::Keys)?;
        Ok(Self {
            endpoint,
            p256dh,
            auth,
        })
    }

    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// The browser's key, base64url, as it gave it.
    pub fn p256dh(&self) -> String {
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint as _;
        URL_SAFE_NO_PAD.encode(self.p256dh.to_encoded_point(false).as_bytes())
    }

    pub fn auth(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.auth)
    }
}

/// The hosts a push may go to: the push services, and the test-only local origins' hosts.
fn hosts(local: &[LocalOrigin]) -> Vec<HostPattern> {
    let mut hosts = defaults(PUSH_HOSTS);
    hosts.extend(local.iter().filter_map(|origin| {
        let url = Url::parse(&origin.text()).ok()?;
        HostPattern::parse(url.host_str()?)
    }));
    hosts
}

/// The endpoint as a URL, if a browser's push service may be behind it: https, a known
/// push service's host name (no IP literal), port 443, no credentials.
pub fn check_endpoint(raw: &str, local: &[LocalOrigin]) -> Result<Url, Refused> {
    if raw.len() > MAX_ENDPOINT_LEN {
        return Err(Refused::NotUrl);
    }
    let url = Url::parse(raw.trim()).map_err(|_| Refused::NotUrl)?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(Refused::NotUrl);
    }
    if local.iter().any(|origin| origin.matches(&url)) {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return Err(Refused::NotHttps);
    }
    let named = matches!(url.host(), Some(url::Host::Domain(_)));
    if !named || !defaults(PUSH_HOSTS).iter().any(|host| host.matches(&url)) {
        return Err(Refused::NotPushService);
    }
    if url.port_or_known_default() != Some(443) {
        return Err(Refused::Port);
    }
    Ok(url)
}

/// Why a push was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushError {
    /// The push service no longer knows the subscription (404, 410): forget it.
    Gone,
    Failed(DeliveryError),
}

impl From<DeliveryError> for PushError {
    fn from(e: DeliveryError) -> Self {
        Self::Failed(e)
    }
}

/// Encrypt `payload` for `subscription` and POST it to its push service, signed with
/// `vapid` (`contact` the JWT's subject, `now` Unix seconds). `local` as in
/// [`check_endpoint`].
pub async fn send(
    subscription: &Subscription,
    payload: &[u8],
    vapid: &VapidKey,
    contact: &str,
    now: i64,
    local: &[LocalOrigin],
) -> Result<(), PushError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(DeliveryError::Permanent(format!(
            "{CHANNEL}: the message is over {MAX_PAYLOAD} bytes"
        ))
        .into());
    }
    // Checked again: the rules may have changed since the browser subscribed.
    let url = check_endpoint(subscription.endpoint.as_str(), local)
        .map_err(|refused| DeliveryError::Permanent(format!("{CHANNEL}: {refused}")))?;
    let auth = web_push_native::Auth::clone_from_slice(&subscription.auth);
    let body = web_push_native::encrypt(payload.to_vec(), &subscription.p256dh, &auth)
        .map_err(|_| DeliveryError::Permanent(format!("{CHANNEL}: cannot encrypt")))?;
    let rules = Rules {
        channel: CHANNEL,
        hosts: hosts(local),
        api: None,
        local,
        credentials: None,
    };
    let sending = async {
        let addrs = guard::check(&rules, &url).await?;
        let response = guard::client(&url, &addrs, CHANNEL)?
            .post(url.clone())
            .header("TTL", TTL.as_secs())
            .header("Urgency", "normal")
            .header(CONTENT_ENCODING, "aes128gcm")
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(AUTHORIZATION, vapid.authorization(&url, contact, now))
            .body(body)
            .send()
            .await
            .map_err(|error| http::transport_error(CHANNEL, &error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
            return Err(PushError::Gone);
        }
        // Redirects are not followed: a push service answers where it was asked.
        Err(http::failure(CHANNEL, response, "").await.into())
    };
    tokio::time::timeout(SEND_TIMEOUT, sending)
        .await
        .unwrap_or_else(|_| Err(DeliveryError::Temporary(format!("{CHANNEL}: timed out")).into()))
}

#[cfg(test)]
#[path = "push_tests.rs"]
mod tests;
