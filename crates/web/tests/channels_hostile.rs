//! Hostile but correctly signed deliveries: a message with thousands of attachments, a
//! body over the limit, a form that does not decode, control characters in the text. Each
//! gets a bounded, clear answer in the API's JSON error format, or files a clean report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::json;

use aduan_channels::signature::sign_sha256;
use aduan_domain::Channel;
use aduan_store::{ReportQuery, ReportScope};
use common::TestApp;
use common::receiver::{
    self, PUBLIC_BASE, SMS_PATH, TWILIO_TOKEN, WA_SECRET, form, lapor_signed, post, sms_signed,
    twilio_signature, twiml, whatsapp_webhook,
};

/// Nothing listens here: these tests deliver nothing.
const NO_API: &str = "http://127.0.0.1:9";

async fn app() -> TestApp {
    receiver::app_with_channels(NO_API).await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app.count(sql).await
}

#[tokio::test]
async fn a_lapor_report_with_thousands_of_attachments_queues_at_most_five_fetches() {
    let app = app().await;
    let attachments: Vec<_> = (0..5000)
        .map(|i| json!({"url": format!("https://lapor.go.id/files/x-{i}.jpg")}))
        .collect();
    let body = json!({
        "tracking_id": "LAPOR-2503-9990001",
        "title": "Trotoar rusak",
        "content": "Trotoar rusak parah di depan halte, banyak pejalan kaki terjatuh.",
        "anonymous": true,
        "attachments": attachments,
    });
    let resp = lapor_signed(&app, &body).await;
    assert_eq!(resp.status, 201, "{resp:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reports").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'fetch_media'"
        )
        .await,
        5
    );
}

#[tokio::test]
async fn an_oversized_webhook_body_is_a_json_413() {
    let config = receiver::web_config(receiver::channels(NO_API));
    let app = TestApp::spawn_with(aduan_web::WebConfig {
        max_body_bytes: 4096,
        ..config
    })
    .await;
    let big = vec![b'a'; 8192];
    let signature = sign_sha256(WA_SECRET.as_bytes(), &big);
    let paths = [
        "/channels/whatsapp/webhook",
        "/channels/meta/webhook",
        "/channels/x/webhook",
        "/channels/lapor/reports",
        SMS_PATH,
    ];
    for path in paths {
        let resp = post(
            &app,
            path,
            "application/json",
            big.clone(),
            &[("x-hub-signature-256", signature.clone())],
        )
        .await;
        let error = resp.error(413, "payload_too_large");
        assert!(
            error["message"].as_str().unwrap().contains("4096"),
            "{path}: {resp:?}"
        );
    }
}

#[tokio::test]
async fn what_is_not_a_twilio_form_is_a_json_error_naming_the_problem() {
    let app = app().await;
    let url = format!("{PUBLIC_BASE}{SMS_PATH}");
    // JSON where Twilio posts a form.
    let body = br#"{"MessageSid":"SM1","From":"+6281234560001","Body":"Jalan rusak"}"#.to_vec();
    let signature = twilio_signature(TWILIO_TOKEN, &url, &[]);
    let headers = [(aduan_channels::sms::SIGNATURE_HEADER, signature)];
    let resp = post(&app, SMS_PATH, "application/json", body, &headers).await;
    let error = resp.error(415, "unsupported_media_type");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("x-www-form-urlencoded"), "{resp:?}");
    // A signed form without the sender: the field is named.
    let params = form(&[("MessageSid", "SMnofrom1"), ("Body", "Jalan rusak parah")]);
    let resp = sms_signed(&app, &params).await;
    let error = resp.error(422, "validation_failed");
    assert!(
        error["message"].as_str().unwrap().contains("From"),
        "{resp:?}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reports").await, 0);
}

#[tokio::test]
async fn control_characters_are_stripped_before_the_store() {
    let app = app().await;
    // SMS through Twilio.
    let params = form(&[
        ("MessageSid", "SMnul0001"),
        ("From", "+6281234560009"),
        (
            "Body",
            "Lampu jalan\u{0} mati\u{7} di Jl. Cikini\n\tsejak kemarin malam",
        ),
        ("NumMedia", "0"),
    ]);
    twiml(&sms_signed(&app, &params).await);
    // WhatsApp Cloud.
    let wa = whatsapp_webhook(
        "6281298760009",
        "Dewi\u{0}",
        vec![
            json!({"from": "6281298760009", "id": "wamid.nul1", "type": "text",
                    "text": {"body": "Sampah\u{0} menumpuk\u{1b} di dekat pasar sejak lama"}}),
        ],
    );
    let bytes = wa.to_string().into_bytes();
    let sig = sign_sha256(WA_SECRET.as_bytes(), &bytes);
    let resp = post(
        &app,
        "/channels/whatsapp/webhook",
        "application/json",
        bytes,
        &[("x-hub-signature-256", sig)],
    )
    .await;
    assert_eq!(resp.status, 200, "{resp:?}");
    // LAPOR!: every field.
    let body = json!({
        "tracking_id": "LAPOR-2503-0000001",
        "title": "Banjir\u{0}",
        "content": "Banjir setinggi lutut\u{0} di RT 05, air masuk rumah warga.",
        "category": "Banjir\u{0}",
        "location": {"address": "Jl. Kampung\u{0} Melayu"},
        "anonymous": true,
    });
    let resp = lapor_signed(&app, &body).await;
    assert_eq!(resp.status, 201, "{resp:?}");

    let reports = app
        .store
        .list_reports(ReportQuery::new(ReportScope::All, 10))
        .await
        .unwrap()
        .reports;
    assert_eq!(reports.len(), 3, "{reports:#?}");
    for report in &reports {
        let text = format!("{} {:?}", report.description, report.address);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{text:?}"
        );
    }
    let sms = reports.iter().find(|r| r.channel == Channel::Sms).unwrap();
    assert_eq!(
        sms.description,
        "Lampu jalan mati di Jl. Cikini\n\tsejak kemarin malam"
    );
}
