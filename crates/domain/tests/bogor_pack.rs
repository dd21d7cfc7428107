//! The Kota Bogor data pack: a second city as data. It loads, hangs together, and sends each
//! place to its own office.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aduan_domain::{Jurisdiction, JurisdictionData, RegionCode, RegionLevel, UnitKind};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/bogor.json"
));

fn bogor() -> Jurisdiction {
    let data: JurisdictionData = serde_json::from_str(PACK).unwrap();
    Jurisdiction::new(data.with_offices()).unwrap()
}

fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

#[test]
fn the_pack_is_kota_bogor_with_its_six_kecamatan() {
    let j = bogor();
    let kecamatan: Vec<(&str, &str)> = j
        .regions()
        .filter(|r| r.level == RegionLevel::Kecamatan)
        .map(|r| (r.code.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        kecamatan,
        [
            ("32.71.01", "Bogor Selatan"),
            ("32.71.02", "Bogor Timur"),
            ("32.71.03", "Bogor Tengah"),
            ("32.71.04", "Bogor Barat"),
            ("32.71.05", "Bogor Utara"),
            ("32.71.06", "Tanah Sareal"),
        ]
    );
    assert!(
        j.regions()
            .all(|r| r.code.as_str() == "32.71" || r.code.as_str().starts_with("32.71.")),
        "every region is in Kota Bogor"
    );
    assert_eq!(j.settings.ticket_prefix.as_str(), "BGR");
    assert_eq!(j.settings.time_zone, chrono_tz::Asia::Jakarta);
}

#[test]
fn each_place_goes_to_its_own_office() {
    let j = bogor();
    // A kelurahan the pack lists: its Kantor Kelurahan.
    let sempur = j.first_receiver(&region("32.71.03.1006")).unwrap();
    assert_eq!(sempur.code.as_str(), "kelurahan-32.71.03.1006");
    assert_eq!(sempur.name, "Kantor Kelurahan Sempur");
    assert_eq!(sempur.kind, kind("kelurahan"));
    // A kecamatan: its Kantor Kecamatan.
    let tengah = j.first_receiver(&region("32.71.03")).unwrap();
    assert_eq!(tengah.code.as_str(), "kecamatan-32.71.03");
    assert_eq!(tengah.name, "Kantor Kecamatan Bogor Tengah");
    // Every kecamatan and kelurahan has its office, and a validation team exists.
    let offices = j
        .units()
        .filter(|u| [kind("kecamatan"), kind("kelurahan")].contains(&u.kind))
        .count();
    let places = j
        .regions()
        .filter(|r| matches!(r.level, RegionLevel::Kecamatan | RegionLevel::Kelurahan))
        .count();
    assert_eq!(offices, places);
    assert_eq!(
        j.units().filter(|u| u.kind == kind("validation")).count(),
        1
    );
}
