//! The reporter and the staff handling a report talk through the system: staff appear as a
//! role and a unit, the reporter as "the reporter", and nobody else reads the conversation.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use common::{Client, Resp, SUDIN, TestApp};

const VALIDATION: &str = "biro-pemerintahan";
/// Where the Suku Dinas forwards the road report in the forwarding test.
const ELSEWHERE: &str = "dinas-lingkungan-hidup";

fn path(ticket: &str) -> String {
    format!("/reports/{ticket}/messages")
}

async fn post(client: &Client, ticket: &str, body: &str) -> Resp {
    client
        .post_json(&path(ticket), &json!({ "body": body }))
        .await
}

/// Post a message that must be accepted; returns it.
async fn say(client: &Client, ticket: &str, body: &str) -> Value {
    post(client, ticket, body).await.expect(201)
}

async fn read(client: &Client, ticket: &str) -> Vec<Value> {
    client
        .get(&path(ticket))
        .await
        .expect(200)
        .as_array()
        .expect("an array of messages")
        .clone()
}

async fn stored_count(app: &TestApp, ticket: &str) -> usize {
    let report = app.stored(ticket).await;
    app.store.messages(report.id).await.expect("messages").len()
}

/// A message has exactly these keys: nothing that could name anyone.
#[track_caller]
fn assert_shape(message: &Value) {
    let mut keys: Vec<&str> = message
        .as_object()
        .expect("a message is an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "at",
            "author_role",
            "author_unit",
            "body",
            "from",
            "id",
            "mine"
        ],
        "{message}"
    );
}

#[track_caller]
fn assert_from_reporter(message: &Value, body: &str, mine: bool) {
    assert_shape(message);
    assert_eq!(message["from"], "reporter", "{message}");
    assert_eq!(message["author_role"], Value::Null, "{message}");
    assert_eq!(message["author_unit"], Value::Null, "{message}");
    assert_eq!(message["body"], body, "{message}");
    assert_eq!(message["mine"], mine, "{message}");
}

#[track_caller]
fn assert_from_staff(message: &Value, role: &str, unit: &str, body: &str, mine: bool) {
    assert_shape(message);
    assert_eq!(message["from"], "staff", "{message}");
    assert_eq!(message["author_role"], role, "{message}");
    assert_eq!(message["author_unit"]["code"], unit, "{message}");
    let name = message["author_unit"]["name"]
        .as_str()
        .expect("a unit name");
    assert!(!name.is_empty() && name != unit, "{message}");
    assert_eq!(message["body"], body, "{message}");
    assert_eq!(message["mine"], mine, "{message}");
}

