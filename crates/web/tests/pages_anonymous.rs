//! Filing without an account on the web (`/lapor/tanpa-akun`): with a mobile number or an
//! e-mail address (at least one), the receipt shows the ticket and the tracking code once,
//! `/lacak` opens the private report with them; a forged POST, a form without a contact,
//! a flood from one address and a flood naming one contact file nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use std::num::NonZeroU32;

use reqwest::multipart::Form;

use aduan_web::WebConfig;
use aduan_web::limits::LimitsConfig;
use citizen_browser::{Browser, assert_good_page, hidden, location, page};
use common::{Resp, TestApp, test_limits};

const PATH: &str = "/lapor/tanpa-akun";
const REPORTS: &str = "SELECT count(*) FROM reports";

/// The form as a browser sends it, with the contact given.
fn form(form_page: &str, phone: &str, email: &str, description: &str) -> Form {
    Form::new()
        .text("csrf", hidden(form_page, "csrf"))
        .text("submission", hidden(form_page, "submission"))
        .text("category", "jalan")
        .text("description", description.to_owned())
        .text("region", "31.74.01")
        .text("lat", "")
        .text("lon", "")
        .text("address", "")
        .text("phone", phone.to_owned())
        .text("email", email.to_owned())
}

#[track_caller]
fn between(html: &str, start: &str, end: &str) -> String {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"))
        + start.len();
    let to = html[from..].find(end).expect("the end") + from;
    html[from..to].to_owned()
}

/// The ticket and the tracking code on a receipt.
fn receipt(html: &str) -> (String, String) {
    (
        between(html, "id=\"ticket\">", "</p>"),
        between(html, "id=\"tracking-code\">", "</p>"),
    )
}

/// An app with the tests' limits, changed by `change`.
async fn app_with_limits(change: impl FnOnce(&mut LimitsConfig)) -> TestApp {
    let mut limits = test_limits();
    change(&mut limits);
    TestApp::spawn_with_limits(WebConfig {
        secure_cookies: false,
        limits,
        ..WebConfig::default()
    })
    .await
}

fn track(ticket: &str, code: &str) -> String {
    format!("/lacak?ticket={ticket}&code={code}")
}

#[tokio::test]
async fn a_phone_number_is_enough_and_the_receipt_shows_the_code_once() {
    let app = TestApp::spawn().await;
    let visitor = Browser::new(&app);
    // Offered where someone without an account looks: the home page and /lapor's sign-in.
    let home = page(&visitor.get("/").await);
    assert!(
        home.contains("href=\"/lapor/tanpa-akun?lang=id\""),
        "{home}"
    );
    let to_sign_in = visitor.get("/lapor").await;
    assert_eq!(location(&to_sign_in), "/masuk?next=/lapor&lang=id");
    let sign_in = page(&visitor.follow(&to_sign_in).await);
    assert!(sign_in.contains(">Lapor tanpa akun</a>"), "{sign_in}");

    let html = page(&visitor.get(PATH).await);
    assert_good_page(&html, "id");
    assert!(html.contains("<h1>Lapor tanpa akun</h1>"), "{html}");
    assert!(html.contains("id=\"description-warning\""), "{html}");
    assert!(html.contains("name=\"phone\""), "{html}");
    // The receipt must be seen: the offline outbox never takes this form.
    let form_tag = between(&html, "<form class=\"stack\" method=\"post\"", ">");
    assert!(
        form_tag.contains("action=\"/lapor/tanpa-akun?lang=id\""),
        "{form_tag}"
    );
    assert!(!form_tag.contains("data-outbox"), "{form_tag}");

    let description = "Jalan berlubang di depan sekolah, hubungi saya di 0813-7777-4321.";
    let sent = form(&html, "0813-7777-4321", "", description);
    let answer = page(&visitor.post_multipart(PATH, sent).await);
    assert_good_page(&answer, "id");
    assert!(answer.contains("Simpan kode ini"), "{answer}");
    let (ticket, code) = receipt(&answer);
    assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "{code}");

    let report = app.stored(&ticket).await;
    assert_eq!(report.channel.code(), "web");
    assert_eq!(report.visibility.code(), "private");
    assert_eq!((report.reporter, report.entered_by), (None, None));
    // The number is masked in the text others read, as on /lapor.
    assert!(
        !report.description_for_others().contains("7777-4321"),
        "{report:?}"
    );

    // The same form again (a double tap, a reload) files nothing and shows no code.
    let again = visitor
        .post_multipart(PATH, form(&html, "0813-7777-4321", "", description))
        .await;
    assert_eq!(
        location(&again),
        format!("/lapor/tanpa-akun/tanda-terima/{ticket}?lang=id")
    );
    let reloaded = page(&visitor.follow(&again).await);
    assert!(reloaded.contains(&ticket), "{reloaded}");
    assert!(!reloaded.contains("id=\"tracking-code\""), "{reloaded}");
    assert!(!reloaded.contains(&code), "{reloaded}");
    assert!(reloaded.contains("hanya ditampilkan sekali"), "{reloaded}");
    assert_eq!(app.count(REPORTS).await, 1);

    // With the ticket and the code, /lacak shows the private report, masked.
    let tracked = page(&Browser::new(&app).get(&track(&ticket, &code)).await);
    assert!(tracked.contains("id=\"dilacak\""), "{tracked}");
    // The reporter's own number, masked as their identity.
    assert!(
        tracked.contains("[identitas pelapor disamarkan]"),
        "{tracked}"
    );
    assert!(!tracked.contains("7777-4321"), "{tracked}");
}

