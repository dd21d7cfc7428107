//! Personal-data duties (UU 27/2022) through the real HTTP API: a citizen downloads their
//! own data (never anyone else's) and erases their account (their reports stay,
//! anonymous); an admin with the identity permission finds a channel reporter's reports by
//! phone number or e-mail address, exports them and erases their identities; the retention
//! job erases the identities of reports closed long ago. Every statistic stays the same,
//! and every act is in the identity access log with its reason.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use aduan_channels::{ReplyRoute, Sender};
use aduan_domain::report::FollowupPhotos;
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{ActionKind, Channel, ReportState, Role, Ticket};
use aduan_web::app::retention::erase_expired_identities;
use aduan_web::intake::{ChannelMessage, submit_channel_message};
use common::canary::{Person, found_in, response_bytes};
use common::{Client, Resp, TestApp, jakarta_today, ticket_of};

const REASON: &str = "Surat permintaan subjek data No. 45/PDP/2026";

async fn delete_me(client: &Client, body: &Value) -> Resp {
    let req = client
        .http
        .delete(format!("{}/api/v1/me", client.base))
        .json(body);
    client.send(req).await
}

/// The published figures for today (Jakarta) as JSON text, to compare whole.
async fn todays_figures(app: &TestApp) -> Value {
    let today = jakarta_today();
    let tomorrow = today + Duration::days(1);
    app.anonymous()
        .get(&format!("/stats?from={today}&to={tomorrow}"))
        .await
        .expect(200)
}

/// An SMS from `person`'s number, filed as the SMS webhook files it.
async fn sms_from(app: &TestApp, person: &Person, text: &str) -> Ticket {
    let phone = person.stored_phone();
    let message = ChannelMessage {
        channel: Channel::Sms,
        message_id: format!("SM{}", app.unique("sms")),
        text: text.to_owned(),
        sender: Sender {
            name: Some(person.name.clone()),
            phone: Some(phone.clone()),
            ..Sender::default()
        },
        reply: Some(ReplyRoute {
            channel: Channel::Sms,
            address: phone,
            in_reply_to: None,
            public: false,
        }),
        location: None,
        address: None,
        category_hint: None,
        photos: Vec::new(),
        media: Vec::new(),
    };
    submit_channel_message(&app.state, message)
        .await
        .expect("file the SMS")
        .ticket
}

/// An e-mail from `person`, filed as `aduan ingest email` files it.
async fn email_from(app: &TestApp, person: &Person) -> Ticket {
    let raw = format!(
        "From: {} <{}>\r\nTo: dki@jakarta.go.id\r\nSubject: Lampu jalan mati\r\n\
         Date: Tue, 4 Mar 2025 07:30:00 +0700\r\nMessage-ID: <{}@contoh.co.id>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n\
         Lampu jalan di depan rumah mati sudah seminggu, mohon diperbaiki.\r\n",
        person.name,
        person.email.to_uppercase(),
        app.unique("mail"),
    );
    aduan_web::email::submit_raw_email(&app.state, raw.as_bytes())
        .await
        .expect("file the e-mail")
        .ticket
}

/// A walk-in at a desk, who gave their phone and e-mail.
async fn desk_report(operator: &Client, person: &Person) -> Ticket {
    let resp = operator
        .submit_report(&json!({
            "category": "jalan",
            "description": "Warga datang ke meja layanan: trotoar rusak parah di depan pasar.",
            "location": {"region": "31.74.01"},
            "citizen": {"name": person.name, "phone": person.phone, "email": person.email},
        }))
        .await;
    Ticket::parse(&ticket_of(&resp.expect(201))).unwrap()
}