#[tokio::test]
async fn the_reporter_and_the_handling_officer_talk_and_both_see_it_all_in_order() {
    let app = TestApp::spawn().await;
    let username = app.unique("pelapor-rahasia");
    let citizen = app
        .register_client(json!({
            "username": username,
            "display_name": "Siti Kanari Nurhaliza",
            "phone": "081299887766",
            "email": "siti.kanari@example.org",
        }))
        .await;
    let ticket = citizen.file_road_report().await;
    let officer = app.take_up(&ticket).await;

    let question = "Kapan lubangnya ditambal? Sudah dua motor jatuh.";
    let asked = say(&citizen, &ticket, &format!("  {question}\n")).await;
    assert_from_reporter(&asked, question, true);
    let answer = "Tim kami dijadwalkan datang Kamis. Mohon sebutkan patokan terdekat.";
    let answered = say(&officer, &ticket, answer).await;
    assert_from_staff(&answered, "officer", SUDIN, answer, true);
    let detail = "Depan warung Bu Ani, dekat tiang listrik nomor 12.";
    let detailed = say(&citizen, &ticket, detail).await;
    assert_from_reporter(&detailed, detail, true);

    let ids: Vec<i64> = [&asked, &answered, &detailed]
        .iter()
        .map(|m| m["id"].as_i64().expect("an id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    let seen_by_reporter = read(&citizen, &ticket).await;
    assert_eq!(seen_by_reporter.len(), 3);
    assert_from_reporter(&seen_by_reporter[0], question, true);
    assert_from_staff(&seen_by_reporter[1], "officer", SUDIN, answer, false);
    assert_from_reporter(&seen_by_reporter[2], detail, true);

    let resp = officer.get(&path(&ticket)).await;
    assert_eq!(
        resp.header("cache-control").as_deref(),
        Some("no-store"),
        "{resp:?}"
    );
    let seen_by_officer = resp.expect(200);
    let seen_by_officer = seen_by_officer.as_array().expect("messages");
    assert_eq!(seen_by_officer.len(), 3);
    assert_from_reporter(&seen_by_officer[0], question, false);
    assert_from_staff(&seen_by_officer[1], "officer", SUDIN, answer, true);
    assert_from_reporter(&seen_by_officer[2], detail, false);
    let ats: Vec<&str> = seen_by_officer
        .iter()
        .map(|m| m["at"].as_str().expect("an instant"))
        .collect();
    for (by_officer, by_reporter) in seen_by_officer.iter().zip(&seen_by_reporter) {
        assert_eq!(by_officer["id"], by_reporter["id"]);
        assert_eq!(by_officer["at"], by_reporter["at"]);
    }
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        ats.iter().map(|t| t.parse().expect("RFC 3339")).collect();
    assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "{ats:?}");

    // Nothing the officer is answered says who reported, and nothing the reporter reads
    // names the officer.
    let officer_sees = format!("{answered}{}", Value::from(seen_by_officer.clone())).to_lowercase();
    for secret in [
        username.as_str(),
        "siti kanari",
        "kanari",
        "081299887766",
        "81299887766",
        "siti.kanari@example.org",
    ] {
        assert!(
            !officer_sees.contains(&secret.to_lowercase()),
            "the officer sees {secret}: {officer_sees}"
        );
    }
    let reporter_sees =
        format!("{asked}{detailed}{}", Value::from(seen_by_reporter)).to_lowercase();
    assert!(
        !reporter_sees.contains(&officer.username.to_lowercase()),
        "the reporter sees the officer's account: {reporter_sees}"
    );
    assert_eq!(stored_count(&app, &ticket).await, 3);
}

#[tokio::test]
async fn nobody_else_reads_or_writes_the_conversation() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let officer = app.take_up(&ticket).await;
    say(&citizen, &ticket, "Mohon segera ditangani.").await;
    say(&officer, &ticket, "Sedang kami kerjakan.").await;

    let other_unit = app
        .staff(Role::Officer, Some("sudin-bina-marga-31.71"))
        .await;
    let other_citizen = app.register_citizen("tetangga").await;
    let operator = app.staff(Role::Operator, None).await;
    let validator = app.staff(Role::Validator, Some(VALIDATION)).await;
    // Out of reach: the report's existence is not revealed.
    for who in [&other_unit, &other_citizen, &operator, &validator] {
        who.get(&path(&ticket)).await.error(404, "not_found");
        post(who, &ticket, "Halo?").await.error(404, "not_found");
    }
    let anonymous = app.anonymous();
    anonymous.get(&path(&ticket)).await.error(404, "not_found");
    post(&anonymous, &ticket, "Halo?")
        .await
        .error(401, "unauthorized");
    // An admin reads the report, but the conversation is not theirs.
    let admin = app.staff(Role::Admin, None).await;
    admin.get_report(&ticket).await.expect(200);
    admin.get(&path(&ticket)).await.error(403, "forbidden");
    post(&admin, &ticket, "Halo?").await.error(403, "forbidden");
    // Unknown and malformed tickets.
    for bad in ["JK2001010001", "bukan-tiket"] {
        citizen.get(&path(bad)).await.error(404, "not_found");
        post(&citizen, bad, "Halo?").await.error(404, "not_found");
    }

    // Public, the report is anyone's to read; its conversation still is not.
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    anonymous.get_report(&ticket).await.expect(200);
    other_citizen.get_report(&ticket).await.expect(200);
    for who in [&anonymous, &other_citizen] {
        who.get(&path(&ticket)).await.error(404, "not_found");
    }
    post(&other_citizen, &ticket, "Halo?")
        .await
        .error(404, "not_found");
    // Staff reading a public report they do not handle: they may know it, not join in.
    for who in [&other_unit, &operator, &validator, &admin] {
        who.get(&path(&ticket)).await.error(403, "forbidden");
        post(who, &ticket, "Halo?").await.error(403, "forbidden");
    }

    // The coordinators who handle it do take part.
    let coordinator = app.staff(Role::Coordinator, None).await;
    assert_eq!(read(&coordinator, &ticket).await.len(), 2);
    let kecamatan = app
        .staff(Role::Coordinator, Some("kecamatan-31.74.01"))
        .await;
    let written = say(&kecamatan, &ticket, "Kecamatan ikut memantau.").await;
    assert_from_staff(
        &written,
        "coordinator",
        "kecamatan-31.74.01",
        "Kecamatan ikut memantau.",
        true,
    );
    assert_eq!(read(&citizen, &ticket).await.len(), 3);
    assert_eq!(stored_count(&app, &ticket).await, 3);
}

