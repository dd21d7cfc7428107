//! The operators' desk `/meja` over HTTP, as a browser without JavaScript uses it: an
//! operator files for a walk-in citizen, whose details are sealed (no officer sees them;
//! only the audited reveal does), and gets a receipt with the ticket; bad input comes back
//! beside its field with nothing filed; only operators work the desk.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod citizen_browser;
mod common;

use reqwest::multipart::Form;
use serde_json::json;

use aduan_domain::{Channel, Role};
use aduan_store::{OutboxKind, ReportQuery, ReportScope};
use citizen_browser::{Browser, assert_good_page, hidden, location, page, photo_part};
use common::canary::{Person, found_in};
use common::{PASSWORD, TestApp};

const DESCRIPTION: &str = "Saluran air tersumbat di depan Puskesmas Tebet sejak seminggu.";

async fn sign_in(app: &TestApp, role: Role, unit: Option<&str>) -> (Browser, String) {
    let username = app.unique(role.code());
    app.create_account(&username, role, unit, None).await;
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    (browser, username)
}

/// The desk form as a browser sends it: the page's CSRF and submission values, a valid
/// report for Tebet at the Kantor Camat desk, then `fields` in place of those defaults.
fn desk_form(form_page: &str, fields: &[(&str, &str)]) -> Form {
    let mut values = vec![
        ("channel", "kecamatan"),
        ("name", ""),
        ("phone", ""),
        ("email", ""),
        ("nik", ""),
        ("notify_by", ""),
        ("category", "jalan"),
        ("description", DESCRIPTION),
        ("region", "31.74.01"),
        ("address", ""),
    ];
    for (name, value) in fields {
        match values.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => values.push((name, value)),
        }
    }
    let mut form = Form::new()
        .text("csrf", hidden(form_page, "csrf"))
        .text("submission", hidden(form_page, "submission"));
    for (name, value) in values {
        form = form.text(name.to_owned(), value.to_owned());
    }
    form
}

/// Fields to send, the field whose error shows, and the error.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

async fn all_reports(app: &TestApp) -> usize {
    let page = app
        .store
        .list_reports(ReportQuery::new(ReportScope::All, 100))
        .await
        .expect("list the reports");
    page.reports.len()
}

/// Where the page's `rel="next"` link points.
#[track_caller]
fn next_href(html: &str) -> String {
    let before = html
        .split(" rel=\"next\"")
        .next()
        .filter(|b| b.len() < html.len())
        .unwrap_or_else(|| panic!("a next page: {html}"));
    let start = before.rfind("href=\"").expect("an href") + 6;
    before[start..]
        .trim_end_matches('"')
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

#[track_caller]
fn assert_anonymous(person: &Person, what: &str, bytes: &[u8]) {
    let found = found_in(&person.personal("the citizen"), bytes);
    assert!(found.is_empty(), "{what} shows {found:?}");
}

#[tokio::test]
async fn an_operator_files_for_a_walk_in_citizen_whose_identity_stays_sealed() {
    let app = TestApp::spawn().await;
    let (desk, _) = sign_in(&app, Role::Operator, None).await;
    let html = page(&desk.get("/meja").await);
    assert_good_page(&html, "id");
    assert!(html.contains("<h1>Meja layanan</h1>"), "{html}");
    assert!(html.contains("action=\"/meja?lang=id\""), "{html}");
    assert!(
        html.contains("<option value=\"balai_kota\" selected>"),
        "{html}"
    );
    for never in ["jaki", "web", "open311"] {
        assert!(
            !html.contains(&format!("value=\"{never}\"")),
            "{never}: {html}"
        );
    }
    assert!(html.contains("Anda belum mencatat laporan."), "{html}");

    let person = Person::new();
    let form = desk_form(
        &html,
        &[
            ("name", &person.name),
            ("phone", &person.phone),
            ("email", &person.email),
            ("nik", &person.nik),
            ("notify_by", "sms"),
        ],
    )
    .part("photo", photo_part(common::png()));
    // The receipt answers the form at once: the ticket, big, its tracking code shown this
    // once, and nothing of the citizen.
    let receipt = desk.post_multipart("/meja", form).await;
    let receipt_html = page(&receipt);
    let ticket = between(&receipt_html, "<p class=\"ticket-big\">", "</p>");
    common::ticket_date(&ticket);
    let code = between(&receipt_html, "id=\"tracking-code\">", "</p>");
    assert_eq!(code.len(), 11, "{code}");
    assert_good_page(&receipt_html, "id");
    assert!(
        receipt_html.contains(&format!("<p class=\"ticket-big\">{ticket}</p>")),
        "{receipt_html}"
    );
    assert!(receipt_html.contains("Kantor Camat"), "{receipt_html}");
    assert!(receipt_html.contains("@media print"), "{receipt_html}");
    assert_anonymous(&person, "the receipt", receipt_html.as_bytes());
    // Printed again later: the ticket, never the code again.
    let reprint = page(&desk.get(&format!("/meja/tanda-terima/{ticket}")).await);
    assert!(reprint.contains(&ticket), "{reprint}");
    assert!(
        !reprint.contains(&code) && !reprint.contains("tracking-code"),
        "{reprint}"
    );
    assert!(reprint.contains("hanya ditampilkan sekali"), "{reprint}");

    // Filed on the desk's channel, entered by the operator, for no account.
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.channel, Channel::parse("kecamatan").unwrap());
    assert!(stored.entered_by.is_some() && stored.reporter.is_none());
    let photos = app.store.photos(stored.id).await.expect("the photos");
    assert_eq!(photos.len(), 1);

    // The desk lists it, with its pill, and still names no one.
    let again = page(&desk.get("/meja").await);
    assert!(
        again.contains(&format!("href=\"/laporan/{ticket}?lang=id\"")),
        "{again}"
    );
    assert!(again.contains("state state-red\">Menunggu"), "{again}");
    assert_anonymous(&person, "the desk after filing", again.as_bytes());
    let report_page = page(&desk.get(&format!("/laporan/{ticket}")).await);
    assert_anonymous(
        &person,
        "the operator's report page",
        report_page.as_bytes(),
    );

    // No officer sees the citizen, in the API or on the page.
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator.get_report(&ticket).await;
    assert_eq!(view.status, 200, "{view:?}");
    assert_anonymous(
        &person,
        "the coordinator's API view",
        view.text().as_bytes(),
    );
    let (staff, _) = sign_in(&app, Role::Coordinator, None).await;
    let staff_page = page(&staff.get(&format!("/laporan/{ticket}")).await);
    assert_anonymous(&person, "the coordinator's page", staff_page.as_bytes());

    // The citizen hears the ticket by SMS, on the number given.
    let outbox = app.store.outbox(None, None, 50).await.expect("the outbox");
    assert!(
        outbox
            .iter()
            .any(|m| m.ticket.as_str() == ticket && m.kind == OutboxKind::Reply),
        "{outbox:?}"
    );

    // Only the audited reveal shows who it was.
    let admin = app.identity_admin().await;
    let revealed = admin
        .post_json(
            &format!("/reports/{ticket}/reporter"),
            &json!({"reason": "Permintaan penyidik Polda Metro Jaya nomor 7"}),
        )
        .await
        .expect(200);
    assert_eq!(revealed["channel"], "kecamatan", "{revealed}");
    assert_eq!(revealed["name"], person.name.as_str(), "{revealed}");
    assert_eq!(revealed["nik"], person.nik.as_str(), "{revealed}");
    assert_eq!(revealed["email"], person.email.as_str(), "{revealed}");
    let phone = revealed["phone"].as_str().unwrap_or_default();
    assert!(phone.ends_with(&person.phone[1..]), "{revealed}");
}

