//! The messaging and social webhooks (SMS and WhatsApp through Twilio, WhatsApp Cloud,
//! Facebook and Instagram, X, LAPOR!): a delivery signed by the channel files its messages
//! once, however often it is redelivered; an unsigned or forged one is refused and leaves
//! nothing; the subscription handshakes answer only the channel; a channel that is not
//! configured does not exist. What staff see of such a report never names the sender.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};

use aduan_channels::signature::sign_sha256;
use aduan_channels::{lapor, meta, twitter};
use aduan_domain::report::Report;
use aduan_domain::{Channel, ReportState, Role};
use aduan_store::{ReportQuery, ReportScope};
use common::receiver::{
    self, META_SECRET, PUBLIC_BASE, SMS_PATH, TWILIO_TOKEN, VERIFY_TOKEN, WA_SECRET, X_SECRET,
    facebook_feed, form, meta_signed, post, sms_signed, sms_with, twilio_signature, twiml,
    whatsapp_webhook, x_activity, x_signed,
};
use common::{Resp, TestApp};

/// Nothing listens here: these tests deliver nothing.
const NO_API: &str = "http://127.0.0.1:9";

async fn app() -> TestApp {
    receiver::app_with_channels(NO_API).await
}

/// Every report, newest first.
async fn reports(app: &TestApp) -> Vec<Report> {
    let query = ReportQuery::new(ReportScope::All, 200);
    app.store.list_reports(query).await.unwrap().reports
}

/// The one report of `channel` whose description starts with `text`.
#[track_caller]
fn filed<'a>(all: &'a [Report], channel: Channel, text: &str) -> &'a Report {
    let found: Vec<&Report> = all
        .iter()
        .filter(|r| r.channel == channel && r.description.starts_with(text))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {channel:?} report «{text}» in {all:#?}"
    );
    let report = found[0];
    assert_eq!(report.state, ReportState::Waiting);
    report
}

async fn get(app: &TestApp, path: &str) -> Resp {
    app.get_raw(path).await
}

#[test]
fn the_test_signer_matches_twilios_published_vector() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let params = form(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]);
    assert_eq!(
        twilio_signature("12345", url, &params),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    );
}

const SMS_TEXT: &str = "Lampu penerangan jalan mati di Jl. Cikini Raya sejak seminggu";

fn sms_params(sid: &str, from: &str, body: &str) -> Vec<(String, String)> {
    form(&[
        ("MessageSid", sid),
        ("AccountSid", receiver::TWILIO_SID),
        ("From", from),
        ("To", receiver::CITY_NUMBER),
        ("Body", body),
        ("NumMedia", "0"),
        ("ProfileName", "Siti Rahmawati"),
    ])
}

#[tokio::test]
async fn a_signed_sms_is_filed_once_and_forgeries_leave_nothing() {
    let app = app().await;
    let params = sms_params("SM11aa", "+6281234560001", &format!("  {SMS_TEXT}  "));
    twiml(&sms_signed(&app, &params).await);
    let all = reports(&app).await;
    assert_eq!(all.len(), 1);
    assert_eq!(filed(&all, Channel::Sms, SMS_TEXT).description, SMS_TEXT);

    // Twilio redelivers what it thinks was not taken: nothing new.
    twiml(&sms_signed(&app, &params).await);

    let other = sms_params("SM11bb", "+6281234560001", "Pohon tumbang di taman kota");
    let url = format!("{PUBLIC_BASE}{SMS_PATH}");
    let forged = twilio_signature("a guessed token", &url, &other);
    sms_with(&app, &other, Some(forged))
        .await
        .error(401, "unauthorized");
    sms_with(&app, &other, None)
        .await
        .error(401, "unauthorized");
    // Signed for the address aduan listens on, not the one Twilio was given.
    let local = twilio_signature(TWILIO_TOKEN, &app.url(SMS_PATH), &other);
    sms_with(&app, &other, Some(local))
        .await
        .error(401, "unauthorized");
    // The body changed after signing.
    let good = twilio_signature(TWILIO_TOKEN, &url, &params);
    sms_with(&app, &other, Some(good))
        .await
        .error(401, "unauthorized");
    assert_eq!(reports(&app).await.len(), 1);
}