fn tickets(found: &Value) -> BTreeSet<String> {
    found["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["ticket"].as_str().unwrap().to_owned())
        .collect()
}

fn set(tickets: &[&Ticket]) -> BTreeSet<String> {
    tickets.iter().map(ToString::to_string).collect()
}

/// The identity access log's newest entries (admins read it).
async fn audit(admin: &Client) -> Vec<Value> {
    admin
        .get("/audit/identity-access?limit=200")
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_citizen_downloads_their_own_data_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let (siti, other) = (Person::new(), Person::new());
    let citizen = app.register_person(&siti).await;
    let neighbour = app.register_person(&other).await;
    let mine = ticket_of(&citizen.file("jalan", "31.74.01").await);
    let theirs = ticket_of(&neighbour.file("jalan", "31.74.01").await);
    citizen
        .post_json(
            &format!("/reports/{mine}/messages"),
            &json!({"body": "Lubangnya makin besar setelah hujan semalam."}),
        )
        .await
        .expect(201);

    let resp = citizen.get("/me/export").await;
    let data = resp.expect(200);
    let disposition = resp.header("content-disposition").expect("an attachment");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(data["account"]["username"], siti.username.as_str());
    assert_eq!(data["account"]["name"], siti.name.as_str());
    assert_eq!(data["account"]["phone"], siti.stored_phone().as_str());
    assert_eq!(data["account"]["email"], siti.email.as_str());
    let reports = data["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{data}");
    assert_eq!(reports[0]["report"]["ticket"], mine.as_str());
    assert_eq!(reports[0]["timeline"][0]["action"], "submit");
    assert_eq!(
        reports[0]["messages"][0]["body"],
        "Lubangnya makin besar setelah hujan semalam."
    );
    // Nothing of the neighbour's: not their report, not who they are.
    assert!(!resp.text().contains(&theirs));
    let leaked = found_in(&other.all("the neighbour"), &response_bytes(&resp));
    assert!(leaked.is_empty(), "the download reveals {leaked:?}");

    app.anonymous().get("/me/export").await.error_shape(401);
}

#[tokio::test]
async fn a_citizen_erases_their_account_and_their_reports_stay_anonymous() {
    let app = TestApp::spawn().await;
    let siti = Person::new();
    let citizen = app.register_person(&siti).await;
    let second_device = app.login_as(&siti.username).await;
    let ticket = ticket_of(&citizen.file("jalan", "31.74.01").await);
    let admin = app.identity_admin().await;
    let before = todays_figures(&app).await;

    // Refused, changing nothing: a wrong password, no password, a staff account.
    delete_me(&citizen, &json!({"password": "bukan-kata-sandinya"}))
        .await
        .error_shape(403);
    delete_me(&citizen, &json!({})).await.error_shape(422);
    delete_me(&citizen, &json!({"password": common::PASSWORD, "extra": 1}))
        .await
        .error_shape(422);
    let officer = app.staff(Role::Officer, Some(common::SUDIN)).await;
    delete_me(&officer, &json!({"password": common::PASSWORD}))
        .await
        .error_shape(403);
    officer.get("/me").await.expect(200);
    citizen.get("/me").await.expect(200);

    let erased = delete_me(&citizen, &json!({"password": common::PASSWORD}))
        .await
        .expect(200);
    assert_eq!(erased["reports_unlinked"], 1);
    // Every session ended; the account can never sign in again.
    citizen.get("/me").await.error_shape(401);
    second_device.get("/me").await.error_shape(401);
    app.login(&siti.username, common::PASSWORD)
        .await
        .error_shape(401);
    // Its username is not given out again.
    let again = app
        .register(&json!({"username": siti.username, "password": "kata-sandi-baru-sekali"}))
        .await;
    again.error_shape(409);
    // The report stays, linked to nobody, with nothing left to reveal.
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.reporter, None);
    let revealed = admin
        .post_json(
            &format!("/reports/{ticket}/reporter"),
            &json!({"reason": REASON}),
        )
        .await
        .expect(200);
    assert_eq!(revealed["username"], Value::Null);
    assert_eq!(revealed["name"], Value::Null);
    assert_eq!(revealed["phone"], Value::Null);
    assert_eq!(todays_figures(&app).await, before, "every figure unchanged");
    let log = audit(&admin).await;
    assert!(
        log.iter().any(|e| e["action"] == "account_erase"),
        "{log:?}"
    );
}

