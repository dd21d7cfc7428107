//! Fetching the photos citizens sent, per channel:
//! - `whatsapp`, Cloud API (the reference is a media id): `GET {api_base}/{id}` with the
//!   bearer token answers `{"url","mime_type"}`, then `GET {url}` with the same token;
//!   a URL reference came through Twilio and is fetched like `sms`;
//! - `sms` (Twilio `MediaUrl`): `GET` with basic auth, following Twilio's redirect to its
//!   storage (reqwest drops the credentials when the host changes);
//! - `twitter`: `GET` with the bearer token (DM media needs it);
//! - `facebook`, `instagram`, `governor_social`, `lapor`: a plain `GET` (the URLs are signed).
//!
//! Credentials only go to the provider's own hosts: the host of the configured `api_base`,
//! or `*.twilio.com` / `*.x.com`, `*.twitter.com`, `*.twimg.com`. Only http(s) URLs are
//! fetched, redirects included (at most a few). A body larger than `max_bytes` (by its
//! `Content-Length` or while it streams) and anything that is not `image/*` are refused.

use aduan_domain::Channel;
use reqwest::redirect::{Attempt, Policy};
use reqwest::{RequestBuilder, Url};
use serde::Deserialize;

use super::{DeliveryError, FetchedMedia, http};
use crate::config::ChannelsConfig;
use crate::inbound::MediaRef;

/// Follow at most `max` redirects, and only to http(s) URLs.
pub(super) fn redirect_policy(max: usize) -> Policy {
    Policy::custom(move |attempt: Attempt<'_>| {
        if attempt.previous().len() > max {
            attempt.error("too many redirects")
        } else if !is_http(attempt.url()) {
            attempt.error("redirect to a URL that is not http(s)")
        } else {
            attempt.follow()
        }
    })
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

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
    client: &reqwest::Client,
    config: &ChannelsConfig,
    media: &MediaRef,
    max_bytes: usize,
) -> Result<FetchedMedia, DeliveryError> {
    let channel = media.channel.code();
    let reference = media.reference.trim();
    let declared = media.content_type.as_deref();
    match media.channel {
        Channel::Whatsapp if !reference.contains("://") => {
            let Some(cloud) = &config.whatsapp else {
                return Err(DeliveryError::NotConfigured(channel));
            };
            if !reference
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(DeliveryError::Permanent(format!(
                    "{channel}: the media id is not one"
                )));
            }
            let base = cloud.api_base.trim_end_matches('/');
            let lookup = client
                .get(format!("{base}/{reference}"))
                .bearer_auth(&cloud.access_token);
            let response = http::send(channel, lookup, "").await?;
            let found: WhatsappMedia = response.json().await.map_err(|_| {
                DeliveryError::Permanent(format!("{channel}: the media lookup is not understood"))
            })?;
            if found
                .file_size
                .is_some_and(|size| size > u64::try_from(max_bytes).unwrap_or(u64::MAX))
            {
                return Err(too_large(channel, max_bytes));
            }
            let url = parse_url(channel, &found.url)?;
            let request = client.get(url).bearer_auth(&cloud.access_token);
            let declared = found.mime_type.as_deref().or(declared);
            download(channel, request, declared, max_bytes).await
        }
        Channel::Whatsapp | Channel::Sms => {
            let url = parse_url(channel, reference)?;
            let mut request = client.get(url.clone());
            if let Some(twilio) = &config.twilio
                && trusted(&url, &twilio.api_base, &["twilio.com"])
            {
                request = request.basic_auth(&twilio.account_sid, Some(&twilio.auth_token));
            }
            download(channel, request, declared, max_bytes).await
        }
        Channel::Twitter => {
            let url = parse_url(channel, reference)?;
            let mut request = client.get(url.clone());
            if let Some(x) = &config.x
                && trusted(&url, &x.api_base, &["x.com", "twitter.com", "twimg.com"])
            {
                request = request.bearer_auth(&x.access_token);
            }
            download(channel, request, declared, max_bytes).await
        }
        Channel::Facebook | Channel::Instagram | Channel::GovernorSocial | Channel::Lapor => {
            let url = parse_url(channel, reference)?;
            download(channel, client.get(url), declared, max_bytes).await
        }
        other => Err(DeliveryError::Permanent(format!(
            "no media fetching for {}",
            other.code()
        ))),
    }
}

fn parse_url(channel: &'static str, raw: &str) -> Result<Url, DeliveryError> {
    match Url::parse(raw.trim()) {
        Ok(url) if is_http(&url) => Ok(url),
        _ => Err(DeliveryError::Permanent(format!(
            "{channel}: the media reference is not an http(s) URL"
        ))),
    }
}

/// Whether `url` is on the host of `api_base` or on one of the provider's `domains`.
fn trusted(url: &Url, api_base: &str, domains: &[&str]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let api_host = Url::parse(api_base).ok();
    api_host.as_ref().and_then(Url::host_str) == Some(host)
        || domains
            .iter()
            .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// `GET` the photo: refuse what is not an image or is larger than `max_bytes`.
async fn download(
    channel: &'static str,
    request: RequestBuilder,
    declared: Option<&str>,
    max_bytes: usize,
) -> Result<FetchedMedia, DeliveryError> {
    let mut response = http::send(channel, request, "").await?;
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

fn too_large(channel: &'static str, max_bytes: usize) -> DeliveryError {
    DeliveryError::Permanent(format!(
        "{channel}: the media is larger than {max_bytes} bytes"
    ))
}
