//! `suggest` takes any text: it never panics and its confidences stay in 0..=1.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::LazyLock;

use aduan_domain::CategoryCode;
use aduan_triage::{Model, Suggestion, Triage};
use proptest::prelude::*;

static UNTRAINED: LazyLock<Triage> = LazyLock::new(|| common::jakarta(Model::default()));

static TRAINED: LazyLock<Triage> = LazyLock::new(|| {
    let mut t = common::jakarta(Model::default());
    for (c, text) in [
        ("jalan", "jalan berlubang dan aspal rusak"),
        ("sampah", "sampah menumpuk belum diangkut"),
        ("pohon", "pohon tumbang menimpa rumah"),
        ("banjir-genangan", "banjir setinggi lutut"),
    ] {
        for _ in 0..50 {
            t.learn(&CategoryCode::parse(c).unwrap(), text);
        }
    }
    t
});

/// Words that matter to triage, to mix with arbitrary text.
const VOCABULARY: &[&str] = &[
    "jalan",
    "berlubang",
    "kel.",
    "Kelurahan",
    "kec",
    "Menteng",
    "Jatinegara",
    "Tebet",
    "Barat",
    "Jakarta",
    "Selatan",
    "jl",
    "pohon",
    "tumbang",
    "sampah",
    "lampu",
    "mati",
    "merah",
    "baru",
    "Kota",
    "Administrasi",
    "Pal",
    "Merah",
    "Palmerah",
    "parkir",
    "liar",
    "di",
    "yang",
    "🚧",
    "İ",
    "ǅ",
    "ß",
    "é",
];

fn text() -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop_oneof![
            prop::sample::select(VOCABULARY).prop_map(str::to_owned),
            "\\PC{0,12}",
        ],
        0..40,
    );
    let separators = prop::collection::vec(
        prop::sample::select(&[" ", ".", ", ", "-", "\n", ""][..]),
        40,
    );
    prop_oneof![
        any::<String>(),
        (words, separators).prop_map(|(words, seps)| {
            words
                .iter()
                .zip(seps.iter().cycle())
                .map(|(w, s)| format!("{w}{s}"))
                .collect()
        }),
    ]
}

fn check(text: &str, s: &Suggestion) {
    if let Some(c) = &s.category {
        assert!((0.0..=1.0).contains(&c.confidence), "{c:?}");
        assert!(c.alternatives.len() <= 3);
        for (code, p) in &c.alternatives {
            assert!((0.0..=1.0).contains(p), "{c:?}");
            assert!(*p <= c.confidence, "{c:?}");
            assert_ne!(code, &c.code);
        }
    }
    if let Some(r) = &s.region {
        assert!(text.contains(&r.matched), "{r:?} not in {text:?}");
        assert!(!r.matched.is_empty());
    }
}

proptest! {
    #[test]
    fn suggest_never_panics_and_stays_in_range(text in text()) {
        for triage in [&*UNTRAINED, &*TRAINED] {
            let s = triage.suggest(&text);
            check(&text, &s);
            // Deterministic.
            prop_assert_eq!(triage.suggest(&text), s);
        }
    }
}
