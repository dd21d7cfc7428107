//! The units a report can go to from here, as the workflow allows: forwarded anywhere but the
//! validation team (the suggested unit first, then agencies and the region offices of the
//! report's own kota, not every kelurahan of the city), disposed only to the holding unit's
//! own offices. Which is which follows from each unit's role (`Jurisdiction::unit_role`).

use aduan_domain::report::Report;
use aduan_domain::{Jurisdiction, Unit, UnitRole};

use super::StaffTexts;
use crate::pages::Lang;

pub struct UnitOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// An `<optgroup>` of units.
pub struct UnitGroup {
    pub label: String,
    pub options: Vec<UnitOption>,
}

/// The units `report` may be disposed to: the holding unit's own offices (a Dinas's Suku
/// Dinas), the suggested one first.
pub fn dispose_choices(j: &Jurisdiction, report: &Report, lang: Lang) -> Vec<UnitGroup> {
    let suggested = suggested(j, report);
    let mut options: Vec<UnitOption> = j
        .units()
        .filter(|u| u.parent.as_ref() == Some(&report.holding_unit))
        .map(|u| UnitOption {
            selected: Some(&u.code) == suggested.map(|s| &s.code),
            ..option(j, u)
        })
        .collect();
    options.sort_by(|a, b| a.name.cmp(&b.name));
    if options.is_empty() {
        return Vec::new();
    }
    vec![UnitGroup {
        label: StaffTexts::of(lang).unit_group_offices.to_owned(),
        options,
    }]
}

fn suggested<'j>(j: &'j Jurisdiction, report: &Report) -> Option<&'j Unit> {
    j.category(&report.category)
        .and_then(|c| j.suggested_unit(c, &report.region))
        .filter(|u| u.code != report.holding_unit)
}

fn option(j: &Jurisdiction, u: &Unit) -> UnitOption {
    UnitOption {
        code: u.code.to_string(),
        name: unit_label(j, u),
        selected: false,
    }
}

/// A unit's name as a select shows it on a phone: a branch, whose name ends with its region's
/// ("Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan"), is named region first and
/// short ("Jakarta Selatan: Suku Dinas Bina Marga"), so what tells the branches apart is
/// never the part cut off.
pub fn unit_label(j: &Jurisdiction, u: &Unit) -> String {
    let region = u.region.as_ref().and_then(|code| j.region(code));
    let (Some(region), UnitRole::Branch) = (region, j.unit_role(u)) else {
        return u.name.clone();
    };
    [region.name.as_str(), region.short_name()]
        .into_iter()
        .find_map(|suffix| u.name.strip_suffix(suffix))
        .map(str::trim_end)
        .filter(|rest| !rest.is_empty())
        .map_or_else(
            || u.name.clone(),
            |rest| format!("{}: {rest}", region.short_name()),
        )
}

/// The units `report` may be forwarded to: the suggested one first, then the agencies and
/// the region offices of its kota; not the current unit, not the validation team.
pub fn forward_choices(j: &Jurisdiction, report: &Report, lang: Lang) -> Vec<UnitGroup> {
    let st = StaffTexts::of(lang);
    let territorial = |u: &Unit| j.unit_role(u) == UnitRole::RegionOffice;
    let suggested = suggested(j, report);
    let kota = report.region.lineage().pop();
    let offices: Vec<&Unit> = j
        .units()
        .filter(|u| u.code != report.holding_unit && !territorial(u))
        .filter(|u| {
            j.unit_role(u) != UnitRole::Validation && Some(&u.code) != suggested.map(|s| &s.code)
        })
        .collect();
    let mut territory: Vec<&Unit> = j
        .units()
        .filter(|u| u.code != report.holding_unit && territorial(u))
        .filter(|u| Some(&u.code) != suggested.map(|s| &s.code))
        .filter(|u| u.region.as_ref().is_some_and(|r| r.lineage().pop() == kota))
        .collect();
    territory.sort_by(|a, b| (a.kind.code(), &a.name).cmp(&(b.kind.code(), &b.name)));
    let mut groups = Vec::new();
    if let Some(unit) = suggested {
        groups.push(UnitGroup {
            label: st.unit_suggested.to_owned(),
            options: vec![UnitOption {
                selected: true,
                ..option(j, unit)
            }],
        });
    }
    let mut offices: Vec<UnitOption> = offices.into_iter().map(|u| option(j, u)).collect();
    offices.sort_by(|a, b| a.name.cmp(&b.name));
    groups.push(UnitGroup {
        label: st.unit_group_offices.to_owned(),
        options: offices,
    });
    groups.push(UnitGroup {
        label: st.unit_group_territory.to_owned(),
        options: territory.into_iter().map(|u| option(j, u)).collect(),
    });
    groups.retain(|g| !g.options.is_empty());
    groups
}
