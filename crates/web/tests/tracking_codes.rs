//! Tracking codes for reports filed without an account, on every channel: the reporter of
//! an SMS, a private X message or the web form without an account hears the code in the
//! acknowledgement and opens `/lacak` with it; an answer in public (a reply under a tweet)
//! never carries it; the database never holds the code in plain text, and the sealed copy
//! leaves the outbox once the answer is delivered; an Open311 app gets the code in its
//! response; a reporter who gave only an e-mail address reads the code in the mail an SMTP
//! server received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;
#[path = "../../channels/tests/common/smtp.rs"]
mod smtp;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::multipart::Form;

use aduan_channels::ChannelsConfig;
use aduan_channels::outbound::Deliverer;
use aduan_store::{ReportQuery, ReportScope};
use aduan_web::outbox::{OutboxWorker, RetryPolicy};
use citizen_browser::{Browser, hidden, page};
use common::receiver::{self, PUBLIC_BASE, Receiver, send_sms, x_activity, x_signed};
use common::{Resp, TestApp};

const SEALED: &str = "SELECT count(*) FROM outbox WHERE payload LIKE '%sealed_code%'";

async fn setup() -> (TestApp, Receiver, OutboxWorker) {
    let api = Receiver::start().await;
    let config = receiver::channels(&api.base);
    let app = TestApp::spawn_with(receiver::web_config(config.clone())).await;
    let deliverer = Arc::new(Deliverer::new(&config).unwrap());
    let policy = RetryPolicy {
        idle: Duration::from_secs(1),
        ..RetryPolicy::default()
    };
    let worker = OutboxWorker::new(app.state.clone(), deliverer, policy);
    (app, api, worker)
}

/// The ticket of the one report filed.
async fn only_ticket(app: &TestApp) -> String {
    let query = ReportQuery::new(ReportScope::All, 10);
    let reports = app.store.list_reports(query).await.unwrap().reports;
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports[0].ticket.to_string()
}

/// The ticket of the report whose description starts with `text`.
async fn report_about(app: &TestApp, text: &str) -> String {
    let query = ReportQuery::new(ReportScope::All, 10);
    let reports = app.store.list_reports(query).await.unwrap().reports;
    let found: Vec<_> = reports
        .iter()
        .filter(|r| r.description.starts_with(text))
        .collect();
    assert_eq!(found.len(), 1, "{reports:#?}");
    found[0].ticket.to_string()
}

/// The code an answer carries, after "Kode lacak: ".
#[track_caller]
fn code_in(text: &str) -> String {
    let start = text
        .find("Kode lacak: ")
        .unwrap_or_else(|| panic!("no code in {text}"))
        + "Kode lacak: ".len();
    text[start..start + 11].to_owned()
}

/// Whether the code opens the report on `/lacak`.
async fn opens(app: &TestApp, ticket: &str, code: &str) -> bool {
    let resp = Browser::new(app)
        .get(&format!("/lacak?ticket={ticket}&code={code}"))
        .await;
    resp.status == 200 && resp.text().contains("id=\"dilacak\"")
}

/// Neither form of the code is anywhere in the database.
async fn nowhere_in_plain(app: &TestApp, code: &str) {
    let values = app.table_values().await;
    for form in [code.to_owned(), code.replace('-', "")] {
        assert!(
            !values.windows(form.len()).any(|w| w == form.as_bytes()),
            "{form} is stored in plain text"
        );
    }
}

#[tokio::test]
async fn an_sms_reporter_gets_the_code_in_the_acknowledgement_and_it_opens_lacak() {
    let (app, api, worker) = setup().await;
    let text = "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos";
    send_sms(&app, "SM-code-1", "+6281234567001", text).await;
    let ticket = only_ticket(&app).await;
    // Sealed in the acknowledgement's row until it goes.
    assert_eq!(app.count(SEALED).await, 1);

    worker.run_once(Utc::now()).await.unwrap();
    let body = api.take_one().form("Body").unwrap();
    assert!(body.contains(&ticket), "{body}");
    assert!(body.contains(&format!("{PUBLIC_BASE}/lacak")), "{body}");
    let code = code_in(&body);
    assert!(opens(&app, &ticket, &code).await);
    assert_eq!(app.count(SEALED).await, 0);
    nowhere_in_plain(&app, &code).await;

    // The same message delivered again files nothing and sends no new code.
    send_sms(&app, "SM-code-1", "+6281234567001", text).await;
    worker.run_once(Utc::now()).await.unwrap();
    assert!(api.take().is_empty());
    assert!(opens(&app, &ticket, &code).await);

    // The next step is told without the code.
    app.take_up(&ticket).await;
    worker.run_once(Utc::now()).await.unwrap();
    let body = api.take_one().form("Body").unwrap();
    assert!(!body.contains("Kode lacak"), "{body}");
}

