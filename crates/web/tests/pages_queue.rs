//! The officers' queue `/petugas` over HTTP, as a browser without JavaScript uses it.

mod citizen_browser;
mod common;

use serde_json::json;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, location, page, staff_browser};
use common::{SUDIN, TestApp};

#[tokio::test]
async fn an_officer_sees_the_units_queue_with_sla_and_overdue_flags() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    let reporter = citizen.register(&app, "warga").await;
    let taken = citizen
        .file("Jalan berlubang besar di depan sekolah.")
        .await;
    let late = citizen.file("Aspal amblas di tikungan dekat pasar.").await;
    let elsewhere = citizen.file("Trotoar rusak di dekat halte bus.").await;

    app.take_up(&taken).await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    coordinator
        .act_ok(&late, json!({"action": "forward", "unit": SUDIN}))
        .await;
    app.backdate(&late, 10).await;

    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let html = page(&officer.get("/petugas").await);
    assert_good_page(&html, "id");
    assert!(
        html.contains(&format!("href=\"/laporan/{taken}?lang=id\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/laporan/{late}?lang=id\"")),
        "{html}"
    );
    assert!(!html.contains(&elsewhere), "{html}");
    assert!(
        !html.contains(&reporter),
        "the reporter's identity leaked: {html}"
    );
    // Newest first.
    let (at_taken, at_late) = (html.find(&taken), html.find(&late));
    assert!(at_late < at_taken, "{html}");

    let late_card = card(&html, &late);
    assert!(late_card.contains("TERLAMBAT"), "{late_card}");
    assert!(late_card.contains("lewat 4 jam"), "{late_card}");
    assert!(late_card.contains("Batas koordinasi"), "{late_card}");
    assert!(late_card.contains("state-yellow"), "{late_card}");
    let taken_card = card(&html, &taken);
    assert!(!taken_card.contains("TERLAMBAT"), "{taken_card}");
    assert!(taken_card.contains("sisa "), "{taken_card}");
    assert!(taken_card.contains("Batas penyelesaian"), "{taken_card}");
    assert!(taken_card.contains(">Proses<"), "{taken_card}");

    let en = page(&officer.get("/petugas?lang=en").await);
    assert_good_page(&en, "en");
    assert!(card(&en, &late).contains("OVERDUE"), "{en}");
    assert!(card(&en, &late).contains("4 h overdue"), "{en}");
    assert!(card(&en, &taken).contains(" left"), "{en}");

    // The state filter narrows.
    let filtered = page(&officer.get("/petugas?state=in_progress").await);
    assert!(
        filtered.contains(&taken) && !filtered.contains(&late),
        "{filtered}"
    );
    assert!(
        filtered.contains("value=\"in_progress\" selected"),
        "{filtered}"
    );

    // A ticket search jumps to a report the officer may read, and says so when it cannot.
    let jump = officer.get(&format!("/petugas?ticket={late}")).await;
    assert_eq!(jump.status, 303, "{jump:?}");
    assert_eq!(location(&jump), format!("/laporan/{late}?lang=id"));
    let miss = page(&officer.get(&format!("/petugas?ticket={elsewhere}")).await);
    assert!(miss.contains("tidak ditemukan"), "{miss}");
    assert!(!miss.contains(&format!("/laporan/{elsewhere}")), "{miss}");
}

/// The article of one ticket in the queue page.
// A helper fails its test by panicking, as assertions do.
#[allow(clippy::expect_used)]
fn card<'a>(html: &'a str, ticket: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"r-{ticket}\""))
        .expect("the ticket's card");
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn citizens_are_refused_and_anonymous_visitors_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let resp = anonymous.get("/petugas").await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert!(
        location(&resp).starts_with("/masuk?next=/petugas"),
        "{resp:?}"
    );

    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let resp = citizen.get("/petugas").await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert!(resp.text().contains("hanya untuk petugas"), "{resp:?}");

    // Validators work the validation queue.
    let validator = staff_browser(&app, Role::Validator, Some("biro-pemerintahan")).await;
    let html = page(&validator.get("/petugas").await);
    assert!(html.contains(">Menunggu validasi</a>"), "{html}");
    // Desk operators have their own page, not the queue; "my reports" are citizens' own.
    let operator = staff_browser(&app, Role::Operator, None).await;
    assert_eq!(operator.get("/petugas").await.status, 403);
    assert_eq!(operator.get("/laporan-saya").await.status, 403);
    assert_eq!(validator.get("/laporan-saya").await.status, 403);

    let coordinator = staff_browser(&app, Role::Coordinator, Some(SUDIN)).await;
    let html = page(&coordinator.get("/petugas").await);
    assert_good_page(&html, "id");
}
