//! The reporter reviews completed work on the report page: "not satisfied" needs a reason
//! and reopens the report for validation; the form is offered only when it applies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::json;

use aduan_domain::{ReportState, Role};
use citizen_browser::{Browser, assert_good_page, hidden, page};
use common::TestApp;

#[tokio::test]
async fn a_reporter_not_satisfied_with_completed_work_reopens_it_from_the_page() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let ticket = browser
        .file("Jalan berlubang besar di depan sekolah, berbahaya.")
        .await;
    let path = format!("/laporan/{ticket}");
    let review = format!("{path}/ulasan");
    assert!(
        !page(&browser.get(&path).await).contains("Bagaimana hasilnya?"),
        "no review before completion"
    );

    app.document(&ticket).await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    let report = page(&browser.get(&path).await);
    assert_good_page(&report, "id");
    assert!(report.contains("Bagaimana hasilnya?"), "{report}");
    let csrf = hidden(&report, "csrf");

    // Without a reason, or without the token: refused, still completed.
    let no_reason = browser
        .post(
            &review,
            &[
                ("csrf", &csrf),
                ("verdict", "unsatisfied"),
                ("comment", " "),
            ],
        )
        .await;
    assert_eq!(no_reason.status, 422, "{no_reason:?}");
    let forged = browser
        .post(
            &review,
            &[("verdict", "unsatisfied"), ("comment", "Masih rusak")],
        )
        .await;
    assert_eq!(forged.status, 403, "{forged:?}");
    assert_eq!(app.stored(&ticket).await.state, ReportState::Completed);

    let reopened = browser
        .post(
            &review,
            &[
                ("csrf", &csrf),
                ("verdict", "unsatisfied"),
                ("comment", "Lubangnya masih ada di sisi kiri"),
            ],
        )
        .await;
    let after = page(&browser.follow(&reopened).await);
    assert!(after.contains("dibuka kembali"), "{after}");
    assert!(
        after.contains("Lubangnya masih ada di sisi kiri"),
        "{after}"
    );
    assert!(
        !after.contains("Bagaimana hasilnya?"),
        "no second review while reopened"
    );
    assert_eq!(
        app.stored(&ticket).await.state,
        ReportState::AwaitingValidation
    );
}

#[tokio::test]
async fn once_reviewed_the_page_shows_the_review_given_instead_of_the_question() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let ticket = browser
        .file("Lampu jalan mati di depan masjid sejak seminggu.")
        .await;
    let path = format!("/laporan/{ticket}");
    app.document(&ticket).await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;

    // Asked: "Puas" the primary choice, "Tidak puas" the secondary one, side by side.
    let asked = page(&browser.get(&path).await);
    assert!(asked.contains("Bagaimana hasilnya?"), "{asked}");
    assert!(
        asked.contains(r#"<button class="primary" type="submit" name="verdict" value="satisfied">Puas</button>"#),
        "{asked}"
    );
    assert!(
        asked.contains(r#"<button class="secondary" type="submit" name="verdict" value="unsatisfied">Tidak puas</button>"#),
        "{asked}"
    );
    let csrf = hidden(&asked, "csrf");
    let sent = browser
        .post(
            &format!("{path}/ulasan"),
            &[
                ("csrf", &csrf),
                ("verdict", "satisfied"),
                ("comment", "Sudah terang lagi, terima kasih"),
            ],
        )
        .await;
    let after = page(&browser.follow(&sent).await);
    assert_good_page(&after, "id");
    assert!(
        after.contains("Terima kasih atas penilaian Anda."),
        "{after}"
    );
    assert!(!after.contains("Bagaimana hasilnya?"), "{after}");
    assert!(after.contains("Anda menilai: Puas"), "{after}");
    assert!(after.contains("Sudah terang lagi, terima kasih"), "{after}");
    // The workflow lets a satisfied reporter still say the problem is back (it stays
    // completed until then): only that choice is offered, behind its own heading.
    assert!(after.contains("Ternyata belum beres?"), "{after}");
    assert!(after.contains(r#"value="unsatisfied""#), "{after}");
    assert!(!after.contains(r#"value="satisfied""#), "{after}");
    assert_eq!(app.stored(&ticket).await.state, ReportState::Completed);

    let english = page(&browser.get(&format!("{path}?lang=en")).await);
    assert!(english.contains("You rated: Satisfied"), "{english}");
    assert!(!english.contains("How did it go?"), "{english}");

    // Someone else reading the (private) report sees no review: they cannot read it at all;
    // staff handling it see the history, not the reporter's review box.
    let staff =
        citizen_browser::staff_browser(&app, Role::Validator, Some("biro-pemerintahan")).await;
    let as_staff = page(&staff.get(&path).await);
    assert!(!as_staff.contains("Anda menilai"), "{as_staff}");
}
