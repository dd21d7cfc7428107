//! Tests of the Twilio-style SMS webhook: signature, form decoding and parsing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;

const SMS: &[u8] = include_bytes!("../tests/fixtures/twilio_sms.form");
const WHATSAPP: &[u8] = include_bytes!("../tests/fixtures/twilio_whatsapp_location.form");

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The parameters of Twilio's worked example, with the caller number `caller`.
fn example_params(caller: &str) -> Vec<(String, String)> {
    pairs(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", caller),
        ("Digits", "1234"),
        ("From", caller),
        ("To", "+18005551212"),
    ])
}

/// Twilio's scheme computed independently of the code under test (single-valued params).
fn sign(token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut data = url.to_owned();
    for (k, v) in &sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn twilios_published_vectors_verify() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    // The vector of Twilio's SDK test suites (twilio-python, -php, -csharp RequestValidator).
    assert!(verify_twilio_signature(
        "12345",
        url,
        &example_params("+14158675309"),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    ));
    // What a gateway signs is what we verify.
    assert_eq!(
        twilio_signature("12345", url, &example_params("+14158675309")),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    );
    // The worked example on Twilio's "Webhooks security" page.
    assert!(verify_twilio_signature(
        "12345",
        url,
        &example_params("+12349013030"),
        "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    ));
    // The SDKs' repeated-name vector: names sorted, then values sorted, duplicates once.
    let repeated = pairs(&[
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]);
    assert!(verify_twilio_signature(
        "12345",
        url,
        &repeated,
        "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    ));
    // The same parameters on `https://example.com/…`: not a published value, but computed
    // once with Python's hmac/hashlib/base64 (url + sorted name+value, HMAC-SHA1, base64).
    assert!(verify_twilio_signature(
        "12345",
        "https://example.com/myapp.php?foo=1&bar=2",
        &example_params("+12349013030"),
        "vNe7KK2kJwCsxc9K3OLkkKB3qqI="
    ));
}

#[test]
fn parameter_order_does_not_matter() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let mut params = example_params("+14158675309");
    params.reverse();
    assert!(verify_twilio_signature(
        "12345",
        url,
        &params,
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    ));
}

#[test]
fn forged_or_missing_signatures_are_refused() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let params = example_params("+14158675309");
    let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    assert!(!verify_twilio_signature("54321", url, &params, good));
    assert!(!verify_twilio_signature(
        "12345",
        &format!("{url}&x=1"),
        &params,
        good
    ));
    let mut tampered = params.clone();
    tampered[2].1 = "9999".into();
    assert!(!verify_twilio_signature("12345", url, &tampered, good));
    let mut extra = params.clone();
    extra.push(("Body".into(), "halo".into()));
    assert!(!verify_twilio_signature("12345", url, &extra, good));
    for header in [
        "",
        "   ",
        "RSOYDt4T1cUTdK1PDd93/VVr8B8",
        "not base64!",
        "AAAA",
    ] {
        assert!(
            !verify_twilio_signature("12345", url, &params, header),
            "{header:?}"
        );
    }
}

#[test]
fn an_sms_with_two_photos() {
    let url = "https://aduan.jakarta.go.id/webhooks/sms";
    let params = parse_form(SMS).unwrap();
    let signature = sign("rahasia-twilio", url, &params);
    assert!(verify_twilio_signature(
        "rahasia-twilio",
        url,
        &params,
        &signature
    ));
    assert!(!verify_twilio_signature("lain", url, &params, &signature));

    let message = parse_sms(&params).unwrap();
    assert_eq!(message.channel, Channel::Sms);
    assert_eq!(message.message_id, "MM5d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a");
    assert_eq!(
        message.text,
        "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos, bahaya untuk motor. \
         Sudah 2 minggu belum diperbaiki."
    );
    assert_eq!(message.sender.phone.as_deref(), Some("+6281298765432"));
    assert_eq!(message.sender.name, None);
    assert_eq!(
        message.reply,
        ReplyRoute {
            channel: Channel::Sms,
            address: "+6281298765432".into(),
            in_reply_to: None,
            public: false,
        }
    );
    assert_eq!(message.media.len(), 2);
    assert!(
        message.media[0]
            .reference
            .ends_with("/Media/ME1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d")
    );
    assert_eq!(message.media[0].content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(message.media[1].content_type.as_deref(), Some("image/png"));
    assert!(message.media.iter().all(|m| m.channel == Channel::Sms));
    assert_eq!(message.location, None);
    assert_eq!(message.category_hint, None);

    let debug = format!("{message:?}");
    assert!(
        !debug.contains("6281298765432") && !debug.contains("Kebon"),
        "{debug}"
    );
}

#[test]
fn whatsapp_through_twilio_with_a_location() {
    let message = parse_sms(&parse_form(WHATSAPP).unwrap()).unwrap();
    assert_eq!(message.channel, Channel::Whatsapp);
    assert_eq!(message.message_id, "SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b");
    assert_eq!(message.text, "");
    assert_eq!(message.sender.name.as_deref(), Some("Rina Wulandari"));
    assert_eq!(message.sender.phone.as_deref(), Some("+6281311223344"));
    assert_eq!(message.reply.channel, Channel::Whatsapp);
    assert_eq!(message.reply.address, "+6281311223344");
    assert_eq!(
        message.location,
        Some(GeoPoint {
            lat: -6.2012345,
            lon: 106.8123456
        })
    );
    assert_eq!(
        message.address.as_deref(),
        Some(
            "Pohon tumbang di Kelurahan Menteng, Jl. Taman Kebon Sirih No. 1, Menteng, \
             Jakarta Pusat"
        )
    );
    assert!(message.media.is_empty());
}

#[test]
fn fallback_ids_and_local_numbers() {
    let message = parse_sms(&pairs(&[
        ("SmsSid", "SM0001"),
        ("From", "0812-9876-5432"),
        ("Body", "Pohon tumbang di Kelurahan Menteng"),
    ]))
    .unwrap();
    assert_eq!(message.message_id, "SM0001");
    assert_eq!(message.reply.address, "+6281298765432");

    let message = parse_sms(&pairs(&[
        ("SmsMessageSid", "SM0002"),
        ("From", "6281298765432"),
        ("Body", "x"),
    ]))
    .unwrap();
    assert_eq!(message.message_id, "SM0002");
    assert_eq!(message.reply.address, "+6281298765432");
}

#[test]
fn what_cannot_be_filed_is_malformed() {
    let no_from = pairs(&[("MessageSid", "SM1"), ("Body", "Banjir di Kemang")]);
    assert!(matches!(
        parse_sms(&no_from),
        Err(InboundError::Malformed(_))
    ));
    let blank_from = pairs(&[("MessageSid", "SM1"), ("From", " "), ("Body", "x")]);
    assert!(matches!(
        parse_sms(&blank_from),
        Err(InboundError::Malformed(_))
    ));
    let no_id = pairs(&[("From", "+6281298765432"), ("Body", "Banjir di Kemang")]);
    assert!(matches!(parse_sms(&no_id), Err(InboundError::Malformed(_))));
    let empty = pairs(&[
        ("MessageSid", "SM1"),
        ("From", "+6281298765432"),
        ("Body", "  "),
    ]);
    assert!(matches!(parse_sms(&empty), Err(InboundError::Malformed(_))));
    let alphanumeric = pairs(&[
        ("MessageSid", "SM1"),
        ("From", "TELKOMSEL"),
        ("Body", "Promo"),
    ]);
    let Err(InboundError::Malformed(why)) = parse_sms(&alphanumeric) else {
        panic!("an alphanumeric sender is not a citizen");
    };
    assert!(!why.contains("TELKOMSEL"), "{why}");
    assert!(matches!(parse_sms(&[]), Err(InboundError::Malformed(_))));
}

#[test]
fn media_beyond_num_media_and_bad_points_are_ignored() {
    let message = parse_sms(&pairs(&[
        ("MessageSid", "SM1"),
        ("From", "+6281298765432"),
        ("Body", "Lampu jalan mati"),
        ("NumMedia", "1"),
        ("MediaUrl0", "https://example.com/a.jpg"),
        ("MediaUrl1", "https://example.com/b.jpg"),
        ("Latitude", "95.0"),
        ("Longitude", "106.8"),
    ]))
    .unwrap();
    assert_eq!(message.media.len(), 1);
    assert_eq!(message.media[0].content_type, None);
    assert_eq!(message.location, None);
}

#[test]
fn text_is_capped() {
    let long = "a".repeat(MAX_DESCRIPTION + 500);
    let message = parse_sms(&pairs(&[
        ("MessageSid", "SM1"),
        ("From", "+6281298765432"),
        ("Body", &long),
    ]))
    .unwrap();
    assert_eq!(message.text.chars().count(), MAX_DESCRIPTION);
}

#[test]
fn numbers_normalize_to_e164() {
    for (raw, expected) in [
        ("081298765432", Some("+6281298765432")),
        ("0812 9876 5432", Some("+6281298765432")),
        ("6281298765432", Some("+6281298765432")),
        ("+6281298765432", Some("+6281298765432")),
        ("+1 (415) 867-5309", Some("+14158675309")),
        ("021-3822255", Some("+62213822255")),
        ("00812345678", None),
        ("1708", None),
        ("+62", None),
        ("+0812345678", None),
        ("+62abc45678901", None),
        ("", None),
    ] {
        assert_eq!(normalize_phone(raw).as_deref(), expected, "{raw:?}");
    }
}

#[test]
fn truncated_bodies_never_panic() {
    for body in [SMS, WHATSAPP] {
        for n in 0..=body.len() {
            if let Ok(params) = parse_form(&body[..n]) {
                let _ = parse_sms(&params);
            }
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(params) = parse_form(&body) {
            let _ = parse_sms(&params);
            let _ = verify_twilio_signature("t", "https://x", &params, "AAAA");
        }
    }

    #[test]
    fn arbitrary_params_never_panic(
        params in proptest::collection::vec(
            (
                prop_oneof![
                    Just("MessageSid".to_owned()),
                    Just("From".to_owned()),
                    Just("Body".to_owned()),
                    Just("NumMedia".to_owned()),
                    Just("MediaUrl0".to_owned()),
                    Just("Latitude".to_owned()),
                    Just("Longitude".to_owned()),
                    "\\PC{0,12}",
                ],
                "\\PC{0,40}",
            ),
            0..12,
        )
    ) {
        let _ = parse_sms(&params);
    }

    #[test]
    fn normalized_numbers_are_e164(raw in "[+0-9 ()-]{0,20}") {
        if let Some(number) = normalize_phone(&raw) {
            prop_assert!(number.starts_with('+'));
            prop_assert!((9..=16).contains(&number.len()));
            prop_assert!(number[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }
}

#[test]
fn json_errors_name_the_schema_not_the_values() {
    let error = |raw: &str| {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            name: String,
        }
        serde_json::from_str::<Shape>(raw).unwrap_err()
    };
    let InboundError::Malformed(why) = json_error("test", &error("{}")) else {
        unreachable!()
    };
    assert_eq!(why, "test: missing field `name`");
    let InboundError::Malformed(why) = json_error("test", &error(r#"{"name": 6281298765432}"#))
    else {
        unreachable!()
    };
    assert_eq!(why, "test: unexpected shape (line 1, column 22)");
    let InboundError::Malformed(why) = json_error("test", &error("{\"name\": ")) else {
        unreachable!()
    };
    assert!(why.starts_with("test: not JSON (line 1"), "{why}");
    let from_value = serde_json::from_value::<Vec<String>>(serde_json::json!({"a": "Dewi"}));
    let InboundError::Malformed(why) = json_error("test", &from_value.unwrap_err()) else {
        unreachable!()
    };
    assert_eq!(why, "test: unexpected shape");
}
