//! The category picker of `/lapor` as a browser without JavaScript sees it: every category a
//! radio with its icon (aduan's own SVG, in the page), nothing hidden, and the form posts the
//! one chosen. The search that filters them runs in the browser (tests/browser/category.rs).

// A broken fixture fails its test by panicking, like an assertion does.
#![allow(clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::Value;

use reqwest::multipart::Form;

use citizen_browser::{Browser, assert_good_page, hidden, location, page, ticket_in};
use common::TestApp;

/// The form as a browser without JavaScript sends it: the radio chosen (if any) under
/// `category`, the place by its kecamatan.
fn filled(form_page: &str, category: Option<&str>, description: &str) -> Form {
    let form = Form::new()
        .text("csrf", hidden(form_page, "csrf"))
        .text("submission", hidden(form_page, "submission"));
    let form = match category {
        Some(code) => form.text("category", code.to_owned()),
        None => form,
    };
    form.text("description", description.to_owned())
        .text("region", "31.74.01")
        .text("lat", "")
        .text("lon", "")
        .text("address", "")
}

/// The Jakarta pack's categories, as `(code, name, name_en, icon)`.
fn jakarta_categories() -> Vec<(String, String, String, String)> {
    let pack = include_str!("../../../packs/jakarta.json");
    let pack: Value = serde_json::from_str(pack).expect("the pack parses");
    let text = |c: &Value, f: &str| c[f].as_str().unwrap_or_default().to_owned();
    pack["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| {
            (
                text(c, "code"),
                text(c, "name"),
                text(c, "name_en"),
                text(c, "icon"),
            )
        })
        .collect()
}

/// The list item of the category `code` on the form page.
fn item<'a>(html: &'a str, code: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"category-{code}\""))
        .unwrap_or_else(|| panic!("no radio for {code}"));
    let start = html[..at].rfind("<li").expect("in a list item");
    let end = html[at..].find("</li>").expect("the item ends") + at;
    &html[start..end]
}

#[tokio::test]
async fn every_category_is_a_radio_with_its_icon_and_the_chosen_one_is_filed() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga.kategori").await;
    let form_page = page(&browser.get("/lapor").await);
    assert_good_page(&form_page, "id");
    assert!(
        !form_page.contains("<select id=\"category\""),
        "no select any more"
    );

    let categories = jakarta_categories();
    assert_eq!(
        form_page
            .matches("type=\"radio\" name=\"category\"")
            .count(),
        categories.len()
    );
    assert!(form_page.contains("<legend>Kategori</legend>"));
    for (code, name, _, icon) in &categories {
        let li = item(&form_page, code);
        assert!(
            !li[..li.find('>').expect("the tag ends")].contains("hidden"),
            "nothing is hidden without JavaScript: {li}"
        );
        assert!(li.contains(&format!("<span>{name}</span>")), "{li}");
        assert!(li.contains(&format!("<use href=\"#ikon-{icon}\">")), "{li}");
        assert!(
            form_page.contains(&format!(
                "<symbol id=\"ikon-{icon}\" viewBox=\"0 0 24 24\">"
            )),
            "the icon {icon} is drawn in the page"
        );
        assert!(!li.contains("checked"), "nothing chosen yet: {li}");
    }
    // Sorted by name, as the citizen reads them.
    let names: Vec<&str> = categories.iter().map(|c| c.1.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    let positions: Vec<usize> = sorted
        .iter()
        .map(|n| {
            form_page
                .find(&format!("<span>{n}</span>"))
                .expect("listed")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    // The search box is the script's to show; the terms it matches are in the page.
    assert!(form_page.contains("<div class=\"field\" id=\"category-search-field\" hidden>"));
    assert!(item(&form_page, "gangguan-ketenteraman-ketertiban").contains("tawuran"));
    assert!(item(&form_page, "pohon").contains("data-terms=\"pohon trees "));

    let description = "Pohon besar tumbang menutup jalan di depan sekolah.";
    let resp = browser
        .post_multipart("/lapor", filled(&form_page, Some("pohon"), description))
        .await;
    let ticket = ticket_in(&location(&resp));
    assert_eq!(app.stored(&ticket).await.category.as_str(), "pohon");
    let report = page(&browser.follow(&resp).await);
    assert!(report.contains("Pohon"), "{report}");
}

#[tokio::test]
async fn a_refused_form_keeps_the_category_chosen() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga.lupa").await;
    let form_page = page(&browser.get("/lapor").await);
    let form = filled(&form_page, Some("saluran-air"), "pendek");
    let back = browser.post_multipart("/lapor", form).await;
    assert_eq!(back.status, 422);
    let again = back.text();
    assert!(item(&again, "saluran-air").contains(" checked>"), "{again}");
    assert_eq!(again.matches(" checked>").count(), 1);

    // No category at all: told beside the picker.
    let form = filled(
        &form_page,
        None,
        "Saluran air mampet sejak seminggu, air meluap ke jalan.",
    );
    let back = browser.post_multipart("/lapor", form).await;
    assert_eq!(back.status, 422);
    let again = back.text();
    assert!(again.contains("<p class=\"error\" id=\"category-error\">Pilih kategori.</p>"));
    assert!(again.contains("aria-describedby=\"category-error category-count\""));
}

#[tokio::test]
async fn in_english_the_names_and_the_search_are_english() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "citizen.en").await;
    let form_page = page(&browser.get("/lapor?lang=en").await);
    assert_good_page(&form_page, "en");
    assert!(form_page.contains("<label for=\"category-search\">Search categories</label>"));
    for (code, _, name_en, _) in jakarta_categories() {
        assert!(item(&form_page, &code).contains(&format!("<span>{name_en}</span>")));
    }
}

