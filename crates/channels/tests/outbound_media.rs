//! Fetching the photos citizens sent: each channel's call, the size cap and the content
//! type check. Every provider is a local receiver on 127.0.0.1, let through by the test
//! option `unsafe_local_fetch` (what it guards is in `outbound_media_guard.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::MediaRef;
use aduan_channels::outbound::DeliveryError;
use aduan_domain::Channel;
use common::{Bound, Receiver, Reply, closed_port, deliverer, named, raw_http};
use serde_json::json;

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9";

fn media(channel: Channel, reference: &str) -> MediaRef {
    MediaRef {
        channel,
        reference: reference.to_owned(),
        content_type: None,
    }
}

fn whatsapp(base: &str) -> serde_json::Value {
    json!({"whatsapp": {"api_base": base, "phone_number_id": "1099", "access_token": "wa-token",
                        "app_secret": "s", "verify_token": "v"},
           "unsafe_local_fetch": [base]})
}

fn twilio(base: &str, storage: &str) -> serde_json::Value {
    json!({"twilio": {"api_base": base, "account_sid": "AC1", "auth_token": "tw", "from": "+62811"},
           "unsafe_local_fetch": [base, storage]})
}

/// Meta and LAPOR! with the local receiver at `base` as their media host.
fn local(base: &str) -> serde_json::Value {
    json!({"meta": {"page_access_token": "p", "app_secret": "s", "verify_token": "v",
                    "media_hosts": ["127.0.0.1"]},
           "lapor": {"status_url": "https://lapor.go.id/api/status", "secret": "s",
                     "media_hosts": ["127.0.0.1"]},
           "unsafe_local_fetch": [base]})
}

#[tokio::test]
async fn whatsapp_media_ids_are_looked_up_then_downloaded_with_the_token() {
    let graph = Bound::new().await;
    let file_url = format!("{}/lookaside/whatsapp_business/?mid=778", graph.base);
    let graph = graph.serve(
        vec![
            (
                "/778",
                Reply::json(
                    200,
                    json!({"url": file_url, "mime_type": "image/jpeg",
                                        "file_size": JPEG.len(), "id": "778"}),
                ),
            ),
            (
                "/lookaside/whatsapp_business/",
                Reply::bytes(200, "image/jpeg", JPEG.to_vec()),
            ),
        ],
        Reply::status(404),
    );
    let fetched = deliverer(whatsapp(&graph.base))
        .fetch_media(&media(Channel::Whatsapp, "778"), 1024)
        .await
        .unwrap();
    assert_eq!(fetched.bytes, JPEG);
    assert_eq!(fetched.content_type.as_deref(), Some("image/jpeg"));
    let requests = graph.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/778")
    );
    assert_eq!(requests[1].path, "/lookaside/whatsapp_business/");
    assert_eq!(requests[1].query.as_deref(), Some("mid=778"));
    for request in &requests {
        assert_eq!(request.header("authorization"), Some("Bearer wa-token"));
    }
}

#[tokio::test]
async fn whatsapp_media_larger_than_the_cap_is_not_downloaded() {
    let graph = Bound::new().await;
    let file_url = format!("{}/file", graph.base);
    let graph = graph.serve(
        vec![(
            "/778",
            Reply::json(
                200,
                json!({"url": file_url, "mime_type": "image/jpeg", "file_size": 5_000_000}),
            ),
        )],
        Reply::bytes(200, "image/jpeg", JPEG.to_vec()),
    );
    let error = deliverer(whatsapp(&graph.base))
        .fetch_media(&media(Channel::Whatsapp, "778"), 1_000_000)
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    assert_eq!(graph.requests().len(), 1);
}