#[tokio::test]
async fn a_reply_under_a_tweet_never_carries_the_code_and_a_direct_message_does() {
    let (app, api, worker) = setup().await;
    let tweet = "Trotoar rusak di Jl. Sabang, pejalan kaki turun ke jalan raya";
    let dm = "Saluran air di depan SDN 01 Tebet mampet, air meluap ke jalan";
    x_signed(&app, &x_activity(tweet, dm)).await.expect(200);
    // Only the private answer holds a sealed code.
    assert_eq!(app.count(SEALED).await, 1);
    worker.run_once(Utc::now()).await.unwrap();
    let sent = api.take();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for request in &sent {
        let text = request.json()["text"].as_str().unwrap().to_owned();
        let public = request.path == "/2/tweets";
        assert_eq!(
            text.contains("Kode lacak"),
            !public,
            "{}: {text}",
            request.path
        );
    }
    let dm_text = sent
        .iter()
        .find(|r| r.path != "/2/tweets")
        .map(|r| r.json()["text"].as_str().unwrap().to_owned())
        .unwrap();
    let code = code_in(&dm_text);
    let ticket = report_about(&app, dm).await;
    assert!(dm_text.contains(&ticket), "{dm_text}");
    assert!(opens(&app, &ticket, &code).await);
    nowhere_in_plain(&app, &code).await;
}

#[tokio::test]
async fn a_web_reporter_without_an_account_hears_the_code_and_each_step_by_sms() {
    let (app, api, worker) = setup().await;
    let visitor = Browser::new(&app);
    let html = page(&visitor.get("/lapor/tanpa-akun").await);
    let form = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("submission", hidden(&html, "submission"))
        .text("category", "jalan")
        .text(
            "description",
            "Jalan berlubang di depan sekolah dasar, berbahaya bagi anak-anak.",
        )
        .text("region", "31.74.01")
        .text("phone", "0813-7777-4321")
        .text("email", "");
    let receipt = page(&visitor.post_multipart("/lapor/tanpa-akun", form).await);
    let shown = {
        let start = receipt.find("id=\"tracking-code\">").unwrap() + 19;
        receipt[start..start + 11].to_owned()
    };
    let ticket = only_ticket(&app).await;

    worker.run_once(Utc::now()).await.unwrap();
    let sms = api.take_one();
    assert_eq!(sms.form("To").as_deref(), Some("+6281377774321"));
    let body = sms.form("Body").unwrap();
    assert!(body.contains(&ticket), "{body}");
    assert_eq!(code_in(&body), shown, "{body}");
    nowhere_in_plain(&app, &shown).await;

    app.take_up(&ticket).await;
    worker.run_once(Utc::now()).await.unwrap();
    let sms = api.take_one();
    assert_eq!(sms.form("To").as_deref(), Some("+6281377774321"));
    assert!(sms.form("Body").unwrap().contains(&ticket));
}