#[tokio::test]
async fn whatsapp_through_twilio_files_as_whatsapp() {
    let app = app().await;
    let text = "Banjir setinggi lutut di Kampung Melayu sejak subuh";
    let params = sms_params("SM22aa", "whatsapp:+6281311220002", text);
    twiml(&sms_signed(&app, &params).await);
    twiml(&sms_signed(&app, &params).await);
    let all = reports(&app).await;
    assert_eq!(all.len(), 1);
    filed(&all, Channel::Whatsapp, text);
}

#[tokio::test]
async fn the_meta_handshakes_answer_only_our_verify_token() {
    let app = app().await;
    for path in ["/channels/whatsapp/webhook", "/channels/meta/webhook"] {
        let ok = get(
            &app,
            &format!(
                "{path}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
            ),
        )
        .await;
        assert_eq!(
            (ok.status, ok.text().as_str()),
            (200, "1158201444"),
            "{path}"
        );
        let wrong =
            format!("{path}?hub.mode=subscribe&hub.verify_token=tebakan&hub.challenge=1158201444");
        get(&app, &wrong).await.error(403, "forbidden");
        get(
            &app,
            &format!("{path}?hub.mode=subscribe&hub.challenge=1158201444"),
        )
        .await
        .error(403, "forbidden");
    }
}

#[tokio::test]
async fn the_x_crc_check_is_answered_with_the_consumer_secret() {
    let app = app().await;
    let token = "dGVzdC1jcmMtdG9rZW4tMTIz";
    let body = get(&app, &format!("/channels/x/webhook?crc_token={token}"))
        .await
        .expect(200);
    assert_eq!(
        body,
        json!({"response_token": twitter::crc_response(X_SECRET, token).unwrap()})
    );
    assert_ne!(
        body["response_token"],
        twitter::crc_response("other", token).unwrap()
    );
    get(&app, "/channels/x/webhook").await.invalid("crc_token");
}

const WA_TEXT: &str = "Sampah menumpuk sudah 3 hari di dekat pasar, baunya sampai ke rumah warga";

fn whatsapp_delivery() -> Value {
    whatsapp_webhook(
        "6281298760003",
        "Dewi Lestari",
        vec![
            json!({"from": "6281298760003", "id": "wamid.TEXT1", "type": "text",
                   "text": {"body": WA_TEXT}}),
            json!({"from": "6281298760003", "id": "wamid.IMAGE1", "type": "image",
                   "image": {"caption": "Ini fotonya, tumpukan sampah di pinggir kali",
                             "mime_type": "image/jpeg", "id": "1003383421387256"}}),
        ],
    )
}

#[tokio::test]
async fn whatsapp_cloud_messages_are_filed_once_and_forgeries_refused() {
    let app = app().await;
    let path = "/channels/whatsapp/webhook";
    let body = whatsapp_delivery();
    meta_signed(&app, path, WA_SECRET, &body).await.expect(200);
    meta_signed(&app, path, WA_SECRET, &body).await.expect(200);
    let all = reports(&app).await;
    assert_eq!(all.len(), 2, "{all:#?}");
    filed(&all, Channel::Whatsapp, WA_TEXT);
    filed(&all, Channel::Whatsapp, "Ini fotonya, tumpukan sampah");

    let other = whatsapp_webhook(
        "6281298760003",
        "Dewi Lestari",
        vec![
            json!({"from": "6281298760003", "id": "wamid.TEXT2", "type": "text",
                    "text": {"body": "Got mampet di Jl. Tebet Raya"}}),
        ],
    );
    // Signed with the Meta app's secret, not WhatsApp's; then unsigned.
    meta_signed(&app, path, META_SECRET, &other)
        .await
        .error(401, "unauthorized");
    let bytes = other.to_string().into_bytes();
    post(&app, path, "application/json", bytes.clone(), &[])
        .await
        .error(401, "unauthorized");
    // A genuine signature, of another delivery.
    let borrowed = sign_sha256(WA_SECRET.as_bytes(), &body.to_string().into_bytes());
    let headers = [(meta::SIGNATURE_HEADER, borrowed)];
    post(&app, path, "application/json", bytes, &headers)
        .await
        .error(401, "unauthorized");
    assert_eq!(reports(&app).await.len(), 2);
}

const FB_COMMENT: &str = "Trotoar di Jl. Sabang rusak parah, pejalan kaki terpaksa turun ke jalan";
const FB_MESSAGE: &str = "Lampu penerangan jalan di Jl. Cikini Raya mati sejak minggu lalu";
const IG_COMMENT: &str = "Sampah menumpuk sudah 3 hari di Kec. Tebet, tolong diangkut";

