//! "Saya juga mengalami ini" on a phone: one citizen's report is near the pin another
//! places on `/lapor`; the list of similar reports loads as the category and the pin are
//! set, without the private report's text; the second citizen supports it instead of filing
//! it again, finds it in "Laporan yang saya dukung", and sees its new state once an officer
//! has moved it on.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use aduan_domain::Role;

use crate::common::{PASSWORD, ticket_of};
use crate::harness::{Browser, run_with_boundaries};

const SCRIPT_WAIT: Duration = Duration::from_secs(15);

/// Wait (polling the page, no sleep) for an element matching `xpath`.
async fn wait_for(b: &Browser, xpath: &str) {
    b.client()
        .wait()
        .at_most(SCRIPT_WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("nothing matches {xpath} within {SCRIPT_WAIT:?}: {e}"));
}

const SECRET: &str = "Lubang dalam di depan rumah Pak Joko, RAHASIA-TETANGGA";

#[tokio::test]
async fn a_citizen_supports_a_similar_report_near_the_pin_instead_of_filing_it_again() {
    run_with_boundaries("dukung", |b| async move {
        // Siti's private report in Tebet, filed through the app with its point.
        let siti = b.app.register_citizen("siti").await;
        let body = json!({
            "category": "jalan",
            "description": SECRET,
            "location": {"lat": -6.2297, "lon": 106.8532},
        });
        let ticket = ticket_of(&siti.submit_report(&body).await.expect(201));

        // Budi signs in and starts a report of his own, a few dozen metres away.
        let budi = b.app.unique("budi");
        b.app.create_account(&budi, Role::Citizen, None, None).await;
        b.goto("/masuk?next=/lapor").await;
        b.fill("Nama pengguna", &budi).await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        assert!(
            b.location().await.starts_with("/lapor"),
            "{}",
            b.location().await
        );
        b.pick_category("Jalan").await;
        b.click("#coords > summary").await;
        b.fill("Lintang (latitude)", "-6.22940").await;
        b.fill("Bujur (longitude)", "106.85330").await;

        // The similar report appears in the form, without its text or ticket.
        wait_for(
            &b,
            "//div[@id='serupa-daftar']//button[normalize-space(.)='Saya juga mengalami ini']",
        )
        .await;
        let list = b.text("#serupa-daftar").await;
        assert!(list.contains("Jalan"), "{list}");
        assert!(list.contains("Menunggu"), "{list}");
        assert!(list.contains("kurang dari 250 m"), "{list}");
        assert!(
            !list.contains("RAHASIA") && !list.contains(&ticket),
            "{list}"
        );
        let html = b
            .js("return document.documentElement.outerHTML;", vec![])
            .await;
        let html = html.as_str().unwrap_or_default();
        assert!(!html.contains("RAHASIA") && !html.contains(&ticket));
        b.check_page().await;
        b.scroll_to("#serupa").await;
        b.screenshot("1-laporan-serupa").await;

        // "Saya juga mengalami ini": supported, not filed again.
        b.press("Saya juga mengalami ini").await;
        assert!(
            b.location()
                .await
                .starts_with("/laporan-saya?dukungan=tercatat"),
            "{}",
            b.location().await
        );
        let notice = b.text("p.notice").await;
        assert!(notice.starts_with("Dukungan Anda tercatat"), "{notice}");
        let supported = b.text("#didukung-bagian").await;
        assert!(
            supported.contains("Laporan yang saya dukung"),
            "{supported}"
        );
        assert!(supported.contains("Menunggu"), "{supported}");
        assert!(
            supported.contains("1 warga juga mengalami ini"),
            "{supported}"
        );
        assert!(!supported.contains(&ticket), "{supported}");
        assert_eq!(
            b.app.count("SELECT count(*) FROM reports").await,
            1,
            "nothing filed again"
        );
        b.check_page().await;
        b.screenshot("2-dukungan-tercatat").await;
        b.scroll_to("#didukung-bagian").await;
        b.screenshot("3-laporan-yang-saya-dukung").await;

        // An officer takes it up: Budi sees its new state.
        b.app.take_up(&ticket).await;
        b.goto("/laporan-saya").await;
        let supported = b.text("#didukung-bagian").await;
        assert!(supported.contains("Proses"), "{supported}");
        assert!(
            supported.contains("Ada perkembangan sejak Anda mendukung"),
            "{supported}"
        );
        b.check_page().await;
        b.scroll_to("#didukung-bagian").await;
        b.screenshot("4-perkembangan").await;
    })
    .await;
}
