//! The outbox worker against local stand-ins of the providers' APIs: a reporter who wrote on
//! a channel hears their ticket there, then each step that concerns them (and nothing
//! else); public answers carry no note; a failing provider is retried later, then the
//! message is dead until an admin retries it (by default after exactly 8 attempts); photos
//! a channel holds are fetched, cleaned and attached; a desk citizen who asked for SMS gets
//! the receipt on their number.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use aduan_channels::lapor;
use aduan_channels::outbound::Deliverer;
use aduan_domain::report::Report;
use aduan_domain::{Channel, ReportState, Role};
use aduan_store::{ReportQuery, ReportScope};
use aduan_web::outbox::{OutboxWorker, RetryPolicy, RunSummary};
use common::receiver::{
    self, CITY_NUMBER, COMMENT_ID, DM_SENDER, LAPOR_STATUS_PATH, MESSENGER_USER, META_SECRET,
    Receiver, Reply, TWEET_ID, TWILIO_SID, TWILIO_TOKEN, WA_PHONE_ID, WA_SECRET, facebook_feed,
    meta_signed, send_sms, whatsapp_webhook, x_activity, x_signed,
};
use common::{SUDIN, TestApp, jpeg_with_exif, ticket_of};

const BIRO: &str = "biro-pemerintahan";

/// An app with every channel's API at a fresh receiver, and a worker delivering to it.
async fn setup(max_attempts: u32) -> (TestApp, Receiver, OutboxWorker) {
    setup_with(RetryPolicy {
        max_attempts,
        first_delay: Duration::from_secs(60),
        max_delay: Duration::from_secs(3600),
        lease: Duration::from_secs(300),
        batch: 32,
        idle: Duration::from_secs(1),
    })
    .await
}

/// As [`setup`], the worker retrying by `policy`.
async fn setup_with(policy: RetryPolicy) -> (TestApp, Receiver, OutboxWorker) {
    let api = Receiver::start().await;
    let config = receiver::channels(&api.base);
    let app = TestApp::spawn_with(receiver::web_config(config.clone())).await;
    let deliverer = Arc::new(Deliverer::new(&config).unwrap());
    let worker = OutboxWorker::new(app.state.clone(), deliverer, policy);
    (app, api, worker)
}

async fn run(worker: &OutboxWorker, now: DateTime<Utc>) -> RunSummary {
    worker.run_once(now).await.unwrap()
}

fn delivered(n: u32) -> RunSummary {
    RunSummary {
        delivered: n,
        ..RunSummary::default()
    }
}

fn twilio_path() -> String {
    format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages.json")
}

/// The one report whose description starts with `text`.
async fn report(app: &TestApp, text: &str) -> Report {
    let query = ReportQuery::new(ReportScope::All, 200);
    let all = app.store.list_reports(query).await.unwrap().reports;
    let mut found: Vec<Report> = all
        .into_iter()
        .filter(|r| r.description.starts_with(text))
        .collect();
    assert_eq!(found.len(), 1, "one report «{text}»: {found:#?}");
    found.remove(0)
}

