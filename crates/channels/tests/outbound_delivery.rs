//! Delivering answers over HTTP APIs: the exact call each channel's API receives, and how
//! failures are sorted. Every provider is a local receiver on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::outbound::{DeliveryError, StatusChange};
use aduan_domain::{Channel, ChannelKind};
use base64::Engine;
use chrono::TimeZone;
use common::{Receiver, Reply, TEXT, TICKET, closed_port, deliverer, named, outgoing, public};
use serde_json::json;

fn twilio(base: &str) -> serde_json::Value {
    json!({"api_base": base, "account_sid": "AC123", "auth_token": "tw-secret", "from": "+628111272206"})
}

fn meta(base: &str) -> serde_json::Value {
    json!({"api_base": base, "page_access_token": "page-token", "app_secret": "s", "verify_token": "v"})
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

#[tokio::test]
async fn sms_posts_a_twilio_message_with_basic_auth() {
    let twilio_api = Receiver::answering(Reply::json(201, json!({"sid": "SM1"}))).await;
    let deliverer = deliverer(json!({"twilio": twilio(&twilio_api.base)}));
    deliverer
        .deliver(&outgoing(Channel::Sms, "+6281234567890"))
        .await
        .unwrap();
    let request = twilio_api.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/2010-04-01/Accounts/AC123/Messages.json");
    assert_eq!(
        request.header("authorization"),
        Some(basic("AC123", "tw-secret").as_str())
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = request.form();
    assert_eq!(form["To"], "+6281234567890");
    assert_eq!(form["From"], "+628111272206");
    assert_eq!(form["Body"], TEXT);
    assert_eq!(form.len(), 3);
}

#[tokio::test]
async fn whatsapp_uses_the_cloud_api_with_a_bearer_token() {
    let graph =
        Receiver::answering(Reply::json(200, json!({"messages": [{"id": "wamid.1"}]}))).await;
    let deliverer = deliverer(json!({
        "whatsapp": {"api_base": graph.base, "phone_number_id": "1099", "access_token": "wa-token",
                     "app_secret": "s", "verify_token": "v"},
        "twilio": twilio("http://127.0.0.1:9"),
    }));
    deliverer
        .deliver(&outgoing(Channel::Whatsapp, "+6281234567890"))
        .await
        .unwrap();
    let request = graph.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/1099/messages")
    );
    assert_eq!(request.header("authorization"), Some("Bearer wa-token"));
    assert_eq!(
        request.json(),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
               "to": "6281234567890", "type": "text", "text": {"body": TEXT}})
    );
}

#[tokio::test]
async fn whatsapp_goes_through_twilio_when_only_twilio_is_configured() {
    let twilio_api = Receiver::answering(Reply::json(201, json!({"sid": "SM1"}))).await;
    let deliverer = deliverer(json!({"twilio": twilio(&twilio_api.base)}));
    deliverer
        .deliver(&outgoing(Channel::Whatsapp, "+6281234567890"))
        .await
        .unwrap();
    let request = twilio_api.only_request();
    assert_eq!(request.path, "/2010-04-01/Accounts/AC123/Messages.json");
    assert_eq!(
        request.header("authorization"),
        Some(basic("AC123", "tw-secret").as_str())
    );
    let form = request.form();
    assert_eq!(form["To"], "whatsapp:+6281234567890");
    assert_eq!(form["From"], "whatsapp:+628111272206");
    assert_eq!(form["Body"], TEXT);
}

fn x(base: &str) -> serde_json::Value {
    json!({"x": {"api_base": base, "consumer_secret": "c", "access_token": "x-token", "user_id": "1"}})
}

#[tokio::test]
async fn twitter_public_answers_reply_to_the_tweet_and_fit_one_tweet() {
    let api = Receiver::answering(Reply::json(201, json!({"data": {"id": "2"}}))).await;
    let deliverer = deliverer(x(&api.base));
    let mut message = public(outgoing(Channel::Twitter, "777"), "1866000000000000001");
    message.text =
        "Laporan Anda sudah kami teruskan ke unit terkait dan sedang ditangani. ".repeat(6);
    deliverer.deliver(&message).await.unwrap();
    let request = api.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/2/tweets")
    );
    assert_eq!(request.header("authorization"), Some("Bearer x-token"));
    let body = request.json();
    assert_eq!(
        body["reply"],
        json!({"in_reply_to_tweet_id": "1866000000000000001"})
    );
    let text = body["text"].as_str().unwrap();
    assert!(text.chars().count() <= 280, "{}", text.chars().count());
    assert!(text.ends_with(&format!("… {TICKET}")), "{text}");
    assert!(text.starts_with("Laporan Anda sudah kami teruskan"));
    assert_eq!(body.as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn twitter_private_answers_are_direct_messages() {
    let api = Receiver::answering(Reply::json(201, json!({"data": {}}))).await;
    let deliverer = deliverer(x(&api.base));
    deliverer
        .deliver(&outgoing(Channel::Twitter, "44196397"))
        .await
        .unwrap();
    let request = api.only_request();
    assert_eq!(request.path, "/2/dm_conversations/with/44196397/messages");
    assert_eq!(request.header("authorization"), Some("Bearer x-token"));
    assert_eq!(request.json(), json!({"text": TEXT}));
}

#[tokio::test]
async fn meta_comments_are_answered_under_the_comment() {
    let cases = [
        (Channel::Facebook, "17841_1", "/17841_1/comments"),
        (
            Channel::Instagram,
            "17858893269000001",
            "/17858893269000001/replies",
        ),
        (
            named("governor_social"),
            "10150_20260",
            "/10150_20260/comments",
        ),
        (
            named("governor_social"),
            "17858893269000002",
            "/17858893269000002/replies",
        ),
    ];
    for (channel, comment, path) in cases {
        let graph = Receiver::answering(Reply::json(200, json!({"id": "c2"}))).await;
        let deliverer = deliverer(json!({"meta": meta(&graph.base)}));
        let message = public(outgoing(channel, "5512345"), comment);
        deliverer.deliver(&message).await.unwrap();
        let request = graph.only_request();
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", path)
        );
        assert_token_in_header_only(&request, "page-token");
        assert_eq!(request.form()["message"], TEXT);
    }
}

