//! The jurisdiction's reference data, readable without signing in.

mod common;

use std::collections::BTreeSet;

use serde_json::Value;

use common::TestApp;

fn entries(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("a list: {value}"))
}

fn codes(value: &Value) -> BTreeSet<String> {
    entries(value)
        .iter()
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect()
}

fn find<'a>(list: &'a Value, code: &str) -> &'a Value {
    entries(list)
        .iter()
        .find(|e| e["code"] == code)
        .unwrap_or_else(|| panic!("{code} is listed"))
}

#[tokio::test]
async fn categories_carry_indonesian_names_units_and_targets() {
    let app = TestApp::spawn().await;
    let categories = app.anonymous().get("/categories").await.expect(200);
    assert!(entries(&categories).len() >= 25, "{categories}");
    assert_eq!(
        codes(&categories).len(),
        entries(&categories).len(),
        "codes are unique"
    );
    let names: BTreeSet<&str> = entries(&categories)
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in [
        "Jalan",
        "Parkir Liar",
        "Pohon",
        "Sampah",
        "Gangguan Ketenteraman dan Ketertiban",
        "Banjir/Genangan",
        "Penerangan Jalan Umum",
    ] {
        assert!(names.contains(name), "{name} is a category");
    }
    let road = find(&categories, "jalan");
    assert_eq!(road["name"], "Jalan");
    assert_eq!(road["name_en"], "Roads");
    assert_eq!(road["responsible_unit"], "dinas-bina-marga");
    let units = codes(&app.anonymous().get("/units").await.expect(200));
    for c in entries(&categories) {
        assert!(
            c["coordination_hours"].as_u64().is_some_and(|h| h > 0),
            "{c}"
        );
        assert!(c["completion_hours"].as_u64().is_some_and(|h| h > 0), "{c}");
        let unit = c["responsible_unit"].as_str().expect("a unit");
        assert!(units.contains(unit), "{unit} of {c} is a listed unit");
    }
}

#[tokio::test]
async fn units_include_the_validators_and_each_suku_dinas_under_its_dinas() {
    let app = TestApp::spawn().await;
    let units = app.anonymous().get("/units").await.expect(200);
    let all = codes(&units);
    let biro = find(&units, "biro-pemerintahan");
    assert_eq!(biro["kind"], "validation");
    assert_eq!(biro["name"], "Biro Pemerintahan");
    let sudin = find(&units, "sudin-bina-marga-31.74");
    assert_eq!(sudin["kind"], "suku_dinas");
    assert_eq!(sudin["parent"], "dinas-bina-marga");
    assert_eq!(sudin["region"], "31.74");
    assert_eq!(find(&units, "dinas-bina-marga")["kind"], "dinas");
    // The offices of the pack's regions come from its templates.
    let tebet = find(&units, "kecamatan-31.74.01");
    assert_eq!(tebet["kind"], "kecamatan");
    assert_eq!(tebet["name"], "Kantor Kecamatan Tebet");
    assert_eq!(find(&units, "walikota-31.74")["kind"], "walikota");
    let suku_dinas = entries(&units)
        .iter()
        .filter(|u| u["kind"] == "suku_dinas")
        .count();
    assert!(suku_dinas >= 30, "{suku_dinas} Suku Dinas");
    for unit in entries(&units) {
        if let Some(parent) = unit["parent"].as_str() {
            assert!(all.contains(parent), "the parent of {unit} is listed");
        }
    }
}

#[tokio::test]
async fn regions_filter_by_level_and_parent() {
    let app = TestApp::spawn().await;
    let anyone = app.anonymous();
    let kecamatan = anyone.get("/regions?level=kecamatan").await.expect(200);
    assert_eq!(entries(&kecamatan).len(), 44);
    assert!(
        entries(&kecamatan)
            .iter()
            .all(|r| r["level"] == "kecamatan")
    );
    let gambir = find(&kecamatan, "31.71.01");
    assert_eq!(gambir["name"], "Gambir");
    assert_eq!(gambir["parent"], "31.71");
    let kota = anyone.get("/regions?level=kota").await.expect(200);
    assert_eq!(entries(&kota).len(), 6);
    assert_eq!(
        find(&kota, "31.01")["name"],
        "Kabupaten Administrasi Kepulauan Seribu"
    );
    let all = anyone.get("/regions").await.expect(200);
    assert_eq!(entries(&all).len(), 50);
    let selatan = anyone.get("/regions?parent=31.74").await.expect(200);
    assert_eq!(
        entries(&selatan).len(),
        10,
        "Jakarta Selatan has 10 kecamatan"
    );
    assert!(entries(&selatan).iter().all(|r| r["parent"] == "31.74"));
    let kelurahan = anyone.get("/regions?level=kelurahan").await.expect(200);
    assert_eq!(kelurahan, serde_json::json!([]), "no boundaries loaded");

    anyone.get("/regions?level=bogus").await.invalid("level");
    anyone
        .get("/regions?parent=jakarta")
        .await
        .invalid("parent");
}

#[tokio::test]
async fn kelurahan_are_listed_once_their_boundaries_are_loaded() {
    let app = TestApp::spawn_with_boundaries().await;
    let anyone = app.anonymous();
    let kelurahan = anyone.get("/regions?level=kelurahan").await.expect(200);
    assert_eq!(entries(&kelurahan).len(), 267);
    assert_eq!(find(&kelurahan, "31.71.01.1001")["name"], "Gambir");
    let units = anyone.get("/units").await.expect(200);
    assert_eq!(find(&units, "kelurahan-31.71.01.1001")["kind"], "kelurahan");
}

#[tokio::test]
async fn channels_are_the_eighteen_fixed_codes() {
    let app = TestApp::spawn().await;
    let channels = app.anonymous().get("/channels").await.expect(200);
    let expected: BTreeSet<String> = [
        "jaki",
        "web",
        "email",
        "sms",
        "whatsapp",
        "twitter",
        "facebook",
        "instagram",
        "governor_social",
        "lapor",
        "balai_kota",
        "inspektorat",
        "walikota",
        "kecamatan",
        "kelurahan",
        "media",
        "qlue",
        "open311",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(entries(&channels).len(), 18);
    assert_eq!(codes(&channels), expected);
    assert_eq!(find(&channels, "jaki")["name"], "JAKI");
    assert!(
        entries(&channels)
            .iter()
            .all(|c| c["name"].as_str().is_some_and(|n| !n.is_empty()))
    );
}
