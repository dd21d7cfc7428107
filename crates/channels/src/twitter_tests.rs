//! Tests of the X Account Activity webhook: CRC, signature and provider-shaped payloads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::inbound::GeoPoint;
use proptest::prelude::*;

const TWEETS: &[u8] = include_bytes!("../tests/fixtures/twitter_tweets.json");
const DMS: &[u8] = include_bytes!("../tests/fixtures/twitter_dms.json");

const OWN: &str = "2847561093";

/// `sha256=` and the base64 HMAC-SHA256, computed apart from the code under test.
fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[test]
fn crc_response_is_the_base64_hmac_of_the_token() {
    let token = "ZjY4NmQ4NTMtYWM0Ny00YmZlLWI2NTgtYzE0YmI4OTFhYzYz";
    assert_eq!(
        crc_response("consumer-secret", token),
        Some(sign("consumer-secret", token.as_bytes()))
    );
    // A fixed vector: RFC 4231 test case 2 (key "Jefe", data "what do ya want for
    // nothing?"), whose HMAC-SHA256 is 5bdcc146…64ec3843; its base64 was taken once with
    // `python3 -c "import base64; print(base64.b64encode(bytes.fromhex('5bdc…3843')))"`.
    assert_eq!(
        sign_body("Jefe", b"what do ya want for nothing?"),
        "sha256=W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    );
    // Not a token X sends: answering it would sign it as a body.
    assert_eq!(crc_response("Jefe", "what do ya want for nothing?"), None);
}

#[test]
fn the_crc_check_signs_no_event_body() {
    for body in [TWEETS, DMS] {
        let text = std::str::from_utf8(body).unwrap();
        assert_eq!(crc_response("consumer-secret", text), None);
        assert_eq!(crc_response("consumer-secret", text.trim()), None);
    }
    let long = "A".repeat(MAX_CRC_TOKEN + 1);
    for token in ["", "{}", "[]", "\"x\"", "a b", "a\u{0}", long.as_str()] {
        assert_eq!(crc_response("consumer-secret", token), None, "{token:?}");
    }
    assert!(crc_response("consumer-secret", &long[1..]).is_some());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever token the CRC check answers, its answer never verifies a body that parses
    /// as an event payload: an accepted token is no JSON object at all.
    #[test]
    fn no_crc_answer_signs_a_webhook_body(token in "[A-Za-z0-9+/=_{}\\[\\]\":, -]{0,120}") {
        if let Some(answer) = crc_response("consumer-secret", &token) {
            prop_assert!(verify_signature("consumer-secret", token.as_bytes(), &answer));
            prop_assert!(parse_activity(token.as_bytes(), OWN).is_err());
            let value: Option<serde_json::Value> = serde_json::from_str(&token).ok();
            prop_assert!(!value.is_some_and(|v| v.is_object() || v.is_array()));
        }
    }

    /// The fixtures' own bodies, cut anywhere, are never answered.
    #[test]
    fn no_prefix_of_a_real_body_is_answered(cut in 0usize..4000) {
        for body in [TWEETS, DMS] {
            let text = String::from_utf8_lossy(&body[..cut.min(body.len())]).into_owned();
            if text.contains(['{', '"', ' ', '\n']) {
                prop_assert_eq!(crc_response("consumer-secret", &text), None);
            }
        }
    }
}

#[test]
fn signatures() {
    for body in [TWEETS, DMS] {
        let signature = sign("consumer-secret", body);
        assert!(verify_signature("consumer-secret", body, &signature));
        assert!(verify_signature(
            "consumer-secret",
            body,
            &format!(" {signature} ")
        ));
        assert!(!verify_signature("other", body, &signature));
        assert!(!verify_signature("consumer-secret", &body[1..], &signature));
        assert!(!verify_signature("consumer-secret", body, ""));
        assert!(!verify_signature("consumer-secret", body, "sha256="));
        assert!(!verify_signature(
            "consumer-secret",
            body,
            signature.trim_start_matches("sha256=")
        ));
        // Meta's hex form is not X's.
        assert!(!verify_signature(
            "consumer-secret",
            body,
            &crate::signature::sign_sha256(b"consumer-secret", body)
        ));
    }
}

#[test]
fn tweets_mentioning_the_city() {
    let messages = parse_activity(TWEETS, OWN).unwrap();
    // Two mentions; the retweet, the city's own reply and the quote that does not mention
    // the city are skipped.
    assert_eq!(messages.len(), 2, "{messages:?}");

    let first = &messages[0];
    assert_eq!(first.channel, Channel::Twitter);
    assert_eq!(first.message_id, "1897465612345678901");
    assert_eq!(
        first.text,
        "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos, bahaya untuk motor & mobil"
    );
    assert_eq!(first.sender.name.as_deref(), Some("Budi Santoso"));
    assert_eq!(first.sender.handle.as_deref(), Some("@budi_menteng"));
    assert_eq!(
        first.reply,
        ReplyRoute {
            channel: Channel::Twitter,
            address: "1456789012345678901".into(),
            in_reply_to: Some("1897465612345678901".into()),
            public: true,
        }
    );
    assert_eq!(
        first.location,
        Some(GeoPoint {
            lat: -6.1862,
            lon: 106.8271
        })
    );
    let photos: Vec<&str> = first.media.iter().map(|m| m.reference.as_str()).collect();
    assert_eq!(
        photos,
        [
            "https://pbs.twimg.com/media/GlQx1aBWcAAe9Zk.jpg",
            "https://pbs.twimg.com/media/GlQx1aCXsAA7pQr.jpg"
        ]
    );

    let long = &messages[1];
    assert_eq!(
        long.text,
        "Banjir setinggi lutut di Kampung Melayu sejak subuh, warga butuh perahu karet. Mohon \
         segera dikirim bantuan, banyak lansia dan anak-anak yang belum dievakuasi di RT 05/RW 02."
    );
    assert_eq!(long.sender.handle.as_deref(), Some("@rinawulan_"));
    assert_eq!(long.location, None);
    assert!(long.media.is_empty());

    let debug = format!("{messages:?}");
    assert!(!debug.contains("budi") && !debug.contains("1456789012345678901"));
}

#[test]
fn direct_messages_to_the_city() {
    let messages = parse_activity(DMS, OWN).unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let dm = &messages[0];
    assert_eq!(dm.message_id, "1897480000000000101");
    assert_eq!(
        dm.text,
        "Selamat pagi min, saluran air di depan SDN 01 Tebet mampet, air meluap ke jalan tiap hujan"
    );
    assert_eq!(dm.sender.name.as_deref(), Some("Rina Wulandari"));
    assert_eq!(dm.sender.handle.as_deref(), Some("@rinawulan_"));
    assert_eq!(
        dm.reply,
        ReplyRoute {
            channel: Channel::Twitter,
            address: "1501234567890123456".into(),
            in_reply_to: None,
            public: false,
        }
    );
    assert_eq!(dm.media.len(), 1);
    assert!(dm.media[0].reference.starts_with("https://ton.twimg.com/"));
}

#[test]
fn another_accounts_payload_or_other_events_file_nothing() {
    assert_eq!(parse_activity(TWEETS, "999").unwrap(), vec![]);
    assert_eq!(parse_activity(DMS, "999").unwrap(), vec![]);
    let likes = br#"{"for_user_id":"2847561093","favorite_events":[{"id":"a7ba59eab0bfcba386f7acedac279542",
        "created_at":"Thu Mar 06 02:40:00 +0000 2025","timestamp_ms":1741228800000,
        "favorited_status":{"id_str":"1897470000000000002","text":"x","user":{"id_str":"2847561093"}},
        "user":{"id_str":"1456789012345678901","screen_name":"budi_menteng"}}]}"#;
    assert_eq!(parse_activity(likes, OWN).unwrap(), vec![]);
    let follows = br#"{"for_user_id":"2847561093","follow_events":[{"type":"follow",
        "created_timestamp":"1741228800000","target":{"id":"2847561093"},"source":{"id":"1"}}]}"#;
    assert_eq!(parse_activity(follows, OWN).unwrap(), vec![]);
    let typing = br#"{"for_user_id":"2847561093","direct_message_indicate_typing_events":[
        {"created_timestamp":"1741228800000","sender_id":"1","target":{"recipient_id":"2847561093"}}]}"#;
    assert_eq!(parse_activity(typing, OWN).unwrap(), vec![]);
}

