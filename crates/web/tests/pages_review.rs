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