#[tokio::test]
async fn validators_take_part_once_the_followup_reaches_them() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let officer = app.take_up(&ticket).await;
    let validator = app.staff(Role::Validator, Some(VALIDATION)).await;

    // In progress and private: not the validator's to read at all.
    validator.get(&path(&ticket)).await.error(404, "not_found");
    // Public: readable, but the validator does not handle it yet.
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    validator.get_report(&ticket).await.expect(200);
    validator.get(&path(&ticket)).await.error(403, "forbidden");
    post(&validator, &ticket, "Apakah sudah selesai?")
        .await
        .error(403, "forbidden");
    citizen
        .act_ok(&ticket, json!({"action": "make_private"}))
        .await;

    // Awaiting validation: the validator handles the report and may ask the reporter.
    officer
        .act_ok(
            &ticket,
            json!({"action": "submit_followup", "note": "Sudah ditambal."}),
        )
        .await;
    assert!(read(&validator, &ticket).await.is_empty());
    let question = "Apakah jalannya sudah benar-benar rata kembali?";
    let asked = say(&validator, &ticket, question).await;
    assert_from_staff(&asked, "validator", VALIDATION, question, true);
    let reply = say(&citizen, &ticket, "Sudah, terima kasih.").await;
    assert_from_reporter(&reply, "Sudah, terima kasih.", true);
    let seen = read(&officer, &ticket).await;
    assert_eq!(seen.len(), 2);
    assert_from_staff(&seen[0], "validator", VALIDATION, question, false);
    assert_from_reporter(&seen[1], "Sudah, terima kasih.", false);

    // Completed: still one of the validator's states.
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    assert_eq!(read(&validator, &ticket).await.len(), 2);
    assert_eq!(read(&citizen, &ticket).await.len(), 2);
}

#[tokio::test]
async fn a_message_is_one_to_two_thousand_characters() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;

    for bad in [String::new(), " \n\t ".to_owned(), "a".repeat(2001)] {
        post(&citizen, &ticket, &bad).await.invalid("body");
    }
    citizen
        .post_json(&path(&ticket), &json!({}))
        .await
        .error(422, "validation_failed");
    citizen
        .post_json(&path(&ticket), &json!({"body": 42}))
        .await
        .error(422, "validation_failed");
    citizen
        .post_raw(&path(&ticket), "text/plain", b"halo".to_vec())
        .await
        .error(415, "unsupported_media_type");
    assert_eq!(stored_count(&app, &ticket).await, 0);

    let longest = "é".repeat(2000);
    let one = say(&citizen, &ticket, "x").await;
    assert_eq!(one["body"], "x");
    let long = say(&citizen, &ticket, &format!("\n{longest}  ")).await;
    assert_eq!(long["body"], longest.as_str());
    assert_eq!(stored_count(&app, &ticket).await, 2);
}

#[tokio::test]
async fn after_forwarding_the_old_unit_no_longer_reads_the_messages() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let officer = app.take_up(&ticket).await;
    say(&citizen, &ticket, "Lubangnya makin besar.").await;
    say(
        &officer,
        &ticket,
        "Ini saluran air, kami teruskan ke dinas terkait.",
    )
    .await;

    officer
        .act_ok(&ticket, json!({"action": "forward", "unit": ELSEWHERE}))
        .await;
    officer.get_report(&ticket).await.error(404, "not_found");
    officer.get(&path(&ticket)).await.error(404, "not_found");
    post(&officer, &ticket, "Satu lagi...")
        .await
        .error(404, "not_found");

    // The conversation follows the report to its new unit, and stays with the reporter.
    let new_officer = app.staff(Role::Officer, Some(ELSEWHERE)).await;
    let seen = read(&new_officer, &ticket).await;
    assert_eq!(seen.len(), 2);
    assert_from_reporter(&seen[0], "Lubangnya makin besar.", false);
    assert_from_staff(
        &seen[1],
        "officer",
        SUDIN,
        "Ini saluran air, kami teruskan ke dinas terkait.",
        false,
    );
    say(&new_officer, &ticket, "Kami terima, segera kami cek.").await;
    let mine = read(&citizen, &ticket).await;
    assert_eq!(mine.len(), 3);
    assert_from_staff(
        &mine[2],
        "officer",
        ELSEWHERE,
        "Kami terima, segera kami cek.",
        false,
    );
}
