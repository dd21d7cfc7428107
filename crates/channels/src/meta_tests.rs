//! Tests of the Facebook Page and Instagram webhooks on provider-shaped payloads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::inbound::GeoPoint;
use crate::signature::sign_sha256;
use proptest::prelude::*;

const MESSENGER: &[u8] = include_bytes!("../tests/fixtures/facebook_messenger.json");
const FEED: &[u8] = include_bytes!("../tests/fixtures/facebook_feed.json");
const INSTAGRAM: &[u8] = include_bytes!("../tests/fixtures/instagram.json");

const PAGE: &str = "104812345678901";
const GOVERNOR_PAGE: &str = "100064598765432";
const IG_ACCOUNT: &str = "17841400123456789";

fn governor_social() -> Channel {
    Channel::parse("governor_social").unwrap()
}

/// Read `body` with `ids` as the Governor's accounts, filed as `channel`.
fn to_governor_as(body: &[u8], ids: &[&str], channel: Channel) -> Vec<InboundMessage> {
    let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    parse_webhook(body, Some(GovernorAccounts { ids: &ids, channel })).unwrap()
}

fn to_governor(body: &[u8], ids: &[&str]) -> Vec<InboundMessage> {
    to_governor_as(body, ids, governor_social())
}

#[test]
fn the_subscription_handshake() {
    let ok = |mode, token, challenge| verify_subscription(mode, token, challenge, "verif-aduan");
    assert_eq!(
        ok(Some("subscribe"), Some("verif-aduan"), Some("1158201444")),
        Some("1158201444".to_owned())
    );
    assert_eq!(
        ok(Some("subscribe"), Some("verif-aduanX"), Some("1158201444")),
        None
    );
    assert_eq!(ok(Some("subscribe"), Some(""), Some("1158201444")), None);
    assert_eq!(ok(Some("subscribe"), None, Some("1158201444")), None);
    assert_eq!(
        ok(Some("unsubscribe"), Some("verif-aduan"), Some("1")),
        None
    );
    assert_eq!(ok(None, Some("verif-aduan"), Some("1")), None);
    assert_eq!(ok(Some("subscribe"), Some("verif-aduan"), None), None);
    assert_eq!(ok(Some("subscribe"), Some("verif-aduan"), Some("")), None);
    assert_eq!(
        ok(
            Some("subscribe"),
            Some("verif-aduan"),
            Some("<script>alert(1)</script>")
        ),
        None
    );
    // An unset verify token never matches, not even an empty one.
    assert_eq!(
        verify_subscription(Some("subscribe"), Some(""), Some("1"), ""),
        None
    );
}

#[test]
fn signatures() {
    for body in [MESSENGER, FEED, INSTAGRAM] {
        let signature = sign_sha256(b"meta-app-secret", body);
        assert!(verify_signature("meta-app-secret", body, &signature));
        assert!(!verify_signature("another-secret", body, &signature));
        assert!(!verify_signature("meta-app-secret", body, ""));
        assert!(!verify_signature("meta-app-secret", &body[1..], &signature));
        // The legacy SHA-1 header is not accepted in its place.
        assert!(!verify_signature(
            "meta-app-secret",
            body,
            &signature.replace("sha256=", "sha1=")
        ));
    }
}

#[test]
fn messenger_messages() {
    let messages = to_governor(MESSENGER, &[GOVERNOR_PAGE]);
    // Text, image, location; the sticker, the echo, the delivery and the read are skipped;
    // then the Governor's page.
    assert_eq!(messages.len(), 4, "{messages:?}");

    let text = &messages[0];
    assert_eq!(text.channel, Channel::Facebook);
    assert!(text.message_id.starts_with("m_Jb2WZ6"));
    assert!(
        text.text
            .starts_with("Selamat siang. Lampu penerangan jalan")
    );
    assert_eq!(text.sender.handle.as_deref(), Some("7312456789012345"));
    assert_eq!(text.sender.name, None);
    assert_eq!(
        text.reply,
        ReplyRoute {
            channel: Channel::Facebook,
            address: "7312456789012345".into(),
            in_reply_to: None,
            public: false,
        }
    );

    let image = &messages[1];
    assert_eq!(image.text, "");
    assert_eq!(image.media.len(), 1);
    assert!(
        image.media[0]
            .reference
            .starts_with("https://scontent.xx.fbcdn.net/")
    );
    assert_eq!(image.media[0].channel, Channel::Facebook);

    let place = &messages[2];
    assert_eq!(
        place.location,
        Some(GeoPoint {
            lat: -6.1944491,
            lon: 106.8412722
        })
    );

    let to_governor = &messages[3];
    assert_eq!(to_governor.channel, governor_social());
    assert_eq!(to_governor.reply.channel, governor_social());
    assert!(to_governor.text.contains("Kampung Melayu"));

    // Without the Governor's page configured, it is just Facebook.
    let messages = parse_webhook(MESSENGER, None).unwrap();
    assert_eq!(messages[3].channel, Channel::Facebook);
}