async fn open311_post(app: &TestApp, form: &[(&str, &str)]) -> Resp {
    let req = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .form(form);
    Resp::read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn an_open311_app_gets_the_code_in_its_response() {
    let app = TestApp::spawn_with_boundaries().await;
    let key = "kunci-rahasia-qlue-0123456789";
    app.store
        .create_api_key("qlue".into(), aduan_web::token_hash(key), Utc::now())
        .await
        .unwrap();
    let form = [
        ("api_key", key),
        ("service_code", "jalan"),
        ("lat", "-6.1754"),
        ("long", "106.8272"),
        ("description", "Jalan berlubang besar di depan halte bus."),
        ("phone", "081299887766"),
    ];
    let body = open311_post(&app, &form).await.expect(200);
    let ticket = body[0]["service_request_id"].as_str().unwrap().to_owned();
    let code = body[0]["tracking_code"].as_str().unwrap().to_owned();
    assert!(opens(&app, &ticket, &code).await);
    nowhere_in_plain(&app, &code).await;
}

#[tokio::test]
async fn lapor_gets_the_code_in_its_receipt_once() {
    let (app, _api, _worker) = setup().await;
    let body = serde_json::json!({
        "tracking_id": "LAPOR-2503-8812399",
        "content": "Jalan amblas di Jl. Tebet Raya, membahayakan pengendara motor.",
        "category": "Jalan",
        "location": {"lat": -6.2261, "lon": 106.8514},
        "reporter": {"name": "Agus Pratama", "phone": "0813-1122-3344"}
    });
    let receipt = receiver::lapor_signed(&app, &body).await.expect(201);
    let ticket = receipt["ticket"].as_str().unwrap().to_owned();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    assert!(opens(&app, &ticket, &code).await);
    // LAPOR!'s status pushes carry no text: nothing sealed waits for them.
    assert_eq!(app.count(SEALED).await, 0);
    // Delivered again: the same ticket, no second code.
    let again = receiver::lapor_signed(&app, &body).await.expect(200);
    assert_eq!(again["ticket"], ticket.as_str());
    assert!(again.get("tracking_code").is_none(), "{again}");
    nowhere_in_plain(&app, &code).await;
}

#[tokio::test]
async fn an_operators_api_answer_carries_the_code_once_and_a_citizens_none() {
    let app = TestApp::spawn().await;
    let operator = app.staff(aduan_domain::Role::Operator, None).await;
    let mut body = common::report_body("jalan", "31.74.01");
    body["citizen"] = serde_json::json!({"phone": "0813-7777-4321", "notify_by": "sms"});
    let view = operator
        .submit_report_once(&body, "desk-1")
        .await
        .expect(201);
    let ticket = common::ticket_of(&view);
    let code = view["tracking_code"].as_str().unwrap().to_owned();
    assert!(opens(&app, &ticket, &code).await);
    // A retry of the same submission answers with the report, not a second code.
    let again = operator
        .submit_report_once(&body, "desk-1")
        .await
        .expect(201);
    assert_eq!(common::ticket_of(&again), ticket);
    assert!(again.get("tracking_code").is_none(), "{again}");
    // A citizen's own report has no code: they follow it signed in.
    let citizen = app.register_citizen("warga").await;
    let own = citizen.file("jalan", "31.74.01").await;
    assert!(own.get("tracking_code").is_none(), "{own}");
    // The OpenAPI document describes the field.
    let doc = app.anonymous().get("/openapi.json").await.expect(200);
    let field = &doc["components"]["schemas"]["ReportView"]["properties"]["tracking_code"];
    assert!(field.is_object(), "{field}");
}

#[tokio::test]
async fn a_web_reporter_with_only_an_email_address_reads_the_code_in_the_mail() {
    let sink = smtp::SmtpSink::start(None).await;
    let config = ChannelsConfig::from_json(
        &serde_json::json!({
            "public_base_url": PUBLIC_BASE,
            "smtp": {"host": "127.0.0.1", "port": sink.port, "security": "none",
                     "from": "CRM Jakarta <crm@jakarta.go.id>"},
        })
        .to_string(),
    )
    .unwrap();
    let app = TestApp::spawn_with(receiver::web_config(config.clone())).await;
    let worker = OutboxWorker::new(
        app.state.clone(),
        Arc::new(Deliverer::new(&config).unwrap()),
        RetryPolicy::default(),
    );
    let visitor = Browser::new(&app);
    let html = page(&visitor.get("/lapor/tanpa-akun").await);
    let form = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("submission", hidden(&html, "submission"))
        .text("category", "sampah")
        .text(
            "description",
            "Sampah rumah tangga menumpuk di sudut gang, belum diangkut seminggu.",
        )
        .text("region", "31.74.01")
        .text("phone", "")
        .text("email", "Warga.Tebet@Contoh.id");
    let receipt = page(&visitor.post_multipart("/lapor/tanpa-akun", form).await);
    let shown = {
        let start = receipt.find("id=\"tracking-code\">").unwrap() + 19;
        receipt[start..start + 11].to_owned()
    };
    let ticket = only_ticket(&app).await;
    assert_eq!(app.count(SEALED).await, 1);

    worker.run_once(Utc::now()).await.unwrap();
    let sessions = sink.sessions();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].rcpt_to, ["Warga.Tebet@Contoh.id"]);
    let mail = mail_parser::MessageParser::default()
        .parse(&sessions[0].data)
        .expect("a message");
    let subject = mail.subject().unwrap_or_default().to_owned();
    assert!(subject.contains(&ticket), "{subject}");
    let body = mail.body_text(0).expect("a text body").into_owned();
    assert!(body.contains(&ticket), "{body}");
    assert!(body.contains(&format!("{PUBLIC_BASE}/lacak")), "{body}");
    // The same code the receipt showed, sent once and gone from the database after.
    assert_eq!(code_in(&body), shown, "{body}");
    assert!(opens(&app, &ticket, &shown).await);
    assert_eq!(app.count(SEALED).await, 0);
    nowhere_in_plain(&app, &shown).await;

    // The next step by mail too, without the code.
    app.take_up(&ticket).await;
    worker.run_once(Utc::now()).await.unwrap();
    let sessions = sink.sessions();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let mail = mail_parser::MessageParser::default()
        .parse(&sessions[1].data)
        .expect("a message");
    let body = mail.body_text(0).expect("a text body").into_owned();
    assert!(body.contains(&ticket), "{body}");
    assert!(!body.contains("Kode lacak"), "{body}");
}
