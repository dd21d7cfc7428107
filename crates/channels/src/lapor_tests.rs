//! Tests of the LAPOR! partner API: reports in, status updates out, signatures both ways.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::inbound::GeoPoint;
use chrono::TimeZone;
use proptest::prelude::*;

const REPORT: &[u8] = include_bytes!("../tests/fixtures/lapor_report.json");
const ANONYMOUS: &[u8] = include_bytes!("../tests/fixtures/lapor_anonymous.json");

fn with(field: &str, value: serde_json::Value) -> Vec<u8> {
    let mut report: serde_json::Value = serde_json::from_slice(REPORT).unwrap();
    report[field] = value;
    serde_json::to_vec(&report).unwrap()
}

fn malformed(body: &[u8]) -> String {
    match parse_report(body) {
        Err(InboundError::Malformed(why)) => why,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn a_full_report() {
    let message = parse_report(REPORT).unwrap();
    assert_eq!(message.channel, Channel::Lapor);
    assert_eq!(message.message_id, "LAPOR-2503-8812345");
    assert_eq!(
        message.text,
        "Pohon tumbang\n\nPohon tumbang di Kelurahan Menteng, Jl. Teuku Umar, menutup separuh \
         jalan dan menimpa kabel listrik. Mohon segera ditangani."
    );
    assert_eq!(
        message.category_hint.as_deref(),
        Some("Lingkungan Hidup dan Penanggulangan Bencana")
    );
    assert_eq!(
        message.location,
        Some(GeoPoint {
            lat: -6.1998731,
            lon: 106.8319546
        })
    );
    assert_eq!(
        message.address.as_deref(),
        Some("Jl. Teuku Umar, Menteng, Jakarta Pusat")
    );
    assert_eq!(message.sender.name.as_deref(), Some("Agus Pratama"));
    assert_eq!(message.sender.phone.as_deref(), Some("+6281311223344"));
    assert_eq!(
        message.sender.email.as_deref(),
        Some("agus.pratama@example.id")
    );
    assert_eq!(message.sender.handle, None);
    assert_eq!(
        message.reply,
        ReplyRoute {
            channel: Channel::Lapor,
            address: "LAPOR-2503-8812345".into(),
            in_reply_to: None,
            public: false,
        }
    );
    assert_eq!(
        message.media,
        vec![
            MediaRef {
                channel: Channel::Lapor,
                reference: "https://lapor.go.id/files/laporan/2025/03/8812345-1.jpg".into(),
                content_type: Some("image/jpeg".into()),
            },
            MediaRef {
                channel: Channel::Lapor,
                reference: "https://lapor.go.id/files/laporan/2025/03/8812345-2.jpg".into(),
                content_type: None,
            },
        ]
    );
    let debug = format!("{message:?}");
    assert!(!debug.contains("Agus") && !debug.contains("6281311223344"));
}

#[test]
fn an_anonymous_report_keeps_nobody() {
    let message = parse_report(ANONYMOUS).unwrap();
    assert_eq!(
        message.text,
        "Sampah menumpuk sudah 3 hari di Kec. Tebet, di pinggir Jl. Tebet Raya."
    );
    assert!(message.sender == Sender::default());
    assert_eq!(message.reply.address, "LAPOR-2503-8812399");
    assert_eq!(message.location, None);
    assert_eq!(message.address, None);
    assert_eq!(message.category_hint, None);
    assert!(message.media.is_empty());
}

#[test]
fn the_smallest_report() {
    let message =
        parse_report(br#"{"tracking_id":"LAPOR-1","content":"Lampu jalan mati"}"#).unwrap();
    assert_eq!(message.text, "Lampu jalan mati");
    assert!(message.sender == Sender::default());
    let unusable = with(
        "reporter",
        serde_json::json!({"name": " ", "phone": "halo", "email": "bukan-email"}),
    );
    assert!(parse_report(&unusable).unwrap().sender == Sender::default());
}

#[test]
fn tracking_ids() {
    let id = |v: &str| with("tracking_id", serde_json::json!(v));
    assert!(parse_report(&id(&"L".repeat(64))).is_ok());
    assert!(malformed(&id(&"L".repeat(65))).contains("tracking_id"));
    malformed(&id(""));
    malformed(&id("   "));
    malformed(&id("LAPOR 123"));
    malformed(&id("LAPOR-\u{0}1"));
    assert_eq!(
        parse_report(&id("  LAPOR-7  ")).unwrap().message_id,
        "LAPOR-7"
    );
}

#[test]
fn what_lapor_must_send() {
    assert!(malformed(br#"{"tracking_id":"LAPOR-1"}"#).contains("missing field `content`"));
    assert!(malformed(br#"{"content":"x"}"#).contains("missing field `tracking_id`"));
    malformed(&with("content", serde_json::json!(" \n ")));
    malformed(&with("submitted_at", serde_json::json!("kemarin sore")));
    malformed(&with("submitted_at", serde_json::json!("2025-03-06 09:15")));
    malformed(&with("anonymous", serde_json::json!("ya")));
    malformed(&with(
        "attachments",
        serde_json::json!([{"url": "file:///etc/passwd"}]),
    ));
    malformed(&with(
        "attachments",
        serde_json::json!([{"content_type": "image/jpeg"}]),
    ));
    malformed(b"");
    malformed(b"tracking_id=LAPOR-1");
    malformed(b"[]");
}

#[test]
fn locations() {
    let at = |v: serde_json::Value| with("location", v);
    let why = malformed(&at(serde_json::json!({"lat": -91.0, "lon": 106.8})));
    assert!(why.contains("out of range"), "{why}");
    malformed(&at(serde_json::json!({"lat": -6.2, "lon": 181.0})));
    malformed(&at(serde_json::json!({"lat": -6.2})));
    malformed(&at(serde_json::json!({"lat": "-6.2", "lon": "106.8"})));
    let only_address = parse_report(&at(serde_json::json!({"address": "Jl. Sabang"}))).unwrap();
    assert_eq!(only_address.location, None);
    assert_eq!(only_address.address.as_deref(), Some("Jl. Sabang"));
    let edge = parse_report(&at(serde_json::json!({"lat": 90.0, "lon": -180.0}))).unwrap();
    assert_eq!(
        edge.location,
        Some(GeoPoint {
            lat: 90.0,
            lon: -180.0
        })
    );
}

#[test]
fn errors_never_quote_the_payload() {
    let body = with(
        "reporter",
        serde_json::json!({"name": "Agus Pratama", "phone": 6281311223344_u64}),
    );
    let why = malformed(&body);
    assert!(
        !why.contains("6281311223344") && !why.contains("Agus"),
        "{why}"
    );
}

#[test]
fn text_is_capped() {
    let body = with("content", serde_json::json!("x".repeat(10_000)));
    let message = parse_report(&body).unwrap();
    assert_eq!(message.text.chars().count(), crate::email::MAX_DESCRIPTION);
}

fn update() -> StatusUpdate {
    StatusUpdate::new(
        "LAPOR-2503-8812345",
        "JKT2503060001",
        ReportState::InProgress,
        Some("Tim Suku Dinas Pertamanan sedang menuju lokasi.".into()),
        Utc.with_ymd_and_hms(2025, 3, 6, 4, 30, 0).unwrap(),
    )
}

#[test]
fn status_updates_round_trip() {
    let update = update();
    assert_eq!(update.status_label, "Proses");
    let body = status_update_body(&update);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "tracking_id": "LAPOR-2503-8812345",
            "ticket": "JKT2503060001",
            "status": "in_progress",
            "status_label": "Proses",
            "note": "Tim Suku Dinas Pertamanan sedang menuju lokasi.",
            "at": "2025-03-06T04:30:00Z",
        })
    );
    let back: StatusUpdate = serde_json::from_slice(&body).unwrap();
    assert_eq!(back, update);

    let done = StatusUpdate::new(
        "LAPOR-1",
        "JKT2503060002",
        ReportState::Completed,
        None,
        update.at,
    );
    let json: serde_json::Value = serde_json::from_slice(&status_update_body(&done)).unwrap();
    assert_eq!(json["status_label"], "Selesai");
    assert_eq!(json["note"], serde_json::Value::Null);
    // An offset time from a partner reads as the same instant.
    let shifted =
        br#"{"tracking_id":"L","ticket":"T","status":"completed","status_label":"Selesai",
        "at":"2025-03-06T11:30:00+07:00"}"#;
    let read: StatusUpdate = serde_json::from_slice(shifted).unwrap();
    assert_eq!(read.at, update.at);
    assert_eq!(read.note, None);
}

#[test]
fn status_updates_are_signed_and_checked() {
    let secret = b"rahasia-lapor";
    let body = status_update_body(&update());
    let sent_at = 1_741_235_400;
    let signature = sign(secret, sent_at, &body);
    let ts = sent_at.to_string();
    assert!(verify(secret, &ts, &signature, &body, sent_at));
    assert!(verify(
        secret,
        &ts,
        &signature,
        &body,
        sent_at + MAX_SKEW_SECONDS
    ));
    assert!(verify(
        secret,
        &ts,
        &signature,
        &body,
        sent_at - MAX_SKEW_SECONDS
    ));
    assert!(!verify(
        secret,
        &ts,
        &signature,
        &body,
        sent_at + MAX_SKEW_SECONDS + 1
    ));
    assert!(!verify(
        secret,
        &ts,
        &signature,
        &body,
        sent_at - MAX_SKEW_SECONDS - 1
    ));
    // Forged: another secret, another body, another timestamp, nothing at all.
    assert!(!verify(b"lain", &ts, &signature, &body, sent_at));
    assert!(!verify(secret, &ts, &signature, REPORT, sent_at));
    assert!(!verify(
        secret,
        &(sent_at + 1).to_string(),
        &signature,
        &body,
        sent_at
    ));
    assert!(!verify(secret, "", &signature, &body, sent_at));
    assert!(!verify(secret, &ts, "", &body, sent_at));

    // A pushed report is checked the same way before it is parsed.
    let signature = sign(secret, sent_at, REPORT);
    assert!(verify(secret, &ts, &signature, REPORT, sent_at + 10));
    assert!(parse_report(REPORT).is_ok());
}

/// A signature computed outside aduan, so that a mistake shared by our signer and our checker
/// (the payload's layout, the digest, the encoding) cannot pass unseen:
///
/// ```sh
/// printf '%s' '1741235400.{"tracking_id":"LAPOR-2503-8812345","content":"Pohon tumbang di Kelurahan Menteng"}' \
///     | openssl dgst -sha256 -hmac rahasia-lapor
/// python3 -c 'import hmac,hashlib; print(hmac.new(b"rahasia-lapor", b"1741235400." + b"{\"tracking_id\":\"LAPOR-2503-8812345\",\"content\":\"Pohon tumbang di Kelurahan Menteng\"}", hashlib.sha256).hexdigest())'
/// ```
///
/// Both print `8c30d0ad3ce4ec2b790ebd16c73e7a10988721ae40de37954e35c0696a02f46f`.
#[test]
fn a_signature_computed_independently() {
    let secret = b"rahasia-lapor";
    let timestamp = 1_741_235_400;
    let body =
        br#"{"tracking_id":"LAPOR-2503-8812345","content":"Pohon tumbang di Kelurahan Menteng"}"#;
    let expected = "sha256=8c30d0ad3ce4ec2b790ebd16c73e7a10988721ae40de37954e35c0696a02f46f";

    // What we send LAPOR! is what LAPOR! computes, and what LAPOR! sends us is taken.
    assert_eq!(sign(secret, timestamp, body), expected);
    assert!(verify(
        secret,
        &timestamp.to_string(),
        expected,
        body,
        timestamp
    ));
    assert!(parse_report(body).is_ok());
}

#[test]
fn truncated_payloads_are_malformed_not_panics() {
    for body in [REPORT, ANONYMOUS] {
        let end = body.trim_ascii_end().len();
        for n in 0..end {
            assert!(
                matches!(parse_report(&body[..n]), Err(InboundError::Malformed(_))),
                "prefix {n}"
            );
        }
        assert!(parse_report(&body[..end]).is_ok());
    }
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_report(&body);
    }

    #[test]
    fn arbitrary_reports_never_panic(
        tracking_id in "\\PC{0,70}",
        content in "\\PC{0,40}",
        lat in any::<f64>(),
        lon in any::<f64>(),
        phone in "[+0-9 a-z-]{0,20}",
    ) {
        let body = serde_json::json!({
            "tracking_id": tracking_id, "content": content,
            "location": {"lat": lat, "lon": lon},
            "reporter": {"phone": phone},
        });
        if let Ok(message) = parse_report(body.to_string().as_bytes()) {
            prop_assert!(!message.text.is_empty());
            prop_assert!(message.location.is_none_or(|p| p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0));
        }
    }
}

#[test]
fn an_anonymous_reporter_is_not_even_read() {
    let mut report: serde_json::Value = serde_json::from_slice(ANONYMOUS).unwrap();
    report["reporter"] =
        serde_json::json!({"name": ["Dewi", "Lestari"], "phone": 6281298765432_u64});
    let message = parse_report(&serde_json::to_vec(&report).unwrap()).unwrap();
    assert!(message.sender == Sender::default());
    report["anonymous"] = serde_json::json!(false);
    let why = malformed(&serde_json::to_vec(&report).unwrap());
    assert!(
        why.starts_with("LAPOR! reporter: unexpected shape"),
        "{why}"
    );
}
