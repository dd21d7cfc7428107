//! The classifier learns from confirmed texts, and its counts survive storage.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_domain::CategoryCode;
use aduan_triage::{Basis, CategoryTerms, Model, TokenCount, Triage, learning};

fn code(s: &str) -> CategoryCode {
    CategoryCode::parse(s).unwrap()
}

/// Confirmed texts as coordinators would have filed them; `air-bersih` (piped water) is a
/// category the pack does not have and that has no keywords.
const CONFIRMED: &[(&str, &str)] = &[
    (
        "air-bersih",
        "Air PAM di rumah kami mati sejak kemarin pagi, keran kering",
    ),
    (
        "air-bersih",
        "Aliran air PDAM sangat kecil dan keruh sudah seminggu",
    ),
    (
        "air-bersih",
        "Air ledeng tidak mengalir sama sekali, warga terpaksa beli air galon",
    ),
    (
        "air-bersih",
        "Pipa PAM bocor di depan rumah, air terbuang percuma",
    ),
    (
        "air-bersih",
        "Air PAM berwarna kuning dan bau kaporit, tidak layak pakai",
    ),
    (
        "air-bersih",
        "Sudah tiga hari air PDAM mati, meteran tetap jalan tagihan naik",
    ),
    (
        "air-bersih",
        "Tekanan air ledeng lemah, keran di lantai dua kering",
    ),
    (
        "air-bersih",
        "Air bersih PAM keruh seperti lumpur setelah perbaikan pipa",
    ),
    (
        "jalan",
        "Jalan berlubang di depan sekolah, sudah ada motor jatuh",
    ),
    (
        "jalan",
        "Aspal mengelupas dan bergelombang sepanjang jalan raya",
    ),
    (
        "jalan",
        "Lubang besar di tengah jalan tergenang air saat hujan",
    ),
    (
        "jalan",
        "Jalan rusak parah belum diperbaiki sejak tahun lalu",
    ),
    ("sampah", "Sampah menumpuk di pinggir jalan tidak diangkut"),
    (
        "sampah",
        "Truk sampah tidak datang sudah seminggu, bau sekali",
    ),
    ("sampah", "TPS liar di lahan kosong, sampah berserakan"),
    ("sampah", "Warga buang sampah sembarangan di pinggir kali"),
    (
        "banjir-genangan",
        "Banjir setinggi lutut masuk ke rumah warga",
    ),
    (
        "banjir-genangan",
        "Genangan air di jalan tidak surut setelah hujan deras",
    ),
    (
        "banjir-genangan",
        "Rumah pompa tidak berfungsi, air meluap ke permukiman",
    ),
    ("banjir-genangan", "Banjir rob merendam kampung nelayan"),
    ("pohon", "Pohon tumbang menimpa rumah warga"),
    ("pohon", "Dahan pohon besar patah dan menjuntai ke kabel"),
    ("pohon", "Mohon pemangkasan pohon yang sudah terlalu rimbun"),
    ("pohon", "Pohon miring rawan tumbang di depan sekolah"),
    ("parkir-liar", "Jukir liar memungut tarif parkir seenaknya"),
    (
        "parkir-liar",
        "Mobil parkir di badan jalan menyebabkan macet",
    ),
    (
        "parkir-liar",
        "Banyak motor parkir di trotoar depan minimarket",
    ),
    ("parkir-liar", "Parkir liar di depan pasar setiap sore"),
    (
        "penerangan-jalan-umum",
        "Lampu jalan mati sudah dua minggu, gelap sekali",
    ),
    (
        "penerangan-jalan-umum",
        "PJU di gang kami berkedip kedip terus",
    ),
    (
        "penerangan-jalan-umum",
        "Tiang lampu jalan miring hampir roboh",
    ),
    (
        "penerangan-jalan-umum",
        "Lampu penerangan jalan padam sepanjang jalan",
    ),
    ("saluran-air", "Got mampet penuh lumpur dan sampah"),
    ("saluran-air", "Saluran air tersumbat, air tidak mengalir"),
    (
        "saluran-air",
        "Selokan di depan rumah dangkal perlu dikeruk",
    ),
    ("saluran-air", "Turap kali jebol, tanah longsor ke saluran"),
];

