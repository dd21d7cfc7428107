//! The staff's steps on the report page, as a browser without JavaScript takes them: a
//! coordinator forwards, an officer accepts, sets an EWS and documents the follow-up with
//! photos before and after, the validator sees the evidence beside the report and sends it
//! back with a reason the officer then reads, the officer redoes it, the validator validates.
//! Refusals change nothing; no staff page names the reporter.

mod citizen_browser;
mod common;

use chrono::{Duration, FixedOffset, Utc};
use reqwest::multipart::{Form, Part};

use aduan_domain::{ReportState, Role};
use citizen_browser::{
    Browser, assert_good_page, assert_labelled, hidden, location, page, photo_part, report_form_at,
    staff_browser, ticket_in,
};
use common::{Resp, SUDIN, TestApp, camera_photo};

/// Where the reporter stood (Jakarta Selatan), and a few metres from there.
const AT: (&str, &str) = ("-6.261500", "106.810600");
const NEAR: (f64, f64) = (-6.26160, 106.81070);
/// Some seven kilometres north.
const FAR: (f64, f64) = (-6.20000, 106.80000);

/// File a report with a photo at `AT` through `/lapor`; returns its ticket.
async fn file_at(citizen: &Browser, description: &str) -> String {
    let form_page = page(&citizen.get("/lapor").await);
    let form = report_form_at(&form_page, description, "31.74.01", AT.0, AT.1)
        .part("photo", photo_part(common::png()));
    let resp = citizen.post_multipart("/lapor", form).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    ticket_in(&location(&resp))
}

/// Capture time an hour from now in Jakarta, as a camera writes it.
fn in_an_hour() -> String {
    let wib = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!());
    (Utc::now() + Duration::hours(1))
        .with_timezone(&wib)
        .format("%Y:%m:%d %H:%M:%S")
        .to_string()
}

