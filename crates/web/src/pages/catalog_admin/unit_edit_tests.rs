#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use aduan_domain::RegionLevel;

const PACK: &str = include_str!("../../../../../packs/jakarta.json");

/// The Jakarta pack with its offices (kota and kecamatan).
pub fn jakarta() -> Jurisdiction {
    let data: aduan_domain::JurisdictionData = serde_json::from_str(PACK).unwrap();
    Jurisdiction::new(data.with_offices()).unwrap()
}

fn input<'a>(code: &'a str, kind: &'a str, region: &'a str, parent: &'a str) -> NewUnitInput<'a> {
    NewUnitInput {
        code,
        name: "Kantor Baru",
        kind,
        region,
        parent,
    }
}

fn problem(j: &Jurisdiction, i: &NewUnitInput<'_>, field: &str) -> Option<Problem> {
    add_unit(j, i).expect_err("refused").get(field)
}

#[test]
fn a_well_formed_unit_is_added_and_the_data_still_hangs_together() {
    let j = jakarta();
    let edited = add_unit(
        &j,
        &input(
            "sudin-kesehatan-31.74",
            "suku_dinas",
            "31.74",
            "dinas-kesehatan",
        ),
    )
    .unwrap();
    assert!(
        edited.summary.contains("sudin-kesehatan-31.74"),
        "{}",
        edited.summary
    );
    let revised = Jurisdiction::new(edited.data).unwrap();
    let unit = revised
        .unit(&UnitCode::parse("sudin-kesehatan-31.74").unwrap())
        .unwrap();
    assert_eq!(unit.name, "Kantor Baru");
    assert_eq!(
        unit.parent.as_ref().map(UnitCode::as_str),
        Some("dinas-kesehatan")
    );

    // An agency needs neither region nor parent.
    assert!(add_unit(&j, &input("badan-baru", "dinas", "", "")).is_ok());
}

#[test]
fn codes_must_be_new_well_formed_and_not_reserved() {
    let j = jakarta();
    let taken = input("dinas-bina-marga", "dinas", "", "");
    assert_eq!(problem(&j, &taken, "code"), Some(Problem::CodeTaken));
    let bad = input("Dinas Baru", "dinas", "", "");
    assert_eq!(problem(&j, &bad, "code"), Some(Problem::BadCode));
    let reserved = input("baru", "dinas", "", "");
    assert_eq!(problem(&j, &reserved, "code"), Some(Problem::CodeReserved));
    let empty = input(" ", "dinas", "", "");
    assert_eq!(problem(&j, &empty, "code"), Some(Problem::Required));
    let nameless = NewUnitInput {
        name: "  ",
        ..input("dinas-x", "dinas", "", "")
    };
    assert_eq!(problem(&j, &nameless, "name"), Some(Problem::Required));
    let kindless = input("dinas-x", "kantor", "", "");
    assert_eq!(problem(&j, &kindless, "kind"), Some(Problem::UnknownKind));
}

#[test]
fn offices_need_a_region_of_their_level_without_an_office() {
    let j = jakarta();
    let none = input("kec-x", "kecamatan", "", "");
    assert_eq!(problem(&j, &none, "region"), Some(Problem::RegionNeeded));
    let wrong_level = input("kec-x", "kecamatan", "31.74", "");
    assert_eq!(
        problem(&j, &wrong_level, "region"),
        Some(Problem::RegionLevel(RegionLevel::Kecamatan))
    );
    let has_office = input("kec-x", "kecamatan", "31.74.01", "");
    assert_eq!(
        problem(&j, &has_office, "region"),
        Some(Problem::RegionHasOffice)
    );
    let unknown = input("kec-x", "kecamatan", "31.79.01", "");
    assert_eq!(
        problem(&j, &unknown, "region"),
        Some(Problem::UnknownRegion)
    );
    let garbage = input("kec-x", "dinas", "Tebet", "");
    assert_eq!(
        problem(&j, &garbage, "region"),
        Some(Problem::UnknownRegion)
    );
}

#[test]
fn parents_fit_the_kind() {
    let j = jakarta();
    let orphan = input("sudin-x", "suku_dinas", "31.74", "");
    assert_eq!(problem(&j, &orphan, "parent"), Some(Problem::ParentNeeded));
    let under_office = input("sudin-x", "suku_dinas", "31.74", "kecamatan-31.74.01");
    assert_eq!(
        problem(&j, &under_office, "parent"),
        Some(Problem::ParentKind)
    );
    let twice = input("sudin-x", "suku_dinas", "31.74", "dinas-bina-marga");
    assert_eq!(problem(&j, &twice, "region"), Some(Problem::BranchExists));
    let dinas_with_parent = input("dinas-x", "dinas", "", "dinas-bina-marga");
    assert_eq!(
        problem(&j, &dinas_with_parent, "parent"),
        Some(Problem::NoParent)
    );
    let unknown = input("dinas-x", "dinas", "", "dinas-tidak-ada");
    assert_eq!(problem(&j, &unknown, "parent"), Some(Problem::UnknownUnit));
    assert!(add_unit(&j, &input("satpol-x", "satpol_pp", "", "satpol-pp")).is_ok());
}

#[test]
fn renaming_changes_only_the_name() {
    let j = jakarta();
    let code = UnitCode::parse("dinas-bina-marga").unwrap();
    let edited = rename_unit(&j, &code, "  Dinas Jalan  ").unwrap();
    assert!(edited.summary.contains("Dinas Jalan"), "{}", edited.summary);
    let before = j.unit(&code).unwrap().clone();
    let revised = Jurisdiction::new(edited.data).unwrap();
    let after = revised.unit(&code).unwrap();
    assert_eq!(after.name, "Dinas Jalan");
    assert_eq!(
        (after.kind, &after.region, &after.parent),
        (before.kind, &before.region, &before.parent)
    );
    assert_eq!(revised.units().count(), j.units().count());

    let empty = rename_unit(&j, &code, "").unwrap_err();
    assert_eq!(empty.get("name"), Some(Problem::Required));
    let missing = UnitCode::parse("dinas-tidak-ada").unwrap();
    assert!(rename_unit(&j, &missing, "Nama").is_err());
}
