//! The real Jakarta pack and kelurahan names, as the application would feed them to triage.

use aduan_domain::{JurisdictionData, RegionCode};
use aduan_triage::{CategoryTerms, Model, PlaceName, Triage};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/jakarta.json"
));

/// Real kelurahan, kept beside the repository (never copied into it).
const KELURAHAN_GEOJSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

pub fn pack() -> JurisdictionData {
    serde_json::from_str(PACK).expect("packs/jakarta.json loads")
}

pub fn categories() -> Vec<CategoryTerms> {
    pack().categories.iter().map(CategoryTerms::from).collect()
}

/// Kota and kecamatan from the pack, kelurahan from the GeoJSON. Fails (never skips) when the
/// GeoJSON is missing.
pub fn places() -> Vec<PlaceName> {
    let raw = std::fs::read_to_string(KELURAHAN_GEOJSON)
        .unwrap_or_else(|e| panic!("reading {KELURAHAN_GEOJSON}: {e}"));
    let geojson: serde_json::Value = serde_json::from_str(&raw).expect("GeoJSON parses");
    let features = geojson["features"].as_array().expect("features");
    let kelurahan = features.iter().map(|f| {
        let p = &f["properties"];
        PlaceName {
            region: RegionCode::parse(p["code"].as_str().expect("code")).expect("valid code"),
            name: p["name"].as_str().expect("name").to_owned(),
        }
    });
    let mut places: Vec<PlaceName> = pack().regions.iter().map(PlaceName::from).collect();
    places.extend(kelurahan);
    places
}

#[allow(dead_code)] // not every test crate uses it
pub fn jakarta(model: Model) -> Triage {
    Triage::new(categories(), places(), model)
}