fn instagram_delivery() -> Value {
    json!({"object": "instagram", "entry": [{
        "id": "17841400123456789",
        "changes": [{"field": "comments", "value": {
            "from": {"id": "17841455512345678", "username": "warga.tebet"},
            "media": {"id": "18012345678901234"},
            "id": "17865432109876543",
            "text": IG_COMMENT}}]
    }]})
}

#[tokio::test]
async fn facebook_and_instagram_comments_and_messages_are_filed_once() {
    let app = app().await;
    let path = "/channels/meta/webhook";
    for _ in 0..2 {
        meta_signed(
            &app,
            path,
            META_SECRET,
            &facebook_feed(FB_COMMENT, FB_MESSAGE),
        )
        .await
        .expect(200);
        meta_signed(&app, path, META_SECRET, &instagram_delivery())
            .await
            .expect(200);
    }
    let all = reports(&app).await;
    assert_eq!(all.len(), 3, "{all:#?}");
    filed(&all, Channel::Facebook, FB_COMMENT);
    filed(&all, Channel::Facebook, FB_MESSAGE);
    filed(&all, Channel::Instagram, IG_COMMENT);

    let mut forged = facebook_feed(FB_COMMENT, FB_MESSAGE);
    forged["entry"][0]["messaging"][0]["message"]["mid"] = json!("m_another");
    meta_signed(&app, path, WA_SECRET, &forged)
        .await
        .error(401, "unauthorized");
    let bytes = forged.to_string().into_bytes();
    post(&app, path, "application/json", bytes, &[])
        .await
        .error(401, "unauthorized");
    assert_eq!(reports(&app).await.len(), 3);
}

/// The Governor's own Facebook page and Instagram account (configured as
/// `governor_account_ids`): what arrives there files as `governor_social`, what arrives
/// on the city's page as `facebook`, from the same webhook.
#[tokio::test]
async fn what_arrives_on_the_governors_own_accounts_files_as_governor_social() {
    const GOVERNOR_PAGE: &str = "100200300400500";
    const GOVERNOR_IG: &str = "17841400123456789";
    let mut config = receiver::channels(NO_API);
    config.meta.as_mut().unwrap().governor_account_ids =
        vec![GOVERNOR_PAGE.to_string(), GOVERNOR_IG.to_string()];
    let app = TestApp::spawn_with(receiver::web_config(config)).await;
    let path = "/channels/meta/webhook";

    let city_comment = "Halte bus di Jl. Thamrin atapnya bocor, penumpang kehujanan";
    let city_message = "Pohon tua di Jl. Diponegoro condong ke jalan, takut tumbang";
    let mut to_governor = facebook_feed(FB_COMMENT, FB_MESSAGE);
    to_governor["entry"][0]["id"] = json!(GOVERNOR_PAGE);
    to_governor["entry"][0]["messaging"][0]["recipient"]["id"] = json!(GOVERNOR_PAGE);
    // The city's page gets messages of its own (ids of their own).
    let mut to_city = facebook_feed(city_comment, city_message);
    to_city["entry"][0]["changes"][0]["value"]["comment_id"] = json!("987654321012345_1111");
    to_city["entry"][0]["messaging"][0]["message"]["mid"] = json!("m_kota_1");
    for body in [to_governor, instagram_delivery(), to_city] {
        meta_signed(&app, path, META_SECRET, &body)
            .await
            .expect(200);
    }

    let all = reports(&app).await;
    assert_eq!(all.len(), 5, "{all:#?}");
    let coordinator = app.staff(Role::Coordinator, None).await;
    for (channel, text) in [
        (Channel::parse("governor_social").unwrap(), FB_COMMENT),
        (Channel::parse("governor_social").unwrap(), FB_MESSAGE),
        (Channel::parse("governor_social").unwrap(), IG_COMMENT),
        (Channel::Facebook, city_comment),
        (Channel::Facebook, city_message),
    ] {
        let report = filed(&all, channel, text);
        // The API shows it as stored.
        let view = coordinator
            .get_report(&report.ticket.to_string())
            .await
            .expect(200);
        assert_eq!(view["channel"], channel.code(), "{view:#}");
    }
}

const TWEET: &str = "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos, bahaya untuk motor";
const DM: &str = "Saluran air di depan SDN 01 Tebet mampet, air meluap ke jalan tiap hujan";