#[test]
fn a_mention_with_nothing_but_handles_files_nothing() {
    let body = br#"{"for_user_id":"2847561093","tweet_create_events":[{"id_str":"1",
        "text":"@DKIJakarta @BPBDJakarta ","user":{"id_str":"5","screen_name":"x"},
        "entities":{"user_mentions":[{"id_str":"2847561093"}]}}]}"#;
    assert_eq!(parse_activity(body, OWN).unwrap(), vec![]);
}

#[test]
fn leading_mentions_are_stripped() {
    assert_eq!(strip_leading_mentions("@a @b  halo @c"), "halo @c");
    assert_eq!(strip_leading_mentions("  @DKIJakarta"), "");
    assert_eq!(strip_leading_mentions("halo @a"), "halo @a");
    assert_eq!(strip_leading_mentions("@ólá\u{3000}banjir"), "banjir");
    assert_eq!(unescape("a &amp;lt; b &lt; c &gt; d"), "a &lt; b < c > d");
}

#[test]
fn what_is_not_an_activity_is_malformed() {
    for body in [
        &b""[..],
        b"crc_token=abc",
        b"[]",
        br#"{"tweet_create_events":{}}"#,
        br#"{"tweet_create_events":[{"text":"no id"}]}"#,
    ] {
        assert!(
            matches!(parse_activity(body, OWN), Err(InboundError::Malformed(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn errors_never_quote_the_payload() {
    let body = br#"{"for_user_id":"2847561093","tweet_create_events":[{"id_str":"1","text":"x",
        "user":{"id_str":"5","screen_name":{"handle":"budi_menteng"}}}]}"#;
    let Err(InboundError::Malformed(why)) = parse_activity(body, OWN) else {
        panic!("an object as a screen name is not X's shape");
    };
    assert!(!why.contains("budi"), "{why}");
}

#[test]
fn truncated_payloads_are_malformed_not_panics() {
    for body in [TWEETS, DMS] {
        let end = body.trim_ascii_end().len();
        for n in 0..end {
            assert!(
                matches!(
                    parse_activity(&body[..n], OWN),
                    Err(InboundError::Malformed(_))
                ),
                "prefix {n}"
            );
        }
        assert!(parse_activity(&body[..end], OWN).is_ok());
    }
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_activity(&body, OWN);
    }

    #[test]
    fn arbitrary_tweets_never_panic(
        text in "\\PC{0,60}",
        coordinates in proptest::collection::vec(any::<f64>(), 0..4),
    ) {
        let payload = serde_json::json!({
            "for_user_id": OWN,
            "tweet_create_events": [{
                "id_str": "1", "text": text, "user": {"id_str": "5", "screen_name": text},
                "entities": {"user_mentions": [{"id_str": OWN}],
                             "media": [{"type": "photo", "url": text, "media_url_https": text}]},
                "coordinates": {"type": "Point", "coordinates": coordinates},
            }],
            "direct_message_events": [{"type": "message_create", "id": "2", "message_create": {
                "sender_id": "5", "target": {"recipient_id": OWN},
                "message_data": {"text": text}}}],
        });
        let _ = parse_activity(payload.to_string().as_bytes(), OWN);
    }
}