#[tokio::test]
async fn the_api_gives_each_category_its_icon() {
    let app = TestApp::spawn().await;
    let listed = app.anonymous().get("/categories").await.expect(200);
    let icon = |code: &str| {
        listed
            .as_array()
            .and_then(|all| all.iter().find(|c| c["code"] == code))
            .map(|c| c["icon"].clone())
    };
    assert_eq!(icon("pohon"), Some(Value::from("pohon")));
    assert_eq!(icon("saluran-air"), Some(Value::from("air")));
}

#[tokio::test]
async fn the_most_reported_lead_without_javascript_too_and_none_is_hidden() {
    let app = TestApp::spawn().await;
    let neighbour = app.register_citizen("tetangga").await;
    for category in ["trotoar", "pohon", "trotoar"] {
        neighbour.file(category, "31.74.01").await;
    }
    let browser = Browser::new(&app);
    browser.register(&app, "warga.sering").await;
    let form_page = page(&browser.get("/lapor").await);
    assert_good_page(&form_page, "id");
    let at = |code: &str| {
        form_page
            .find(&format!("id=\"category-{code}\""))
            .unwrap_or_else(|| panic!("no radio for {code}"))
    };
    // Trotoar (2), then Pohon (1), then the rest by name from Administrasi Kependudukan.
    assert!(at("trotoar") < at("pohon"));
    assert!(at("pohon") < at("administrasi-kependudukan"));
    for code in ["trotoar", "pohon"] {
        assert!(item(&form_page, code).contains(" data-common>"), "{code}");
    }
    assert!(!item(&form_page, "jalan").contains("data-common"));
    // Every category is still there and in sight; the button and the hint are the
    // script's to show.
    assert_eq!(
        form_page
            .matches("type=\"radio\" name=\"category\"")
            .count(),
        jakarta_categories().len()
    );
    assert!(
        form_page.contains(
            "<p id=\"category-all-field\" hidden><button type=\"button\" id=\"category-all\" \
             class=\"secondary\" aria-controls=\"category-list\">Tampilkan semua kategori (39)\
             </button></p>"
        ),
        "{form_page}"
    );
}