#[tokio::test]
async fn x_mentions_and_dms_are_filed_once_and_forgeries_refused() {
    let app = app().await;
    x_signed(&app, &x_activity(TWEET, DM)).await.expect(200);
    x_signed(&app, &x_activity(TWEET, DM)).await.expect(200);
    let all = reports(&app).await;
    assert_eq!(all.len(), 2, "{all:#?}");
    // The mention's leading @handle is not part of the complaint.
    assert_eq!(filed(&all, Channel::Twitter, TWEET).description, TWEET);
    filed(&all, Channel::Twitter, DM);

    let mut other = x_activity(TWEET, DM);
    other["tweet_create_events"][0]["id_str"] = json!("1897465612345679999");
    let text = other.to_string();
    let forged = twitter::sign_body("a guessed secret", text.as_bytes());
    let path = "/channels/x/webhook";
    let headers = [(twitter::SIGNATURE_HEADER, forged)];
    post(
        &app,
        path,
        "application/json",
        text.clone().into_bytes(),
        &headers,
    )
    .await
    .error(401, "unauthorized");
    post(&app, path, "application/json", text.into_bytes(), &[])
        .await
        .error(401, "unauthorized");
    assert_eq!(reports(&app).await.len(), 2);
}

fn lapor_report(tracking_id: &str) -> Value {
    json!({
        "tracking_id": tracking_id,
        "submitted_at": "2025-03-06T09:15:00+07:00",
        "title": "Pohon tumbang",
        "content": "Pohon tumbang di Jl. Teuku Umar, menutup separuh jalan.",
        "category": "Pohon",
        "location": {"lat": -6.1998731, "lon": 106.8319546, "address": "Jl. Teuku Umar"},
        "anonymous": false,
        "reporter": {"name": "Agus Pratama", "phone": "0813-1122-3344"}
    })
}

#[tokio::test]
async fn lapor_reports_get_our_ticket_once() {
    let app = app().await;
    let body = lapor_report("LAPOR-2503-8812345");
    let first = receiver::lapor_signed(&app, &body).await.expect(201);
    assert_eq!(first["filed"], true);
    let again = receiver::lapor_signed(&app, &body).await.expect(200);
    assert_eq!(again, json!({"ticket": first["ticket"], "filed": false}));
    let stored = app.stored(first["ticket"].as_str().unwrap()).await;
    assert_eq!(stored.channel, Channel::Lapor);
    assert_eq!(stored.state, ReportState::Waiting);
    assert!(
        stored
            .description
            .starts_with("Pohon tumbang\n\nPohon tumbang di Jl. Teuku Umar")
    );
    // LAPOR! names its category and the point: nothing left to triage.
    assert_eq!(stored.category.as_str(), "pohon");
    assert_eq!(app.store.triage(stored.id).await.unwrap(), None);

    let other = lapor_report("LAPOR-2503-8812346");
    let bytes = other.to_string().into_bytes();
    let path = "/channels/lapor/reports";
    let now = chrono::Utc::now().timestamp();
    let forged = lapor::sign(b"a guessed secret", now, &bytes);
    let stale_at = now - 3600;
    let stale = lapor::sign(receiver::LAPOR_SECRET.as_bytes(), stale_at, &bytes);
    for headers in [
        vec![
            (lapor::TIMESTAMP_HEADER, now.to_string()),
            (lapor::SIGNATURE_HEADER, forged),
        ],
        vec![(lapor::TIMESTAMP_HEADER, now.to_string())],
        vec![],
        // A captured call replayed an hour later.
        vec![
            (lapor::TIMESTAMP_HEADER, stale_at.to_string()),
            (lapor::SIGNATURE_HEADER, stale),
        ],
    ] {
        post(&app, path, "application/json", bytes.clone(), &headers)
            .await
            .error(401, "unauthorized");
    }
    assert_eq!(reports(&app).await.len(), 1);
}

#[tokio::test]
async fn a_channel_without_configuration_does_not_exist() {
    let app = TestApp::spawn().await;
    let sms = sms_params("SM33aa", "+6281234560004", SMS_TEXT);
    let url = format!("{PUBLIC_BASE}{SMS_PATH}");
    sms_with(&app, &sms, Some(twilio_signature(TWILIO_TOKEN, &url, &sms)))
        .await
        .error(404, "not_found");
    for path in ["/channels/whatsapp/webhook", "/channels/meta/webhook"] {
        meta_signed(
            &app,
            path,
            META_SECRET,
            &facebook_feed(FB_COMMENT, FB_MESSAGE),
        )
        .await
        .error(404, "not_found");
        let challenge =
            format!("{path}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1");
        get(&app, &challenge).await.error(404, "not_found");
    }
    x_signed(&app, &x_activity(TWEET, DM))
        .await
        .error(404, "not_found");
    get(&app, "/channels/x/webhook?crc_token=abc")
        .await
        .error(404, "not_found");
    receiver::lapor_signed(&app, &lapor_report("LAPOR-1"))
        .await
        .error(404, "not_found");
    assert!(reports(&app).await.is_empty());
}