#[tokio::test]
async fn bad_input_comes_back_beside_its_field_and_files_nothing() {
    let app = TestApp::spawn().await;
    let (desk, _) = sign_in(&app, Role::Operator, None).await;
    let cases: [Case; 7] = [
        (
            &[("description", "")],
            "description",
            "Uraian harus 10–4000 karakter.",
        ),
        (
            &[("phone", "12345")],
            "phone",
            "Nomor HP harus nomor seluler Indonesia",
        ),
        (&[("nik", "31740112")], "nik", "NIK harus 16 angka."),
        (
            &[("region", "31.74.99")],
            "region",
            "Pilih kelurahan dari daftar.",
        ),
        (&[("region", "")], "region", "Pilih kelurahan dari daftar."),
        (
            &[("notify_by", "sms")],
            "phone",
            "Isi nomor HP untuk mengirim kabar",
        ),
        (
            &[("channel", "jaki")],
            "channel",
            "Pilih saluran dari daftar.",
        ),
    ];
    for (fields, field, message) in cases {
        let html = page(&desk.get("/meja").await);
        let resp = desk.post_multipart("/meja", desk_form(&html, fields)).await;
        assert_eq!(resp.status, 422, "{fields:?}: {resp:?}");
        let shown = resp.text();
        assert_good_page(&shown, "id");
        let beside = format!("<p class=\"error\" id=\"{field}-error\">{message}");
        assert!(shown.contains(&beside), "{fields:?}: {shown}");
        assert!(shown.contains("role=\"alert\""), "{shown}");
        assert_eq!(all_reports(&app).await, 0, "{fields:?} filed a report");
    }

    // Every problem at once, and what was typed comes back.
    let html = page(&desk.get("/meja").await);
    let fields = [
        ("description", "pendek"),
        ("nik", "abc"),
        ("email", "bukan-email"),
        ("address", "Jl. Tebet Raya 12"),
    ];
    let resp = desk
        .post_multipart("/meja", desk_form(&html, &fields))
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    let shown = resp.text();
    for id in ["description-error", "nik-error", "email-error"] {
        assert!(shown.contains(&format!("id=\"{id}\"")), "{id}: {shown}");
    }
    assert!(shown.contains(">pendek</textarea>"), "{shown}");
    assert!(shown.contains("value=\"Jl. Tebet Raya 12\""), "{shown}");
    assert_eq!(all_reports(&app).await, 0);
}