#[tokio::test]
async fn twilio_media_uses_basic_auth_and_follows_the_redirect_without_it() {
    let storage = Receiver::answering(Reply::bytes(200, "image/png", b"png bytes".to_vec())).await;
    let twilio_api =
        Receiver::answering(Reply::redirect(&format!("{}/media/ME1.png", storage.base))).await;
    let url = format!(
        "{}/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        twilio_api.base
    );
    let fetched = deliverer(twilio(&twilio_api.base, &storage.base))
        .fetch_media(&media(Channel::Sms, &url), 1024)
        .await
        .unwrap();
    assert_eq!(fetched.bytes, b"png bytes");
    assert_eq!(fetched.content_type.as_deref(), Some("image/png"));
    let first = twilio_api.only_request();
    assert_eq!(
        first.path,
        "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    );
    assert_eq!(first.header("authorization"), Some("Basic QUMxOnR3"));
    let second = storage.only_request();
    assert_eq!(second.path, "/media/ME1.png");
    assert_eq!(second.header("authorization"), None);
}

#[tokio::test]
async fn twitter_media_carries_the_bearer_token() {
    let api = Receiver::answering(Reply::bytes(200, "image/jpeg", JPEG.to_vec())).await;
    let config = json!({"x": {"api_base": api.base, "consumer_secret": "c", "access_token": "x-token", "user_id": "1"},
                        "unsafe_local_fetch": [api.base]});
    let fetched = deliverer(config)
        .fetch_media(
            &media(Channel::Twitter, &format!("{}/dm/1/media.jpg", api.base)),
            1024,
        )
        .await
        .unwrap();
    assert_eq!(fetched.bytes, JPEG);
    assert_eq!(
        api.only_request().header("authorization"),
        Some("Bearer x-token")
    );
}

#[tokio::test]
async fn facebook_and_lapor_media_are_plain_gets() {
    for channel in [
        Channel::Facebook,
        Channel::Instagram,
        named("governor_social"),
        Channel::Lapor,
    ] {
        let cdn = Receiver::answering(Reply::bytes(200, "image/webp", b"webp".to_vec())).await;
        let fetched = deliverer(local(&cdn.base))
            .fetch_media(
                &media(channel, &format!("{}/v/t1/abc.webp?oh=1", cdn.base)),
                1024,
            )
            .await
            .unwrap();
        assert_eq!(fetched.content_type.as_deref(), Some("image/webp"));
        let request = cdn.only_request();
        assert_eq!(request.method, "GET");
        assert_eq!(request.query.as_deref(), Some("oh=1"));
        assert_eq!(request.header("authorization"), None);
    }
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused() {
    let cdn = Receiver::answering(Reply::bytes(200, "image/jpeg", vec![0; 4096])).await;
    let error = deliverer(local(&cdn.base))
        .fetch_media(
            &media(Channel::Facebook, &format!("{}/big.jpg", cdn.base)),
            4095,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("facebook: the media is larger than 4095 bytes".into())
    );
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_is_refused_while_it_arrives() {
    let chunk = "x".repeat(1000);
    let mut response =
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for _ in 0..5 {
        response.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    response.extend_from_slice(b"0\r\n\r\n");
    let base = raw_http(response).await;
    let url = format!("{base}/stream.png");
    let error = deliverer(local(&base))
        .fetch_media(&media(Channel::Lapor, &url), 4500)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("lapor: the media is larger than 4500 bytes".into())
    );
    // Under the cap the same stream is taken whole.
    let fetched = deliverer(local(&base))
        .fetch_media(&media(Channel::Lapor, &url), 5000)
        .await
        .unwrap();
    assert_eq!(fetched.bytes.len(), 5000);
}

#[tokio::test]
async fn only_images_are_taken() {
    let page = Receiver::answering(Reply::bytes(
        200,
        "text/html; charset=utf-8",
        b"<html>".to_vec(),
    ))
    .await;
    let error = deliverer(local(&page.base))
        .fetch_media(&media(Channel::Facebook, &format!("{}/x", page.base)), 1024)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("facebook: the media is not an image (text/html)".into())
    );

    // A generic type falls back to what the channel declared.
    let octets =
        Receiver::answering(Reply::bytes(200, "application/octet-stream", JPEG.to_vec())).await;
    let mut declared = media(Channel::Instagram, &format!("{}/x", octets.base));
    declared.content_type = Some("image/jpeg".into());
    let fetched = deliverer(local(&octets.base))
        .fetch_media(&declared, 1024)
        .await
        .unwrap();
    assert_eq!(fetched.content_type.as_deref(), Some("image/jpeg"));
    declared.content_type = None;
    let error = deliverer(local(&octets.base))
        .fetch_media(&declared, 1024)
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
}

#[tokio::test]
async fn only_http_urls_are_fetched_and_followed() {
    let trap = Receiver::answering(Reply::redirect("file:///etc/passwd")).await;
    let deliverer = deliverer(local(&trap.base));
    for reference in ["file:///etc/passwd", "ftp://127.0.0.1/a.jpg", "not a url"] {
        let error = deliverer
            .fetch_media(&media(Channel::Facebook, reference), 1024)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            DeliveryError::Permanent("facebook: the media reference is not an http(s) URL".into())
        );
    }
    let error = deliverer
        .fetch_media(
            &media(Channel::Facebook, &format!("{}/a.jpg", trap.base)),
            1024,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("facebook: the media URL is not https".into())
    );
    assert_eq!(trap.requests().len(), 1);
}

#[tokio::test]
async fn media_failures_are_sorted_like_deliveries() {
    for (status, temporary) in [(404, false), (403, false), (503, true), (429, true)] {
        let cdn = Receiver::answering(Reply::status(status)).await;
        let error = deliverer(local(&cdn.base))
            .fetch_media(
                &media(Channel::Facebook, &format!("{}/a.jpg", cdn.base)),
                1024,
            )
            .await
            .unwrap_err();
        let expected = format!("facebook: HTTP {status}");
        if temporary {
            assert_eq!(error, DeliveryError::Temporary(expected));
        } else {
            assert_eq!(error, DeliveryError::Permanent(expected));
        }
    }
    let base = format!("http://127.0.0.1:{}", closed_port());
    let error = deliverer(local(&base))
        .fetch_media(&media(Channel::Facebook, &format!("{base}/a.jpg")), 1024)
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Temporary(_)), "{error:?}");
}

#[tokio::test]
async fn media_needs_its_channel() {
    let error = deliverer(json!({}))
        .fetch_media(&media(Channel::Whatsapp, "778"), 1024)
        .await
        .unwrap_err();
    assert_eq!(error, DeliveryError::NotConfigured("whatsapp".into()));
    for (channel, code) in [
        (Channel::Facebook, "facebook"),
        (Channel::Sms, "sms"),
        (Channel::Twitter, "twitter"),
        (Channel::Lapor, "lapor"),
    ] {
        let error = deliverer(json!({}))
            .fetch_media(&media(channel, "https://cdn.example/a.jpg"), 1024)
            .await
            .unwrap_err();
        assert_eq!(error, DeliveryError::NotConfigured(code.into()));
    }
    let error = deliverer(json!({}))
        .fetch_media(&media(Channel::Email, "http://127.0.0.1/a.jpg"), 1024)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        DeliveryError::Permanent("no media fetching for email".into())
    );
}