#[tokio::test]
async fn staff_never_see_who_wrote_but_the_audited_admin_does() {
    let app = app().await;
    let text = "Got mampet di depan SDN 01 Tebet, air meluap ke jalan";
    let params = sms_params("SM44aa", "whatsapp:+6281311223344", text);
    twiml(&sms_signed(&app, &params).await);
    x_signed(&app, &x_activity(TWEET, DM)).await.expect(200);
    let all = reports(&app).await;
    let whatsapp = filed(&all, Channel::Whatsapp, text);
    let tweet = filed(&all, Channel::Twitter, TWEET);

    // Every form of the number, the names, the handles and the accounts' ids.
    let secrets = [
        "1311223344",
        "siti",
        "rahmawati",
        "budi_menteng",
        "santoso",
        "1456789012345678901",
        "rinawulan_",
        "wulandari",
        "1501234567890123456",
    ];
    let coordinator = app.staff(Role::Coordinator, None).await;
    let mut seen = vec![
        coordinator.get("/triage").await.expect(200).to_string(),
        coordinator.list("limit=50").await.to_string(),
    ];
    for report in [whatsapp, tweet] {
        let ticket = report.ticket.to_string();
        let officer = app
            .staff(Role::Officer, Some(report.holding_unit.as_str()))
            .await;
        for staff in [&coordinator, &officer] {
            seen.push(staff.get_report(&ticket).await.expect(200).to_string());
            seen.push(staff.timeline(&ticket).await.expect(200).to_string());
        }
    }
    for text in &seen {
        let lower = text.to_lowercase();
        for secret in secrets {
            assert!(!lower.contains(secret), "{secret} shown to staff: {text}");
        }
    }

    let admin = app.identity_admin().await;
    let reason = json!({"reason": "Permintaan Inspektorat No. 12/2026 atas laporan ini"});
    let path = |r: &Report| format!("/reports/{}/reporter", r.ticket);
    let who = admin.post_json(&path(whatsapp), &reason).await.expect(200);
    assert_eq!(who["channel"], "whatsapp");
    assert_eq!(who["phone"], "+6281311223344");
    assert_eq!(who["name"], "Siti Rahmawati");
    let who = admin.post_json(&path(tweet), &reason).await.expect(200);
    assert_eq!(who["handle"], "@budi_menteng");
    assert_eq!(who["name"], "Budi Santoso");
}

#[tokio::test]
async fn a_fallen_tree_is_filed_as_such_and_waits_in_the_triage_queue() {
    let app = app().await;
    let text = "Pohon tumbang menutup jalan di Kelurahan Menteng";
    receiver::send_sms(&app, "SM55aa", "+6281234560005", text).await;
    let all = reports(&app).await;
    let report = filed(&all, Channel::Sms, text);
    let record = app.store.triage(report.id).await.unwrap().expect("triaged");
    assert_eq!(
        record.suggested_category.as_ref().unwrap().as_str(),
        "pohon"
    );
    assert!(record.confidence >= 0.5, "{record:?}");
    assert_eq!(
        record.suggested_region.as_ref().unwrap().as_str(),
        "31.71.06"
    );
    assert_eq!(record.confirmed_by, None);
    // Confident enough to file under it at once, at the office of the place named.
    assert_eq!(report.category.as_str(), "pohon");
    assert_eq!(report.region.as_str(), "31.71.06");
    assert_eq!(report.holding_unit.as_str(), "kecamatan-31.71.06");

    let coordinator = app.staff(Role::Coordinator, None).await;
    let queue = coordinator.get("/triage").await.expect(200);
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue:#}");
    assert_eq!(items[0]["report"]["ticket"], report.ticket.as_str());
    assert_eq!(items[0]["report"]["category"]["code"], "pohon");
    assert_eq!(items[0]["suggested_category"], "pohon");
    assert_eq!(items[0]["suggested_region"], "31.71.06");
    assert!((items[0]["confidence"].as_f64().unwrap() - f64::from(record.confidence)).abs() < 1e-6);
}
