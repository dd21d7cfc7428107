//! The channels reports arrive through. Codes never change: imports, statistics and stored
//! reports use them.
//!
//! Transport channels (the web, e-mail, SMS, WhatsApp, X, Facebook, Instagram, LAPOR!,
//! Open311) are code: each has an adapter, a kind and names in code, and every city takes
//! them. The named channels a city runs (its app, its desks, its leaders' social accounts,
//! partners, the press) are data: the jurisdiction pack lists each with its code, its labels
//! and its kind ([`NamedChannel`]), and [`Channel::Named`] carries the code. What a channel
//! allows (who files through it, whether it is a desk, which provider answers on it) follows
//! its [`ChannelKind`], so a city adds a channel by editing its pack alone.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest code a named channel may have.
pub const MAX_CHANNEL_CODE: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Web,
    Email,
    Sms,
    Whatsapp,
    Twitter,
    Facebook,
    Instagram,
    Lapor,
    Open311,
    /// A channel a city's pack names: its app, a desk, a social account, a partner...
    Named(ChannelCode),
}

impl Channel {
    /// The transport channels, in code order.
    pub const TRANSPORT: [Channel; 9] = [
        Self::Web,
        Self::Email,
        Self::Sms,
        Self::Whatsapp,
        Self::Twitter,
        Self::Facebook,
        Self::Instagram,
        Self::Lapor,
        Self::Open311,
    ];

    pub fn code(&self) -> &str {
        match self {
            Self::Web => "web",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::Twitter => "twitter",
            Self::Facebook => "facebook",
            Self::Instagram => "instagram",
            Self::Lapor => "lapor",
            Self::Open311 => "open311",
            Self::Named(code) => code.as_str(),
        }
    }

    /// A transport channel by its code, else a named channel with any valid code (whether a
    /// city runs it is the jurisdiction's to say: a stored report keeps reading after its
    /// city stops listing the channel).
    pub fn parse(raw: &str) -> Option<Self> {
        Self::transport(raw).or_else(|| ChannelCode::parse(raw).ok().map(Self::Named))
    }

    fn transport(raw: &str) -> Option<Self> {
        Self::TRANSPORT.into_iter().find(|c| c.code() == raw)
    }

    /// Always offered, whatever the pack lists: the channels with an adapter in code that
    /// name no city.
    pub fn is_transport(self) -> bool {
        !matches!(self, Self::Named(_))
    }

    /// What a transport channel is; a named channel's kind is its city's to say.
    pub fn transport_kind(self) -> Option<ChannelKind> {
        Some(match self {
            Self::Web => ChannelKind::Web,
            Self::Email => ChannelKind::Email,
            Self::Sms => ChannelKind::Sms,
            Self::Whatsapp => ChannelKind::Whatsapp,
            Self::Twitter => ChannelKind::X,
            Self::Facebook | Self::Instagram => ChannelKind::Meta,
            Self::Lapor | Self::Open311 => ChannelKind::PartnerApi,
            Self::Named(_) => return None,
        })
    }

    /// The name people know a transport channel by, in Indonesian; a named channel's code
    /// (its names are its city's, see [`crate::Jurisdiction::channel_label`]).
    pub fn label(&self) -> &str {
        match self {
            Self::Web => "Situs web",
            Self::Email => "E-mail",
            Self::Sms => "SMS",
            Self::Whatsapp => "WhatsApp",
            Self::Twitter => "X/Twitter",
            Self::Facebook => "Facebook",
            Self::Instagram => "Instagram",
            Self::Lapor => "LAPOR! 1708",
            Self::Open311 => "Open311",
            Self::Named(code) => code.as_str(),
        }
    }

    /// [`Channel::label`] in English.
    pub fn label_en(&self) -> &str {
        match self {
            Self::Web => "Website",
            other => other.label(),
        }
    }
}

/// Channels sort by their codes, the order the statistics use.
impl Ord for Channel {
    fn cmp(&self, other: &Self) -> Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Channel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A channel is its code, in JSON as in the store.
impl Serialize for Channel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::transport(&raw)
            .map_or_else(|| ChannelCode::parse(&raw).map(Self::Named), Ok)
            .map_err(serde::de::Error::custom)
    }
}

/// The code of a named channel: 1 to [`MAX_CHANNEL_CODE`] characters of `a-z`, `0-9` and
/// `_`, starting with a letter, and no transport channel's. Held inline so that
/// [`Channel`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelCode {
    /// The code's bytes, then zeros.
    bytes: [u8; MAX_CHANNEL_CODE],
    len: u8,
}

/// Why a text is not a named channel's code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelCodeError {
    #[error(
        "channel code {0:?} is not 1-{MAX_CHANNEL_CODE} characters of a-z, 0-9 and '_' \
         starting with a letter"
    )]
    Malformed(String),
    #[error("channel code {0:?} is a transport channel's: it is no city's to name")]
    Transport(String),
}

