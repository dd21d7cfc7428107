//! Keyword triage of realistic citizen messages and place matching, on the real Jakarta pack
//! and kelurahan, with nothing learnt yet.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_triage::{Basis, Model, Suggestion, Triage, tokens};

fn triage() -> Triage {
    common::jakarta(Model::default())
}

fn region(s: &Suggestion) -> Option<&str> {
    s.region.as_ref().map(|r| r.region.as_str())
}

#[test]
fn tokens_are_lower_case_stems_without_stop_words() {
    assert_eq!(
        tokens("Jalan BERLUBANG di depan sekolah, mohon segera diperbaiki!"),
        ["jalan", "lubang", "depan", "sekolah", "baik"]
    );
    assert_eq!(
        tokens("Pohon ditebang, penebangan liar; sampahnya dibiarkan"),
        ["pohon", "tebang", "tebang", "liar", "sampah", "biar"]
    );
    assert_eq!(
        tokens("Sdh 3x lapor ke pak RT tp tdk ada tindakan"),
        ["3x", "lapor", "tp", "tindak"]
    );
    assert_eq!(
        tokens("Kebakaran! Warga membakar sampah"),
        ["bakar", "warga", "bakar", "sampah"]
    );
    assert!(tokens("di ke dari yang dan ini itu 2024 a b").is_empty());
    assert!(tokens("").is_empty());
}

#[test]
fn every_pack_keyword_has_a_token_and_every_category_keywords() {
    let pack = common::pack();
    assert_eq!(pack.categories.len(), 39);
    for c in &pack.categories {
        assert!(
            (8..=25).contains(&c.keywords.len()),
            "{} has {} keywords",
            c.code,
            c.keywords.len()
        );
        for k in &c.keywords {
            assert_eq!(k, &k.to_lowercase(), "{}: {k}", c.code);
            assert!(!tokens(k).is_empty(), "{}: {k} is only stop words", c.code);
        }
    }
}

#[test]
fn citizen_messages_find_their_category_and_place_by_keywords() {
    let t = triage();
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos, bahaya untuk motor",
            "jalan",
            Some("31.71.06.1005"),
        ),
        (
            "Banyak jukir liar di trotoar depan Stasiun Tebet",
            "parkir-liar",
            Some("31.74.01"),
        ),
        (
            "Pohon tumbang menutup jalan di Kelurahan Menteng",
            "pohon",
            Some("31.71.06.1001"),
        ),
        (
            "Sampah menumpuk di TPS dekat pasar sudah 3 hari belum diangkut, baunya menyengat",
            "sampah",
            None,
        ),
        (
            "Banjir setinggi lutut di Kampung Melayu, air tidak surut sejak semalam",
            "banjir-genangan",
            Some("31.75.03.1001"),
        ),
        (
            "Lampu PJU di Jl. Tebet Barat Dalam mati sudah seminggu, jalan jadi gelap",
            "penerangan-jalan-umum",
            Some("31.74.01.1002"),
        ),
        (
            "PKL berjualan di trotoar sampai menutup jalan di depan Pasar Minggu",
            "pkl",
            Some("31.74.04.1001"),
        ),
        (
            "Ada tawuran remaja tiap malam minggu di Manggarai, warga takut keluar",
            "gangguan-ketenteraman-ketertiban",
            Some("31.74.01.1007"),
        ),
        (
            "Suara knalpot racing bising sekali tiap tengah malam, mengganggu istirahat warga",
            "gangguan-kebisingan",
            None,
        ),
        (
            "Got depan rumah mampet dan meluap kalau hujan, tolong dikuras",
            "saluran-air",
            None,
        ),
        (
            "Kebakaran rumah di Cipinang Besar Utara, api sudah besar, mohon kirim damkar",
            "kebakaran",
            Some("31.75.03.1008"),
        ),
        (
            "Tetangga membakar sampah setiap sore, asapnya masuk ke rumah",
            "pembakaran-sampah",
            None,
        ),
        (
            "Banyak orang merokok di dalam ruang tunggu, padahal kawasan tanpa rokok",
            "kawasan-dilarang-merokok",
            None,
        ),
        (
            "Ada ular kobra masuk ke rumah warga di Jagakarsa",
            "hewan-liar",
            Some("31.74.09.1001"),
        ),
        (
            "Sudah 2 bulan e-KTP saya belum jadi, blangko habis katanya",
            "administrasi-kependudukan",
            None,
        ),
        (
            "Baliho dan spanduk liar dipasang di tiang listrik sepanjang jalan",
            "reklame",
            None,
        ),
        (
            "Bus Transjakarta koridor 9 sering telat, halte penuh sesak",
            "transportasi-umum",
            None,
        ),
        (
            "Angkot ngetem sembarangan di depan Stasiun Pasar Minggu bikin macet",
            "angkutan-umum-ngetem",
            Some("31.74.04.1001"),
        ),
        (
            "Kartu BPJS Kesehatan saya tiba-tiba nonaktif padahal iuran rutin dibayar",
            "bpjs",
            None,
        ),
        (
            "Oknum petugas minta uang untuk mengurus surat di kantor kelurahan",
            "pungutan-liar",
            None,
        ),
        (
            "Banyak jentik nyamuk di bak air warga, sudah ada yang kena DBD",
            "kesehatan-lingkungan",
            None,
        ),
        (
            "Gaji karyawan belum dibayar 3 bulan dan THR tidak diberikan perusahaan",
            "hubungan-pekerja-pengusaha",
            None,
        ),
    ];
    for (text, category, place) in cases {
        let s = t.suggest(text);
        let guess = s
            .category
            .as_ref()
            .unwrap_or_else(|| panic!("no category for {text:?}"));
        assert_eq!(guess.code.as_str(), *category, "{text:?}: {s:?}");
        assert_eq!(guess.basis, Basis::Keywords, "{text:?}");
        assert!(
            guess.confidence > 0.5 && guess.confidence <= 1.0,
            "{text:?}: {}",
            guess.confidence
        );
        assert!(guess.alternatives.len() <= 3);
        assert!(
            guess
                .alternatives
                .iter()
                .all(|(c, p)| *p <= guess.confidence && c != &guess.code),
            "{text:?}: {s:?}"
        );
        assert_eq!(region(&s), *place, "{text:?}: {s:?}");
    }
}

