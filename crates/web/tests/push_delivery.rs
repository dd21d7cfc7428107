//! Web Push end to end, with the push service played by the test: a citizen's "browser" (a
//! P-256 key pair and auth secret made here, as a browser makes them) subscribes through the
//! page endpoint, files a report, staff move it, the outbox worker runs, and the test
//! decrypts what its push service received (RFC 8291) and checks the VAPID JWT (RFC 8292)
//! against the key `/push/kunci` gives. A 410 forgets the subscription; endpoints off the
//! push services are 422 and nothing is kept; CSRF is required; staff never see any of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::{Value, json};

use aduan_channels::outbound::Deliverer;
use aduan_domain::{ReportState, Role};
use aduan_web::outbox::{OutboxWorker, RetryPolicy, RunSummary};
use aduan_web::push::PushConfig;
use common::receiver::{self, Receiver, Reply};
use common::{Client, Resp, TestApp};

const CONTACT: &str = "mailto:crm@jakarta.go.id";
/// The part of the endpoint only the browser and its push service know.
const SECRET_PATH: &str = "/wpush/v2/langganan-rahasia-9f3k";

/// A browser's side of a subscription.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Self {
        let secret = loop {
            if let Ok(key) = p256::SecretKey::from_slice(&rand::random::<[u8; 32]>()) {
                break key;
            }
        };
        Self {
            secret,
            auth: rand::random(),
        }
    }

    fn p256dh(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes())
    }

    fn auth(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.auth)
    }

    /// The message as the browser reads it.
    fn decrypt(&self, body: &[u8]) -> Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &auth).unwrap();
        serde_json::from_slice(&plain).unwrap()
    }
}

async fn setup() -> (TestApp, Receiver, OutboxWorker) {
    let service = Receiver::start().await;
    let channels = receiver::channels(&service.base);
    let mut config = receiver::web_config(channels.clone());
    config.push = PushConfig {
        contact: Some(CONTACT.into()),
    };
    let app = TestApp::spawn_with(config).await;
    let policy = RetryPolicy {
        first_delay: Duration::from_secs(60),
        ..RetryPolicy::default()
    };
    let worker = OutboxWorker::new(
        app.state.clone(),
        Arc::new(Deliverer::new(&channels).unwrap()),
        policy,
    );
    (app, service, worker)
}

fn cookie(client: &Client) -> String {
    format!("aduan_session={}", client.token.clone().unwrap())
}

