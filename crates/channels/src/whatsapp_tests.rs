//! Tests of the WhatsApp Cloud API webhook on a provider-shaped payload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::inbound::GeoPoint;
use crate::signature::sign_sha256;
use proptest::prelude::*;

const WEBHOOK: &[u8] = include_bytes!("../tests/fixtures/whatsapp_webhook.json");

#[test]
fn the_handshake_and_the_signature_are_metas() {
    assert_eq!(
        verify_subscription(
            Some("subscribe"),
            Some("token-aduan"),
            Some("1158201444"),
            "token-aduan"
        ),
        Some("1158201444".to_owned())
    );
    assert_eq!(
        verify_subscription(Some("subscribe"), Some("lain"), Some("1"), "token-aduan"),
        None
    );

    let signature = sign_sha256(b"app-secret", WEBHOOK);
    assert!(verify_signature("app-secret", WEBHOOK, &signature));
    assert!(!verify_signature("other-secret", WEBHOOK, &signature));
    assert!(!verify_signature("app-secret", WEBHOOK, ""));
    let mut tampered = WEBHOOK.to_vec();
    tampered[40] ^= 1;
    assert!(!verify_signature("app-secret", &tampered, &signature));
}

#[test]
fn messages_are_read_and_the_rest_skipped() {
    let messages = parse_webhook(WEBHOOK).unwrap();
    // text, image, location, document; the reaction, the sticker, the blank text and the
    // delivery status file nothing.
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(messages.iter().all(|m| m.channel == Channel::Whatsapp));

    let text = &messages[0];
    assert_eq!(
        text.message_id,
        "wamid.HBgNNjI4MTI5ODc2NTQzMhUCABIYFjNFQjBBMUQ2QjQ2RDFGQkQ1QkE1AA=="
    );
    assert_eq!(
        text.text,
        "Sampah menumpuk sudah 3 hari di Kec. Tebet, dekat pasar. Baunya sampai ke rumah warga."
    );
    assert_eq!(text.sender.name.as_deref(), Some("Dewi Lestari"));
    assert_eq!(text.sender.phone.as_deref(), Some("+6281298765432"));
    assert_eq!(
        text.reply,
        ReplyRoute {
            channel: Channel::Whatsapp,
            address: "+6281298765432".into(),
            in_reply_to: None,
            public: false,
        }
    );
    assert!(text.media.is_empty() && text.location.is_none());

    let image = &messages[1];
    assert_eq!(image.text, "Ini fotonya, Pak");
    assert_eq!(
        image.media,
        vec![MediaRef {
            channel: Channel::Whatsapp,
            reference: "1003383421387256".into(),
            content_type: Some("image/jpeg".into()),
        }]
    );

    let location = &messages[2];
    assert_eq!(location.text, "");
    assert_eq!(location.sender.name.as_deref(), Some("Agus Pratama"));
    assert_eq!(location.reply.address, "+6281311223344");
    assert_eq!(
        location.location,
        Some(GeoPoint {
            lat: -6.1998731,
            lon: 106.8319546
        })
    );
    assert_eq!(
        location.address.as_deref(),
        Some("Taman Suropati, Jl. Teuku Umar, Menteng, Jakarta Pusat")
    );

    let document = &messages[3];
    assert_eq!(
        document.text,
        "Pohon tumbang di Kelurahan Menteng, menutup separuh jalan"
    );
    assert_eq!(document.media[0].reference, "2154335871703532");
    assert_eq!(
        document.media[0].content_type.as_deref(),
        Some("application/pdf")
    );

    let debug = format!("{messages:?}");
    assert!(!debug.contains("Dewi") && !debug.contains("6281298765432"));
}

#[test]
fn statuses_alone_produce_nothing() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
        {"field":"messages","value":{"messaging_product":"whatsapp","statuses":[
          {"id":"wamid.X","status":"read","timestamp":"1741226200","recipient_id":"6281298765432"}]}},
        {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1}}
    ]}]}"#;
    assert_eq!(parse_webhook(body).unwrap(), vec![]);
    let empty = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    assert_eq!(parse_webhook(empty).unwrap(), vec![]);
}

#[test]
fn a_message_without_a_contact_or_a_sender() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
        {"field":"messages","value":{"messages":[
          {"from":"6281298765432","id":"wamid.A","type":"text","text":{"body":"Halo"}},
          {"id":"wamid.B","type":"text","text":{"body":"tanpa pengirim"}},
          {"from":"6281298765432","id":"wamid.C","type":"location",
           "location":{"latitude":123.0,"longitude":106.8}}
        ]}}]}]}"#;
    let messages = parse_webhook(body).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].message_id, "wamid.A");
    assert_eq!(messages[0].sender.name, None);
}

#[test]
fn what_is_not_a_whatsapp_webhook_is_malformed() {
    for body in [
        &b""[..],
        b"not json",
        b"[]",
        br#"{"object":"page","entry":[]}"#,
        br#"{"entry":[]}"#,
        br#"{"object":"whatsapp_business_account","entry":{}}"#,
    ] {
        assert!(
            matches!(parse_webhook(body), Err(InboundError::Malformed(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn errors_never_quote_the_payload() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"changes":[
        {"field":"messages","value":{"contacts":[{"wa_id":"6281298765432","profile":{"name":"Dewi Lestari"}}],
         "messages":[{"from":6281298765432,"id":"wamid.A","type":"text","text":{"body":"x"}}]}}]}]}"#;
    let Err(InboundError::Malformed(why)) = parse_webhook(body) else {
        panic!("a numeric sender is not WhatsApp's shape");
    };
    assert!(!why.contains("6281298765432"), "{why}");
}

#[test]
fn truncated_payloads_are_malformed_not_panics() {
    let end = WEBHOOK.trim_ascii_end().len();
    for n in 0..end {
        assert!(
            matches!(
                parse_webhook(&WEBHOOK[..n]),
                Err(InboundError::Malformed(_))
            ),
            "prefix {n}"
        );
    }
    assert!(parse_webhook(&WEBHOOK[..end]).is_ok());
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&body);
    }

    #[test]
    fn arbitrary_messages_never_panic(
        from in "\\PC{0,20}",
        kind in prop_oneof![Just("text".to_owned()), Just("image".to_owned()), Just("location".to_owned()), Just("video".to_owned()), "[a-z]{0,8}"],
        body in "\\PC{0,40}",
        lat in any::<f64>(),
    ) {
        let payload = serde_json::json!({
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": {"messages": [{
                "from": from, "id": "wamid.P", "type": kind,
                "text": {"body": body},
                "image": {"id": "1", "caption": body},
                "location": {"latitude": lat, "longitude": 106.8},
            }]}}]}],
        });
        let _ = parse_webhook(payload.to_string().as_bytes());
    }
}