/// The pack's categories and one keyword-less category.
fn categories() -> Vec<CategoryTerms> {
    let mut categories = common::categories();
    categories.push(CategoryTerms {
        code: code("air-bersih"),
        name: "Air Bersih".into(),
        keywords: Vec::new(),
    });
    categories
}

fn triage(model: Model) -> Triage {
    Triage::new(categories(), common::places(), model)
}

fn trained(rounds: usize) -> Triage {
    let mut t = triage(Model::default());
    for _ in 0..rounds {
        for (c, text) in CONFIRMED {
            t.learn(&code(c), text);
        }
    }
    t
}

const WATER: &str = "Air PDAM di rumah saya tidak keluar dari pagi, keran kering";

#[test]
fn a_category_without_keywords_learns_from_confirmed_texts() {
    let before = triage(Model::default()).suggest(WATER);
    assert_ne!(
        before.category.as_ref().map(|c| c.code.as_str()),
        Some("air-bersih"),
        "{before:?}"
    );

    let t = trained(1);
    assert_eq!(t.model().documents(), CONFIRMED.len() as u64);
    let after = t.suggest(WATER).category.unwrap();
    assert_eq!(after.code.as_str(), "air-bersih", "{after:?}");
    assert_eq!(after.basis, Basis::Classifier);
    assert!(after.confidence > 0.1 && after.confidence <= 1.0);

    // A text on something else is not pulled to the new category.
    let road = t
        .suggest("Jalan berlubang besar dekat pasar")
        .category
        .unwrap();
    assert_eq!(road.code.as_str(), "jalan");
}

#[test]
fn the_classifier_weighs_more_as_confirmations_accumulate() {
    let text = "Banyak lubang di jalan depan kantor kelurahan";
    let few = trained(1).suggest(text).category.unwrap();
    let many = trained(12).suggest(text).category.unwrap();
    assert_eq!(few.code.as_str(), "jalan");
    assert_eq!(few.basis, Basis::Keywords);
    assert_eq!(many.code.as_str(), "jalan");
    assert_eq!(many.basis, Basis::Both);
    assert!(many.confidence > few.confidence, "{few:?} {many:?}");

    let water = trained(12).suggest(WATER).category.unwrap();
    assert_eq!(water.code.as_str(), "air-bersih");
    assert!(water.confidence > 0.5, "{water:?}");
}

#[test]
fn counts_round_trip_through_storage() {
    let t = trained(2);
    let rows = t.model().counts();
    assert!(
        rows.windows(2)
            .all(|w| (&w[0].category, &w[0].token) < (&w[1].category, &w[1].token)),
        "sorted and unique"
    );
    let documents: u64 = rows
        .iter()
        .filter(|r| r.token.is_empty())
        .map(|r| r.count)
        .sum();
    assert_eq!(documents, 2 * CONFIRMED.len() as u64);
    let restored = Model::from_counts(rows.clone());
    assert_eq!(&restored, t.model());

    // Rows stored as JSON and read back, as a store might.
    let json = serde_json::to_string(&rows).unwrap();
    let back: Vec<TokenCount> = serde_json::from_str(&json).unwrap();
    assert_eq!(Model::from_counts(back), restored);

    // The deltas the store adds per confirmation give the same model.
    let deltas = (0..2).flat_map(|_| {
        CONFIRMED
            .iter()
            .flat_map(|(c, text)| learning(&code(c), text))
    });
    assert_eq!(&Model::from_counts(deltas), t.model());

    // And the same suggestions.
    let reloaded = triage(restored);
    for text in [WATER, "Pohon tumbang di Menteng", "lampu mati"] {
        assert_eq!(reloaded.suggest(text), t.suggest(text), "{text:?}");
    }
}

#[test]
fn learning_a_category_triage_does_not_offer_changes_nothing() {
    let mut t = triage(Model::default());
    t.learn(&code("kategori-lama"), "pohon tumbang di jalan");
    let s = t.suggest("pohon tumbang di jalan").category.unwrap();
    assert_eq!(s.code.as_str(), "pohon");
    assert_eq!(s.basis, Basis::Keywords);
}
