//! The region map `/lapor/peta` and the HTML 404, over HTTP: the map links every kelurahan
//! by name and stays small; a link chooses that kelurahan on `/lapor`; without boundaries
//! there is no map; unknown paths get a page (outside the API) or JSON (inside it).

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod citizen_browser;
mod common;

use serde_json::Value;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, location, page};
use common::{KELURAHAN_GEOJSON, PASSWORD, TestApp};

/// The map page may weigh this much at most (77 KB uncompressed when written; a kota
/// alone 13-20 KB).
const BUDGET: usize = 120 * 1024;

/// Every kelurahan of the boundaries file: (code, name).
fn kelurahan() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(KELURAHAN_GEOJSON).expect("read the kelurahan");
    let data: Value = serde_json::from_str(&text).expect("GeoJSON");
    data["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let s = |k: &str| p[k].as_str().expect("a string").to_owned();
            (s("code"), s("name"))
        })
        .collect()
}

async fn citizen(app: &TestApp) -> Browser {
    let browser = Browser::new(app);
    browser.register(app, "warga").await;
    browser
}

fn map_link(code: &str, lang: &str) -> String {
    format!("<a href=\"/lapor?wilayah={code}&amp;lang={lang}\">")
}

#[tokio::test]
async fn the_map_links_every_kelurahan_by_name_and_stays_small() {
    let app = TestApp::spawn_with_boundaries().await;
    let browser = citizen(&app).await;
    let form = page(&browser.get("/lapor").await);
    assert!(
        form.contains("<a href=\"/lapor/peta?lang=id\" id=\"map-link\">Pilih di peta</a>"),
        "{form}"
    );

    let html = page(&browser.get("/lapor/peta").await);
    assert_good_page(&html, "id");
    let all = kelurahan();
    assert_eq!(all.len(), 267);
    for (code, name) in &all {
        let link = format!("{}<title>{name}</title><path ", map_link(code, "id"));
        assert!(html.contains(&link), "no link for {code} {name}");
    }
    assert_eq!(html.matches("<a href=\"/lapor?wilayah=").count(), all.len());
    eprintln!("the map page: {} bytes", html.len());
    assert!(html.len() < BUDGET, "the map page is {} bytes", html.len());
    assert!(!html.contains("<script"), "no script on the map");

    // Each kota larger, with its own kelurahan only, each page within the budget too.
    for (kota, name) in [
        ("31.71", "Kota Administrasi Jakarta Pusat"),
        ("31.01", "Kabupaten Administrasi Kepulauan Seribu"),
    ] {
        let zoomed = page(
            &browser
                .get(&format!("/lapor/peta?kota={kota}&lang=en"))
                .await,
        );
        assert_good_page(&zoomed, "en");
        let nav = zoomed
            .split("<ul class=\"zoom\">")
            .nth(1)
            .unwrap_or_default();
        let nav = nav.split("</ul>").next().unwrap_or_default();
        assert!(
            nav.contains(&format!("aria-current=\"page\">{name}</a>")),
            "{nav}"
        );
        let inside = all
            .iter()
            .filter(|(c, _)| c.starts_with(&format!("{kota}.")));
        for (code, _) in inside.clone() {
            assert!(zoomed.contains(&map_link(code, "en")), "{kota}: {code}");
        }
        // Each on the map and once more in the list under it (large tap targets).
        assert_eq!(
            zoomed.matches("<a href=\"/lapor?wilayah=").count(),
            2 * inside.clone().count()
        );
        let list = zoomed
            .split("<ul class=\"kelurahan\"")
            .nth(1)
            .unwrap_or_default();
        for (code, name) in inside.clone() {
            let item = format!("wilayah={code}&amp;lang=en\">{name}</a></li>");
            assert!(list.contains(&item), "{kota}: {code} {name} not listed");
        }
        eprintln!("the map of {kota}: {} bytes", zoomed.len());
        assert!(zoomed.len() < BUDGET, "{kota}: {} bytes", zoomed.len());
    }
    let unknown = browser.get("/lapor/peta?kota=31.99").await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
}

#[tokio::test]
async fn following_a_link_on_the_map_chooses_that_kelurahan_on_the_form() {
    let app = TestApp::spawn_with_boundaries().await;
    let browser = citizen(&app).await;
    let html = page(&browser.get("/lapor/peta?lang=en").await);
    let link = map_link("31.74.01.1003", "en");
    assert!(html.contains(&link), "{html}");

    let form = page(&browser.get("/lapor?wilayah=31.74.01.1003&lang=en").await);
    assert_good_page(&form, "en");
    assert!(
        form.contains("<option value=\"31.74.01.1003\" selected>Menteng Dalam</option>"),
        "{form}"
    );
    assert_eq!(form.matches(" selected>").count(), 1, "one region chosen");
    assert!(
        form.contains("Chosen on the map: <strong>Menteng Dalam</strong>"),
        "{form}"
    );

    // A code the list does not offer chooses nothing.
    let odd = page(&browser.get("/lapor?wilayah=31.74.01.9999").await);
    assert!(!odd.contains(" selected>"), "{odd}");
    assert!(!odd.contains("Dipilih dari peta"), "{odd}");
}

#[tokio::test]
async fn without_boundaries_there_is_no_map() {
    let app = TestApp::spawn().await;
    let browser = citizen(&app).await;
    let form = page(&browser.get("/lapor").await);
    assert!(!form.contains("/lapor/peta"), "{form}");
    let resp = browser.get("/lapor/peta").await;
    assert_eq!(resp.status, 404, "{resp:?}");
    assert!(resp.text().contains("<html lang=\"id\">"), "{resp:?}");
}

#[tokio::test]
async fn the_map_is_for_citizens_filing_a_report() {
    let app = TestApp::spawn_with_boundaries().await;
    let resp = Browser::new(&app).get("/lapor/peta").await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/masuk?next=/lapor/peta&lang=id");

    let username = app.unique("petugas");
    app.create_account(&username, Role::Officer, Some(common::SUDIN), None)
        .await;
    let officer = Browser::new(&app);
    let signed_in = officer
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_eq!(signed_in.status, 303, "{signed_in:?}");
    assert_eq!(officer.get("/lapor/peta").await.status, 403);
}

#[tokio::test]
async fn unknown_pages_are_a_page_and_unknown_api_paths_stay_json() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    for (path, lang, title) in [
        ("/nope", "id", "Tidak ditemukan"),
        ("/laporan-lama/x?lang=en", "en", "Not found"),
        ("//evil.example/x?lang=en", "en", "Not found"),
    ] {
        let resp = browser.get(path).await;
        assert_eq!(resp.status, 404, "{path}: {resp:?}");
        let content_type = resp.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert!(resp.header("content-security-policy").is_some(), "{path}");
        let html = resp.text();
        assert_good_page(&html, lang);
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!("href=\"/?lang={lang}\"")),
            "{path}: {html}"
        );
        assert!(!html.contains("evil.example"), "{path}: {html}");
    }
    for path in ["/api/v1/nope", "/api/v1/nope?lang=en", "/api"] {
        let resp = browser.get(path).await;
        resp.error(404, "not_found");
    }
    // Open311 answers in its own JSON shape.
    let resp = browser.get("/open311/v2/nope").await;
    assert_eq!(resp.status, 404, "{resp:?}");
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "{resp:?}");
}
