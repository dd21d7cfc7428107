//! Fetching the photos citizens sent, per kind of channel (a city's own channel of kind
//! `meta`, such as its Governor's accounts, as Facebook and Instagram):
//! - `whatsapp`, Cloud API (the reference is a media id): `GET {api_base}/{id}` with the
//!   bearer token answers `{"url","mime_type"}`, then `GET {url}` (the token only when that
//!   URL is on the API's own origin or `https://lookaside.fbsbx.com`, where Meta serves it);
//!   a URL reference came through Twilio and is fetched like `sms`;
//! - `sms` (Twilio `MediaUrl`): `GET` with basic auth, following Twilio's redirect to its
//!   storage (without the credentials);
//! - `twitter`: `GET`, with the bearer token on the API's origin and `https://ton.twitter.com`
//!   (DM media needs it);
//! - `facebook`, `instagram` (and the city's own `meta` channels), `lapor`: a plain `GET`
//!   (the URLs are signed).
//!
//! Every fetch goes through [`super::guard`]: https only, the channel block's `media_hosts`
//! allowlist (the provider's defaults when absent, see [`crate::media_hosts`], plus the host
//! of its own API), public addresses only, every redirect checked again. A URL refused there
//! is a permanent failure: the outbox marks the fetch dead with the reason. A body larger than
//! `max_bytes` (by its `Content-Length` or while it streams) and anything that is not
//! `image/*` are refused.

use aduan_domain::{Channel, ChannelKind};
use reqwest::Url;
use serde::Deserialize;

use super::guard::{self, Credentials, Rules, Secret};
use super::{DeliveryError, FetchedMedia, http};
use crate::config::ChannelsConfig;
use crate::inbound::MediaRef;
use crate::media_hosts::{self, HostPattern};

/// How much of the Graph API's answer about a media id is read.
const MAX_LOOKUP_BYTES: usize = 64 * 1024;
/// Where Meta serves WhatsApp media, with the bearer token.
const WHATSAPP_FILES_ORIGIN: &str = "https://lookaside.fbsbx.com";
/// Where X serves DM media, with the bearer token.
const X_DM_MEDIA_ORIGIN: &str = "https://ton.twitter.com";

/// What the Graph API says about a WhatsApp media id.
#[derive(Deserialize)]
struct WhatsappMedia {
    url: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    file_size: Option<u64>,
}

pub(super) async fn fetch(
    config: &ChannelsConfig,
    media: &MediaRef,
    kind: ChannelKind,
    max_bytes: usize,
) -> Result<FetchedMedia, DeliveryError> {
    let channel = media.channel.code();
    let not_configured = || Err(DeliveryError::NotConfigured(channel.to_owned()));
    let reference = media.reference.trim();
    let declared = media.content_type.as_deref();
    let local = config.unsafe_local_fetch.as_slice();
    match (kind, media.channel) {
        (ChannelKind::Whatsapp, _) if !reference.contains("://") => {
            let Some(cloud) = &config.whatsapp else {
                return not_configured();
            };
            if reference.is_empty()
                || !reference
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(DeliveryError::Permanent(format!(
                    "{channel}: the media id is not one"
                )));
            }
            let rules = Rules {
                channel,
                hosts: allowlist(
                    cloud.media_hosts.as_deref(),
                    media_hosts::WHATSAPP_MEDIA_HOSTS,
                    &cloud.api_base,
                ),
                api: guard::origin_of(&cloud.api_base),
                local,
                credentials: Some(Credentials {
                    secret: Secret::Bearer(&cloud.access_token),
                    origins: origins(&[&cloud.api_base, WHATSAPP_FILES_ORIGIN]),
                }),
            };
            let base = cloud.api_base.trim_end_matches('/');
            let lookup = parse_url(channel, &format!("{base}/{reference}"))?;
            let response = guard::get(&rules, lookup).await?;
            let body = http::read_limited(response, MAX_LOOKUP_BYTES + 1).await;
            let found: WhatsappMedia = (body.len() <= MAX_LOOKUP_BYTES)
                .then(|| serde_json::from_slice(&body).ok())
                .flatten()
                .ok_or_else(|| {
                    DeliveryError::Permanent(format!(
                        "{channel}: the media lookup is not understood"
                    ))
                })?;
            if found
                .file_size
                .is_some_and(|size| size > u64::try_from(max_bytes).unwrap_or(u64::MAX))
            {
                return Err(too_large(channel, max_bytes));
            }
            let url = parse_url(channel, &found.url)?;
            let declared = found.mime_type.as_deref().or(declared);
            download(&rules, url, declared, max_bytes).await
        }
        (ChannelKind::Whatsapp | ChannelKind::Sms, _) => {
            let Some(twilio) = &config.twilio else {
                return not_configured();
            };
            let rules = Rules {
                channel,
                hosts: allowlist(
                    twilio.media_hosts.as_deref(),
                    media_hosts::TWILIO_MEDIA_HOSTS,
                    &twilio.api_base,
                ),
                api: guard::origin_of(&twilio.api_base),
                local,
                credentials: Some(Credentials {
                    secret: Secret::Basic {
                        user: &twilio.account_sid,
                        password: &twilio.auth_token,
                    },
                    origins: origins(&[&twilio.api_base]),
                }),
            };
            download(&rules, parse_url(channel, reference)?, declared, max_bytes).await
        }
        (ChannelKind::X, _) => {
            let Some(x) = &config.x else {
                return not_configured();
            };
            let rules = Rules {
                channel,
                hosts: allowlist(
                    x.media_hosts.as_deref(),
                    media_hosts::X_MEDIA_HOSTS,
                    &x.api_base,
                ),
                api: guard::origin_of(&x.api_base),
                local,
                credentials: Some(Credentials {
                    secret: Secret::Bearer(&x.access_token),
                    origins: origins(&[&x.api_base, X_DM_MEDIA_ORIGIN]),
                }),
            };
            download(&rules, parse_url(channel, reference)?, declared, max_bytes).await
        }
        (ChannelKind::Meta, _) => {
            let Some(meta) = &config.meta else {
                return not_configured();
            };
            let rules = Rules {
                channel,
                hosts: allowlist(
                    meta.media_hosts.as_deref(),
                    media_hosts::META_MEDIA_HOSTS,
                    &meta.api_base,
                ),
                api: guard::origin_of(&meta.api_base),
                local,
                credentials: None,
            };
            download(&rules, parse_url(channel, reference)?, declared, max_bytes).await
        }
        (ChannelKind::PartnerApi, Channel::Lapor) => {
            let Some(lapor) = &config.lapor else {
                return not_configured();
            };
            // LAPOR!'s own host is its default: its attachments are served from there.
            let rules = Rules {
                channel,
                hosts: allowlist(lapor.media_hosts.as_deref(), &[], &lapor.status_url),
                api: guard::origin_of(&lapor.status_url),
                local,
                credentials: None,
            };
            download(&rules, parse_url(channel, reference)?, declared, max_bytes).await
        }
        _ => Err(DeliveryError::Permanent(format!(
            "no media fetching for {channel}"
        ))),
    }
}

