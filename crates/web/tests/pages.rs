//! The server-rendered pages: the public feed shows public reports only, masked.

mod common;

use serde_json::json;

use common::{TestApp, ticket_of};

fn html(resp: &common::Resp) -> String {
    assert_eq!(resp.status, 200, "{resp:?}");
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    resp.text()
}

#[tokio::test]
async fn the_public_feed_page_shows_public_reports_masked_and_never_private_ones() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let mut public = common::report_body("jalan", "31.74.01");
    public["description"] = json!("Lubang besar, hubungi 081234567890 atau siti@example.org");
    let public_ticket = ticket_of(&citizen.submit_report(&public).await.expect(201));
    citizen
        .act_ok(&public_ticket, json!({"action": "make_public"}))
        .await;
    let mut private = common::report_body("sampah", "31.74.01");
    private["description"] = json!("Sampah rahasia yang tidak boleh tampil di publik");
    let private_ticket = ticket_of(&citizen.submit_report(&private).await.expect(201));

    let page = html(&app.anonymous().get_url("/publik").await);
    assert!(page.contains(&public_ticket), "{page}");
    assert!(page.contains("Lubang besar"));
    assert!(!page.contains("081234567890") && !page.contains("siti@example.org"));
    assert!(page.contains("disamarkan"));
    assert!(!page.contains(&private_ticket) && !page.contains("Sampah rahasia"));
    assert!(page.contains("lang=\"id\"") && page.contains("Laporan publik"));
    // No page loads anything from another host.
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "{page}"
    );

    let english = html(&app.anonymous().get_url("/publik?lang=en").await);
    assert!(english.contains("Public reports") && english.contains("lang=\"en\""));

    let filtered = html(&app.anonymous().get_url("/publik?category=sampah").await);
    assert!(!filtered.contains(&public_ticket));
}

#[tokio::test]
async fn the_home_page_is_indonesian_first_with_english_available() {
    let app = TestApp::spawn().await;
    let id = html(&app.anonymous().get_url("/").await);
    assert!(id.contains("Laporkan masalah"), "{id}");
    let en = html(&app.anonymous().get_url("/?lang=en").await);
    assert!(en.contains("Report a problem"), "{en}");
}

/// Installable like an app: every page links the manifest, which names icons the site
/// serves at the sizes it says, and the policy lets the browser read it.
#[tokio::test]
async fn the_site_is_installable_with_a_manifest_and_its_icons() {
    let app = TestApp::spawn().await;
    let home = app.anonymous().get_url("/").await;
    let page = html(&home);
    assert!(
        page.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"),
        "{page}"
    );
    let policy = home.header("content-security-policy").unwrap_or_default();
    assert!(policy.contains("manifest-src 'self'"), "{policy}");

    let got = app.anonymous().get_url("/manifest.webmanifest").await;
    assert_eq!(got.status, 200);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/manifest+json")
    );
    let manifest: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(manifest["lang"], "id");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().unwrap();
    let mut sizes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let got = app.anonymous().get_url(src).await;
        assert_eq!(got.status, 200, "{src}");
        assert_eq!(got.header("content-type").as_deref(), icon["type"].as_str());
        if icon["type"] == "image/png" {
            let png = image::load_from_memory(&got.body).unwrap();
            assert_eq!(
                format!("{}x{}", png.width(), png.height()),
                icon["sizes"].as_str().unwrap(),
                "{src}"
            );
            sizes.push(png.width());
        }
    }
    assert!(sizes.contains(&192) && sizes.contains(&512), "{sizes:?}");
    assert_eq!(
        app.anonymous().get_url("/aset/ikon/1024.png").await.status,
        404
    );
}

#[tokio::test]
async fn a_bad_filter_on_the_page_is_a_clear_error_not_a_crash() {
    let app = TestApp::spawn().await;
    let resp = app
        .anonymous()
        .get_url("/publik?category=NOT%20A%20CODE")
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(resp.text().contains("category"));
}
