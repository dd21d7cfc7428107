//! Media fetches cannot be turned against the server's own network (issue 14, finding 2):
//! https only, public addresses only (literal or resolved), every redirect checked again,
//! the channel's allowlist of media hosts, and credentials only to the API's exact origin.
//! The local receivers are let through by the test option `unsafe_local_fetch`, for their
//! exact origin only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::MediaRef;
use aduan_channels::outbound::DeliveryError;
use aduan_domain::Channel;
use common::{Receiver, Reply, deliverer};
use serde_json::{Value, json};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9";

fn media(channel: Channel, reference: &str) -> MediaRef {
    MediaRef {
        channel,
        reference: reference.to_owned(),
        content_type: None,
    }
}

async fn image() -> Receiver {
    Receiver::answering(Reply::bytes(200, "image/jpeg", JPEG.to_vec())).await
}

/// Meta's block with `hosts` as its allowlist, and `local` as the test origins.
fn meta(hosts: &[&str], local: &[&str]) -> Value {
    json!({
        "meta": {"page_access_token": "page-token", "app_secret": "s", "verify_token": "v",
                 "media_hosts": hosts},
        "unsafe_local_fetch": local,
    })
}

fn x(api_base: &str, local: &[&str]) -> Value {
    json!({
        "x": {"api_base": api_base, "consumer_secret": "c", "access_token": "x-token",
              "user_id": "1", "media_hosts": ["127.0.0.1"]},
        "unsafe_local_fetch": local,
    })
}

fn permanent(text: &str) -> DeliveryError {
    DeliveryError::Permanent(text.to_owned())
}

#[tokio::test]
async fn plain_http_is_refused_without_the_test_option() {
    let cdn = image().await;
    let url = format!("{}/photo.jpg", cdn.base);
    let config = json!({"lapor": {"status_url": format!("{}/status", cdn.base), "secret": "s"}});
    let error = deliverer(config)
        .fetch_media(&media(Channel::Lapor, &url), 1024)
        .await
        .unwrap_err();
    assert_eq!(error, permanent("lapor: the media URL is not https"));
    assert!(cdn.requests().is_empty());
}