fn jpeg_part(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name("kamera.jpg")
        .mime_str("image/jpeg")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Post one step from the report page's forms, with its CSRF value and version.
async fn step(
    browser: &Browser,
    ticket: &str,
    fields: &[(&str, &str)],
    parts: Vec<(&str, Part)>,
) -> Resp {
    let html = page(&browser.get(&format!("/laporan/{ticket}")).await);
    let mut form = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("version", hidden(&html, "version"));
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (name, part) in parts {
        form = form.part(name.to_string(), part);
    }
    browser
        .post_multipart(&format!("/laporan/{ticket}/tindakan"), form)
        .await
}

/// A step that must succeed: 303 back to the report (or the queue), and the page after it.
async fn step_ok(
    browser: &Browser,
    ticket: &str,
    fields: &[(&str, &str)],
    parts: Vec<(&str, Part)>,
) -> String {
    let resp = step(browser, ticket, fields, parts).await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    page(&browser.follow(&resp).await)
}

#[tokio::test]
async fn a_report_goes_from_forward_to_validation_through_the_staff_forms() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    let reporter = citizen.register(&app, "warga").await;
    let ticket = file_at(&citizen, "Jalan berlubang dalam di depan sekolah dasar.").await;
    let mut staff_pages = Vec::new();

    // The coordinator forwards to the suggested Suku Dinas (preselected).
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let html = page(&coordinator.get(&format!("/laporan/{ticket}")).await);
    assert_good_page(&html, "id");
    assert_labelled(&html);
    // Named kota first, so a phone's narrow select never cuts off what tells the Suku Dinas
    // apart.
    assert!(
        html.contains(&format!(
            "<option value=\"{SUDIN}\" selected>Jakarta Selatan: Suku Dinas Bina Marga</option>"
        )),
        "{html}"
    );
    assert!(
        html.contains(">Jakarta Pusat: Suku Dinas Bina Marga</option>"),
        "{html}"
    );
    assert!(html.contains("href=\"geo:-6.261500,106.810600\""), "{html}");
    staff_pages.push(html);
    let after = step_ok(
        &coordinator,
        &ticket,
        &[("action", "forward"), ("unit", SUDIN)],
        vec![],
    )
    .await;
    assert!(after.contains("Tersimpan: Diteruskan"), "{after}");
    assert_eq!(app.stored(&ticket).await.holding_unit.as_str(), SUDIN);

    // The officer finds it among what needs a step, accepts it, sets an EWS.
    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let todo = page(&officer.get("/petugas?view=perlu").await);
    assert!(
        todo.contains(&format!("/laporan/{ticket}?lang=id")),
        "{todo}"
    );
    staff_pages.push(todo);
    let html = page(&officer.get(&format!("/laporan/{ticket}")).await);
    assert!(
        html.contains("<details class=\"act\" open>\n  <summary>Terima laporan</summary>"),
        "{html}"
    );
    step_ok(&officer, &ticket, &[("action", "accept")], vec![]).await;
    let ews = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    step_ok(
        &officer,
        &ticket,
        &[("action", "schedule"), ("estimated_completion", &ews)],
        vec![],
    )
    .await;
    assert_eq!(app.stored(&ticket).await.state, ReportState::Scheduled);

    // Documented with a photo before and one after (taken far away).
    let taken = in_an_hour();
    let html = step_ok(
        &officer,
        &ticket,
        &[
            ("action", "submit_followup"),
            ("note", "Lubang sudah ditambal aspal."),
        ],
        vec![
            (
                "photo_before",
                jpeg_part(camera_photo(&taken, NEAR.0, NEAR.1)),
            ),
            ("photo", jpeg_part(camera_photo(&taken, FAR.0, FAR.1))),
        ],
    )
    .await;
    staff_pages.push(html);
    assert_eq!(
        app.stored(&ticket).await.state,
        ReportState::AwaitingValidation
    );

    // The validator sees the evidence beside the report.
    let validator = staff_browser(&app, Role::Validator, None).await;
    let queue = page(&validator.get("/petugas?view=validasi").await);
    assert!(
        queue.contains(&format!("/laporan/{ticket}?lang=id")),
        "{queue}"
    );
    let html = page(&validator.get(&format!("/laporan/{ticket}")).await);
    assert_good_page(&html, "id");
    assert_labelled(&html);
    let evidence = section(&html, "id=\"evidence\"");
    assert!(
        evidence.contains("Laporan warga") && evidence.contains("Tindak lanjut terakhir"),
        "{evidence}"
    );
    assert!(evidence.contains("Foto pelapor terkunci"), "{evidence}");
    assert!(
        evidence.contains("Lubang sudah ditambal aspal."),
        "{evidence}"
    );
    let (before, after) = evidence
        .split_once("<h5>Sesudah</h5>")
        .unwrap_or_else(|| panic!("{evidence}"));
    assert!(
        before.contains("<h5>Sebelum</h5>") && before.contains("setelah laporan masuk"),
        "{before}"
    );
    assert!(
        before.contains(" m dari titik laporan") && !before.contains("Jauh dari lokasi"),
        "{before}"
    );
    assert!(after.contains("Jauh dari lokasi laporan"), "{after}");
    staff_pages.push(html);

    // Sent back without a reason: refused, nothing changes; with one, it goes back.
    let refused = step(
        &validator,
        &ticket,
        &[("action", "reject_followup")],
        vec![],
    )
    .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert!(
        refused.text().contains("Tuliskan alasannya."),
        "{}",
        refused.text()
    );
    assert_eq!(
        app.stored(&ticket).await.state,
        ReportState::AwaitingValidation
    );
    let reason = "Foto sesudah diambil di tempat lain, bukan di depan sekolah.";
    step_ok(
        &validator,
        &ticket,
        &[("action", "reject_followup"), ("reason", reason)],
        vec![],
    )
    .await;

    // The officer redoes it with the validator's reason in front of them.
    let html = page(&officer.get(&format!("/laporan/{ticket}")).await);
    let alert = section(&html, "class=\"alert sent-back\"");
    assert!(
        alert.contains("Tindak lanjut ditolak validator") && alert.contains(reason),
        "{alert}"
    );
    assert!(html.contains("name=\"photo_before\""), "{html}");
    staff_pages.push(html);
    step_ok(
        &officer,
        &ticket,
        &[
            ("action", "submit_followup"),
            ("note", "Difoto ulang di depan gerbang sekolah."),
        ],
        vec![("photo", jpeg_part(camera_photo(&taken, NEAR.0, NEAR.1)))],
    )
    .await;

    // Validated: the citizen sees Selesai and every step.
    let html = step_ok(&validator, &ticket, &[("action", "validate")], vec![]).await;
    staff_pages.push(html);
    assert_eq!(app.stored(&ticket).await.state, ReportState::Completed);
    let mine = page(&citizen.get(&format!("/laporan/{ticket}")).await);
    assert!(mine.contains("state-green\">Selesai</span>"), "{mine}");
    for line in [
        "Laporan dikirim",
        "Diteruskan",
        "Diterima untuk ditindaklanjuti",
        "Estimasi waktu selesai ditetapkan",
        "Tindak lanjut dilaporkan",
        "Tindak lanjut ditolak",
        "Tindak lanjut divalidasi",
    ] {
        assert!(mine.contains(line), "{line}: {mine}");
    }
    assert!(mine.contains(reason), "{mine}");

    for html in &staff_pages {
        assert!(
            !html.contains(&reporter),
            "the reporter's name leaked: {html}"
        );
    }
}

