//! Where the outbox may fetch citizens' photos from: each channel block's `media_hosts`
//! allowlist (`"api.twilio.com"`, `"*.twimg.com"`, an IP literal), the providers' defaults
//! when it is absent, and the test-only `unsafe_local_fetch` origins (a local receiver
//! standing in for a provider, reached over plain http on 127.0.0.1).

use std::net::IpAddr;

use reqwest::Url;
use serde::Deserialize;

/// Twilio's API answers media URLs and redirects to its storage: `mms.twiliocdn.com` (media
/// behind HTTP auth) or S3 (older, public media).
pub const TWILIO_MEDIA_HOSTS: &[&str] = &[
    "api.twilio.com",
    "mms.twiliocdn.com",
    "*.twiliocdn.com",
    "s3-external-1.amazonaws.com",
];
/// The Graph API answers a media id with a `lookaside.fbsbx.com` URL; files are on Meta's CDN.
pub const WHATSAPP_MEDIA_HOSTS: &[&str] =
    &["graph.facebook.com", "lookaside.fbsbx.com", "*.fbcdn.net"];
/// Facebook and Instagram attachments: Meta's CDNs.
pub const META_MEDIA_HOSTS: &[&str] = &[
    "graph.facebook.com",
    "lookaside.fbsbx.com",
    "*.fbcdn.net",
    "*.cdninstagram.com",
];
/// X: DM media on `ton.twitter.com` (with the token), public media on `pbs`/`video.twimg.com`.
pub const X_MEDIA_HOSTS: &[&str] = &["ton.twitter.com", "pbs.twimg.com", "video.twimg.com"];

/// One allowlist entry: a host name (`pbs.twimg.com`), every subdomain of one
/// (`*.fbcdn.net`, not `fbcdn.net` itself) or an IP address (`203.0.113.5`, `[2001:db8::1]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    Exact(String),
    Subdomains(String),
    Ip(IpAddr),
}

impl HostPattern {
    /// Parses an entry; `None` when it is not a plain host (ports, paths, `*` alone,
    /// `*.com`, empty labels and non-ASCII are refused).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim().to_ascii_lowercase();
        let unbracketed = raw
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or(&raw);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Some(Self::Ip(ip));
        }
        let (wildcard, name) = match raw.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, raw.as_str()),
        };
        let labels: Vec<&str> = name.split('.').collect();
        let plain = name.len() <= 253
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !plain || (wildcard && labels.len() < 2) {
            return None;
        }
        Some(if wildcard {
            Self::Subdomains(name.to_owned())
        } else {
            Self::Exact(name.to_owned())
        })
    }

    /// Whether `url`'s host is this entry.
    pub fn matches(&self, url: &Url) -> bool {
        match (self, url.host()) {
            (Self::Ip(ip), Some(url::Host::Ipv4(v4))) => *ip == IpAddr::V4(v4),
            (Self::Ip(ip), Some(url::Host::Ipv6(v6))) => *ip == IpAddr::V6(v6),
            (Self::Exact(name), Some(url::Host::Domain(host))) => host == name,
            (Self::Subdomains(name), Some(url::Host::Domain(host))) => host
                .strip_suffix(name.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for HostPattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "media_hosts: {raw:?} is not a host name, `*.domain` or IP address"
            ))
        })
    }
}

/// Parses the providers' built-in defaults (all valid).
pub fn defaults(hosts: &[&str]) -> Vec<HostPattern> {
    hosts
        .iter()
        .filter_map(|raw| HostPattern::parse(raw))
        .collect()
}

/// A test-only origin (`http://127.0.0.1:8123`) whose fetches skip the https and
/// public-address checks; only that exact scheme, host and port, never another port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalOrigin(url::Origin);

impl LocalOrigin {
    pub fn parse(raw: &str) -> Option<Self> {
        let url = Url::parse(raw.trim()).ok()?;
        let bare = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && matches!(url.path(), "" | "/")
            && url.query().is_none()
            && url.fragment().is_none();
        bare.then(|| Self(url.origin()))
    }

    pub fn matches(&self, url: &Url) -> bool {
        self.0 == url.origin()
    }

    /// `http://127.0.0.1:8123`, for the warning at start.
    pub fn text(&self) -> String {
        self.0.ascii_serialization()
    }
}

impl<'de> Deserialize<'de> for LocalOrigin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unsafe_local_fetch: {raw:?} is not an origin such as http://127.0.0.1:8123"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> Url {
        Url::parse(raw).unwrap_or_else(|_| panic!("{raw}"))
    }

    #[test]
    fn entries_match_their_host_only() {
        let exact = HostPattern::parse("PBS.twimg.com").unwrap();
        assert!(exact.matches(&url("https://pbs.twimg.com/media/a.jpg")));
        assert!(!exact.matches(&url("https://evil.pbs.twimg.com/a.jpg")));
        assert!(!exact.matches(&url("https://pbs.twimg.com.evil.example/a.jpg")));
        let subdomains = HostPattern::parse("*.fbcdn.net").unwrap();
        assert!(subdomains.matches(&url("https://scontent.xx.fbcdn.net/v/a.jpg")));
        assert!(!subdomains.matches(&url("https://fbcdn.net/a.jpg")));
        assert!(!subdomains.matches(&url("https://evilfbcdn.net/a.jpg")));
        assert!(!subdomains.matches(&url("https://fbcdn.net.evil.example/a.jpg")));
        let v6 = HostPattern::parse("[::1]").unwrap();
        assert!(v6.matches(&url("https://[::1]:8443/a")));
        assert!(!v6.matches(&url("https://127.0.0.1/a")));
    }

    #[test]
    fn entries_that_are_not_plain_hosts_are_refused() {
        for raw in [
            "",
            "*",
            "*.com",
            "api.twilio.com:443",
            "https://api.twilio.com",
            "api.twilio.com/media",
            "a..b",
            "-a.example",
            "user@host.example",
            "bücher.example",
        ] {
            assert_eq!(HostPattern::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_local_origin_is_exact() {
        let local = LocalOrigin::parse("http://127.0.0.1:8123").unwrap();
        assert!(local.matches(&url("http://127.0.0.1:8123/media/1.jpg")));
        assert!(!local.matches(&url("http://127.0.0.1:8124/media/1.jpg")));
        assert!(!local.matches(&url("https://127.0.0.1:8123/media/1.jpg")));
        assert!(!local.matches(&url("http://localhost:8123/media/1.jpg")));
        assert_eq!(LocalOrigin::parse("http://127.0.0.1:8123/path"), None);
        assert_eq!(LocalOrigin::parse("file:///tmp"), None);
        assert_eq!(local.text(), "http://127.0.0.1:8123");
    }
}