#[tokio::test]
async fn an_sms_reporter_hears_the_ticket_then_each_step_that_concerns_them() {
    let (app, api, worker) = setup(8).await;
    let text = "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos";
    send_sms(&app, "SM-out-1", "+6281234567001", text).await;
    let ticket = report(&app, text).await.ticket.to_string();

    assert_eq!(run(&worker, Utc::now()).await, delivered(1));
    let sent = api.take_one();
    assert_eq!(
        (sent.method.as_str(), sent.path.clone()),
        ("POST", twilio_path())
    );
    let basic = STANDARD.encode(format!("{TWILIO_SID}:{TWILIO_TOKEN}"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    assert_eq!(sent.form("To").as_deref(), Some("+6281234567001"));
    assert_eq!(sent.form("From").as_deref(), Some(CITY_NUMBER));
    let body = sent.form("Body").unwrap();
    assert!(body.contains(&ticket), "{body}");
    // Sent once: nothing is due any more.
    assert_eq!(run(&worker, Utc::now()).await, RunSummary::default());
    assert!(api.take().is_empty());

    // Forwarding is internal routing: not told. Accepting is.
    let officer = app.take_up(&ticket).await;
    assert_eq!(run(&worker, Utc::now()).await, delivered(1));
    let body = api.take_one().form("Body").unwrap();
    assert!(body.contains(&ticket), "{body}");
    assert!(body.contains(ReportState::InProgress.label_id()), "{body}");

    // Documenting the follow-up is not told; the validated result is.
    let followup = json!({"action": "submit_followup", "note": "Lubang sudah ditambal."});
    officer.act_ok(&ticket, followup).await;
    assert_eq!(run(&worker, Utc::now()).await, RunSummary::default());
    let validator = app.staff(Role::Validator, Some(BIRO)).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    assert_eq!(run(&worker, Utc::now()).await, delivered(1));
    let body = api.take_one().form("Body").unwrap();
    assert!(body.contains(ReportState::Completed.label_id()), "{body}");
    assert!(body.contains(&ticket), "{body}");
}

const TWEET: &str = "Trotoar rusak di Jl. Sabang, pejalan kaki turun ke jalan raya";
const DM: &str = "Saluran air di depan SDN 01 Tebet mampet, air meluap ke jalan";
const COMMENT: &str = "Lampu penerangan jalan di Jl. Cikini Raya mati seminggu";
const MESSENGER: &str = "Pohon tumbang di taman dekat rumah susun, ranting berserakan";
const SMS: &str = "Sampah menumpuk tiga hari di pinggir kali dekat pasar";

/// X (a mention, a DM), Facebook (a comment, a Messenger message) and SMS.
async fn file_on_five_routes(app: &TestApp) {
    x_signed(app, &x_activity(TWEET, DM)).await.expect(200);
    let facebook = facebook_feed(COMMENT, MESSENGER);
    meta_signed(app, "/channels/meta/webhook", META_SECRET, &facebook)
        .await
        .expect(200);
    send_sms(app, "SM-out-2", "+6281234567002", SMS).await;
}

/// The text of an answer, wherever its API carries it.
fn answer_text(request: &receiver::Recorded) -> String {
    let path = request.path.as_str();
    let text = if path.ends_with("/comments") {
        request.form("message")
    } else if path.ends_with("/Messages.json") {
        request.form("Body")
    } else if path == "/me/messages" {
        request.json()["message"]["text"]
            .as_str()
            .map(str::to_owned)
    } else {
        request.json()["text"].as_str().map(str::to_owned)
    };
    text.unwrap_or_else(|| panic!("no text in {request:?}"))
}

/// Each request's answer text by its path; each path once.
fn by_path(requests: &[receiver::Recorded]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for request in requests {
        assert_eq!(request.method, "POST");
        let text = answer_text(request);
        assert!(
            out.insert(request.path.clone(), text).is_none(),
            "{request:?}"
        );
    }
    out
}

#[tokio::test]
async fn public_answers_carry_no_note_and_private_ones_carry_it_masked() {
    let (app, api, worker) = setup(8).await;
    file_on_five_routes(&app).await;
    // (path, what was written there, answered in public)
    let routes = [
        ("/2/tweets".to_owned(), TWEET, true),
        (format!("/{COMMENT_ID}/comments"), COMMENT, true),
        (
            format!("/2/dm_conversations/with/{DM_SENDER}/messages"),
            DM,
            false,
        ),
        ("/me/messages".to_owned(), MESSENGER, false),
        (twilio_path(), SMS, false),
    ];
    assert_eq!(run(&worker, Utc::now()).await, delivered(5));
    let receipts = api.take();
    let receipt = |path: &str| receipts.iter().find(|r| r.path == path).unwrap();
    let tweet = receipt("/2/tweets");
    assert_eq!(tweet.json()["reply"]["in_reply_to_tweet_id"], TWEET_ID);
    assert_eq!(tweet.header("authorization"), Some("Bearer x-user-token"));
    let comment = receipt(&routes[1].0);
    assert_eq!(comment.header("authorization"), Some("Bearer page-token"));
    // No token travels in a URL, where proxies and access logs keep it.
    for receipt in &receipts {
        let url = format!(
            "{}?{}",
            receipt.path,
            receipt.query.as_deref().unwrap_or("")
        );
        for token in [
            "page-token",
            "x-user-token",
            "wa-access-token",
            TWILIO_TOKEN,
        ] {
            assert!(!url.contains(token), "{token} in {url}");
        }
    }
    assert_eq!(
        receipt("/me/messages").json()["recipient"]["id"],
        MESSENGER_USER
    );
    let texts = by_path(&receipts);
    assert_eq!(texts.len(), 5, "{texts:#?}");
    for (path, written, _) in &routes {
        let ticket = report(&app, written).await.ticket.to_string();
        assert!(texts[path].contains(&ticket), "{path}: {}", texts[path]);
    }

    let reason = "Di luar kewenangan Pemprov; hubungi 081299998888 atau budi@contoh.id";
    let coordinator = app.staff(Role::Coordinator, None).await;
    for (_, written, _) in &routes {
        let ticket = report(&app, written).await.ticket.to_string();
        let reject = json!({"action": "reject", "reason": reason});
        coordinator.act_ok(&ticket, reject).await;
    }
    assert_eq!(run(&worker, Utc::now()).await, delivered(5));
    let answers = by_path(&api.take());
    for (path, _, public) in &routes {
        let text = &answers[path];
        let rejected = ReportState::Rejected.label_id();
        assert!(text.contains(rejected), "{path}: {text}");
        assert_eq!(
            text.contains("Di luar kewenangan"),
            !public,
            "{path}: {text}"
        );
        for secret in ["081299998888", "99998888", "budi@contoh.id"] {
            assert!(!text.contains(secret), "{path}: {text}");
        }
    }
}

#[tokio::test]
async fn lapor_hears_each_status_signed_with_the_shared_secret() {
    let (app, api, worker) = setup(8).await;
    let body = json!({
        "tracking_id": "LAPOR-2503-8812345",
        "content": "Jalan amblas di Jl. Tebet Raya, membahayakan pengendara motor.",
        "category": "Jalan",
        "location": {"lat": -6.2261, "lon": 106.8514},
        "reporter": {"name": "Agus Pratama", "phone": "0813-1122-3344"}
    });
    let ticket = ticket_of(&receiver::lapor_signed(&app, &body).await.expect(201));
    for (step, state) in [
        ("submit", ReportState::Waiting),
        ("accept", ReportState::InProgress),
    ] {
        if step == "accept" {
            app.take_up(&ticket).await;
        }
        assert_eq!(run(&worker, Utc::now()).await, delivered(1), "{step}");
        let push = api.take_one();
        assert_eq!(
            (push.method.as_str(), push.path.as_str()),
            ("POST", LAPOR_STATUS_PATH)
        );
        let timestamp = push.header(lapor::TIMESTAMP_HEADER).unwrap();
        let signature = push.header(lapor::SIGNATURE_HEADER).unwrap();
        let secret = receiver::LAPOR_SECRET.as_bytes();
        let now = Utc::now().timestamp();
        assert!(
            lapor::verify(secret, timestamp, signature, &push.body, now),
            "{push:?}"
        );
        assert!(!lapor::verify(
            b"another secret",
            timestamp,
            signature,
            &push.body,
            now
        ));
        let update = push.json();
        assert_eq!(update["tracking_id"], "LAPOR-2503-8812345");
        assert_eq!(update["ticket"], ticket.as_str());
        assert_eq!(update["status"], state.code());
        assert_eq!(update["status_label"], state.label_id());
        assert!(update["at"].as_str().unwrap().ends_with('Z'), "{update}");
    }
}

#[tokio::test]
async fn a_failing_provider_is_retried_later_then_dead_until_an_admin_retries() {
    let (app, api, worker) = setup(3).await;
    // Twilio's error names the number: none of it may reach the admins' list.
    let refusal = json!({"code": 20500, "message": "Cannot send to +6281234567009",
                         "status": 500});
    api.answer(&twilio_path(), Reply::json(500, refusal));
    let text = "Parkir liar memenuhi bahu jalan di depan Stasiun Tebet";
    send_sms(&app, "SM-out-3", "+6281234567009", text).await;
    let ticket = report(&app, text).await.ticket.to_string();

    let t0 = Utc::now();
    let secs = |s: i64| t0 + chrono::Duration::seconds(s);
    let retried = RunSummary {
        retried: 1,
        ..RunSummary::default()
    };
    assert_eq!(run(&worker, t0).await, retried);
    assert_eq!(api.take().len(), 1);
    // The first wait is 60 s (±20%): not sent again before its time.
    assert_eq!(run(&worker, secs(40)).await, RunSummary::default());
    assert!(api.take().is_empty());
    assert_eq!(run(&worker, secs(75)).await, retried);
    assert_eq!(api.take().len(), 1);
    // The second wait is doubled: 120 s (±20%) after 75 s.
    assert_eq!(run(&worker, secs(75 + 90)).await, RunSummary::default());
    let dead = RunSummary {
        dead: 1,
        ..RunSummary::default()
    };
    assert_eq!(run(&worker, secs(75 + 150)).await, dead);
    assert_eq!(api.take().len(), 1);
    assert_eq!(run(&worker, secs(100_000)).await, RunSummary::default());
    assert!(api.take().is_empty());

    let admin = app.staff(Role::Admin, None).await;
    let list = admin.get("/outbox?state=dead").await.expect(200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list:#}");
    let message = &items[0];
    assert_eq!(message["ticket"], ticket.as_str());
    assert_eq!(
        (&message["kind"], &message["channel"]),
        (&json!("reply"), &json!("sms"))
    );
    assert_eq!(message["state"], "dead");
    assert_eq!(message["attempts"], 3);
    let error = message["last_error"].as_str().unwrap();
    assert!(error.contains("500"), "{error}");
    assert!(
        !error.contains("1234567009") && !error.contains("Cannot send"),
        "{error}"
    );
    let id = message["id"].as_i64().unwrap();
    for state in ["pending", "sent"] {
        let list = admin
            .get(&format!("/outbox?state={state}"))
            .await
            .expect(200);
        assert_eq!(list["items"], json!([]), "{state}");
    }
    admin.get("/outbox?state=lost").await.invalid("state");

    let retry = format!("/outbox/{id}/retry");
    for role in [
        Role::Coordinator,
        Role::Officer,
        Role::Operator,
        Role::Validator,
    ] {
        let unit = matches!(role, Role::Officer).then_some(SUDIN);
        let staff = app.staff(role, unit).await;
        staff.get("/outbox").await.error(403, "forbidden");
        staff
            .post_json(&retry, &json!({}))
            .await
            .error(403, "forbidden");
    }
    let citizen = app.register_citizen("warga").await;
    citizen.get("/outbox").await.error(403, "forbidden");
    app.anonymous()
        .get("/outbox")
        .await
        .error(401, "unauthorized");
    admin
        .post_json("/outbox/999999/retry", &json!({}))
        .await
        .error(404, "not_found");

    // The provider recovers; the admin sends it again.
    api.answer(&twilio_path(), Reply::json(201, json!({"sid": "SM1"})));
    assert_eq!(
        admin.post_json(&retry, &json!({})).await.expect(204),
        Value::Null
    );
    admin
        .post_json(&retry, &json!({}))
        .await
        .error(409, "conflict");
    assert_eq!(run(&worker, Utc::now()).await, delivered(1));
    let sent = api.take_one();
    assert_eq!(sent.form("To").as_deref(), Some("+6281234567009"));
    let list = admin.get("/outbox?state=sent").await.expect(200);
    assert_eq!(list["items"][0]["id"], id);
    assert!(list["items"][0]["done_at"].is_string(), "{list:#}");
}

/// `aduan serve` retries by the default policy: a message whose provider always fails is
/// attempted exactly 8 times (not 7, not 9), then dead and never attempted again.
#[tokio::test]
async fn by_default_a_message_that_always_fails_is_attempted_8_times_then_dead() {
    let (app, api, worker) = setup_with(RetryPolicy::default()).await;
    api.answer(
        &twilio_path(),
        Reply::json(503, json!({"code": 20503, "status": 503})),
    );
    let text = "Lampu jalan mati sepanjang Jalan Casablanca";
    send_sms(&app, "SM-out-8", "+6281234567008", text).await;
    let ticket = report(&app, text).await.ticket.to_string();

    // Each pass runs a week after the last: well past any wait (at most 6 hours), so
    // every pass attempts the message again while it is alive.
    let t0 = Utc::now();
    let mut attempts = 0;
    let mut dead_after = None;
    for pass in 0..12_i64 {
        let summary = run(&worker, t0 + chrono::Duration::weeks(pass)).await;
        let sent = api.take().len();
        assert_eq!(sent as u32, summary.claimed(), "pass {pass}: {summary:?}");
        assert_eq!(summary.delivered, 0, "pass {pass}");
        attempts += sent;
        if summary.dead == 1 {
            assert_eq!(dead_after, None, "pass {pass}");
            dead_after = Some(attempts);
        }
    }
    assert_eq!(dead_after, Some(8));
    assert_eq!(attempts, 8);

    let admin = app.staff(Role::Admin, None).await;
    let list = admin.get("/outbox?state=dead").await.expect(200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list:#}");
    assert_eq!(items[0]["ticket"], ticket.as_str());
    assert_eq!(items[0]["attempts"], 8);
    for state in ["pending", "sent"] {
        let list = admin
            .get(&format!("/outbox?state={state}"))
            .await
            .expect(200);
        assert_eq!(list["items"], json!([]), "{state}");
    }
}

#[tokio::test]
async fn a_whatsapp_photo_is_fetched_without_its_metadata_and_attached() {
    let (app, api, worker) = setup(8).await;
    let media_id = "1003383421387256";
    let file = format!("/media/{media_id}.jpg");
    api.answer(
        &format!("/{media_id}"),
        Reply::json(
            200,
            json!({"url": format!("{}{file}", api.base),
                                "mime_type": "image/jpeg", "id": media_id}),
        ),
    );
    let photo = jpeg_with_exif("GPS-RUMAH-PELAPOR-6.2001S");
    api.answer(&file, Reply::bytes(200, "image/jpeg", photo));
    let caption = "Ini fotonya, tumpukan sampah di pinggir kali dekat pasar";
    let delivery = whatsapp_webhook(
        "6281298760003",
        "Dewi Lestari",
        vec![
            json!({"from": "6281298760003", "id": "wamid.IMAGE1", "type": "image",
                    "image": {"caption": caption, "mime_type": "image/jpeg", "id": media_id}}),
        ],
    );
    meta_signed(&app, "/channels/whatsapp/webhook", WA_SECRET, &delivery)
        .await
        .expect(200);
    let filed = report(&app, caption).await;
    assert_eq!(filed.channel, Channel::Whatsapp);
    assert!(app.store.photos(filed.id).await.unwrap().is_empty());

    // The receipt and the photo.
    assert_eq!(run(&worker, Utc::now()).await, delivered(2));
    let requests = api.take();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let lookup = format!("/{media_id}");
    let send = format!("/{WA_PHONE_ID}/messages");
    assert_eq!(calls.len(), 3, "{calls:?}");
    for call in [
        ("GET", lookup.as_str()),
        ("GET", file.as_str()),
        ("POST", send.as_str()),
    ] {
        assert!(calls.contains(&call), "{call:?} in {calls:?}");
    }
    let lookup_at = calls.iter().position(|c| c.1 == lookup).unwrap();
    assert!(lookup_at < calls.iter().position(|c| c.1 == file).unwrap());
    let receipt = requests.iter().find(|r| r.path == send).unwrap().json();
    assert_eq!(receipt["to"], "6281298760003");
    assert!(
        receipt["text"]["body"]
            .as_str()
            .unwrap()
            .contains(filed.ticket.as_str())
    );

    let photos = app.store.photos(filed.id).await.unwrap();
    assert_eq!(photos.len(), 1, "{photos:?}");
    let info = app.store.photo(filed.id, photos[0].id).await.unwrap();
    assert_eq!(info.content_type, "image/jpeg");
    let bytes = app.state.photos.get(&info.image).await.unwrap();
    assert!(app.state.photos.contains(&info.thumbnail).await.unwrap());
    assert!(
        !common::canary::contains(&bytes, b"GPS-RUMAH-PELAPOR"),
        "metadata kept"
    );
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
    assert!(exif.is_err(), "the stored photo has EXIF");
    assert_eq!(common::dimensions(&bytes), common::PICTURE_SIZE);
    // A private report: its reporter's photo stays locked to staff.
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator
        .get_report(filed.ticket.as_str())
        .await
        .expect(200);
    assert_eq!(view["photos_locked"], true, "{view:#}");
    assert_eq!(run(&worker, Utc::now()).await, RunSummary::default());
}

#[tokio::test]
async fn a_desk_citizen_who_asked_for_sms_hears_the_ticket_on_their_number() {
    let (app, api, worker) = setup(8).await;
    let operator = app.staff(Role::Operator, None).await;
    let mut body = common::report_body("jalan", "31.74.01");
    body["channel"] = json!("balai_kota");
    body["citizen"] = json!({"name": "Siti Aminah", "phone": "0812-3456-7002",
                             "email": "siti.aminah@contoh.id", "nik": "3171234567890001",
                             "notify_by": "sms"});
    let resp = operator.submit_report(&body).await;
    let view = resp.expect(201);
    let ticket = ticket_of(&view);
    let coordinator = app.staff(Role::Coordinator, None).await;
    let seen = coordinator
        .get_report(&ticket)
        .await
        .expect(200)
        .to_string()
        + &resp.text();
    for secret in [
        "34567002",
        "3456-7002",
        "aminah",
        "3171234567890001",
        "contoh.id",
    ] {
        assert!(!seen.to_lowercase().contains(secret), "{secret}: {seen}");
    }
    // Without notify_by nothing is queued for the citizen.
    body["citizen"] = json!({"name": "Budi", "phone": "081234567003"});
    operator.submit_report(&body).await.expect(201);

    assert_eq!(run(&worker, Utc::now()).await, delivered(1));
    let sent = api.take_one();
    assert_eq!(sent.path, twilio_path());
    assert_eq!(sent.form("To").as_deref(), Some("+6281234567002"));
    assert!(sent.form("Body").unwrap().contains(&ticket));
}