/// From the tag carrying `marker` to the end of its enclosing element (roughly: the next
/// `</section>` or `</div>\n`), for assertions on one part of a page.
fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn refused_steps_change_nothing_and_say_why() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let ticket = file_at(&citizen, "Aspal amblas di tikungan dekat pasar.").await;
    app.take_up(&ticket).await;
    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let before = app.stored(&ticket).await;

    // No CSRF value: 403 before anything is read.
    let form = Form::new()
        .text("action", "submit_followup")
        .text("note", "x");
    let resp = officer
        .post_multipart(&format!("/laporan/{ticket}/tindakan"), form)
        .await;
    assert_eq!(resp.status, 403, "{resp:?}");

    // A page opened before someone else's step: 409, reload.
    let html = page(&officer.get(&format!("/laporan/{ticket}")).await);
    let stale = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("version", (before.version - 1).to_string())
        .text("action", "submit_followup")
        .text("note", "Sudah ditambal.");
    let resp = officer
        .post_multipart(&format!("/laporan/{ticket}/tindakan"), stale)
        .await;
    assert_eq!(resp.status, 409, "{resp:?}");
    assert!(
        resp.text().contains("Muat ulang halaman"),
        "{}",
        resp.text()
    );

    // A follow-up without a note, a photo that is not one, an EWS in the past.
    let resp = step(&officer, &ticket, &[("action", "submit_followup")], vec![]).await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(resp.text().contains("Tuliskan apa yang sudah dikerjakan."));
    let gif = Part::bytes(common::gif()).file_name("a.gif");
    let resp = step(
        &officer,
        &ticket,
        &[("action", "submit_followup"), ("note", "Sudah.")],
        vec![("photo", gif)],
    )
    .await;
    // 415 as the API says it: not a picture type we take.
    assert_eq!(resp.status, 415, "{resp:?}");
    assert!(
        resp.text().contains("JPEG, PNG, atau WebP"),
        "{}",
        resp.text()
    );
    let resp = step(
        &officer,
        &ticket,
        &[
            ("action", "schedule"),
            ("estimated_completion", "2001-01-01"),
        ],
        vec![],
    )
    .await;
    assert_eq!(resp.status, 422, "{resp:?}");

    // A step the role may not take (validators validate).
    let resp = step(&officer, &ticket, &[("action", "validate")], vec![]).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert!(resp.text().contains("tidak boleh melakukan tindakan ini"));

    let after = app.stored(&ticket).await;
    assert_eq!((after.state, after.version), (before.state, before.version));
    assert!(app.store.photos(after.id).await.unwrap_or_default().len() == 1);

    // Another unit's officer cannot even see it.
    let stranger = staff_browser(&app, Role::Officer, Some("dinas-lingkungan-hidup")).await;
    assert_eq!(
        stranger.get(&format!("/laporan/{ticket}")).await.status,
        404
    );

    // The citizen has no staff forms, and a forged staff step is refused.
    let html = page(&citizen.get(&format!("/laporan/{ticket}")).await);
    assert!(!html.contains("/tindakan"), "{html}");
    let form = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("action", "accept");
    let resp = citizen
        .post_multipart(&format!("/laporan/{ticket}/tindakan"), form)
        .await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert_eq!(app.stored(&ticket).await.version, before.version);
}

#[tokio::test]
async fn a_coordinator_merges_a_report_into_a_nearby_open_one() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let first = file_at(&citizen, "Lubang besar di Jalan Fatmawati dekat halte.").await;
    let second = file_at(
        &citizen,
        "Ada lubang di jalan dekat halte Fatmawati, bahaya.",
    )
    .await;
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;

    let html = page(&coordinator.get(&format!("/laporan/{second}")).await);
    let offered = format!("id=\"dup-{first}\" name=\"of\" value=\"{first}\"");
    assert!(html.contains(&offered), "{html}");
    assert!(html.contains("0 m dari laporan ini"), "{html}");
    assert!(!html.contains(&format!("id=\"dup-{second}\"")), "{html}");

    step_ok(
        &coordinator,
        &second,
        &[("action", "mark_duplicate"), ("of", &first)],
        vec![],
    )
    .await;
    let merged = app.stored(&second).await;
    assert_eq!(merged.state, ReportState::Duplicate);
    assert_eq!(
        merged.duplicate_of.map(|t| t.to_string()),
        Some(first.clone())
    );

    // The ticket can be typed instead (here: one that does not exist).
    let third = file_at(&citizen, "Lubang lagi di Jalan Fatmawati arah selatan.").await;
    let resp = step(
        &coordinator,
        &third,
        &[("action", "mark_duplicate"), ("of_ticket", "JK0000000000")],
        vec![],
    )
    .await;
    assert_eq!(resp.status, 422, "{resp:?}");
}

#[tokio::test]
async fn staff_pages_read_in_english_too() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let ticket = file_at(&citizen, "Jalan berlubang dalam di depan sekolah dasar.").await;
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let html = page(&coordinator.get(&format!("/laporan/{ticket}?lang=en")).await);
    assert_good_page(&html, "en");
    assert!(
        html.contains("<summary>Forward to another unit</summary>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/laporan/{ticket}/tindakan?lang=en\"")),
        "{html}"
    );
    let queue = page(&coordinator.get("/petugas?lang=en&view=masuk").await);
    assert!(
        queue.contains("aria-current=\"page\">Incoming</a>"),
        "{queue}"
    );
    assert!(queue.contains(&ticket), "{queue}");
}