#[tokio::test]
async fn local_private_and_reserved_addresses_are_refused_before_connecting() {
    let hosts = [
        "127.0.0.1",
        "localhost",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "[::1]",
        "[fc00::1]",
        "[fe80::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:169.254.169.254]",
    ];
    let fetcher = deliverer(meta(&hosts, &[]));
    for (url, why) in [
        ("https://127.0.0.1/a.jpg", "loopback"),
        ("https://localhost/a.jpg", "loopback"),
        // 127.0.0.1 written as one number and in hex: still the loopback address.
        ("https://2130706433/a.jpg", "loopback"),
        ("https://0x7f.0.0.1/a.jpg", "loopback"),
        ("https://10.0.0.1/a.jpg", "private"),
        ("https://172.16.5.4/a.jpg", "private"),
        ("https://192.168.1.1/a.jpg", "private"),
        ("https://169.254.169.254/latest/meta-data/iam", "link-local"),
        ("https://100.64.0.1/a.jpg", "carrier-grade NAT"),
        ("https://0.0.0.0/a.jpg", "unspecified"),
        ("https://224.0.0.1/a.jpg", "multicast"),
        ("https://[::1]/a.jpg", "loopback"),
        ("https://[fc00::1]/a.jpg", "unique-local"),
        ("https://[fe80::1]/a.jpg", "link-local"),
        ("https://[::ffff:127.0.0.1]/a.jpg", "loopback"),
        (
            "https://[::ffff:169.254.169.254]/latest/meta-data/",
            "link-local",
        ),
    ] {
        let error = fetcher
            .fetch_media(&media(Channel::Facebook, url), 1024)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            permanent(&format!(
                "facebook: the media host's address is not public ({why})"
            )),
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_redirect_from_the_test_receiver_is_checked_again() {
    let elsewhere = image().await;
    let elsewhere_port = elsewhere.base.rsplit(':').next().unwrap().to_owned();
    let hosts = ["127.0.0.1", "169.254.169.254", "cdn.example"];
    for (target, error) in [
        (
            "https://169.254.169.254/latest/meta-data/".to_owned(),
            "facebook: the media host's address is not public (link-local)",
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "facebook: the media URL is not https",
        ),
        // The same local host on another port is not the allowed origin.
        (
            format!("{}/a.jpg", elsewhere.base),
            "facebook: the media URL is not https",
        ),
        (
            format!("https://127.0.0.1:{elsewhere_port}/a.jpg"),
            "facebook: the media URL's port is not 443",
        ),
        (
            "https://127.0.0.1/a.jpg".to_owned(),
            "facebook: the media host's address is not public (loopback)",
        ),
        (
            "https://evil.example/a.jpg".to_owned(),
            "facebook: the media host evil.example is not on the channel's media_hosts \
             allowlist",
        ),
        (
            "file:///etc/passwd".to_owned(),
            "facebook: the media URL is not https",
        ),
    ] {
        let trap = Receiver::answering(Reply::redirect(&target)).await;
        let error_seen = deliverer(meta(&hosts, &[&trap.base]))
            .fetch_media(
                &media(Channel::Facebook, &format!("{}/a.jpg", trap.base)),
                1024,
            )
            .await
            .unwrap_err();
        assert_eq!(error_seen, permanent(error), "{target}");
        assert_eq!(trap.requests().len(), 1, "{target}");
    }
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_bounded() {
    let looping = Receiver::answering(Reply::redirect("/again")).await;
    let error = deliverer(meta(&["127.0.0.1"], &[&looping.base]))
        .fetch_media(
            &media(Channel::Facebook, &format!("{}/a.jpg", looping.base)),
            1024,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        permanent("facebook: redirect refused (too many redirects)")
    );
    assert_eq!(looping.requests().len(), 4);
}

#[tokio::test]
async fn the_bearer_token_goes_to_the_api_origin_only() {
    let api = image().await;
    let other_port = image().await;
    let config = x(&api.base, &[&api.base, &other_port.base]);
    let fetcher = deliverer(config);
    for (cdn, expected) in [(&api, Some("Bearer x-token")), (&other_port, None)] {
        let url = format!("{}/dm/1/media.jpg", cdn.base);
        let fetched = fetcher
            .fetch_media(&media(Channel::Twitter, &url), 1024)
            .await
            .unwrap();
        assert_eq!(fetched.bytes, JPEG);
        assert_eq!(cdn.only_request().header("authorization"), expected);
    }

    // The API on https: the same host and port over plain http gets no token.
    let plain = image().await;
    let https_base = plain.base.replace("http://", "https://");
    let fetched = deliverer(x(&https_base, &[&plain.base]))
        .fetch_media(
            &media(Channel::Twitter, &format!("{}/dm/1/media.jpg", plain.base)),
            1024,
        )
        .await
        .unwrap();
    assert_eq!(fetched.bytes, JPEG);
    assert_eq!(plain.only_request().header("authorization"), None);
}

#[tokio::test]
async fn credentials_are_not_sent_again_once_a_redirect_left_the_origin() {
    let api = common::Bound::new().await;
    let bounce = Receiver::answering(Reply::redirect(&format!("{}/back.jpg", api.base))).await;
    let api = api.serve(
        vec![(
            "/first.jpg",
            Reply::redirect(&format!("{}/bounce.jpg", bounce.base)),
        )],
        Reply::bytes(200, "image/jpeg", JPEG.to_vec()),
    );
    let config = json!({
        "twilio": {"api_base": api.base, "account_sid": "AC1", "auth_token": "tw",
                   "from": "+62811", "media_hosts": ["127.0.0.1"]},
        "unsafe_local_fetch": [api.base, bounce.base],
    });
    let fetched = deliverer(config)
        .fetch_media(
            &media(Channel::Sms, &format!("{}/first.jpg", api.base)),
            1024,
        )
        .await
        .unwrap();
    assert_eq!(fetched.bytes, JPEG);
    let at_api = api.requests();
    assert_eq!(at_api.len(), 2, "{at_api:#?}");
    assert_eq!(at_api[0].header("authorization"), Some("Basic QUMxOnR3"));
    assert_eq!(at_api[1].path, "/back.jpg");
    assert_eq!(at_api[1].header("authorization"), None);
    assert_eq!(bounce.only_request().header("authorization"), None);
}

#[tokio::test]
async fn a_host_outside_the_allowlist_is_refused_without_a_request() {
    // The providers' defaults: X's media hosts are not Meta's, nor anyone else's.
    let config = json!({"x": {"consumer_secret": "c", "access_token": "x-token", "user_id": "1"}});
    let fetcher = deliverer(config);
    for url in [
        "https://evil.example/a.jpg",
        "https://pbs.twimg.com.evil.example/a.jpg",
        "https://scontent.xx.fbcdn.net/a.jpg",
        "https://twimg.com/a.jpg",
        "https://user:secret@evil.example/a.jpg",
    ] {
        let host = url::Url::parse(url).unwrap().host_str().unwrap().to_owned();
        let error = fetcher
            .fetch_media(&media(Channel::Twitter, url), 1024)
            .await
            .unwrap_err();
        let expected = if url.contains('@') {
            "twitter: the media URL carries credentials".to_owned()
        } else {
            format!("twitter: the media host {host} is not on the channel's media_hosts allowlist")
        };
        assert_eq!(error, permanent(&expected), "{url}");
    }
    // An allowed host on another port than 443 is another service.
    let error = fetcher
        .fetch_media(
            &media(Channel::Twitter, "https://pbs.twimg.com:8443/media/a.jpg"),
            1024,
        )
        .await
        .unwrap_err();
    assert_eq!(error, permanent("twitter: the media URL's port is not 443"));
    // A local receiver let through by the test option is still held to the allowlist.
    let cdn = image().await;
    let error = deliverer(meta(&["scontent.xx.fbcdn.net"], &[&cdn.base]))
        .fetch_media(
            &media(Channel::Instagram, &format!("{}/a.jpg", cdn.base)),
            1024,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        permanent(
            "instagram: the media host 127.0.0.1 is not on the channel's media_hosts allowlist"
        )
    );
    assert!(cdn.requests().is_empty());
}

#[tokio::test]
async fn the_channels_file_refuses_bad_media_settings() {
    for bad in [
        json!({"x": {"consumer_secret": "c", "access_token": "t", "user_id": "1",
                     "media_hosts": ["https://pbs.twimg.com"]}}),
        json!({"x": {"consumer_secret": "c", "access_token": "t", "user_id": "1",
                     "media_hosts": ["*"]}}),
        json!({"unsafe_local_fetch": ["http://127.0.0.1:8123/path"]}),
        json!({"unsafe_local_fetch": true}),
    ] {
        assert!(
            aduan_channels::ChannelsConfig::from_json(&bad.to_string()).is_err(),
            "{bad}"
        );
    }
}

/// Collects what the log subscriber writes.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_test_option_is_off_by_default_and_announced_loudly_when_on() {
    assert!(common::config(json!({})).unsafe_local_fetch.is_empty());
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        deliverer(json!({}));
        deliverer(json!({"unsafe_local_fetch": ["http://127.0.0.1:8123"]}));
    });
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    for part in [
        "WARN",
        "UNSAFE",
        "unsafe_local_fetch",
        "http://127.0.0.1:8123",
    ] {
        assert!(lines[0].contains(part), "{part}: {text}");
    }
}
