//! The channels reports arrive through. Codes are fixed: imports and statistics use them.
//!
//! Transport channels (the web, e-mail, SMS, WhatsApp, X, Facebook, Instagram, LAPOR!,
//! Open311) are code: each has an adapter. The named channels a city runs (its app, its
//! desks, its leaders' social accounts, partners, the press) are listed with their labels
//! in the jurisdiction pack ([`NamedChannel`]); the labels here are the fallback of a pack
//! that lists none.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Jaki,
    Web,
    Email,
    Sms,
    Whatsapp,
    Twitter,
    Facebook,
    Instagram,
    GovernorSocial,
    Lapor,
    BalaiKota,
    Inspektorat,
    Walikota,
    Kecamatan,
    Kelurahan,
    Media,
    Qlue,
    Open311,
}

impl Channel {
    pub const ALL: [Channel; 18] = [
        Self::Jaki,
        Self::Web,
        Self::Email,
        Self::Sms,
        Self::Whatsapp,
        Self::Twitter,
        Self::Facebook,
        Self::Instagram,
        Self::GovernorSocial,
        Self::Lapor,
        Self::BalaiKota,
        Self::Inspektorat,
        Self::Walikota,
        Self::Kecamatan,
        Self::Kelurahan,
        Self::Media,
        Self::Qlue,
        Self::Open311,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Jaki => "jaki",
            Self::Web => "web",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::Twitter => "twitter",
            Self::Facebook => "facebook",
            Self::Instagram => "instagram",
            Self::GovernorSocial => "governor_social",
            Self::Lapor => "lapor",
            Self::BalaiKota => "balai_kota",
            Self::Inspektorat => "inspektorat",
            Self::Walikota => "walikota",
            Self::Kecamatan => "kecamatan",
            Self::Kelurahan => "kelurahan",
            Self::Media => "media",
            Self::Qlue => "qlue",
            Self::Open311 => "open311",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == raw)
    }

    /// The name people know the channel by.
    pub fn label(self) -> &'static str {
        match self {
            Self::Jaki => "JAKI",
            Self::Web => "Situs web",
            Self::Email => "E-mail",
            Self::Sms => "SMS",
            Self::Whatsapp => "WhatsApp",
            Self::Twitter => "X/Twitter",
            Self::Facebook => "Facebook",
            Self::Instagram => "Instagram",
            Self::GovernorSocial => "Media sosial Gubernur/Wakil Gubernur",
            Self::Lapor => "LAPOR! 1708",
            Self::BalaiKota => "Pendopo Balai Kota",
            Self::Inspektorat => "Kantor Inspektorat",
            Self::Walikota => "Kantor Wali Kota",
            Self::Kecamatan => "Kantor Camat",
            Self::Kelurahan => "Kantor Lurah",
            Self::Media => "Aspirasi Publik Media Massa",
            Self::Qlue => "Qlue",
            Self::Open311 => "Open311",
        }
    }

    /// Always offered, whatever the pack lists: channels with an adapter in code that name
    /// no city.
    pub fn is_transport(self) -> bool {
        matches!(
            self,
            Self::Web
                | Self::Email
                | Self::Sms
                | Self::Whatsapp
                | Self::Twitter
                | Self::Facebook
                | Self::Instagram
                | Self::Lapor
                | Self::Open311
        )
    }

    /// Face-to-face desks, where an operator enters the report for the citizen.
    pub fn is_desk(self) -> bool {
        matches!(
            self,
            Self::BalaiKota
                | Self::Inspektorat
                | Self::Walikota
                | Self::Kecamatan
                | Self::Kelurahan
        )
    }
}

/// What a named channel is, as the pack says: an app, a desk, a partner's API...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A channel a city runs, with the names people know it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedChannel {
    pub code: Channel,
    /// Indonesian label.
    pub label: String,
    /// English label.
    pub label_en: String,
    pub kind: ChannelKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_codes_round_trip() {
        let codes: Vec<&str> = Channel::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(
            codes,
            [
                "jaki",
                "web",
                "email",
                "sms",
                "whatsapp",
                "twitter",
                "facebook",
                "instagram",
                "governor_social",
                "lapor",
                "balai_kota",
                "inspektorat",
                "walikota",
                "kecamatan",
                "kelurahan",
                "media",
                "qlue",
                "open311"
            ]
        );
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.code())
            );
        }
    }
}