impl ChannelCode {
    pub fn parse(raw: &str) -> Result<Self, ChannelCodeError> {
        let well_formed = raw.len() <= MAX_CHANNEL_CODE
            && raw.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(ChannelCodeError::Malformed(
                raw.chars().take(MAX_CHANNEL_CODE + 8).collect(),
            ));
        }
        if Channel::transport(raw).is_some() {
            return Err(ChannelCodeError::Transport(raw.to_owned()));
        }
        let mut bytes = [0; MAX_CHANNEL_CODE];
        bytes[..raw.len()].copy_from_slice(raw.as_bytes());
        Ok(Self {
            bytes,
            len: u8::try_from(raw.len()).unwrap_or(0),
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for ChannelCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// What a channel is: an app, a desk, a partner's API... A transport channel's kind is in
/// code ([`Channel::transport_kind`]); a named channel's, in its city's pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    App,
    Web,
    Email,
    Sms,
    Whatsapp,
    X,
    Meta,
    PartnerApi,
    Desk,
    Press,
}

impl ChannelKind {
    /// The kind as a pack writes it.
    pub fn code(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Web => "web",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::X => "x",
            Self::Meta => "meta",
            Self::PartnerApi => "partner_api",
            Self::Desk => "desk",
            Self::Press => "press",
        }
    }
}

/// A channel a city runs, with the names people know it by and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedChannel {
    pub code: Channel,
    /// Indonesian label.
    pub label: String,
    /// English label.
    pub label_en: String,
    pub kind: ChannelKind,
}

impl NamedChannel {
    /// A transport channel with its names in code; `None` for a named channel.
    pub fn transport(code: Channel) -> Option<Self> {
        Some(Self {
            kind: code.transport_kind()?,
            label: code.label().to_owned(),
            label_en: code.label_en().to_owned(),
            code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_codes_round_trip() {
        let codes: Vec<&str> = Channel::TRANSPORT.iter().map(|c| c.code()).collect();
        assert_eq!(
            codes,
            [
                "web",
                "email",
                "sms",
                "whatsapp",
                "twitter",
                "facebook",
                "instagram",
                "lapor",
                "open311"
            ]
        );
        let named = [
            "jaki",
            "governor_social",
            "balai_kota",
            "inspektorat",
            "walikota",
            "kecamatan",
            "kelurahan",
            "media",
            "qlue",
        ]
        .map(|code| Channel::parse(code).unwrap());
        for c in Channel::TRANSPORT.into_iter().chain(named) {
            assert_eq!(Channel::parse(c.code()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.code())
            );
            let back: Channel = serde_json::from_str(&format!("\"{}\"", c.code())).unwrap();
            assert_eq!(back, c);
        }
        assert!(named.iter().all(|c| !c.is_transport()));
        assert!(Channel::TRANSPORT.iter().all(|c| c.is_transport()));
    }

    #[test]
    fn any_well_formed_code_names_a_channel_and_nothing_else_does() {
        let fresh = Channel::parse("lapor_warga").unwrap();
        assert_eq!(fresh.code(), "lapor_warga");
        assert_eq!(fresh.label(), "lapor_warga");
        assert_eq!(fresh.transport_kind(), None);
        let longest = "a".repeat(MAX_CHANNEL_CODE);
        assert_eq!(Channel::parse(&longest).unwrap().code(), longest);
        for bad in [
            "",
            "Jaki",
            "lapor-warga",
            "1708",
            "_x",
            "lapor warga",
            "kanal\u{e9}",
            &"a".repeat(MAX_CHANNEL_CODE + 1),
        ] {
            assert_eq!(Channel::parse(bad), None, "{bad:?}");
            assert!(serde_json::from_str::<Channel>(&format!("{bad:?}")).is_err());
        }
        // A transport's code is never a named channel's.
        assert_eq!(Channel::parse("sms"), Some(Channel::Sms));
        assert!(matches!(
            ChannelCode::parse("sms"),
            Err(ChannelCodeError::Transport(_))
        ));
    }

    #[test]
    fn channels_sort_by_code_and_print_as_it() {
        let mut channels = ["twitter", "jaki", "sms", "balai_kota"]
            .map(|code| Channel::parse(code).unwrap())
            .to_vec();
        channels.sort();
        let codes: Vec<String> = channels.iter().map(ToString::to_string).collect();
        assert_eq!(codes, ["balai_kota", "jaki", "sms", "twitter"]);
        assert_eq!(
            format!("{:?}", Channel::parse("jaki").unwrap()),
            "Named(\"jaki\")"
        );
    }
}