#[tokio::test]
async fn meta_private_answers_use_the_send_api() {
    let graph = Receiver::answering(Reply::json(200, json!({"message_id": "m1"}))).await;
    let deliverer = deliverer(json!({"meta": meta(&graph.base)}));
    deliverer
        .deliver(&outgoing(Channel::Instagram, "6123456789012345"))
        .await
        .unwrap();
    let request = graph.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/me/messages")
    );
    assert_token_in_header_only(&request, "page-token");
    assert_eq!(
        request.json(),
        json!({"recipient": {"id": "6123456789012345"}, "messaging_type": "MESSAGE_TAG",
               "tag": "ACCOUNT_UPDATE", "message": {"text": TEXT}})
    );
}

#[tokio::test]
async fn lapor_status_pushes_are_signed() {
    let lapor = Receiver::answering(Reply::json(200, json!({"ok": true}))).await;
    let deliverer = deliverer(
        json!({"lapor": {"status_url": format!("{}/api/status", lapor.base),
                                                "secret": "lapor-secret"}}),
    );
    let mut message = outgoing(Channel::Lapor, "LPR-2611-0042");
    message.status = Some(StatusChange {
        state: "in_progress".into(),
        label: "Sedang ditangani".into(),
        note: Some("Petugas menuju lokasi.".into()),
        at: chrono::Utc.with_ymd_and_hms(2026, 11, 28, 3, 4, 5).unwrap(),
    });
    deliverer.deliver(&message).await.unwrap();
    let request = lapor.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/api/status")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"tracking_id": "LPR-2611-0042", "ticket": TICKET, "status": "in_progress",
               "status_label": "Sedang ditangani", "note": "Petugas menuju lokasi.",
               "at": "2026-11-28T03:04:05Z"})
    );
    let timestamp = request.header("x-lapor-timestamp").unwrap();
    let signature = request.header("x-lapor-signature").unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!((now - timestamp.parse::<i64>().unwrap()).abs() < 60);
    assert!(aduan_channels::lapor::verify(
        b"lapor-secret",
        timestamp,
        signature,
        &request.body,
        now
    ));
    assert!(!aduan_channels::lapor::verify(
        b"other",
        timestamp,
        signature,
        &request.body,
        now
    ));
}

#[tokio::test]
async fn lapor_needs_a_status_change() {
    let lapor = Receiver::answering(Reply::status(200)).await;
    let deliverer = deliverer(json!({"lapor": {"status_url": lapor.base, "secret": "k"}}));
    let error = deliverer
        .deliver(&outgoing(Channel::Lapor, "LPR-1"))
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    assert!(lapor.requests().is_empty());
}

/// One SMS answered with `reply`: the error, which must never name the citizen.
async fn sms_failure(reply: Reply) -> DeliveryError {
    let twilio_api = Receiver::answering(reply).await;
    let deliverer = deliverer(json!({"twilio": twilio(&twilio_api.base)}));
    let error = deliverer
        .deliver(&outgoing(Channel::Sms, "+6281234567890"))
        .await
        .unwrap_err();
    assert_eq!(twilio_api.requests().len(), 1);
    let shown = error.to_string();
    assert!(
        !shown.contains("81234567890") && !shown.contains("ditangani"),
        "{shown}"
    );
    error
}

#[tokio::test]
async fn server_errors_timeouts_and_rate_limits_are_temporary() {
    for status in [500, 502, 503, 408, 429] {
        let error = sms_failure(Reply::status(status)).await;
        assert_eq!(
            error,
            DeliveryError::Temporary(format!("sms: HTTP {status}")),
            "{status}"
        );
    }
}