#[test]
fn feed_posts_and_comments() {
    let messages = parse_webhook(FEED, None).unwrap();
    // A comment, a status and a photo by visitors; the edit, the removal, the page's own
    // reply and the reaction are skipped.
    assert_eq!(messages.len(), 3, "{messages:?}");

    let comment = &messages[0];
    assert_eq!(comment.channel, Channel::Facebook);
    assert_eq!(comment.message_id, "987654321012345_1122334455667788");
    assert!(
        comment
            .text
            .starts_with("Trotoar di Jl. Sabang rusak parah")
    );
    assert_eq!(comment.sender.name.as_deref(), Some("Yusuf Hidayat"));
    assert_eq!(comment.sender.handle.as_deref(), Some("5123987654321098"));
    assert_eq!(
        comment.reply,
        ReplyRoute {
            channel: Channel::Facebook,
            address: "5123987654321098".into(),
            in_reply_to: Some("987654321012345_1122334455667788".into()),
            public: true,
        }
    );

    let status = &messages[1];
    assert_eq!(status.message_id, "104812345678901_876543210987654");
    assert_eq!(
        status.text,
        "Pohon tumbang di Kelurahan Menteng, menutup jalan sejak pagi."
    );
    assert_eq!(
        status.reply.in_reply_to.as_deref(),
        Some("104812345678901_876543210987654")
    );
    assert!(status.reply.public);

    let photo = &messages[2];
    assert_eq!(photo.text, "");
    assert_eq!(
        photo.media[0].reference,
        "https://scontent.xx.fbcdn.net/v/t39.30808-6/482100011_n.jpg"
    );

    let governor = to_governor(FEED, &[PAGE]);
    assert!(governor.iter().all(|m| m.channel == governor_social()));
}

/// Another city's leader: the channel is whatever its pack names, with no code for it.
#[test]
fn the_governors_accounts_file_as_the_citys_meta_channel() {
    let mayor = Channel::parse("medsos_wali_kota").unwrap();
    let messages = to_governor_as(FEED, &[PAGE], mayor);
    assert!(!messages.is_empty());
    assert!(messages.iter().all(|m| m.channel == mayor));
    assert!(messages.iter().all(|m| m.reply.channel == mayor));
    assert!(
        messages
            .iter()
            .flat_map(|m| &m.media)
            .all(|media| media.channel == mayor)
    );

    // Resolved from the pack: its first channel of kind meta, and none without accounts.
    let mut data: aduan_domain::JurisdictionData =
        serde_json::from_str(include_str!("../../../packs/jakarta.json")).unwrap();
    let config = |ids: &[&str]| MetaConfig {
        api_base: "https://graph.facebook.com/v21.0".into(),
        page_access_token: "token".into(),
        app_secret: "secret".into(),
        verify_token: "verify".into(),
        governor_account_ids: ids.iter().map(|id| (*id).to_owned()).collect(),
        media_hosts: None,
    };
    let with_accounts = config(&[GOVERNOR_PAGE]);
    let jakarta = Jurisdiction::new(data.clone()).unwrap();
    let resolved = GovernorAccounts::of(&with_accounts, &jakarta)
        .unwrap()
        .unwrap();
    assert_eq!(resolved.channel, governor_social());
    assert_eq!(resolved.ids, [GOVERNOR_PAGE.to_owned()]);
    assert_eq!(GovernorAccounts::of(&config(&[]), &jakarta), Ok(None));

    // A pack without such a channel cannot take the Governor's accounts.
    data.settings
        .channels
        .retain(|c| c.code.is_transport() || c.kind != aduan_domain::ChannelKind::Meta);
    let elsewhere = Jurisdiction::new(data).unwrap();
    assert_eq!(
        GovernorAccounts::of(&with_accounts, &elsewhere),
        Err(NoGovernorChannel)
    );
    assert_eq!(GovernorAccounts::of(&config(&[]), &elsewhere), Ok(None));
}

