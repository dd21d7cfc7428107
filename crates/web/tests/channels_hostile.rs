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

/// A small deterministic generator: the same bodies every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64).max(1)).unwrap()
    }
}

/// A call's signature headers.
type Headers = Vec<(&'static str, String)>;

/// `body` posted to each webhook, signed as that channel signs.
async fn post_signed_everywhere(app: &TestApp, body: &[u8]) -> Vec<(&'static str, u16)> {
    use aduan_channels::{lapor, meta, twitter};
    use receiver::{META_SECRET, X_SECRET};
    let now = chrono::Utc::now().timestamp();
    let hub = |secret: &str| vec![(meta::SIGNATURE_HEADER, sign_sha256(secret.as_bytes(), body))];
    let calls: Vec<(&'static str, &'static str, Headers)> = vec![
        (
            "/channels/whatsapp/webhook",
            "application/json",
            hub(WA_SECRET),
        ),
        (
            "/channels/meta/webhook",
            "application/json",
            hub(META_SECRET),
        ),
        (
            "/channels/x/webhook",
            "application/json",
            vec![(
                twitter::SIGNATURE_HEADER,
                twitter::sign_body(X_SECRET, body),
            )],
        ),
        (
            "/channels/lapor/reports",
            "application/json",
            vec![
                (lapor::TIMESTAMP_HEADER, now.to_string()),
                (
                    lapor::SIGNATURE_HEADER,
                    lapor::sign(receiver::LAPOR_SECRET.as_bytes(), now, body),
                ),
            ],
        ),
    ];
    let mut statuses = Vec::new();
    for (path, kind, headers) in calls {
        let resp = post(app, path, kind, body.to_vec(), &headers).await;
        statuses.push((path, resp.status));
    }
    // Twilio signs the decoded parameters: sign whatever the body decodes to.
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let url = format!("{PUBLIC_BASE}{SMS_PATH}");
    let headers = [(
        aduan_channels::sms::SIGNATURE_HEADER,
        twilio_signature(TWILIO_TOKEN, &url, &params),
    )];
    let resp = post(
        app,
        SMS_PATH,
        "application/x-www-form-urlencoded",
        body.to_vec(),
        &headers,
    )
    .await;
    statuses.push((SMS_PATH, resp.status));
    statuses
}

#[tokio::test]
async fn random_and_truncated_signed_bodies_never_get_a_5xx() {
    let app = app().await;
    let valid: Vec<Vec<u8>> = vec![
        receiver::x_activity("Jalan berlubang di Menteng sejak lama", "Saluran tersumbat")
            .to_string()
            .into_bytes(),
        receiver::facebook_feed("Lampu jalan mati di taman", "Sampah menumpuk di pasar")
            .to_string()
            .into_bytes(),
        whatsapp_webhook(
            "6281298760003",
            "Dewi",
            vec![
                json!({"from": "6281298760003", "id": "wamid.fz1", "type": "text",
                        "text": {"body": "Banjir di Kampung Melayu setinggi lutut"}}),
            ],
        )
        .to_string()
        .into_bytes(),
        json!({"tracking_id": "LAPOR-2503-7770001", "title": "Pohon tumbang",
               "content": "Pohon tumbang menutup jalan di Menteng", "anonymous": true})
        .to_string()
        .into_bytes(),
        b"MessageSid=SMfz1&From=%2B6281234560001&Body=Jalan+rusak+parah&NumMedia=0".to_vec(),
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut bodies = Vec::new();
    for body in &valid {
        for _ in 0..6 {
            bodies.push(body[..rng.below(body.len() + 1)].to_vec());
        }
        let mut mutated = body.clone();
        let at = rng.below(mutated.len());
        mutated[at] = u8::try_from(rng.next() & 0xff).unwrap();
        bodies.push(mutated);
    }
    for _ in 0..10 {
        let len = rng.below(300);
        bodies.push(
            (0..len)
                .map(|_| u8::try_from(rng.next() & 0xff).unwrap())
                .collect(),
        );
    }
    bodies.extend(valid.iter().cloned());
    let mut signed_right = 0;
    for body in &bodies {
        for (path, status) in post_signed_everywhere(&app, body).await {
            assert!(status < 500, "{path} answered {status} to {body:?}");
            signed_right += usize::from(status != 401);
        }
    }
    // The signatures are right: the bodies reach the parsers.
    assert!(signed_right > bodies.len(), "{signed_right}");
}
