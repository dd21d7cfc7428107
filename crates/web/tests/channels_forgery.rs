//! Forgeries through the channels' own handshakes: X's CRC check answers an HMAC under the
//! key that also signs event bodies, so it must never sign something shaped like a body;
//! Meta's `hub.challenge` is echoed only to the holder of the verify token, and only when
//! it is a short token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::twitter;
use common::TestApp;
use common::receiver::{self, VERIFY_TOKEN, x_activity};

/// Nothing listens here: these tests deliver nothing.
const NO_API: &str = "http://127.0.0.1:9";

async fn app() -> TestApp {
    receiver::app_with_channels(NO_API).await
}

async fn report_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM reports").await
}

fn encoded(value: &str) -> String {
    serde_urlencoded::to_string([("crc_token", value)]).unwrap()
}

#[tokio::test]
async fn the_crc_check_does_not_sign_a_forged_event() {
    let app = app().await;
    let body = x_activity(
        "Jalan berlubang besar di depan sekolah, tolong segera diperbaiki",
        "Saluran air tersumbat di gang kami sejak minggu lalu",
    )
    .to_string();
    // The attack: ask the CRC check to "answer" the body, then post the body with the
    // answer as its signature.
    let crc = app
        .get_raw(&format!("/channels/x/webhook?{}", encoded(&body)))
        .await;
    assert!(
        (400..500).contains(&crc.status),
        "the CRC check answered a body: {crc:?}"
    );
    crc.error(400, "bad_request");
    if let Some(signature) = crc.json()["response_token"].as_str() {
        receiver::post(
            &app,
            "/channels/x/webhook",
            "application/json",
            body.clone().into_bytes(),
            &[(twitter::SIGNATURE_HEADER, signature.to_owned())],
        )
        .await;
    }
    assert_eq!(report_count(&app).await, 0);

    // Other shapes X never sends: too long, spaces, quotes, braces.
    let long = "A".repeat(twitter::MAX_CRC_TOKEN + 1);
    for token in [long.as_str(), "a b", "\"quoted\"", "{}", "[1]", "abc\u{0}"] {
        app.get_raw(&format!("/channels/x/webhook?{}", encoded(token)))
            .await
            .error(400, "bad_request");
    }
    // What X sends is still answered.
    let token = "ZjY4NmQ4NTMtYWM0Ny00YmZlLWI2NTgtYzE0YmI4OTFhYzYz";
    let ok = app
        .get_raw(&format!("/channels/x/webhook?{}", encoded(token)))
        .await
        .expect(200);
    assert!(
        ok["response_token"]
            .as_str()
            .unwrap()
            .starts_with("sha256=")
    );
}

#[tokio::test]
async fn the_meta_challenge_is_echoed_only_when_short_and_for_our_token() {
    let app = app().await;
    let json = r#"{"object":"page"}"#;
    let long = "1".repeat(300);
    for path in ["/channels/whatsapp/webhook", "/channels/meta/webhook"] {
        for challenge in [json, long.as_str(), "1 2", "<b>x</b>"] {
            let query = serde_urlencoded::to_string([
                ("hub.mode", "subscribe"),
                ("hub.verify_token", VERIFY_TOKEN),
                ("hub.challenge", challenge),
            ])
            .unwrap();
            let resp = app.get_raw(&format!("{path}?{query}")).await;
            assert!((400..500).contains(&resp.status), "{path}: {resp:?}");
            resp.error_shape(resp.status);
        }
    }
}