#[tokio::test]
async fn an_admin_finds_exports_and_erases_one_data_subjects_reports_only() {
    let app = TestApp::spawn().await;
    let (dewi, other) = (Person::new(), Person::new());
    let sms = sms_from(
        &app,
        &dewi,
        "Jalan berlubang di Tebet, tolong segera diperbaiki.",
    )
    .await;
    let mail = email_from(&app, &dewi).await;
    let operator = app.staff(Role::Operator, None).await;
    let desk = desk_report(&operator, &dewi).await;
    let not_hers = sms_from(&app, &other, "Pohon tumbang menutup jalan di Menteng.").await;
    let admin = app.identity_admin().await;
    let before = todays_figures(&app).await;

    // Who may: an admin with the identity permission only.
    let request = json!({"phone": dewi.phone, "email": dewi.email, "reason": REASON});
    let plain_admin = app.staff(Role::Admin, None).await;
    plain_admin
        .post_json("/admin/data-subject/search", &request)
        .await
        .error_shape(403);
    operator
        .post_json("/admin/data-subject/erase", &request)
        .await
        .error_shape(403);
    // Bad input: 422 on the field, nothing logged.
    for (body, field) in [
        (json!({"reason": REASON}), "phone"),
        (json!({"phone": "12", "reason": REASON}), "phone"),
        (
            json!({"phone": "0812345678901234567890123456789012", "reason": REASON}),
            "phone",
        ),
        (json!({"email": "bukan alamat", "reason": REASON}), "email"),
        (json!({"phone": dewi.phone, "reason": "pendek"}), "reason"),
        (
            json!({"phone": dewi.phone, "reason": "x".repeat(1001)}),
            "reason",
        ),
    ] {
        admin
            .post_json("/admin/data-subject/search", &body)
            .await
            .invalid(field);
    }
    assert!(audit(&admin).await.is_empty(), "refusals are not logged");

    // By phone: the SMS and the desk report (keyed by the phone the desk was given, the
    // first of its contacts); by e-mail (in any case): the e-mail. Both: all three.
    let by_phone = admin
        .post_json(
            "/admin/data-subject/search",
            &json!({"phone": format!("+62 {}", &dewi.phone[1..]), "reason": REASON}),
        )
        .await
        .expect(200);
    assert_eq!(tickets(&by_phone), set(&[&sms, &desk]));
    let by_mail = admin
        .post_json(
            "/admin/data-subject/search",
            &json!({"email": dewi.email, "reason": REASON}),
        )
        .await
        .expect(200);
    assert_eq!(tickets(&by_mail), set(&[&mail]));
    let resp = admin
        .post_json("/admin/data-subject/search", &request)
        .await;
    let found = resp.expect(200);
    assert_eq!(tickets(&found), set(&[&sms, &mail, &desk]));
    let sms_found = found["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ticket"] == sms.to_string().as_str())
        .unwrap();
    assert_eq!(sms_found["channel"], "sms");
    assert_eq!(sms_found["identity"]["name"], dewi.name.as_str());
    // Nothing of the other reporter's.
    assert!(!resp.text().contains(&not_hers.to_string()));
    let leaked = found_in(&other.all("the other reporter"), &response_bytes(&resp));
    assert!(leaked.is_empty(), "the search reveals {leaked:?}");

    let resp = admin
        .post_json("/admin/data-subject/export", &request)
        .await;
    let exported = resp.expect(200);
    assert!(
        resp.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(tickets(&exported), set(&[&sms, &mail, &desk]));
    assert!(
        exported["reports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["identity"].is_object() && r["timeline"][0]["action"] == "submit"),
        "{exported}"
    );

    let erased = admin
        .post_json("/admin/data-subject/erase", &request)
        .await
        .expect(200);
    assert_eq!(erased["erased"], 3);
    let after = admin
        .post_json("/admin/data-subject/search", &request)
        .await
        .expect(200);
    assert_eq!(
        tickets(&after),
        set(&[&sms, &mail, &desk]),
        "the reports stay"
    );
    assert!(
        after["reports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["identity"].is_null()),
        "{after}"
    );
    assert_eq!(todays_figures(&app).await, before, "every figure unchanged");
    // The other reporter keeps their identity (and their reply route).
    let theirs = admin
        .post_json(
            &format!("/reports/{not_hers}/reporter"),
            &json!({"reason": REASON}),
        )
        .await
        .expect(200);
    assert_eq!(theirs["name"], other.name.as_str());

    // Every search, export and erasure is in the log with its reason.
    let log = audit(&admin).await;
    for action in ["subject_search", "subject_export", "subject_erase"] {
        assert!(
            log.iter()
                .any(|e| e["action"] == action && e["reason"] == REASON),
            "{action}: {log:?}"
        );
    }
    let erasures: BTreeSet<String> = log
        .iter()
        .filter(|e| e["action"] == "subject_erase")
        .map(|e| e["ticket"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(erasures, set(&[&sms, &mail, &desk]));
}

#[tokio::test]
async fn retention_erases_the_identities_of_reports_closed_before_the_cutoff() {
    let app = TestApp::spawn().await;
    let (dewi, other) = (Person::new(), Person::new());
    let closed = sms_from(&app, &dewi, "Saluran air tersumbat di depan rumah warga.").await;
    let open = sms_from(&app, &other, "Lampu lalu lintas mati di perempatan Tebet.").await;
    let admin = app.identity_admin().await;
    let staff = app.staff(Role::Coordinator, None).await;
    let staff = app.store.credentials(&staff.username).await.unwrap().user;
    let report = app.stored(&closed.to_string()).await;
    app.store
        .apply_transition(
            report.id,
            report.version,
            Transition {
                action: ActionKind::Reject,
                from: ReportState::Waiting,
                to: ReportState::Rejected,
                new_holding_unit: None,
                marks_coordinated: false,
                marks_completed: false,
                new_visibility: None,
                estimated_completion: None,
            },
            ActionRecord {
                actor: staff.id,
                actor_role: staff.role,
                actor_unit: staff.unit.clone(),
                at: Utc::now(),
                note: Some("Bukan wewenang kelurahan.".into()),
                target: None,
                photos: FollowupPhotos::default(),
            },
        )
        .await
        .unwrap();
    let before = todays_figures(&app).await;

    // Closed just now: not yet past a cutoff in the past.
    let now = Utc::now();
    let run = erase_expired_identities(app.store.as_ref(), now - Duration::days(1), now)
        .await
        .unwrap();
    assert_eq!(run.erased, 0);
    assert!(
        audit(&admin).await.is_empty(),
        "a run that erased nothing is not logged"
    );

    let cutoff = now + Duration::minutes(1);
    let run = erase_expired_identities(app.store.as_ref(), cutoff, now)
        .await
        .unwrap();
    assert_eq!(run.erased, 1, "only the closed report");
    assert_eq!(todays_figures(&app).await, before, "every figure unchanged");
    let log = audit(&admin).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["action"], "retention");
    assert_eq!(log[0]["actor"], Value::Null);
    assert!(
        log[0]["detail"]
            .as_str()
            .unwrap()
            .ends_with("1 reports erased"),
        "{log:?}"
    );

    let reveal = |ticket: &Ticket| {
        let admin = admin.clone();
        let ticket = ticket.to_string();
        async move {
            admin
                .post_json(
                    &format!("/reports/{ticket}/reporter"),
                    &json!({"reason": REASON}),
                )
                .await
                .expect(200)
        }
    };
    assert_eq!(reveal(&closed).await["name"], Value::Null);
    assert_eq!(reveal(&open).await["name"], other.name.as_str());
    // Running again erases nothing more.
    let again = erase_expired_identities(app.store.as_ref(), cutoff, Utc::now())
        .await
        .unwrap();
    assert_eq!(again.erased, 0);
}
