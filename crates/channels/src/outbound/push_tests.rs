//! The endpoint allowlist and the encryption of a push, without a network.

use super::*;

const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

fn checked(raw: &str) -> Result<String, Refused> {
    check_endpoint(raw, &[]).map(|url| url.to_string())
}

#[test]
fn the_push_services_endpoints_are_taken() {
    for endpoint in [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://db5p.notify.windows.com/w/?token=BQYAAAB",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://api.push.apple.com/3/device/x",
        "https://fcm.googleapis.com:443/fcm/send/x",
    ] {
        assert!(checked(endpoint).is_ok(), "{endpoint}");
    }
    // `*.push.services.mozilla.com` is its subdomains, not the bare name.
    assert_eq!(
        checked("https://push.services.mozilla.com/wpush/v2/x"),
        Err(Refused::NotPushService)
    );
}

#[test]
fn other_addresses_are_refused() {
    let cases = [
        ("http://fcm.googleapis.com/fcm/send/x", Refused::NotHttps),
        ("ftp://fcm.googleapis.com/x", Refused::NotHttps),
        ("https://fcm.googleapis.com:8443/fcm/send/x", Refused::Port),
        ("https://example.com/fcm/send/x", Refused::NotPushService),
        (
            "https://fcm.googleapis.com.evil.example/x",
            Refused::NotPushService,
        ),
        ("https://evilfcm.googleapis.com/x", Refused::NotPushService),
        ("https://notify.windows.com/x", Refused::NotPushService),
        ("https://10.0.0.1/fcm/send/x", Refused::NotPushService),
        ("https://127.0.0.1/x", Refused::NotPushService),
        ("https://[::1]/x", Refused::NotPushService),
        (
            "https://169.254.169.254/latest/meta-data",
            Refused::NotPushService,
        ),
        ("https://user:pw@fcm.googleapis.com/x", Refused::NotUrl),
        ("https://fcm.googleapis.com/x#frag", Refused::NotUrl),
        ("not a url", Refused::NotUrl),
        ("", Refused::NotUrl),
    ];
    for (endpoint, why) in cases {
        assert_eq!(checked(endpoint), Err(why), "{endpoint}");
    }
    let long = format!(
        "https://fcm.googleapis.com/{}",
        "a".repeat(MAX_ENDPOINT_LEN)
    );
    assert_eq!(checked(&long), Err(Refused::NotUrl));
}

#[test]
fn a_local_origin_is_taken_only_on_its_exact_port() {
    let local = [LocalOrigin::parse("http://127.0.0.1:8123").unwrap()];
    assert!(check_endpoint("http://127.0.0.1:8123/push/1", &local).is_ok());
    assert_eq!(
        check_endpoint("http://127.0.0.1:8124/push/1", &local).map(|_| ()),
        Err(Refused::NotHttps)
    );
    assert_eq!(
        check_endpoint("https://127.0.0.1:8124/push/1", &local).map(|_| ()),
        Err(Refused::NotPushService)
    );
}

#[test]
fn the_keys_must_be_a_p256_point_and_16_bytes() {
    let endpoint = "https://fcm.googleapis.com/fcm/send/x";
    let sub = Subscription::parse(endpoint, P256DH, AUTH, &[]).unwrap();
    assert_eq!(sub.p256dh(), P256DH);
    assert_eq!(sub.auth(), AUTH);
    assert!(!format!("{sub:?}").contains("/fcm/send/x"));
    for (key, auth) in [
        ("AAAA", AUTH),
        (P256DH, "AAAA"),
        (&P256DH[1..], AUTH),
        (P256DH, "not base64!"),
    ] {
        assert_eq!(
            Subscription::parse(endpoint, key, auth, &[]).map(|_| ()),
            Err(Refused::Keys)
        );
    }
}

#[tokio::test]
async fn a_message_too_large_is_refused_before_anything_is_sent() {
    let sub =
        Subscription::parse("https://fcm.googleapis.com/fcm/send/x", P256DH, AUTH, &[]).unwrap();
    let vapid = VapidKey::derive(|_| [3; 32]).unwrap();
    let big = vec![b'a'; MAX_PAYLOAD + 1];
    let sent = send(&sub, &big, &vapid, "mailto:a@b.id", 0, &[]).await;
    assert!(
        matches!(sent, Err(PushError::Failed(DeliveryError::Permanent(_)))),
        "{sent:?}"
    );
}
