//! Values for the crate's unit tests: a report and the actors around it, the Jakarta pack.

use chrono::DateTime;

use crate::report::Report;
use crate::role::{Actor, Role};
use crate::state::ReportState;
use crate::unit::{UnitKind, UnitKindDef, UnitRole};
use crate::workflow::Visibility;
use crate::{
    CategoryCode, Channel, Jurisdiction, JurisdictionData, RegionCode, ReportId, Ticket, UnitCode,
    UserId,
};

/// The Jakarta pack, as the tests of what a city configures read it.
pub fn jakarta() -> Jurisdiction {
    let data: JurisdictionData =
        serde_json::from_str(include_str!("../../../packs/jakarta.json")).unwrap();
    Jurisdiction::new(data).unwrap()
}

/// A channel by its code.
pub fn channel(code: &str) -> Channel {
    Channel::parse(code).unwrap()
}

pub fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

pub fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

/// Kinds of unit labelled by their codes, with their roles.
pub fn unit_kinds(kinds: &[(&str, UnitRole)]) -> Vec<UnitKindDef> {
    kinds
        .iter()
        .map(|&(code, role)| UnitKindDef {
            kind: kind(code),
            label: code.to_owned(),
            label_en: code.to_owned(),
            role,
            level: None,
            parent: None,
        })
        .collect()
}

pub fn report(state: ReportState, visibility: Visibility) -> Report {
    let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    Report {
        id: ReportId(7),
        ticket: Ticket::parse("JK2611280001").unwrap(),
        state,
        category: CategoryCode::parse("jalan").unwrap(),
        description: "Jalan berlubang".into(),
        staff_description: None,
        location: None,
        region: RegionCode::parse("31.74.01").unwrap(),
        address: None,
        channel: channel("jaki"),
        first_receiver: unit("kecamatan-31.74.01"),
        holding_unit: unit("sudin-bina-marga-31.74"),
        visibility,
        reporter: Some(UserId(1)),
        entered_by: Some(UserId(2)),
        created_at: at,
        updated_at: at,
        coordinated_at: None,
        completed_at: None,
        estimated_completion: None,
        duplicate_of: None,
        referred_to: None,
        version: 1,
    }
}

pub fn actor(user: i64, role: Role, unit_code: Option<&str>) -> Actor {
    Actor {
        user: UserId(user),
        role,
        unit: unit_code.map(unit),
    }
}