#[tokio::test]
async fn client_errors_are_permanent_with_the_provider_code_only() {
    let refused = Reply::json(
        400,
        json!({"code": 21211, "message": "The 'To' number +6281234567890 is not a valid phone number.",
               "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}),
    );
    assert_eq!(
        sms_failure(refused).await,
        DeliveryError::Permanent("sms: HTTP 400 (code 21211)".into())
    );
    assert_eq!(
        sms_failure(Reply::status(401)).await,
        DeliveryError::Permanent("sms: HTTP 401".into())
    );
}

#[tokio::test]
async fn graph_errors_keep_the_code_and_not_the_recipient() {
    let graph = Receiver::answering(Reply::json(
        400,
        json!({"error": {"message": "(#100) No matching user found for 6123456789012345",
                         "type": "OAuthException", "code": 100, "error_subcode": 2018001,
                         "fbtrace_id": "A1b2C3"}}),
    ))
    .await;
    let deliverer = deliverer(json!({"meta": meta(&graph.base)}));
    let error = deliverer
        .deliver(&outgoing(Channel::Facebook, "6123456789012345"))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent(
            "facebook: HTTP 400 (code 100, subcode 2018001, type OAuthException)".into()
        )
    );
    let shown = error.to_string();
    assert!(!shown.contains("6123456789012345") && !shown.contains("page-token"));
}

#[tokio::test]
async fn an_unreachable_provider_is_temporary_and_unnamed() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let deliverer = deliverer(json!({"meta": meta(&base), "x": x(&base)["x"]}));
    for message in [
        outgoing(Channel::Facebook, "6123456789012345"),
        outgoing(Channel::Twitter, "44196397"),
    ] {
        let error = deliverer.deliver(&message).await.unwrap_err();
        let DeliveryError::Temporary(shown) = &error else {
            panic!("{error:?}");
        };
        assert!(shown.contains("could not connect"), "{shown}");
        assert!(
            !shown.contains("6123456789012345") && !shown.contains("44196397"),
            "{shown}"
        );
        assert!(
            !shown.contains("page-token") && !shown.contains("127.0.0.1"),
            "{shown}"
        );
    }
}

/// A city's own channel of kind `meta`, with a code no code knows, answers through Meta.
#[tokio::test]
async fn a_citys_own_meta_channel_is_answered_through_meta() {
    let mayor = named("medsos_wali_kota");
    let graph = Receiver::answering(Reply::json(200, json!({"id": "c2"}))).await;
    let deliverer = deliverer(json!({"meta": meta(&graph.base)}));
    let message = public(outgoing(mayor, "5512345"), "10150_20260");
    deliverer
        .0
        .deliver(&message, ChannelKind::Meta)
        .await
        .unwrap();
    let request = graph.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/10150_20260/comments")
    );
    // A desk of that name answers nobody.
    let error = deliverer
        .0
        .deliver(&message, ChannelKind::Desk)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("no outbound delivery for medsos_wali_kota".into())
    );
}

#[tokio::test]
async fn unconfigured_channels_keep_their_messages() {
    let deliverer = deliverer(json!({}));
    for (channel, code) in [
        (Channel::Email, "email"),
        (Channel::Sms, "sms"),
        (Channel::Whatsapp, "whatsapp"),
        (Channel::Twitter, "twitter"),
        (Channel::Facebook, "facebook"),
        (Channel::Instagram, "instagram"),
        (named("governor_social"), "governor_social"),
        (Channel::Lapor, "lapor"),
    ] {
        let error = deliverer
            .deliver(&outgoing(channel, "someone"))
            .await
            .unwrap_err();
        assert_eq!(error, DeliveryError::NotConfigured(code.into()));
    }
}

#[tokio::test]
async fn channels_without_outbound_delivery_are_permanent() {
    let deliverer = deliverer(json!({}));
    for channel in [
        named("jaki"),
        Channel::Web,
        named("qlue"),
        Channel::Open311,
        named("balai_kota"),
    ] {
        let error = deliverer
            .deliver(&outgoing(channel, "someone"))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            DeliveryError::Permanent(format!("no outbound delivery for {}", channel.code()))
        );
    }
}

#[tokio::test]
async fn public_answers_need_something_to_reply_to() {
    let graph = Receiver::answering(Reply::status(200)).await;
    let deliverer = deliverer(json!({"meta": meta(&graph.base), "x": x(&graph.base)["x"]}));
    for channel in [Channel::Twitter, Channel::Facebook] {
        let mut message = outgoing(channel, "44196397");
        message.route.public = true;
        let error = deliverer.deliver(&message).await.unwrap_err();
        assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    }
    assert!(graph.requests().is_empty());
}

#[test]
fn outgoing_debug_names_no_one() {
    let shown = format!("{:?}", outgoing(Channel::Sms, "+6281234567890"));
    assert!(
        !shown.contains("6281234567890") && !shown.contains("ditangani"),
        "{shown}"
    );
    assert!(shown.contains(TICKET));
}

/// The token goes as `Authorization: Bearer`, never in the URL, where proxies and access
/// logs keep it.
#[track_caller]
fn assert_token_in_header_only(request: &common::Recorded, token: &str) {
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let url = format!(
        "{}?{}",
        request.path,
        request.query.as_deref().unwrap_or("")
    );
    assert!(!url.contains(token), "the token is in the URL: {url}");
}
