//! Overload sheds, it does not queue (`aduan_web::shed`): with every place for new reports
//! taken, the next report is answered 503 with `Retry-After` at once, while `/healthz`, the
//! public pages and a staff page still answer; once a place frees, reports are taken again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use aduan_domain::Role;
use aduan_web::WebConfig;
use common::{TestApp, test_limits};

#[tokio::test]
async fn with_intake_full_a_report_is_shed_at_once_and_staff_pages_still_answer() {
    let mut limits = test_limits();
    limits.in_flight_intake = 1;
    let app = TestApp::spawn_with_limits(WebConfig {
        secure_cookies: false,
        limits,
        ..WebConfig::default()
    })
    .await;
    let citizen = app.register_citizen("warga").await;
    let token = citizen.token.clone().unwrap();

    // A report whose body is still on its way: it holds the one place while its handler
    // waits for the rest.
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/reports HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"category\":"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    // Until the server has taken it in (a condition, polled, not a pause).
    let mut polls = 0;
    while app.state.in_flight.now().0 < 1 {
        polls += 1;
        assert!(polls < 1_000_000, "the slow report never arrived");
        tokio::task::yield_now().await;
    }

    // The next report: 503 at once, nothing filed.
    let body = common::report_body("jalan", "31.74.01");
    let shed = citizen.submit_report(&body).await;
    assert_eq!(shed.status, 503, "{shed:?}");
    assert_eq!(shed.header("retry-after").as_deref(), Some("1"));
    assert!(shed.text().contains("\"unavailable\""), "{shed:?}");
    assert_eq!(app.count("SELECT count(*) FROM reports").await, 0);

    // Health, the public pages and a staff page still answer.
    assert_eq!(app.get_raw("/healthz").await.status, 200);
    let public = app.http.get(app.url("/publik")).send().await.unwrap();
    assert_eq!(public.status(), 200);
    let officer = app.staff(Role::Officer, Some(common::SUDIN)).await;
    assert_eq!(officer.get("/reports").await.status, 200);

    // The slow report ends (its client went away): the place is free again.
    drop(slow);
    let mut polls = 0;
    while app.state.in_flight.now().0 > 0 {
        polls += 1;
        assert!(polls < 1_000_000, "the place was never freed");
        tokio::task::yield_now().await;
    }
    let filed = citizen.submit_report(&body).await;
    assert_eq!(filed.status, 201, "{filed:?}");
}