#[test]
fn stronger_phrases_give_higher_confidence_and_competitors_become_alternatives() {
    let t = triage();
    let weak = t.suggest("ada tawuran").category.unwrap();
    let strong = t
        .suggest("pohon tumbang, dahan patah menimpa mobil")
        .category
        .unwrap();
    assert!(
        strong.confidence > weak.confidence + 0.2,
        "{weak:?} {strong:?}"
    );

    let mixed = t
        .suggest("Baliho dan spanduk liar dipasang di tiang listrik")
        .category
        .unwrap();
    assert_eq!(mixed.code.as_str(), "reklame");
    assert_eq!(
        mixed.alternatives.first().map(|(c, _)| c.as_str()),
        Some("jaringan-listrik")
    );
    // "lampu merah" is traffic, not street lighting; "mati lampu" is the power network.
    let lights = t.suggest("lampu merah di perempatan mati, macet parah");
    assert_eq!(lights.category.unwrap().code.as_str(), "arus-lalu-lintas");
    let outage = t.suggest("mati lampu sejak sore, kabel putus");
    assert_eq!(outage.category.unwrap().code.as_str(), "jaringan-listrik");
}

#[test]
fn nothing_pointing_anywhere_gives_no_category() {
    let t = triage();
    for text in [
        "",
        "Selamat pagi, terima kasih atas responnya",
        "!!! ??? 08123456789",
        "asdfgh qwerty",
    ] {
        let s = t.suggest(text);
        assert_eq!(s.category, None, "{text:?}");
        assert_eq!(s.region, None, "{text:?}");
    }
}

#[test]
fn place_words_are_not_keywords() {
    let t = triage();
    // "Lubang Buaya" is a kelurahan, not a pothole; "Taman Sari" a kecamatan, not a park.
    let s = t.suggest("Kucing liar banyak berkeliaran di Lubang Buaya");
    assert_eq!(s.category.as_ref().unwrap().code.as_str(), "hewan-liar");
    assert_eq!(region(&s), Some("31.75.10.1007"));
    let s = t.suggest("warga kecamatan Taman Sari");
    assert_eq!(s.category, None);
    assert_eq!(region(&s), Some("31.73.03"));
}

