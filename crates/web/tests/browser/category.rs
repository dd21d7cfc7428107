//! The category picker on `/lapor` (issue 17, "filing like JAKI and Qlue"): a citizen signed
//! in through `/masuk` types in "Cari kategori", only the matching tiles stay, taps one and
//! files; the report is filed under it. Also: the keyboard alone picks one, and the most
//! reported categories lead, the rest one tap away.

use aduan_domain::Role;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use crate::common::PASSWORD;
use crate::harness::{Browser, run};

/// The names on the tiles in sight.
async fn shown(b: &Browser) -> Vec<String> {
    let names = b
        .js(
            "return [...document.querySelectorAll('#category-list li')]
               .filter((li) => !li.hidden && li.offsetParent !== null)
               .map((li) => li.textContent.trim());",
            vec![],
        )
        .await;
    serde_json::from_value(names).expect("a list of names")
}

async fn sign_in_as_citizen(b: &Browser) {
    let citizen = b.app.unique("warga");
    b.app
        .create_account(&citizen, Role::Citizen, None, None)
        .await;
    b.goto("/masuk?next=/lapor").await;
    b.fill("Nama pengguna", &citizen).await;
    b.fill("Kata sandi", PASSWORD).await;
    b.press("Masuk").await;
    assert!(
        b.location().await.starts_with("/lapor"),
        "{}",
        b.location().await
    );
}

#[tokio::test]
async fn typing_in_the_search_leaves_the_matching_categories_and_one_is_filed() {
    run("category_search", |b| async move {
        sign_in_as_citizen(&b).await;
        let all = shown(&b).await;
        assert_eq!(all.len(), 39, "every Jakarta category: {all:?}");
        assert_eq!(
            b.text("#category-count").await,
            "",
            "nothing said before a search"
        );
        b.check_page().await;
        b.scroll_to("#category-search").await;
        b.screenshot("1-semua").await;

        b.fill("Cari kategori", "pohon").await;
        assert_eq!(shown(&b).await, vec!["Pohon".to_owned()]);
        assert_eq!(b.text("#category-count").await, "1 kategori");
        // Keywords count, case and accents do not.
        b.fill("Cari kategori", "TAWURAN").await;
        assert_eq!(
            shown(&b).await,
            vec!["Gangguan Ketenteraman dan Ketertiban".to_owned()]
        );
        b.fill("Cari kategori", "lámpu").await;
        let lamps = shown(&b).await;
        assert!(
            lamps.contains(&"Penerangan Jalan Umum".to_owned()),
            "{lamps:?}"
        );
        assert!(!lamps.contains(&"Pohon".to_owned()), "{lamps:?}");
        assert_eq!(
            b.text("#category-count").await,
            format!("{} kategori", lamps.len())
        );
        b.fill("Cari kategori", "roket").await;
        assert!(shown(&b).await.is_empty());
        assert!(
            b.text("#category-count")
                .await
                .starts_with("Tidak ada kategori")
        );

        b.fill("Cari kategori", "pohon").await;
        b.pick_category("Pohon").await;
        b.check_page().await;
        b.scroll_to("#category-search").await;
        b.screenshot("2-pohon").await;
        // The chosen one stays in sight whatever is typed next.
        b.fill("Cari kategori", "sampah").await;
        let now = shown(&b).await;
        assert!(
            now.contains(&"Pohon".to_owned()) && now.contains(&"Sampah".to_owned()),
            "{now:?}"
        );
        b.fill("Cari kategori", "").await;
        assert_eq!(shown(&b).await.len(), 39, "an empty search shows them all");

        b.fill(
            "Uraian masalah",
            "Pohon besar tumbang menutup separuh jalan di depan sekolah.",
        )
        .await;
        b.choose("Kecamatan", "Tebet").await;
        b.press("Kirim laporan").await;
        let location = b.location().await;
        let ticket = location
            .strip_prefix("/laporan/")
            .and_then(|rest| rest.split('?').next())
            .unwrap_or_else(|| panic!("on the report's page: {location}"))
            .to_owned();
        let title = b.text("h1").await;
        assert!(title.starts_with("Pohon"), "{title}");
        assert_eq!(b.app.stored(&ticket).await.category.as_str(), "pohon");
        b.check_page().await;
        b.screenshot("3-laporan").await;
    })
    .await;
}

#[tokio::test]
async fn the_keyboard_alone_finds_and_picks_a_category() {
    run("category_keyboard", |b| async move {
        sign_in_as_citizen(&b).await;
        b.fill("Cari kategori", "got").await;
        assert_eq!(shown(&b).await, vec!["Saluran Air".to_owned()]);
        // Enter picks the one left instead of sending the half-filled form.
        b.press_key(Key::Enter).await;
        assert!(
            b.location().await.starts_with("/lapor"),
            "the form was not sent"
        );
        let picked = b
            .js(
                "return [document.querySelector('input[name=category]:checked')?.value,
                         document.activeElement.id];",
                vec![],
            )
            .await;
        assert_eq!(picked, json!(["saluran-air", "category-saluran-air"]));
        b.check_page().await;
        b.screenshot("keyboard").await;
    })
    .await;
}

#[tokio::test]
async fn the_most_reported_categories_lead_and_the_rest_are_one_tap_away() {
    run("category_common", |b| async move {
        // What the city has been reporting before this citizen opens the form.
        let neighbour = b.app.register_citizen("tetangga").await;
        for category in [
            "sampah",
            "pohon",
            "pohon",
            "pohon",
            "sampah",
            "banjir-genangan",
        ] {
            neighbour.file(category, "31.74.01").await;
        }
        sign_in_as_citizen(&b).await;
        assert_eq!(
            shown(&b).await,
            vec!["Pohon", "Sampah", "Banjir/Genangan"],
            "the most reported first, and only they"
        );
        assert_eq!(
            b.text("#category-common-hint").await,
            "Paling sering dilaporkan:"
        );
        b.check_page().await;
        b.scroll_to("#category-search").await;
        b.screenshot("1-paling-sering").await;

        // A search looks through every category, not only those shown.
        b.fill("Cari kategori", "got").await;
        assert_eq!(shown(&b).await, vec!["Saluran Air".to_owned()]);
        b.fill("Cari kategori", "").await;
        assert_eq!(shown(&b).await.len(), 3, "back to the leading ones");

        // One tap shows them all, the leading ones still first.
        let all = b
            .client()
            .find(Locator::Id("category-all"))
            .await
            .expect("the button");
        assert_eq!(
            all.text().await.expect("its text"),
            "Tampilkan semua kategori (39)"
        );
        all.click().await.expect("show every category");
        let every = shown(&b).await;
        assert_eq!(every.len(), 39, "{every:?}");
        assert_eq!(every[..3], ["Pohon", "Sampah", "Banjir/Genangan"]);
        assert!(
            !b.find("#category-all-field")
                .await
                .is_displayed()
                .await
                .unwrap_or(true),
            "the button went once used"
        );
        b.pick_category("Trotoar").await;
        b.check_page().await;
        b.screenshot("2-semua").await;
    })
    .await;
}
