//! The inbound-mail webhook: signed messages are filed once; unsigned or forged ones are
//! refused and leave nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::signature::sign_sha256;
use aduan_web::{WebConfig, WebhookSecret};
use common::TestApp;

const SECRET: &str = "relay-secret-7d1f";

fn eml(message_id: &str) -> Vec<u8> {
    format!(
        "From: Budi Hartono <budi.hartono@contoh.id>\r\n\
To: dki@jakarta.go.id\r\n\
Subject: Sampah menumpuk di Gambir\r\n\
Message-ID: <{message_id}>\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Sampah belum diangkut tiga hari di depan pasar.\r\n"
    )
    .into_bytes()
}

async fn app_with_webhook() -> TestApp {
    TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        email_webhook_secret: Some(WebhookSecret(SECRET.into())),
        ..WebConfig::default()
    })
    .await
}

async fn deliver(app: &TestApp, body: Vec<u8>, signature: Option<String>) -> common::Resp {
    let mut req = app
        .http
        .post(app.url("/channels/email/inbound"))
        .header("content-type", "message/rfc822")
        .body(body);
    if let Some(signature) = signature {
        req = req.header("x-aduan-signature", signature);
    }
    common::Resp::read(req.send().await.unwrap()).await
}

async fn report_count(app: &TestApp) -> usize {
    let query = aduan_store::ReportQuery::new(aduan_store::ReportScope::All, 200);
    app.store.list_reports(query).await.unwrap().reports.len()
}

#[tokio::test]
async fn a_signed_message_is_filed_once_even_when_delivered_twice() {
    let app = app_with_webhook().await;
    let body = eml("pasar-1@contoh.id");
    let signature = sign_sha256(SECRET.as_bytes(), &body);
    let first = deliver(&app, body.clone(), Some(signature.clone())).await;
    let receipt = first.expect(201);
    assert_eq!(receipt["filed"], true);
    let again = deliver(&app, body, Some(signature)).await.expect(200);
    assert_eq!(again["filed"], false);
    assert_eq!(again["ticket"], receipt["ticket"]);
    assert_eq!(report_count(&app).await, 1);
    let text = first.text() + &again.to_string();
    assert!(!text.contains("budi") && !text.contains("Budi"), "{text}");
}

#[tokio::test]
async fn unsigned_or_forged_messages_are_refused_and_leave_nothing() {
    let app = app_with_webhook().await;
    let body = eml("pasar-2@contoh.id");
    deliver(&app, body.clone(), None)
        .await
        .error(401, "unauthorized");
    let forged = sign_sha256(b"guessed secret", &body);
    deliver(&app, body.clone(), Some(forged))
        .await
        .error(401, "unauthorized");
    // Signed for another body: the signature covers the exact bytes.
    let other = sign_sha256(SECRET.as_bytes(), &eml("pasar-3@contoh.id"));
    deliver(&app, body, Some(other))
        .await
        .error(401, "unauthorized");
    assert_eq!(report_count(&app).await, 0);
}

#[tokio::test]
async fn a_signed_non_mail_is_a_clear_error_and_files_nothing() {
    let app = app_with_webhook().await;
    let garbage = b"\x89PNG not a mail".to_vec();
    let signature = sign_sha256(SECRET.as_bytes(), &garbage);
    deliver(&app, garbage, Some(signature))
        .await
        .invalid("email");
    assert_eq!(report_count(&app).await, 0);
}

#[tokio::test]
async fn without_a_secret_the_webhook_does_not_exist() {
    let app = TestApp::spawn().await;
    let body = eml("pasar-4@contoh.id");
    let signature = sign_sha256(SECRET.as_bytes(), &body);
    deliver(&app, body, Some(signature))
        .await
        .error(404, "not_found");
    assert_eq!(report_count(&app).await, 0);
}