/// The CSRF value `/laporan-saya` gives the button (which must be there).
async fn page_csrf(app: &TestApp, citizen: &Client) -> String {
    let page = app
        .http
        .get(app.url("/laporan-saya"))
        .header(COOKIE, cookie(citizen))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<section id="push" hidden"#), "{page}");
    assert!(page.contains(r#"<script src="/push.js" defer>"#));
    let start = page.find(r#"data-csrf=""#).unwrap() + r#"data-csrf=""#.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

async fn post_form(app: &TestApp, who: &Client, path: &str, form: &[(&str, &str)]) -> Resp {
    let request = app
        .http
        .post(app.url(path))
        .header(COOKIE, cookie(who))
        .header(ORIGIN, app.base.clone())
        .form(form);
    Resp::read(request.send().await.unwrap()).await
}

async fn subscribe(app: &TestApp, who: &Client, csrf: &str, endpoint: &str, b: &Browser) -> Resp {
    let (p256dh, auth) = (b.p256dh(), b.auth());
    let form = [
        ("endpoint", endpoint),
        ("p256dh", p256dh.as_str()),
        ("auth", auth.as_str()),
        ("csrf", csrf),
    ];
    post_form(app, who, "/push/langganan", &form).await
}

async fn subscriptions(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM push_subscriptions").await
}

fn b64json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn a_step_of_a_citizens_report_reaches_their_browser_encrypted_and_signed() {
    let (app, service, worker) = setup().await;
    let key = app.get_raw("/push/kunci").await.expect(200)["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let citizen = app.register_citizen("warga").await;
    let csrf = page_csrf(&app, &citizen).await;
    let browser = Browser::new();
    let endpoint = format!("{}{SECRET_PATH}", service.base);
    assert_eq!(
        subscribe(&app, &citizen, &csrf, &endpoint, &browser)
            .await
            .status,
        204
    );
    assert_eq!(subscriptions(&app).await, 1);
    // Kept sealed: the endpoint is nowhere in the database.
    assert!(!common::canary::contains(
        &app.table_values().await,
        SECRET_PATH.as_bytes()
    ));

    let ticket = citizen.file_road_report().await;
    let officer = app.take_up(&ticket).await;
    let now = Utc::now();
    assert_eq!(
        worker.run_once(now).await.unwrap(),
        RunSummary {
            delivered: 1,
            ..RunSummary::default()
        }
    );
    let pushed = service.take_one();
    assert_eq!(
        (pushed.method.as_str(), pushed.path.as_str()),
        ("POST", SECRET_PATH)
    );
    assert_eq!(pushed.header("content-encoding"), Some("aes128gcm"));
    assert_eq!(pushed.header("urgency"), Some("normal"));
    assert!(pushed.header("ttl").unwrap().parse::<u64>().unwrap() > 0);
    assert!(pushed.body.len() <= 4096);

    // What the browser reads: the ticket, the new state, its page; nothing else.
    let message = browser.decrypt(&pushed.body);
    let body = message["body"].as_str().unwrap();
    assert!(body.contains(&ticket), "{message}");
    assert!(
        body.contains(ReportState::InProgress.label_id()),
        "{message}"
    );
    assert_eq!(message["url"], format!("/laporan/{ticket}"));
    assert!(!message.to_string().contains(&citizen.username));

    // Signed with the deployment's key, for this push service, by this contact.
    let authorization = pushed.header("authorization").unwrap();
    let (token, k) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .unwrap();
    assert_eq!(k, key);
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (header, claims) = signed.split_once('.').unwrap();
    assert_eq!(b64json(header)["alg"], "ES256");
    let claims = b64json(claims);
    assert_eq!(claims["aud"], service.base.as_str());
    assert_eq!(claims["sub"], CONTACT);
    let exp = claims["exp"].as_i64().unwrap();
    assert!(exp > now.timestamp() && exp <= now.timestamp() + 24 * 3600);
    let public = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(&key).unwrap()).unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    public.verify(signed.as_bytes(), &signature).unwrap();

    // Staff never see the subscription: not the officer's page of the report, not the
    // admin's outbox.
    let admin = app.staff(Role::Admin, None).await;
    for (who, path) in [
        (&officer, format!("/laporan/{ticket}")),
        (&admin, "/admin/outbox".to_owned()),
    ] {
        let page = app
            .http
            .get(app.url(&path))
            .header(COOKIE, cookie(who))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let page = page.text().await.unwrap();
        assert!(!page.contains("langganan-rahasia"), "{path}");
    }

    // The push service forgot the browser: 410, and aduan forgets it too.
    service.answer(SECRET_PATH, Reply::bytes(410, "text/plain", Vec::new()));
    let reason = json!({"action": "submit_followup", "note": "Sudah ditambal."});
    officer.act_ok(&ticket, reason).await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    let settled = worker.run_once(Utc::now()).await.unwrap();
    assert_eq!(settled.delivered, 1, "{settled:?}");
    assert_eq!(service.take_one().path, SECRET_PATH);
    assert_eq!(subscriptions(&app).await, 0);
}

#[tokio::test]
async fn a_supporters_browser_is_told_the_new_state_without_the_ticket() {
    let (app, service, worker) = setup().await;
    let reporter = app.register_citizen("warga").await;
    let ticket = reporter.file_road_report().await;
    let supporter = app.register_citizen("budi").await;
    let csrf = page_csrf(&app, &supporter).await;
    let browser = Browser::new();
    let endpoint = format!("{}{SECRET_PATH}", service.base);
    assert_eq!(
        subscribe(&app, &supporter, &csrf, &endpoint, &browser)
            .await
            .status,
        204
    );
    // "Saya juga mengalami ini" (its pages are tested in pages_support): budi supports it.
    let query = format!(
        "SELECT id FROM users WHERE username = '{}'",
        supporter.username
    );
    let budi = aduan_domain::UserId(app.count(Box::leak(query.into_boxed_str())).await);
    let report = app.stored(&ticket).await.id;
    assert!(
        app.state
            .store
            .support_report(report, budi, Utc::now())
            .await
            .unwrap()
    );

    let officer = app.take_up(&ticket).await;
    let summary = worker.run_once(Utc::now()).await.unwrap();
    assert_eq!(summary.delivered, 1, "{summary:?}");
    let pushed = service.take_one();
    assert_eq!(pushed.path, SECRET_PATH);
    // The reporter's own ticket is not the supporter's to know (the report is private).
    let message = browser.decrypt(&pushed.body);
    assert!(!message.to_string().contains(&ticket), "{message}");
    let body = message["body"].as_str().unwrap();
    assert!(body.starts_with("Laporan yang Anda dukung: "), "{message}");
    assert!(
        body.contains(ReportState::InProgress.label_id()),
        "{message}"
    );
    assert_eq!(message["url"], "/laporan-saya#didukung");

    // Withdrawn, they hear no more.
    assert!(
        app.state
            .store
            .withdraw_support(report, budi)
            .await
            .unwrap()
    );
    let reason = json!({"action": "submit_followup", "note": "Sudah ditambal."});
    officer.act_ok(&ticket, reason).await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'push' AND state = 'pending'")
            .await,
        0
    );
}

#[tokio::test]
async fn endpoints_off_the_push_services_are_refused_and_nothing_is_kept() {
    let (app, service, _worker) = setup().await;
    let citizen = app.register_citizen("warga").await;
    let csrf = page_csrf(&app, &citizen).await;
    let browser = Browser::new();
    let port = service.base.rsplit(':').next().unwrap().to_owned();
    for endpoint in [
        "http://fcm.googleapis.com/fcm/send/abc".to_owned(),
        "https://evil.example/fcm/send/abc".to_owned(),
        "https://10.0.0.7/fcm/send/abc".to_owned(),
        "https://169.254.169.254/latest/meta-data".to_owned(),
        format!("https://127.0.0.1:{port}/push"),
        format!("http://127.0.0.1:{}/push", port.parse::<u16>().unwrap() + 1),
        "https://fcm.googleapis.com:8443/fcm/send/abc".to_owned(),
    ] {
        let refused = subscribe(&app, &citizen, &csrf, &endpoint, &browser).await;
        assert_eq!(refused.status, 422, "{endpoint}");
        assert!(refused.text().contains("tidak kami kenal"), "{endpoint}");
    }
    // Keys that are not a browser's.
    let form = [
        ("endpoint", "https://fcm.googleapis.com/fcm/send/abc"),
        ("p256dh", "AAAA"),
        ("auth", "AAAA"),
        ("csrf", csrf.as_str()),
    ];
    let refused = post_form(&app, &citizen, "/push/langganan", &form).await;
    assert_eq!(refused.status, 422);
    assert_eq!(subscriptions(&app).await, 0);

    // A real push service's endpoint is kept, then forgotten on request.
    let endpoint = "https://fcm.googleapis.com/fcm/send/abc:APA91b";
    assert_eq!(
        subscribe(&app, &citizen, &csrf, endpoint, &browser)
            .await
            .status,
        204
    );
    assert_eq!(subscriptions(&app).await, 1);
    let form = [("endpoint", endpoint), ("csrf", csrf.as_str())];
    assert_eq!(
        post_form(&app, &citizen, "/push/berhenti", &form)
            .await
            .status,
        204
    );
    assert_eq!(subscriptions(&app).await, 0);
    assert!(service.take().is_empty());
}

#[tokio::test]
async fn subscribing_needs_the_sessions_csrf_value_and_a_citizen() {
    let (app, _service, _worker) = setup().await;
    let citizen = app.register_citizen("warga").await;
    let browser = Browser::new();
    let endpoint = "https://fcm.googleapis.com/fcm/send/abc";
    for csrf in ["", "not-the-value"] {
        let forged = subscribe(&app, &citizen, csrf, endpoint, &browser).await;
        assert_eq!(forged.status, 403, "{csrf:?}");
    }
    // From another site, even with the value.
    let csrf = page_csrf(&app, &citizen).await;
    let (p256dh, auth) = (browser.p256dh(), browser.auth());
    let form = [
        ("endpoint", endpoint),
        ("p256dh", p256dh.as_str()),
        ("auth", auth.as_str()),
        ("csrf", csrf.as_str()),
    ];
    let request = app
        .http
        .post(app.url("/push/langganan"))
        .header(COOKIE, cookie(&citizen))
        .header(ORIGIN, "https://evil.example")
        .form(&form);
    assert_eq!(request.send().await.unwrap().status(), 403);
    // Not signed in.
    let request = app.http.post(app.url("/push/langganan")).form(&form);
    assert_eq!(request.send().await.unwrap().status(), 401);
    // Staff have no reports to hear of.
    let officer = app.staff(Role::Officer, Some(common::SUDIN)).await;
    let staff_csrf = aduan_csrf(&officer);
    let refused = subscribe(&app, &officer, &staff_csrf, endpoint, &browser).await;
    assert_eq!(refused.status, 403);
    assert_eq!(subscriptions(&app).await, 0);
}

#[tokio::test]
async fn push_is_off_without_a_contact() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_raw("/push/kunci").await.status, 404);
    let citizen = app.register_citizen("warga").await;
    let page = app
        .http
        .get(app.url("/laporan-saya"))
        .header(COOKIE, cookie(&citizen))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(r#"src="/push.js""#), "{page}");
    assert!(!page.contains(r#"id="push""#));
}

/// The CSRF value of a session, as the pages compute it.
fn aduan_csrf(who: &Client) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"aduan-csrf-v1:");
    hasher.update(who.token.clone().unwrap().as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

#[tokio::test]
async fn a_plain_form_turns_every_device_of_the_account_off() {
    let (app, service, _worker) = setup().await;
    let citizen = app.register_citizen("warga").await;
    let neighbour = app.register_citizen("tetangga").await;
    let csrf = page_csrf(&app, &citizen).await;
    let endpoint = |n: u32| format!("{}{SECRET_PATH}-{n}", service.base);
    for n in 0..2 {
        let phone = Browser::new();
        let kept = subscribe(&app, &citizen, &csrf, &endpoint(n), &phone).await;
        assert_eq!(kept.status, 204);
    }
    let theirs = page_csrf(&app, &neighbour).await;
    let kept = subscribe(&app, &neighbour, &theirs, &endpoint(9), &Browser::new()).await;
    assert_eq!(kept.status, 204);

    // `/laporan-saya` says two devices are told and offers the form, no script needed.
    let mine = |who: &Client| {
        let request = app
            .http
            .get(app.url("/laporan-saya"))
            .header(COOKIE, cookie(who));
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let page = mine(&citizen).await;
    assert!(
        page.contains("Pemberitahuan aktif di 2 perangkat untuk akun ini."),
        "{page}"
    );
    assert!(
        page.contains(r#"<form method="post" action="/push/berhenti-semua?lang=id""#),
        "{page}"
    );

    // Without the session's CSRF value: refused, nothing forgotten.
    let forged = post_form(&app, &citizen, "/push/berhenti-semua", &[("csrf", "x")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(subscriptions(&app).await, 3);

    // With it: both of the account's devices are off, the neighbour's is not.
    let off = post_form(&app, &citizen, "/push/berhenti-semua", &[("csrf", &csrf)]).await;
    assert_eq!(off.status, 200, "{off:?}");
    let shown = off.text();
    assert!(
        shown.contains("Pemberitahuan dimatikan di semua perangkat."),
        "{shown}"
    );
    assert!(!shown.contains("/push/berhenti-semua"), "{shown}");
    assert_eq!(subscriptions(&app).await, 1);
    assert!(mine(&neighbour).await.contains("aktif di 1 perangkat"));
}
