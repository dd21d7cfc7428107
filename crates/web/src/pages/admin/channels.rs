//! `/admin/kanal`: the channels this city takes (its pack's, then the transport channels it
//! leaves out), with their names in both languages; for each messaging and social channel
//! whether it is configured (to receive reports, to answer reporters) and the webhook URL to
//! give its provider. No secret or token is ever shown: only whether one is set.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use aduan_domain::{Channel, ChannelKind, Jurisdiction, NamedChannel};

use crate::inbound;
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, LangQuery, Texts, render};
use crate::state::{AppState, WebConfig};

use super::texts::channel_label;
use super::{AdminTexts, admin_only, admin_texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    App,
    Messaging,
    Social,
    Desk,
    Partner,
}

fn kind(channel: &NamedChannel) -> Kind {
    match channel.kind {
        ChannelKind::App | ChannelKind::Web => Kind::App,
        ChannelKind::Email | ChannelKind::Sms | ChannelKind::Whatsapp => Kind::Messaging,
        ChannelKind::X | ChannelKind::Meta => Kind::Social,
        ChannelKind::Desk => Kind::Desk,
        ChannelKind::PartnerApi | ChannelKind::Press => Kind::Partner,
    }
}

/// A channel's webhook (its route in `crate::inbound`) and what of it is configured.
#[derive(Debug, PartialEq, Eq)]
struct Hook {
    path: &'static str,
    receives: bool,
    answers: bool,
}

fn hook(channel: &NamedChannel, config: &WebConfig) -> Option<Hook> {
    let c = &config.channels;
    let (path, receives, answers) = match channel.code {
        Channel::Email => (
            inbound::EMAIL_PATH,
            config.email_webhook_secret.is_some(),
            c.smtp.is_some(),
        ),
        // The gateway signs the public URL it calls, so that must be known too.
        Channel::Sms => (
            inbound::SMS_PATH,
            c.twilio.is_some() && c.public_base_url.is_some(),
            c.twilio.is_some(),
        ),
        Channel::Whatsapp => (
            inbound::WHATSAPP_PATH,
            c.whatsapp.is_some(),
            c.whatsapp.is_some(),
        ),
        Channel::Twitter => (inbound::X_PATH, c.x.is_some(), c.x.is_some()),
        // The city's own meta channel: what arrives on its accounts (see
        // `governor_account_ids`) comes through the Meta webhook.
        Channel::Facebook | Channel::Instagram => {
            (inbound::META_PATH, c.meta.is_some(), c.meta.is_some())
        }
        Channel::Named(_) if channel.kind == ChannelKind::Meta => {
            (inbound::META_PATH, c.meta.is_some(), c.meta.is_some())
        }
        Channel::Lapor => (inbound::LAPOR_PATH, c.lapor.is_some(), c.lapor.is_some()),
        _ => return None,
    };
    Some(Hook {
        path,
        receives,
        answers,
    })
}

struct Row {
    code: String,
    name: String,
    kind: &'static str,
    /// The URL to give the provider, with its status.
    hook: Option<(String, bool, bool)>,
    /// Reports arrive through API keys (Open311).
    via_keys: bool,
}

#[derive(Template)]
#[template(path = "admin_channels.html")]
struct ChannelsPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    base_missing: bool,
    rows: Vec<Row>,
}

fn kind_label(a: &AdminTexts, kind: Kind) -> &'static str {
    match kind {
        Kind::App => a.kind_app,
        Kind::Messaging => a.kind_messaging,
        Kind::Social => a.kind_social,
        Kind::Desk => a.kind_desk,
        Kind::Partner => a.kind_partner,
    }
}

/// The channels this city takes.
fn rows(config: &WebConfig, j: &Jurisdiction, a: &'static AdminTexts, lang: Lang) -> Vec<Row> {
    let base = config
        .channels
        .public_base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/'))
        .unwrap_or_default();
    j.channels()
        .iter()
        .map(|c| Row {
            code: c.code.to_string(),
            name: channel_label(j, c.code, lang),
            kind: kind_label(a, kind(c)),
            hook: hook(c, config).map(|h| (format!("{base}{}", h.path), h.receives, h.answers)),
            via_keys: c.code == Channel::Open311,
        })
        .collect()
}