#[tokio::test]
async fn an_email_address_is_enough_too_and_the_form_reads_in_english() {
    let app = TestApp::spawn().await;
    let visitor = Browser::new(&app);
    let english = page(&visitor.get(&format!("{PATH}?lang=en")).await);
    assert_good_page(&english, "en");
    assert!(
        english.contains("<h1>Report without an account</h1>"),
        "{english}"
    );
    let sent = form(
        &english,
        "",
        "warga.tanpa.akun@example.id",
        "Lampu jalan mati di seluruh gang sejak minggu lalu.",
    );
    let resp = visitor
        .post_multipart(&format!("{PATH}?lang=en"), sent)
        .await;
    let answer = page(&resp);
    assert_good_page(&answer, "en");
    assert!(answer.contains("Keep this code"), "{answer}");
    let (ticket, code) = receipt(&answer);
    let tracked = page(&visitor.get(&track(&ticket, &code)).await);
    assert!(tracked.contains("id=\"dilacak\""), "{tracked}");
}

#[tokio::test]
async fn without_a_contact_or_with_a_wrong_one_nothing_is_filed_and_the_fields_stay() {
    let app = TestApp::spawn().await;
    let visitor = Browser::new(&app);
    let html = page(&visitor.get(PATH).await);
    let description = "Trotoar rusak parah di depan pasar, pejalan kaki turun ke jalan.";
    let neither = visitor
        .post_multipart(PATH, form(&html, "", "", description))
        .await;
    assert_eq!(neither.status, 422, "{neither:?}");
    let shown = neither.text();
    assert!(
        shown.contains("Isi nomor ponsel atau alamat e-mail"),
        "{shown}"
    );
    assert!(shown.contains(description), "{shown}");
    assert!(shown.contains("value=\"31.74.01\" selected"), "{shown}");

    let wrong = visitor
        .post_multipart(PATH, form(&html, "12345", "bukan-email", description))
        .await;
    assert_eq!(wrong.status, 422, "{wrong:?}");
    let shown = wrong.text();
    assert!(shown.contains("Nomor ponsel tidak dikenali"), "{shown}");
    assert!(shown.contains("value=\"12345\""), "{shown}");
    assert_eq!(app.count(REPORTS).await, 0);
}

/// A POST as another site's page would make it: the browser says where it comes from.
async fn forged(browser: &Browser, app: &TestApp, form: Form) -> Resp {
    let req = browser
        .http
        .post(app.url(PATH))
        .header("origin", "https://penipu.example")
        .header("sec-fetch-site", "cross-site")
        .multipart(form);
    Resp::read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_post_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let visitor = Browser::new(&app);
    let html = page(&visitor.get(PATH).await);
    let sent = form(
        &html,
        "0813-7777-4321",
        "",
        "Pohon tumbang menutup jalan di depan kantor kelurahan.",
    );
    let resp = forged(&visitor, &app, sent).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert_eq!(app.count(REPORTS).await, 0);
}

#[tokio::test]
async fn a_flood_from_one_address_is_refused_with_429_and_files_nothing() {
    let app = app_with_limits(|limits| limits.submissions_per_address = NonZeroU32::new(2)).await;
    let visitor = Browser::new(&app);
    for n in 0..2 {
        let html = page(&visitor.get(PATH).await);
        let text = format!("Sampah menumpuk di pinggir kali nomor {n}, sudah tiga hari.");
        let sent = form(&html, "0813-7777-4321", "", &text);
        page(&visitor.post_multipart(PATH, sent).await);
    }
    let html = page(&visitor.get(PATH).await);
    let text = "Sampah menumpuk lagi di pinggir kali, sudah seminggu.";
    let refused = visitor
        .post_multipart(PATH, form(&html, "0813-7777-4321", "", text))
        .await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    let shown = refused.text();
    assert!(shown.contains(text), "{shown}");
    assert_eq!(app.count(REPORTS).await, 2);
}

#[tokio::test]
async fn a_flood_naming_one_contact_is_refused_however_it_is_written() {
    let app = app_with_limits(|limits| limits.submissions_per_contact = NonZeroU32::new(2)).await;
    let visitor = Browser::new(&app);
    // The same number written two ways is one contact.
    for (n, phone) in ["0813-7777-4321", "+62 813 7777 4321"]
        .into_iter()
        .enumerate()
    {
        let html = page(&visitor.get(PATH).await);
        let text = format!("Lampu jalan mati di gang nomor {n}, gelap sekali malam hari.");
        page(
            &visitor
                .post_multipart(PATH, form(&html, phone, "", &text))
                .await,
        );
    }
    let html = page(&visitor.get(PATH).await);
    let text = "Lampu jalan mati lagi di gang sebelah, gelap sekali.";
    let refused = visitor
        .post_multipart(PATH, form(&html, "62813.7777.4321", "", text))
        .await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    let shown = refused.text();
    assert!(
        shown.contains("Sudah banyak laporan yang dikirim dengan nomor ponsel"),
        "{shown}"
    );
    assert!(shown.contains(text), "the description is kept: {shown}");
    assert_eq!(app.count(REPORTS).await, 2);
    // Another contact from the same address still files: the count is the contact's.
    let html = page(&visitor.get(PATH).await);
    let other = visitor
        .post_multipart(PATH, form(&html, "", "warga.lain@contoh.id", text))
        .await;
    assert_eq!(other.status, 200, "{other:?}");
    assert_eq!(app.count(REPORTS).await, 3);
}
