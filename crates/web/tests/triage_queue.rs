//! The triage queue: messages that arrive by SMS or e-mail without a category or a place
//! wait there with what triage suggested; coordinators (and admins) confirm or correct them,
//! which moves the report to the office of the place and teaches the classifier, so that
//! similar texts are suggested the category coordinators chose.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};

use aduan_channels::signature::sign_sha256;
use aduan_domain::report::Report;
use aduan_domain::{CategoryCode, Role};
use aduan_store::{ReportQuery, ReportScope};
use aduan_web::{Catalog, WebConfig, WebhookSecret};
use common::receiver::{self, send_sms};
use common::{Client, Resp, SUDIN, TestApp};

const MAIL_SECRET: &str = "relay-secret-7d1f";
/// The default category of the Jakarta pack, for texts nothing points anywhere.
const DEFAULT_CATEGORY: &str = "fasos-fasum";
const NEW_CATEGORY: &str = "pelanggaran-perda-pergub";

/// SMS (and the other messaging channels) and the inbound-mail webhook on; nothing is
/// delivered.
async fn app() -> TestApp {
    TestApp::spawn_with(WebConfig {
        email_webhook_secret: Some(WebhookSecret(MAIL_SECRET.into())),
        ..receiver::web_config(receiver::channels("http://127.0.0.1:9"))
    })
    .await
}

async fn send_mail(app: &TestApp, message_id: &str, subject: &str, text: &str) {
    let body = format!(
        "From: Budi Hartono <budi.hartono@contoh.id>\r\nTo: dki@jakarta.go.id\r\n\
         Subject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{text}\r\n"
    )
    .into_bytes();
    let signature = sign_sha256(MAIL_SECRET.as_bytes(), &body);
    let headers = [("x-aduan-signature", signature)];
    let path = "/channels/email/inbound";
    receiver::post(app, path, "message/rfc822", body, &headers)
        .await
        .expect(201);
}

/// The one report whose description contains `text`.
async fn report(app: &TestApp, text: &str) -> Report {
    let query = ReportQuery::new(ReportScope::All, 200);
    let all = app.store.list_reports(query).await.unwrap().reports;
    let mut found: Vec<Report> = all
        .into_iter()
        .filter(|r| r.description.contains(text))
        .collect();
    assert_eq!(found.len(), 1, "one report «{text}»: {found:#?}");
    found.remove(0)
}

/// The queue as `client` sees it (one page), keyed by ticket.
async fn queue(client: &Client) -> Vec<(String, Value)> {
    let page = client.get("/triage?limit=200").await.expect(200);
    assert_eq!(page["next_cursor"], Value::Null);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["report"]["ticket"].as_str().unwrap().to_owned(),
                item.clone(),
            )
        })
        .collect()
}

async fn confirm(client: &Client, ticket: &str, category: &str, region: &str) -> Resp {
    let body = json!({"category": category, "region": region});
    client
        .post_json(&format!("/reports/{ticket}/triage"), &body)
        .await
}

const ROAD: &str = "Jalan berlubang besar di Kecamatan Tebet, bahaya untuk motor";
const RUBBISH: &str = "Sampah belum diangkut tiga hari di depan pasar.";
const ODONG: &str = "Odong-odong melintas tengah malam membawa anak kecil tanpa pengaman";

