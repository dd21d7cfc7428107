//! `GET` of a URL a channel handed us (a photo), without letting it reach what it should
//! not: every hop, the first and each redirect, must be https, on the channel's allowlist
//! of media hosts, and resolve only to public addresses ([`super::address`]); the
//! connection then goes to exactly the addresses that were checked (the client of that hop
//! resolves nothing itself, so DNS rebinding cannot swap them), with no proxy. Redirects are
//! followed by hand, at most [`MAX_REDIRECTS`]. Credentials go only to the exact origins
//! (scheme, host and port) given with them, and never after a redirect left the origin.
//!
//! Web Push ([`super::push`]) posts through the same checks and pinned clients.
//!
//! The test-only `unsafe_local_fetch` origins skip the https and address checks for that
//! exact origin, nothing else: a redirect from there to another port is checked as usual.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Name, Resolve, Resolving};
use reqwest::{StatusCode, Url};

use super::{DeliveryError, address, http};
use crate::media_hosts::{HostPattern, LocalOrigin};

/// How many redirects one fetch follows.
pub(super) const MAX_REDIRECTS: usize = 3;
/// A host with more addresses than this is not a provider's CDN we need.
const MAX_ADDRESSES: usize = 32;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bounds one hop; the whole fetch is bounded by the caller.
const HOP_TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = concat!("aduan/", env!("CARGO_PKG_VERSION"));

/// What may be fetched for one channel.
pub(super) struct Rules<'a> {
    pub channel: &'a str,
    pub hosts: Vec<HostPattern>,
    /// The origin of the channel's own API: the one https origin allowed on a port other
    /// than 443 (a compatible gateway may listen elsewhere).
    pub api: Option<url::Origin>,
    pub local: &'a [LocalOrigin],
    pub credentials: Option<Credentials<'a>>,
}

/// A secret and the exact origins it may be sent to.
pub(super) struct Credentials<'a> {
    pub secret: Secret<'a>,
    pub origins: Vec<url::Origin>,
}

pub(super) enum Secret<'a> {
    Bearer(&'a str),
    Basic { user: &'a str, password: &'a str },
}

/// The origin of a configured base URL (`https://api.twilio.com`), if it parses.
pub(super) fn origin_of(base: &str) -> Option<url::Origin> {
    Url::parse(base.trim())
        .ok()
        .map(|url| url.origin())
        .filter(url::Origin::is_tuple)
}

/// The host of a configured base URL as an allowlist entry.
pub(super) fn host_of(base: &str) -> Option<HostPattern> {
    let url = Url::parse(base.trim()).ok()?;
    HostPattern::parse(url.host_str()?)
}

/// `GET url` under `rules`: the 2xx answer of the last hop, or why not.
pub(super) async fn get(rules: &Rules<'_>, url: Url) -> Result<reqwest::Response, DeliveryError> {
    let channel = rules.channel;
    let first = url.origin();
    let mut url = url;
    let mut same_origin = true;
    for _ in 0..=MAX_REDIRECTS {
        let addrs = check(rules, &url).await?;
        let mut request = client(&url, &addrs, channel)?.get(url.clone());
        if same_origin && let Some(credentials) = &rules.credentials {
            let origin = url.origin();
            if credentials.origins.contains(&origin) {
                request = match credentials.secret {
                    Secret::Bearer(token) => request.bearer_auth(token),
                    Secret::Basic { user, password } => request.basic_auth(user, Some(password)),
                };
            }
        }
        let response = request
            .send()
            .await
            .map_err(|error| http::transport_error(channel, &error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let Some(next) = redirect(&url, &response) else {
            return Err(http::failure(channel, response, "").await);
        };
        url = next.map_err(|()| refused(channel, "the redirect has no valid Location"))?;
        same_origin &= url.origin() == first;
    }
    Err(refused(channel, "too many redirects"))
}

/// The next URL when `response` is a redirect (`Err` when its Location is unusable).
fn redirect(current: &Url, response: &reqwest::Response) -> Option<Result<Url, ()>> {
    let status = response.status();
    let followed = [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::SEE_OTHER,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ];
    if !followed.contains(&status) {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?;
    Some(
        location
            .to_str()
            .ok()
            .and_then(|location| current.join(location).ok())
            .ok_or(()),
    )
}

/// Scheme, allowlist and addresses of one hop: the addresses to connect to.
pub(super) async fn check(rules: &Rules<'_>, url: &Url) -> Result<Vec<SocketAddr>, DeliveryError> {
    let channel = rules.channel;
    let local = rules.local.iter().any(|origin| origin.matches(url));
    if url.scheme() != "https" && !local {
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the media URL is not https"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the media URL carries credentials"
        )));
    }
    if !rules.hosts.iter().any(|pattern| pattern.matches(url)) {
        let host: String = url
            .host_str()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the media host {host} is not on the channel's media_hosts allowlist"
        )));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| DeliveryError::Permanent(format!("{channel}: the media URL has no port")))?;
    // Providers serve media on 443: another port of an allowed host is some other service.
    if port != 443 && !local && rules.api.as_ref() != Some(&url.origin()) {
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the media URL's port is not 443"
        )));
    }
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| {
                DeliveryError::Temporary(format!("{channel}: the media host does not resolve"))
            })?
            .take(MAX_ADDRESSES)
            .collect(),
        None => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(DeliveryError::Temporary(format!(
            "{channel}: the media host does not resolve"
        )));
    }
    if !local && let Some(reason) = addrs.iter().find_map(|addr| address::forbidden(addr.ip())) {
        return Err(DeliveryError::Permanent(format!(
            "{channel}: the media host's address is not public ({reason})"
        )));
    }
    Ok(addrs)
}

/// A client for one hop that can only connect to `addrs`.
pub(super) fn client(
    url: &Url,
    addrs: &[SocketAddr],
    channel: &str,
) -> Result<reqwest::Client, DeliveryError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(HOP_TIMEOUT)
        .dns_resolver(Arc::new(NoLookups));
    if let Some(url::Host::Domain(name)) = url.host() {
        builder = builder.resolve_to_addrs(name, addrs);
    }
    builder
        .build()
        .map_err(|_| DeliveryError::Permanent(format!("{channel}: cannot build the HTTP client")))
}

fn refused(channel: &str, why: &str) -> DeliveryError {
    DeliveryError::Permanent(format!("{channel}: redirect refused ({why})"))
}

/// The resolver of a hop's client: every name it may reach was resolved and checked
/// before, and given to it; any other lookup fails.
struct NoLookups;

impl Resolve for NoLookups {
    fn resolve(&self, _name: Name) -> Resolving {
        Box::pin(std::future::ready(Err(
            "no lookups outside the checked addresses".into(),
        )))
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