/// The channel's `media_hosts` (or the provider's `defaults`), plus the host of its API.
fn allowlist(
    configured: Option<&[HostPattern]>,
    defaults: &[&str],
    api_base: &str,
) -> Vec<HostPattern> {
    let mut hosts = configured.map_or_else(|| media_hosts::defaults(defaults), <[_]>::to_vec);
    hosts.extend(guard::host_of(api_base));
    hosts
}

fn origins(bases: &[&str]) -> Vec<url::Origin> {
    bases
        .iter()
        .filter_map(|base| guard::origin_of(base))
        .collect()
}

fn parse_url(channel: &str, raw: &str) -> Result<Url, DeliveryError> {
    match Url::parse(raw.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(DeliveryError::Permanent(format!(
            "{channel}: the media reference is not an http(s) URL"
        ))),
    }
}

/// `GET` the photo: refuse what is not an image or is larger than `max_bytes`.
async fn download(
    rules: &Rules<'_>,
    url: Url,
    declared: Option<&str>,
    max_bytes: usize,
) -> Result<FetchedMedia, DeliveryError> {
    let channel = rules.channel;
    let mut response = guard::get(rules, url).await?;
    let served = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(mime_type);
    let content_type = match served {
        Some(served) if !served.is_empty() && !served.ends_with("/octet-stream") => Some(served),
        _ => declared
            .map(mime_type)
            .filter(|declared| !declared.is_empty()),
    };
    match content_type.as_deref() {
        Some(kind) if kind.starts_with("image/") => {}
        Some(kind) if is_plain_mime(kind) => {
            return Err(DeliveryError::Permanent(format!(
                "{channel}: the media is not an image ({kind})"
            )));
        }
        _ => {
            return Err(DeliveryError::Permanent(format!(
                "{channel}: the media is not an image"
            )));
        }
    }
    if response
        .content_length()
        .is_some_and(|length| length > u64::try_from(max_bytes).unwrap_or(u64::MAX))
    {
        return Err(too_large(channel, max_bytes));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| http::transport_error(channel, &error))?
    {
        if bytes.len() + chunk.len() > max_bytes {
            return Err(too_large(channel, max_bytes));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(FetchedMedia {
        bytes,
        content_type,
    })
}

/// `image/jpeg; charset=…` → `image/jpeg`.
fn mime_type(raw: &str) -> String {
    raw.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A MIME type safe to show in an error message.
fn is_plain_mime(kind: &str) -> bool {
    kind.len() <= 60
        && kind.split_once('/').is_some_and(|(top, sub)| {
            [top, sub].iter().all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
            })
        })
}

fn too_large(channel: &str, max_bytes: usize) -> DeliveryError {
    DeliveryError::Permanent(format!(
        "{channel}: the media is larger than {max_bytes} bytes"
    ))
}
