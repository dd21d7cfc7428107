//! The words-search boxes of the staff queue `/petugas` and the public feed `/publik`: they
//! find by stems, keep the search across pages, and say in the reader's language why words
//! cannot be searched.

mod citizen_browser;
mod common;

use serde_json::json;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, page, staff_browser};
use common::{Client, TestApp, ticket_of};

async fn file(citizen: &Client, description: &str) -> String {
    let body = json!({
        "category": "jalan",
        "description": description,
        "location": {"region": "31.74.01"},
    });
    ticket_of(&citizen.submit_report(&body).await.expect(201))
}

/// The page's "next page" link, as a path to GET.
fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn the_queue_finds_reports_by_words_across_pages() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let broken = file(
        &citizen,
        "Jalan rusak dan belum diperbaiki sejak bulan lalu.",
    )
    .await;
    let rubbish = file(&citizen, "Sampah menumpuk di pasar sejak seminggu.").await;
    let mut bridges = Vec::new();
    for i in 0..21 {
        bridges.push(
            file(
                &citizen,
                &format!("Perbaikan jembatan nomor {i} terbengkalai."),
            )
            .await,
        );
    }
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;

    let html = page(&coordinator.get("/petugas?q=diperbaiki+sampah").await);
    assert_good_page(&html, "id");
    assert!(
        html.contains("Cari kata dalam uraian atau alamat"),
        "{html}"
    );
    assert!(html.contains("value=\"diperbaiki sampah\""), "{html}");
    assert!(
        !html.contains(&broken) && !html.contains(&rubbish),
        "{html}"
    );
    let html = page(&coordinator.get("/petugas?q=sampah+PASAR").await);
    assert!(html.contains(&rubbish) && !html.contains(&broken), "{html}");

    // "perbaikan" finds "diperbaiki" too: 22 reports, over two pages that keep the search.
    let first = page(&coordinator.get("/petugas?q=perbaikan").await);
    let next = next_link(&first).expect("a second page");
    assert!(next.contains("&q=perbaikan"), "{next}");
    let second = page(&coordinator.get(&next).await);
    assert!(next_link(&second).is_none(), "{second}");
    let found: Vec<&String> = bridges
        .iter()
        .chain([&broken])
        .filter(|t| first.contains(t.as_str()) || second.contains(t.as_str()))
        .collect();
    assert_eq!(found.len(), 22);
    assert!(second.contains(&broken), "the oldest comes last: {second}");
    assert!(!first.contains(&rubbish) && !second.contains(&rubbish));

    // Words that cannot be searched: 422, the reason, nothing listed.
    for (lang, reason) in [
        ("id", "Kata pencarian minimal 2 karakter."),
        ("en", "The search must have at least 2 characters."),
    ] {
        let resp = coordinator.get(&format!("/petugas?lang={lang}&q=a")).await;
        assert_eq!(resp.status, 422, "{resp:?}");
        let html = resp.text();
        assert!(html.contains(reason), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(!html.contains(&broken), "{html}");
    }
}

#[tokio::test]
async fn the_public_feed_searches_what_it_shows() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let lamp = file(&citizen, "Lampu taman mati, hubungi 0812-3456-7890 segera.").await;
    let tree = file(&citizen, "Pohon tumbang menutup jalan di depan sekolah.").await;
    for ticket in [&lamp, &tree] {
        citizen
            .act_ok(ticket, json!({"action": "make_public"}))
            .await;
    }
    let visitor = Browser::new(&app);
    let html = page(&visitor.get("/publik?q=lampu+taman").await);
    assert_good_page(&html, "id");
    assert!(html.contains("Cari kata dalam uraian"), "{html}");
    assert!(html.contains(&lamp) && !html.contains(&tree), "{html}");
    let html = page(&visitor.get("/publik?q=0812-3456-7890").await);
    assert!(
        !html.contains(&lamp),
        "a masked number was searched: {html}"
    );
    let html = page(&visitor.get("/publik?lang=en&q=pohon").await);
    assert_good_page(&html, "en");
    assert!(html.contains("Search words in the description"), "{html}");
    assert!(html.contains(&tree) && !html.contains(&lamp), "{html}");

    let resp = visitor.get("/publik?q=%2A%2A").await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text().contains("setidaknya satu kata"),
        "{}",
        resp.text()
    );
}