#[test]
fn instagram_comments_and_messages() {
    let messages = parse_webhook(INSTAGRAM, None).unwrap();
    // A comment, a DM and a photo DM; the account's own reply, the mention, the echo and
    // the read are skipped.
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages.iter().all(|m| m.channel == Channel::Instagram));

    let comment = &messages[0];
    assert_eq!(comment.message_id, "17865432109876543");
    assert!(
        comment
            .text
            .contains("Sampah menumpuk sudah 3 hari di Kec. Tebet")
    );
    assert_eq!(comment.sender.handle.as_deref(), Some("@warga.tebet"));
    assert_eq!(
        comment.reply,
        ReplyRoute {
            channel: Channel::Instagram,
            address: "17841455512345678".into(),
            in_reply_to: Some("17865432109876543".into()),
            public: true,
        }
    );

    let dm = &messages[1];
    assert!(dm.text.starts_with("Halo admin, saluran air"));
    assert_eq!(dm.reply.address, "6543210987654321");
    assert!(!dm.reply.public);
    assert_eq!(messages[2].media.len(), 1);

    let governor = to_governor(INSTAGRAM, &[IG_ACCOUNT]);
    assert!(governor.iter().all(|m| m.channel == governor_social()));
}

#[test]
fn an_instagram_comment_without_a_username() {
    let body = br#"{"object":"instagram","entry":[{"id":"1","changes":[{"field":"comments",
        "value":{"id":"c1","text":"Banjir","from":{"id":"u1"},"media":{"id":"m1"}}}]}]}"#;
    let messages = parse_webhook(body, None).unwrap();
    assert_eq!(messages[0].sender.handle.as_deref(), Some("u1"));
}

#[test]
fn a_feed_item_without_its_author_is_skipped() {
    let body = br#"{"object":"page","entry":[{"id":"1","changes":[{"field":"feed",
        "value":{"item":"comment","verb":"add","comment_id":"c1","post_id":"p1","message":"x"}}]}]}"#;
    assert_eq!(parse_webhook(body, None).unwrap(), vec![]);
}

#[test]
fn what_is_not_a_meta_webhook_is_malformed() {
    for body in [
        &b""[..],
        b"<xml/>",
        b"{}",
        br#"{"object":"whatsapp_business_account","entry":[]}"#,
        br#"{"object":"user","entry":[]}"#,
        br#"{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"message":{"text":"no mid"}}]}]}"#,
    ] {
        assert!(
            matches!(parse_webhook(body, None), Err(InboundError::Malformed(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn errors_never_quote_the_payload() {
    let body = br#"{"object":"page","entry":[{"id":"1","changes":[{"field":"feed",
        "value":{"item":"comment","verb":"add","comment_id":"c1","message":"x",
                 "from":{"id":"5123987654321098","name":["Yusuf Hidayat"]}}}]}]}"#;
    let Err(InboundError::Malformed(why)) = parse_webhook(body, None) else {
        panic!("a list as a name is not Meta's shape");
    };
    assert!(!why.contains("Yusuf"), "{why}");
}

#[test]
fn truncated_payloads_are_malformed_not_panics() {
    for body in [MESSENGER, FEED, INSTAGRAM] {
        let end = body.trim_ascii_end().len();
        for n in 0..end {
            assert!(
                matches!(
                    parse_webhook(&body[..n], None),
                    Err(InboundError::Malformed(_))
                ),
                "prefix {n}"
            );
        }
        assert!(parse_webhook(&body[..end], None).is_ok());
    }
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&body, None);
    }

    #[test]
    fn arbitrary_events_never_panic(
        object in prop_oneof![Just("page".to_owned()), Just("instagram".to_owned())],
        field in prop_oneof![Just("feed".to_owned()), Just("comments".to_owned()), Just("mentions".to_owned())],
        item in prop_oneof![Just("comment".to_owned()), Just("post".to_owned()), Just("status".to_owned()), "[a-z]{0,6}"],
        text in "\\PC{0,40}",
        lat in any::<f64>(),
    ) {
        let payload = serde_json::json!({
            "object": object,
            "entry": [{
                "id": "1",
                "messaging": [{"sender": {"id": "2"}, "message": {"mid": "m", "text": text,
                    "attachments": [{"type": "location", "payload": {"coordinates": {"lat": lat, "long": 1.0}}}]}}],
                "changes": [{"field": field, "value": {
                    "item": item, "verb": "add", "post_id": "p", "comment_id": "c", "id": "c",
                    "message": text, "text": text, "from": {"id": "3", "username": text},
                }}],
            }],
        });
        let _ = parse_webhook(payload.to_string().as_bytes(), None);
    }
}
