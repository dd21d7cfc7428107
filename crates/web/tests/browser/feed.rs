//! `/publik`: the public feed in a browser, a report its reporter opened beside one kept
//! private, and the filter form without JavaScript.

use serde_json::json;

use crate::common::{Client, jpeg, report_body, ticket_of};
use crate::harness::{Browser, Options, run, run_with};

/// File a report in Kecamatan Tebet with `description` (and a photo when asked); returns
/// its ticket.
async fn file(citizen: &Client, category: &str, description: &str, photo: bool) -> String {
    let mut body = report_body(category, "31.74.01");
    body["description"] = json!(description);
    let resp = if photo {
        citizen.submit_with_photos(&body, vec![jpeg()]).await
    } else {
        citizen.submit_report(&body).await
    };
    ticket_of(&resp.expect(201))
}

async fn make_public(citizen: &Client, ticket: &str) {
    citizen
        .act_ok(ticket, json!({"action": "make_public"}))
        .await;
}

/// The tickets of the reports the page lists, in order (each card's first line of facts
/// is "ticket · region · time").
async fn listed(b: &Browser) -> Vec<String> {
    b.texts("article.report p.meta:first-of-type")
        .await
        .iter()
        .map(|facts| {
            facts
                .split('·')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_public_feed_shows_the_public_report_with_its_state_and_never_the_private_one() {
    run("publik", |b| async move {
        let citizen = b.app.register_citizen("warga").await;
        let public = file(&citizen, "jalan", "Lubang besar di Jalan Tebet Raya", true).await;
        make_public(&citizen, &public).await;
        let private = file(&citizen, "sampah", "Sampah rahasia di gang buntu", false).await;

        b.goto("/publik").await;
        assert_eq!(b.text("h1").await, "Laporan publik");
        assert_eq!(listed(&b).await, vec![public.clone()]);
        let report = b.text("article.report").await;
        assert!(
            report.contains("Lubang besar di Jalan Tebet Raya"),
            "{report}"
        );
        assert!(report.contains("Jalan"), "its category: {report}");
        let source = b.client().source().await.expect("the page source");
        assert!(!source.contains(&private) && !source.contains("rahasia"));

        // The state pill: "Menunggu" in Jakarta's waiting red.
        let pill = b.find("article.report .state").await;
        assert_eq!(pill.text().await.expect("the pill's text"), "Menunggu");
        let background = pill.css_value("background-color").await.expect("a color");
        assert_eq!(background, "rgba(255, 215, 213, 1)");

        // Its photo is shown (fetched from the app itself, and decoded).
        let width = b
            .client()
            .execute_async(
                r"const [done] = arguments;
                  const img = document.querySelector('article.report img');
                  if (!img) return done(-2);
                  img.loading = 'eager';
                  if (img.complete) return done(img.naturalWidth);
                  img.onload = () => done(img.naturalWidth);
                  img.onerror = () => done(-1);",
                vec![],
            )
            .await
            .expect("wait for the photo");
        assert_eq!(
            width,
            json!(crate::common::PICTURE_SIZE.0),
            "the photo loads"
        );
        b.check_page().await;
        b.screenshot("publik").await;
    })
    .await;
}

#[tokio::test]
async fn the_category_filter_works_without_javascript() {
    let options = Options {
        javascript: false,
        ..Options::default()
    };
    run_with("publik_filter", options, |b| async move {
        let citizen = b.app.register_citizen("warga").await;
        let road = file(&citizen, "jalan", "Lubang di jalan depan pasar", false).await;
        make_public(&citizen, &road).await;
        let rubbish = file(&citizen, "sampah", "Sampah menumpuk tiga hari", false).await;
        make_public(&citizen, &rubbish).await;

        b.goto("/publik").await;
        let mut all = listed(&b).await;
        all.sort();
        let mut both = vec![road.clone(), rubbish.clone()];
        both.sort();
        assert_eq!(all, both);

        b.choose("Kategori", "Sampah").await;
        b.press("Tampilkan").await;
        let location = b.location().await;
        assert!(
            location.starts_with("/publik?") && location.contains("category=sampah"),
            "the form is a GET to /publik: {location}"
        );
        assert_eq!(listed(&b).await, vec![rubbish.clone()]);
        let chosen = b
            .field("Kategori")
            .await
            .prop("value")
            .await
            .expect("value");
        assert_eq!(chosen.as_deref(), Some("sampah"), "the choice is kept");
        b.screenshot("publik-sampah").await;

        b.choose("Kategori", "Jalan").await;
        b.press("Tampilkan").await;
        assert_eq!(listed(&b).await, vec![road]);

        b.choose("Kategori", "Pohon").await;
        b.press("Tampilkan").await;
        assert!(listed(&b).await.is_empty());
        assert!(b.text("main").await.contains("Belum ada laporan publik."));
        b.assert_no_horizontal_overflow().await;
    })
    .await;
}