#[tokio::test]
async fn channel_messages_wait_until_a_coordinator_confirms_or_corrects_them() {
    let app = app().await;
    send_sms(&app, "SM-tq-1", "+6281234568001", ROAD).await;
    send_mail(&app, "pasar-1@contoh.id", "Sampah menumpuk", RUBBISH).await;
    send_sms(&app, "SM-tq-2", "+6281234568002", ODONG).await;
    let road = report(&app, ROAD).await;
    let rubbish = report(&app, RUBBISH).await;
    let odong = report(&app, ODONG).await;

    let coordinator = app.staff(Role::Coordinator, None).await;
    let listed = queue(&coordinator).await;
    let tickets: Vec<&str> = listed.iter().map(|(t, _)| t.as_str()).collect();
    let expected = [&odong, &rubbish, &road].map(|r| r.ticket.as_str());
    assert_eq!(tickets, expected, "newest first");
    let item = |r: &Report| {
        listed
            .iter()
            .find(|(t, _)| t == r.ticket.as_str())
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(item(&road)["suggested_category"], "jalan");
    assert_eq!(item(&road)["suggested_region"], "31.74.01");
    assert_eq!(item(&rubbish)["suggested_category"], "sampah");
    // Nothing points anywhere: no suggestion; filed under the defaults meanwhile.
    assert_eq!(item(&odong)["suggested_category"], Value::Null);
    assert_eq!(item(&odong)["suggested_region"], Value::Null);
    assert_eq!(item(&odong)["confidence"], 0.0);
    assert_eq!(odong.category.as_str(), DEFAULT_CATEGORY);
    assert_eq!(odong.region.as_str(), "31.71.01");
    let admin = app.staff(Role::Admin, None).await;
    assert_eq!(queue(&admin).await.len(), 3);
    // A kecamatan's coordinator works the reports its office holds.
    let tebet = app
        .staff(Role::Coordinator, Some("kecamatan-31.74.01"))
        .await;
    let held: Vec<String> = queue(&tebet).await.into_iter().map(|(t, _)| t).collect();
    assert_eq!(held, [road.ticket.to_string()]);

    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    for client in [
        officer.clone(),
        app.staff(Role::Operator, None).await,
        app.staff(Role::Validator, Some("biro-pemerintahan")).await,
        app.register_citizen("warga").await,
    ] {
        client.get("/triage").await.error(403, "forbidden");
        confirm(
            &client,
            odong.ticket.as_str(),
            "transportasi-umum",
            "31.74.01",
        )
        .await
        .error(403, "forbidden");
    }
    app.anonymous()
        .get("/triage")
        .await
        .error(401, "unauthorized");
    assert!(app.store.triage_model().await.unwrap().is_empty());

    let ticket = odong.ticket.as_str();
    for (category, region, field) in [
        ("tidak-ada", "31.74.01", "category"),
        ("Bukan Kode!", "31.74.01", "category"),
        ("transportasi-umum", "31.99.99", "region"),
        ("transportasi-umum", "kemana", "region"),
    ] {
        confirm(&coordinator, ticket, category, region)
            .await
            .invalid(field);
    }
    // Tebet's coordinator may not take a report another office holds.
    confirm(&tebet, ticket, "transportasi-umum", "31.74.01")
        .await
        .error_shape(404);
    confirm(
        &coordinator,
        "JK2001010001",
        "transportasi-umum",
        "31.74.01",
    )
    .await
    .error(404, "not_found");
    let jaki = app
        .register_citizen("pelapor")
        .await
        .file_road_report()
        .await;
    confirm(&coordinator, &jaki, "jalan", "31.74.01")
        .await
        .error(404, "not_found");
    assert_eq!(app.stored(ticket).await.version, odong.version);

    // Corrected: another category, and the place it really is.
    let view = confirm(&coordinator, ticket, "transportasi-umum", "31.74.01")
        .await
        .expect(200);
    assert_eq!(view["category"]["code"], "transportasi-umum");
    assert_eq!(view["region"]["code"], "31.74.01");
    assert_eq!(view["unit"]["code"], "kecamatan-31.74.01");
    assert_eq!(view["state"], "waiting");
    let stored = app.stored(ticket).await;
    assert_eq!(stored.category.as_str(), "transportasi-umum");
    assert_eq!(stored.region.as_str(), "31.74.01");
    assert_eq!(stored.holding_unit.as_str(), "kecamatan-31.74.01");
    let record = app.store.triage(stored.id).await.unwrap().unwrap();
    assert!(record.confirmed_by.is_some() && record.confirmed_at.is_some());
    let left: Vec<String> = queue(&coordinator)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(left, [rubbish.ticket.to_string(), road.ticket.to_string()]);
    // Settled once: a second decision is refused and changes nothing.
    confirm(&coordinator, ticket, "jalan", "31.71.01")
        .await
        .error(409, "conflict");
    assert_eq!(
        app.stored(ticket).await.category.as_str(),
        "transportasi-umum"
    );
    // Its new office now sees it.
    tebet.get_report(ticket).await.expect(200);

    // Confirmed as suggested, by an admin.
    let view = confirm(&admin, rubbish.ticket.as_str(), "sampah", "31.71.01")
        .await
        .expect(200);
    assert_eq!(view["category"]["code"], "sampah");
    let model = app.store.triage_model().await.unwrap();
    let count = |category: &str, token: &str| {
        model
            .iter()
            .find(|(c, t, _)| c.as_str() == category && t == token)
            .map(|(_, _, n)| *n)
    };
    assert_eq!(count("transportasi-umum", ""), Some(1), "{model:?}");
    assert_eq!(count("sampah", ""), Some(1), "{model:?}");
    assert!(count("sampah", "sampah").is_some(), "{model:?}");
    let learnt = model
        .iter()
        .filter(|(c, _, _)| c.as_str() == "transportasi-umum");
    assert!(learnt.count() > 3, "{model:?}");
}

#[tokio::test]
async fn a_report_that_leaves_waiting_otherwise_leaves_the_queue() {
    let app = app().await;
    send_sms(&app, "SM-tq-3", "+6281234568003", ODONG).await;
    send_sms(&app, "SM-tq-4", "+6281234568004", ROAD).await;
    let spam = report(&app, ODONG).await.ticket.to_string();
    let road = report(&app, ROAD).await.ticket.to_string();
    let coordinator = app.staff(Role::Coordinator, None).await;
    assert_eq!(queue(&coordinator).await.len(), 2);
    let reject = json!({"action": "reject", "reason": "Pesan berantai, bukan laporan."});
    coordinator.act_ok(&spam, reject).await;
    coordinator
        .act_ok(&road, json!({"action": "forward", "unit": SUDIN}))
        .await;
    // Neither can be confirmed any more...
    for ticket in [&spam, &road] {
        confirm(&coordinator, ticket, "jalan", "31.74.01")
            .await
            .error(409, "conflict");
    }
    // ...so neither may stay in the queue for ever.
    let left = queue(&coordinator).await;
    assert!(
        left.is_empty(),
        "reports no longer waiting still await triage: {left:?}"
    );
}

/// Texts about odong-odong (children's street rides): no category's keyword is in them.
const ODONG_TEXTS: [&str; 5] = [
    "Odong-odong melintas tengah malam membawa anak kecil tanpa pengaman",
    "Odong-odong ngebut di gang sempit, anak anak berdiri di atasnya",
    "Setiap sore odong-odong lewat membawa belasan anak tanpa pengaman",
    "Odong-odong melaju zig-zag, anak kecil hampir terjatuh",
    "Odong-odong beroperasi sampai larut membawa banyak anak",
];
const NEW_ODONG: &str = "Odong-odong membawa anak kecil berdiri tanpa pengaman lagi";
/// Texts coordinators file under another category meanwhile: the classifier tells
/// categories apart, so it speaks once it has seen more than one.
const OTHER_TEXTS: [&str; 3] = [
    "Kartu BPJS ibu saya ditolak di puskesmas padahal iuran lunas",
    "Iuran BPJS sudah dibayar tapi status kepesertaan tidak aktif",
    "Pendaftaran BPJS mandiri di kantor cabang ditolak terus",
];
const OTHER_CATEGORY: &str = "bpjs";
/// The classifier's say grows with the texts confirmed (N / (N + 5·C), see
/// `aduan_triage`): twenty of one kind are enough for it to suggest on its own.
const CONFIRMED: usize = 20;

#[tokio::test]
async fn confirmed_texts_teach_triage_a_category_no_keyword_points_to() {
    let app = app().await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    send_sms(&app, "SM-odong-new-0", "+6281234569000", NEW_ODONG).await;
    let before = report(&app, NEW_ODONG).await;
    let record = app.store.triage(before.id).await.unwrap().unwrap();
    assert_eq!(record.suggested_category, None, "{record:?}");

    for i in 0..CONFIRMED {
        let text = format!("{} ({})", ODONG_TEXTS[i % ODONG_TEXTS.len()], i + 1);
        let from = format!("+62812345690{i:02}");
        send_sms(&app, &format!("SM-odong-{i}"), &from, &text).await;
        let filed = report(&app, &text).await;
        confirm(
            &coordinator,
            filed.ticket.as_str(),
            NEW_CATEGORY,
            "31.74.01",
        )
        .await
        .expect(200);
        let other = format!("{} ({})", OTHER_TEXTS[i % OTHER_TEXTS.len()], i + 1);
        send_sms(
            &app,
            &format!("SM-bpjs-{i}"),
            &format!("+62812345691{i:02}"),
            &other,
        )
        .await;
        let filed = report(&app, &other).await;
        confirm(
            &coordinator,
            filed.ticket.as_str(),
            OTHER_CATEGORY,
            "31.74.01",
        )
        .await
        .expect(200);
    }
    let model = app.store.triage_model().await.unwrap();
    let documents = model
        .iter()
        .find(|(c, t, _)| c.as_str() == NEW_CATEGORY && t.is_empty())
        .map(|(_, _, n)| *n);
    assert_eq!(documents, Some(CONFIRMED as u64), "{model:?}");

    send_sms(
        &app,
        "SM-odong-new-1",
        "+6281234569099",
        &format!("{NEW_ODONG}!"),
    )
    .await;
    let after = report(&app, &format!("{NEW_ODONG}!")).await;
    let listed = queue(&coordinator).await;
    let item = &listed
        .iter()
        .find(|(t, _)| t == after.ticket.as_str())
        .unwrap()
        .1;
    assert_eq!(item["suggested_category"], NEW_CATEGORY, "{item:#}");
    let confidence = item["confidence"].as_f64().unwrap();
    // Only a suggestion yet: the report waits under the default until someone decides.
    assert!((0.1..0.5).contains(&confidence), "{item:#}");
    assert_eq!(after.category.as_str(), DEFAULT_CATEGORY);
    // The earlier text's record keeps what was suggested when it arrived.
    let record = app.store.triage(before.id).await.unwrap().unwrap();
    assert_eq!(record.suggested_category, None);

    // What was learnt is in the store: a catalog loaded afresh suggests the same.
    let reloaded = Catalog::load(&*app.store).await.unwrap();
    let guess = reloaded.suggest(NEW_ODONG).category.expect("a suggestion");
    assert_eq!(guess.code, CategoryCode::parse(NEW_CATEGORY).unwrap());
}