pub async fn channels(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, "/admin/kanal", &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    render(&ChannelsPage {
        t,
        a,
        chrome,
        base_missing: state.config.channels.public_base_url.is_none(),
        rows: rows(&state.config, &state.catalog().jurisdiction, a, q.lang),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_channels::ChannelsConfig;
    use aduan_domain::JurisdictionData;

    fn jakarta() -> Jurisdiction {
        let data: JurisdictionData =
            serde_json::from_str(include_str!("../../../../../packs/jakarta.json")).unwrap();
        Jurisdiction::new(data).unwrap()
    }

    #[test]
    fn every_messaging_and_social_channel_has_a_webhook() {
        let config = WebConfig::default();
        let channels = jakarta().channels();
        assert_eq!(channels.len(), 18);
        for c in &channels {
            let has_hook = hook(c, &config).is_some();
            let messaging = matches!(kind(c), Kind::Messaging | Kind::Social);
            assert_eq!(has_hook, messaging || c.code == Channel::Lapor, "{c:?}");
        }
        // Nothing is configured by default.
        assert!(
            channels
                .iter()
                .filter_map(|c| hook(c, &config))
                .all(|h| !h.receives && !h.answers)
        );
    }

    #[test]
    fn a_configured_channel_reads_as_configured_and_urls_start_at_the_public_base() {
        let raw = r#"{"public_base_url": "https://aduan.example/",
            "whatsapp": {"phone_number_id": "1", "access_token": "rahasia-wa",
                         "app_secret": "rahasia-app", "verify_token": "rahasia-v"}}"#;
        let config = WebConfig {
            channels: ChannelsConfig::from_json(raw).ok().unwrap_or_default(),
            ..WebConfig::default()
        };
        let jakarta = jakarta();
        let of = |code: &str| jakarta.channel(Channel::parse(code).unwrap()).unwrap();
        assert_eq!(
            hook(&of("whatsapp"), &config),
            Some(Hook {
                path: "/channels/whatsapp/webhook",
                receives: true,
                answers: true
            })
        );
        assert_eq!(hook(&of("sms"), &config).map(|h| h.receives), Some(false));
        let rows = rows(&config, &jakarta, &super::super::texts::ADMIN_EN, Lang::En);
        let whatsapp = rows.iter().find(|r| r.code == "whatsapp");
        assert_eq!(
            whatsapp.and_then(|r| r.hook.as_ref()).map(|h| h.0.as_str()),
            Some("https://aduan.example/channels/whatsapp/webhook")
        );
        assert_eq!(rows.len(), 18);
    }

    /// The channels and their names in both languages as they were code before the pack
    /// named them.
    const CHANNELS_AS_THE_CODE_NAMED_THEM: [(&str, &str, &str); 18] = [
        ("jaki", "JAKI", "JAKI"),
        ("web", "Situs web", "Website"),
        ("email", "E-mail", "E-mail"),
        ("sms", "SMS", "SMS"),
        ("whatsapp", "WhatsApp", "WhatsApp"),
        ("twitter", "X/Twitter", "X/Twitter"),
        ("facebook", "Facebook", "Facebook"),
        ("instagram", "Instagram", "Instagram"),
        (
            "governor_social",
            "Media sosial Gubernur/Wakil Gubernur",
            "Governor's and Vice-Governor's social media",
        ),
        ("lapor", "LAPOR! 1708", "LAPOR! 1708"),
        (
            "balai_kota",
            "Pendopo Balai Kota",
            "City Hall desk (Pendopo Balai Kota)",
        ),
        ("inspektorat", "Kantor Inspektorat", "Inspectorate office"),
        ("walikota", "Kantor Wali Kota", "Mayor's office (Wali Kota)"),
        ("kecamatan", "Kantor Camat", "District office (Camat)"),
        ("kelurahan", "Kantor Lurah", "Sub-district office (Lurah)"),
        (
            "media",
            "Aspirasi Publik Media Massa",
            "Public aspirations in the mass media",
        ),
        ("qlue", "Qlue", "Qlue"),
        ("open311", "Open311", "Open311"),
    ];

    #[test]
    fn the_jakarta_pack_names_the_channels_as_the_code_did() {
        let j = jakarta();
        for (code, id, en) in CHANNELS_AS_THE_CODE_NAMED_THEM {
            let c = Channel::parse(code).unwrap();
            assert_eq!(channel_label(&j, c, Lang::Id), id, "{c:?}");
            assert_eq!(channel_label(&j, c, Lang::En), en, "{c:?}");
        }
        let rows = rows(
            &WebConfig::default(),
            &j,
            &super::super::texts::ADMIN_EN,
            Lang::En,
        );
        let listed: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str()))
            .collect();
        let before: Vec<(&str, &str)> = CHANNELS_AS_THE_CODE_NAMED_THEM
            .iter()
            .map(|(code, _, en)| (*code, *en))
            .collect();
        assert_eq!(listed, before, "in the order the code listed them");
    }

    /// A channel the code does not know: listed from the pack, its kind deciding its group
    /// and its webhook.
    #[test]
    fn a_channel_only_the_pack_names_is_listed_with_its_kind() {
        let mut data: JurisdictionData =
            serde_json::from_str(include_str!("../../../../../packs/bogor.json")).unwrap();
        data.settings.channels.push(
            serde_json::from_value(serde_json::json!({
                "code": "medsos_wali_kota", "label": "Media sosial Wali Kota",
                "label_en": "The Mayor's social media", "kind": "meta"
            }))
            .unwrap(),
        );
        let j = Jurisdiction::new(data).unwrap();
        let rows = rows(
            &WebConfig::default(),
            &j,
            &super::super::texts::ADMIN_EN,
            Lang::En,
        );
        let mayor = rows.iter().find(|r| r.code == "medsos_wali_kota").unwrap();
        assert_eq!(mayor.name, "The Mayor's social media");
        assert_eq!(mayor.kind, super::super::texts::ADMIN_EN.kind_social);
        assert_eq!(
            mayor.hook.as_ref().map(|h| h.0.as_str()),
            Some("/channels/meta/webhook")
        );
        assert!(rows.iter().all(|r| r.code != "governor_social"));
    }
}
