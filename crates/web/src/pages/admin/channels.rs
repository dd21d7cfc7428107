//! `/admin/kanal`: the channels the platform knows, with their names in both languages; for
//! each messaging and social channel whether it is configured (to receive reports, to answer
//! reporters) and the webhook URL to give its provider. No secret or token is ever shown:
//! only whether one is set.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use aduan_domain::{Channel, Jurisdiction};

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

fn kind(channel: Channel) -> Kind {
    use Channel::*;
    match channel {
        Jaki | Web => Kind::App,
        Email | Sms | Whatsapp => Kind::Messaging,
        Twitter | Facebook | Instagram | GovernorSocial => Kind::Social,
        BalaiKota | Inspektorat | Walikota | Kecamatan | Kelurahan => Kind::Desk,
        Lapor | Media | Qlue | Open311 => Kind::Partner,
    }
}

/// A channel's webhook (its route in `crate::inbound`) and what of it is configured.
#[derive(Debug, PartialEq, Eq)]
struct Hook {
    path: &'static str,
    receives: bool,
    answers: bool,
}

fn hook(channel: Channel, config: &WebConfig) -> Option<Hook> {
    let c = &config.channels;
    let (path, receives, answers) = match channel {
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
        Channel::Facebook | Channel::Instagram | Channel::GovernorSocial => {
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
    code: &'static str,
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
    Channel::ALL
        .into_iter()
        .filter(|c| j.channel(*c).is_some())
        .map(|c| Row {
            code: c.code(),
            name: channel_label(j, c, lang),
            kind: kind_label(a, kind(c)),
            hook: hook(c, config).map(|h| (format!("{base}{}", h.path), h.receives, h.answers)),
            via_keys: c == Channel::Open311,
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

    #[test]
    fn every_messaging_and_social_channel_has_a_webhook() {
        let config = WebConfig::default();
        for c in Channel::ALL {
            let has_hook = hook(c, &config).is_some();
            let messaging = matches!(kind(c), Kind::Messaging | Kind::Social);
            assert_eq!(has_hook, messaging || c == Channel::Lapor, "{c:?}");
        }
        // Nothing is configured by default.
        assert!(
            Channel::ALL
                .into_iter()
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
        assert_eq!(
            hook(Channel::Whatsapp, &config),
            Some(Hook {
                path: "/channels/whatsapp/webhook",
                receives: true,
                answers: true
            })
        );
        assert_eq!(hook(Channel::Sms, &config).map(|h| h.receives), Some(false));
        let jakarta: JurisdictionData =
            serde_json::from_str(include_str!("../../../../../packs/jakarta.json")).unwrap();
        let jakarta = Jurisdiction::new(jakarta).unwrap();
        let rows = rows(&config, &jakarta, &super::super::texts::ADMIN_EN, Lang::En);
        let whatsapp = rows.iter().find(|r| r.code == "whatsapp");
        assert_eq!(
            whatsapp.and_then(|r| r.hook.as_ref()).map(|h| h.0.as_str()),
            Some("https://aduan.example/channels/whatsapp/webhook")
        );
        assert_eq!(rows.len(), 18);
    }

    #[test]
    fn the_jakarta_pack_names_the_channels_as_the_code_did() {
        let data: JurisdictionData =
            serde_json::from_str(include_str!("../../../../../packs/jakarta.json")).unwrap();
        let j = Jurisdiction::new(data).unwrap();
        for c in Channel::ALL {
            assert_eq!(channel_label(&j, c, Lang::Id), c.label(), "{c:?}");
            assert_eq!(
                channel_label(&j, c, Lang::En),
                super::super::texts::en_channel_label(c),
                "{c:?}"
            );
        }
    }
}
