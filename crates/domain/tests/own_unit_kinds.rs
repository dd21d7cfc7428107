//! A city brings its own kinds of unit: a made-up kabupaten (packs/tests/sukamaju.json) whose
//! kinds are all new to the code (a Kantor Bupati and a Kantor Camat as region offices, UPTD,
//! a verification team) routes, forwards and labels with no code of its own.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use aduan_domain::workflow::{Context, ReportFacts, WorkflowError, decide};
use aduan_domain::{
    Action, Actor, Jurisdiction, JurisdictionData, RegionCode, ReportState, Role, Ticket, UnitCode,
    UnitKind, UnitRole, UserId, Visibility,
};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/tests/sukamaju.json"
));

fn pack() -> JurisdictionData {
    serde_json::from_str(PACK).unwrap()
}

fn sukamaju() -> Jurisdiction {
    Jurisdiction::new(pack().with_offices()).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

#[test]
fn a_report_goes_to_the_office_of_its_region_whatever_the_kind_is_called() {
    let j = sukamaju();
    // A desa of a kecamatan with a Kantor Camat: the camat's office.
    let cikaret = j.first_receiver(&region("32.99.01.2001")).unwrap();
    assert_eq!(cikaret.code, unit("camat-32.99.01"));
    assert_eq!(j.unit_role(cikaret), UnitRole::RegionOffice);
    // Elsewhere in the kabupaten: the Kantor Bupati its template gives.
    let sukaresmi = j.first_receiver(&region("32.99.02.2001")).unwrap();
    assert_eq!(sukaresmi.code, unit("bupati-32.99"));
    assert_eq!(sukaresmi.name, "Kantor Bupati Sukamaju");
    assert_eq!(sukaresmi.kind, kind("kantor_bupati"));
    // The UPTD has a region too, but it is a service, not the region's office.
    let uptd = j.units().find(|u| u.kind == kind("uptd")).unwrap();
    assert_eq!(j.unit_role(uptd), UnitRole::Service);
    assert_eq!(uptd.region, Some(region("32.99.01")));
}

#[test]
fn the_kinds_are_labelled_by_the_pack() {
    let j = sukamaju();
    let labels: Vec<(&str, &str, &str)> = j
        .unit_kinds()
        .iter()
        .map(|k| (k.kind.code(), k.label.as_str(), k.label_en.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("kantor_bupati", "Kantor Bupati", "Regent's office"),
            ("kantor_camat", "Kantor Camat", "District head's office"),
            ("perangkat_daerah", "Perangkat Daerah", "Regional agency"),
            ("uptd", "UPTD", "Regional technical unit"),
            ("tim_verifikasi", "Tim Verifikasi", "Verification team"),
        ]
    );
    assert_eq!(j.unit_kind_label(kind("uptd"), false), Some("UPTD"));
    assert_eq!(
        j.unit_kind_label(kind("kantor_bupati"), true),
        Some("Regent's office")
    );
    // A kind without a role in the pack is a service.
    assert_eq!(j.kind_role(kind("perangkat_daerah")), UnitRole::Service);
    assert_eq!(j.kind_role(kind("tim_verifikasi")), UnitRole::Validation);
}

#[test]
fn a_coordinator_forwards_to_an_uptd_and_never_to_the_verification_team() {
    let j = sukamaju();
    let ticket = Ticket::parse("SKM2611280001").unwrap();
    let office = unit("bupati-32.99");
    let report = ReportFacts {
        ticket: &ticket,
        state: ReportState::Waiting,
        holding_unit: &office,
        reporter: Some(UserId(7)),
        visibility: Visibility::Private,
        coordinated: false,
    };
    let coordinator = Actor {
        user: UserId(1),
        role: Role::Coordinator,
        unit: None,
    };
    let ctx = Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        units: &j,
    };
    let to_uptd = Action::Forward {
        to: unit("uptd-jalan-cikaret"),
    };
    let moved = decide(&report, &to_uptd, &coordinator, &ctx).unwrap();
    assert_eq!(moved.to, ReportState::Coordination);
    assert_eq!(moved.new_holding_unit, Some(unit("uptd-jalan-cikaret")));
    let to_verifiers = Action::Forward {
        to: unit("tim-verifikasi"),
    };
    assert!(matches!(
        decide(&report, &to_verifiers, &coordinator, &ctx),
        Err(WorkflowError::Invalid { field: "unit", .. })
    ));
}

#[test]
fn a_unit_of_a_kind_the_pack_does_not_list_is_refused() {
    let mut data = pack();
    data.units[1].kind = kind("dinas");
    let refused = Jurisdiction::new(data.clone()).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("unit dinas-pupr is of kind dinas"),
        "{refused}"
    );
    // Read back from a store (a pack imported again without the kind), it is a service.
    let stored = Jurisdiction::stored(data).unwrap();
    let dinas = stored
        .units()
        .find(|u| u.code == unit("dinas-pupr"))
        .unwrap();
    assert_eq!(stored.unit_role(dinas), UnitRole::Service);
    assert_eq!(stored.unit_kind_label(dinas.kind, false), None);

    let mut template = pack();
    template.settings.office_templates[0].kind = kind("kantor_walikota");
    let refused = Jurisdiction::new(template).unwrap_err();
    assert!(refused.to_string().contains("kantor_walikota"), "{refused}");
}

#[test]
fn a_validation_team_cannot_answer_for_a_category_whatever_its_kind_is_called() {
    let mut data = pack();
    data.categories[0].responsible_unit = unit("tim-verifikasi");
    let refused = Jurisdiction::new(data).unwrap_err();
    assert!(
        refused.to_string().contains("the validation team"),
        "{refused}"
    );
}
