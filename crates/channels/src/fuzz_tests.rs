//! Fuzz-style tests of every webhook parser: random bytes, and the real fixtures cut short
//! or with one byte changed. Each parser answers a message or an error, never a panic.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::{email, lapor, meta, sms, twitter, whatsapp};

const FIXTURES: &[&[u8]] = &[
    include_bytes!("../tests/fixtures/facebook_feed.json"),
    include_bytes!("../tests/fixtures/facebook_messenger.json"),
    include_bytes!("../tests/fixtures/instagram.json"),
    include_bytes!("../tests/fixtures/lapor_anonymous.json"),
    include_bytes!("../tests/fixtures/lapor_report.json"),
    include_bytes!("../tests/fixtures/twilio_sms.form"),
    include_bytes!("../tests/fixtures/twilio_whatsapp_location.form"),
    include_bytes!("../tests/fixtures/twitter_dms.json"),
    include_bytes!("../tests/fixtures/twitter_tweets.json"),
    include_bytes!("../tests/fixtures/whatsapp_webhook.json"),
];

const MAIL: &[u8] = b"From: Budi <budi@example.id>\r\nSubject: Jalan rusak\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Jalan rusak di Menteng.\r\n-- \r\nBudi\r\n--b\r\nContent-Type: image/png\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";

/// Every parser on `body`; none may panic.
fn parse_everywhere(body: &[u8]) {
    let _ = email::parse_email(body).map(|m| m.description());
    if let Ok(params) = sms::parse_form(body) {
        let _ = sms::parse_sms(&params);
    }
    let _ = whatsapp::parse_webhook(body);
    let ids = ["104812345678901".to_owned()];
    let governor = meta::GovernorAccounts {
        ids: &ids,
        channel: aduan_domain::Channel::parse("governor_social").unwrap(),
    };
    let _ = meta::parse_webhook(body, Some(governor));
    let _ = twitter::parse_activity(body, "2847561093");
    let _ = lapor::parse_report(body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        parse_everywhere(&body);
    }

    #[test]
    fn cut_fixtures_never_panic(which in 0..FIXTURES.len() + 1, cut in 0usize..8192) {
        let fixture = FIXTURES.get(which).copied().unwrap_or(MAIL);
        parse_everywhere(&fixture[..cut.min(fixture.len())]);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len() + 1,
        at in 0usize..8192,
        byte in any::<u8>(),
        insert in any::<bool>(),
    ) {
        let mut body = FIXTURES.get(which).copied().unwrap_or(MAIL).to_vec();
        let at = at % (body.len() + 1);
        if insert || at == body.len() {
            body.insert(at, byte);
        } else {
            body[at] = byte;
        }
        parse_everywhere(&body);
    }
}
