//! The coordinators' triage on the pages: an SMS arrives without a category or place, waits
//! in the "Triase" view with what triage suggested, and the coordinator confirms or corrects
//! it from the report page; the report moves to the office of the place chosen. The
//! sender's number never shows.

mod citizen_browser;
mod common;

use aduan_domain::{ReportState, Role};
use aduan_store::{ReportQuery, ReportScope};
use citizen_browser::{assert_good_page, assert_labelled, hidden, location, page, staff_browser};
use common::TestApp;
use common::receiver::{self, send_sms};

const SENDER: &str = "+6281234568123";
const ROAD: &str = "Jalan berlubang besar di Kecamatan Tebet, bahaya untuk motor";

#[tokio::test]
async fn a_coordinator_confirms_a_triaged_message_from_the_report_page() {
    let app = TestApp::spawn_with(receiver::web_config(receiver::channels(
        "http://127.0.0.1:9",
    )))
    .await;
    send_sms(&app, "SM-page-triage-1", SENDER, ROAD).await;
    let all = app
        .store
        .list_reports(ReportQuery::new(ReportScope::All, 10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let [report] = all.reports.as_slice() else {
        panic!("one report: {all:?}");
    };
    let ticket = report.ticket.to_string();

    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let queue = page(&coordinator.get("/petugas?view=triase").await);
    assert_good_page(&queue, "id");
    assert!(
        queue.contains(&format!("/laporan/{ticket}?lang=id")),
        "{queue}"
    );
    assert!(
        queue.contains("aria-current=\"page\">Triase</a>"),
        "{queue}"
    );

    let html = page(&coordinator.get(&format!("/laporan/{ticket}")).await);
    assert_labelled(&html);
    assert!(
        html.contains("Triase: pastikan kategori dan wilayah"),
        "{html}"
    );
    assert!(
        html.contains("Saran sistem: <strong>Jalan</strong>"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"31.74.01\" selected>"),
        "{html}"
    );
    for page in [&queue, &html] {
        assert!(!page.contains("81234568123"), "the sender leaked: {page}");
    }

    // Refused without a category; corrected to the next kecamatan, it moves to that office.
    let csrf = hidden(&html, "csrf");
    let path = format!("/laporan/{ticket}/triase");
    let resp = coordinator
        .post(
            &path,
            &[("csrf", &csrf), ("category", ""), ("region", "31.74.02")],
        )
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(resp.text().contains("Pilih kategori."), "{}", resp.text());
    let resp = coordinator
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("category", "jalan"),
                ("region", "31.74.02"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert!(location(&resp).contains("done=triage"), "{resp:?}");
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.category.as_str(), "jalan");
    assert_eq!(stored.region.as_str(), "31.74.02");
    assert_eq!(stored.state, ReportState::Waiting);
    let queue = page(&coordinator.get("/petugas?view=triase").await);
    assert!(!queue.contains(&ticket), "{queue}");
}