#[test]
fn places_by_level() {
    let t = triage();
    for (text, expected) in [
        ("di Kelurahan Tebet Barat", "31.74.01.1002"),
        ("tebet timur", "31.74.01.1001"),
        ("Kec. Tebet", "31.74.01"),
        ("kecamatan tebet, jakarta selatan", "31.74.01"),
        ("Jakarta Selatan", "31.74"),
        ("Kota Administrasi Jakarta Timur", "31.75"),
        ("kota jakarta utara", "31.72"),
        ("Kepulauan Seribu", "31.01"),
        ("Kec. Kepulauan Seribu Utara", "31.01.01"),
        // A bare name that is a kelurahan and the kecamatan around it: the kelurahan.
        ("Menteng", "31.71.06.1001"),
        ("Kec. Menteng", "31.71.06"),
        ("kebon jeruk", "31.73.05.1001"),
        ("Kecamatan Kebon Jeruk", "31.73.05"),
        // Kecamatan Kebayoran Lama is not its kelurahan Kebayoran Lama Utara.
        ("Kebayoran Lama", "31.74.05"),
        // Written with or without the spaces.
        ("Setiabudi", "31.74.02.1001"),
        ("Halim Perdanakusuma", "31.75.08.1004"),
        ("pulogadung", "31.75.02.1001"),
        ("Kec. Pulo Gadung", "31.75.02"),
        // Everyday words need a level word.
        ("Kelurahan Baru", "31.75.05.1002"),
        ("kel. tengah", "31.75.04.1002"),
        ("Pasar Baru", "31.71.02.1001"),
    ] {
        let s = t.suggest(text);
        assert_eq!(region(&s), Some(expected), "{text:?}: {s:?}");
    }
}

#[test]
fn ambiguous_names_are_settled_by_the_other_names_in_the_text() {
    let t = triage();
    // Jatinegara is a kecamatan (31.75.03) and a kelurahan of Cakung (31.75.06.1001).
    for (text, expected) in [
        ("macet parah di Jatinegara", "31.75"),
        ("Stasiun Jatinegara, Jakarta Timur", "31.75"),
        ("Kecamatan Jatinegara", "31.75.03"),
        ("Kelurahan Jatinegara", "31.75.06.1001"),
        ("Jatinegara, Kec. Cakung", "31.75.06.1001"),
        ("Kec. Cakung, Jatinegara", "31.75.06.1001"),
        ("RW 05 Cipinang Besar Utara, Jatinegara", "31.75.03.1008"),
        // A street is weaker than a name; consistent names narrow each other down.
        ("Jl. Menteng Raya, Kelurahan Kebon Sirih", "31.71.06.1005"),
        ("Jl. Kebon Sirih, Menteng, Jakarta Pusat", "31.71.06.1005"),
        ("Kota Jakarta Pusat, Kec. Menteng", "31.71.06"),
        // Unrelated places: the first.
        ("Tebet Barat, dekat rumah saya di Menteng", "31.74.01.1002"),
    ] {
        let s = t.suggest(text);
        assert_eq!(region(&s), Some(expected), "{text:?}: {s:?}");
    }
}

#[test]
fn matched_words_are_reported_as_written() {
    let t = triage();
    let s = t.suggest("Pohon tumbang menutup jalan di Kelurahan Menteng");
    assert_eq!(s.region.unwrap().matched, "Kelurahan Menteng");
    let s = t.suggest("Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos");
    assert_eq!(s.region.unwrap().matched, "Jl. Kebon Sirih");
    let s = t.suggest("banjir di KEC.  TEBET");
    assert_eq!(s.region.unwrap().matched, "KEC.  TEBET");
}

#[test]
fn short_names_never_match_inside_other_words() {
    let t = triage();
    for text in [
        "kue gambiran dan senenan",
        "kojak sedang makan",
        "lampu baru dipasang di tengah jalan",
        "karet gelang dan kayu jati",
        "angket warga tentang ancolan",
        "tebetbaratdaya",
    ] {
        assert_eq!(t.suggest(text).region, None, "{text:?}");
    }
}

#[test]
fn a_long_message_is_triaged_whole() {
    let t = triage();
    let filler = "Kami warga sudah berkali-kali menyampaikan keluhan ini namun belum ada \
                  tanggapan dari pihak terkait. ";
    let mut text = String::from("Yth. Bapak Gubernur, ");
    while text.len() < 3900 {
        text.push_str(filler);
    }
    text.push_str(
        "Saluran air di depan rumah kami di Kelurahan Duren Sawit mampet total, got penuh \
         lumpur dan sampah sehingga setiap hujan air meluap ke jalan.",
    );
    assert!(text.chars().count() >= 4000);
    let s = t.suggest(&text);
    assert_eq!(s.category.as_ref().unwrap().code.as_str(), "saluran-air");
    assert_eq!(region(&s), Some("31.75.07.1001"));
}