#[tokio::test]
async fn only_operators_work_the_desk() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let resp = anonymous.get("/meja").await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/masuk?next=/meja&lang=id");

    let (desk, _) = sign_in(&app, Role::Operator, None).await;
    let form_page = page(&desk.get("/meja").await);
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let (officer, _) = sign_in(&app, Role::Officer, Some(common::SUDIN)).await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    for (who, browser) in [
        ("a citizen", &citizen),
        ("an officer", &officer),
        ("an admin", &admin),
    ] {
        let resp = browser.get("/meja").await;
        assert_eq!(resp.status, 403, "{who}: {resp:?}");
        assert!(resp.text().contains("khusus operator"), "{who}");
        let en = browser.get("/meja?lang=en").await;
        assert_eq!(en.status, 403, "{who}: {en:?}");
        assert!(en.text().contains("desk operators only"), "{who}");
        let posted = browser
            .post_multipart("/meja", desk_form(&form_page, &[]))
            .await;
        assert_eq!(posted.status, 403, "{who}: {posted:?}");
    }
    assert_eq!(all_reports(&app).await, 0);
}

#[tokio::test]
async fn a_post_without_the_forms_csrf_value_is_refused() {
    let app = TestApp::spawn().await;
    let (desk, _) = sign_in(&app, Role::Operator, None).await;
    let html = page(&desk.get("/meja").await);
    let without = Form::new()
        .text("submission", hidden(&html, "submission"))
        .text("channel", "kecamatan")
        .text("category", "jalan")
        .text("description", DESCRIPTION)
        .text("region", "31.74.01");
    let resp = desk.post_multipart("/meja", without).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    let wrong = desk_form(&html, &[("csrf", "bukan-nilai-ini")]);
    let resp = desk.post_multipart("/meja", wrong).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert_eq!(all_reports(&app).await, 0);
}

#[tokio::test]
async fn sending_the_form_twice_files_one_report_and_receipts_are_the_operators_own() {
    let app = TestApp::spawn().await;
    let (desk, _) = sign_in(&app, Role::Operator, None).await;
    let html = page(&desk.get("/meja?lang=en").await);
    assert_good_page(&html, "en");
    assert!(html.contains("<h1>Service desk</h1>"), "{html}");
    let first = desk
        .post_multipart("/meja?lang=en", desk_form(&html, &[]))
        .await;
    let second = desk
        .post_multipart("/meja?lang=en", desk_form(&html, &[]))
        .await;
    // The first answers with the receipt and its code; the second files nothing and
    // issues no new code (the one handed over stays good): the receipt without it.
    let receipt = page(&first);
    assert_good_page(&receipt, "en");
    assert!(
        receipt.contains("Hand this ticket number to the citizen."),
        "{receipt}"
    );
    assert!(receipt.contains("id=\"tracking-code\""), "{receipt}");
    let ticket = between(&receipt, "<p class=\"ticket-big\">", "</p>");
    let reprint = format!("/meja/tanda-terima/{ticket}?lang=en");
    assert_eq!(location(&second), reprint);
    assert_eq!(all_reports(&app).await, 1);
    let again = page(&desk.follow(&second).await);
    assert!(!again.contains("id=\"tracking-code\""), "{again}");
    assert!(again.contains("shown only once"), "{again}");

    // Another operator's receipt is not theirs to see.
    let (other, _) = sign_in(&app, Role::Operator, None).await;
    let resp = other.get(&reprint).await;
    assert_eq!(resp.status, 404, "{resp:?}");
}

#[tokio::test]
async fn the_operators_entries_are_listed_newest_first_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let (desk, username) = sign_in(&app, Role::Operator, None).await;
    let api = app.login_as(&username).await;
    let mut tickets = Vec::new();
    for _ in 0..21 {
        let mut body = common::report_body("jalan", "31.74.01");
        body["channel"] = json!("walikota");
        tickets.push(common::ticket_of(
            &api.submit_report(&body).await.expect(201),
        ));
    }
    // Someone else's entry is not on this desk.
    let other = app.staff(Role::Operator, None).await;
    let theirs = common::ticket_of(&other.file("jalan", "31.74.01").await);

    let first = page(&desk.get("/meja").await);
    let listed = |html: &str| {
        tickets
            .iter()
            .filter(|t| html.contains(&format!("href=\"/laporan/{t}?lang=id\"")))
            .count()
    };
    assert_eq!(listed(&first), 20, "{first}");
    assert!(
        first.find(&tickets[20]) < first.find(&tickets[1]),
        "newest first"
    );
    assert!(!first.contains(&theirs), "{first}");
    let next = next_href(&first);
    assert!(next.starts_with("/meja?lang=id&cursor="), "{next}");
    let second = page(&desk.get(&next).await);
    assert_eq!(listed(&second), 1, "{second}");
    assert!(second.contains(&tickets[0]), "{second}");
    assert!(!second.contains("rel=\"next\""), "{second}");
}

/// The text between the first `start` and the next `end`.
#[track_caller]
fn between(html: &str, start: &str, end: &str) -> String {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"))
        + start.len();
    let to = html[from..].find(end).expect("the end") + from;
    html[from..to].to_owned()
}
