//! Adding a unit and renaming one, as pure changes of the jurisdiction's data. Nothing else
//! of a unit changes and none is deleted: reports, accounts and their history name units
//! by code, and where a report lands follows from a unit's kind and region.

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Jurisdiction, RegionCode, RegionLevel, Unit, UnitCode, UnitKind};

use super::problems::{Edited, Problem, Problems, name, not_reserved};

/// The add form as posted.
#[derive(Debug, Default)]
pub struct NewUnitInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    /// A region code, or empty for none.
    pub region: &'a str,
    /// A unit code, or empty for none.
    pub parent: &'a str,
}

/// The region level whose reports an office of this kind first receives.
pub fn office_level(kind: UnitKind) -> Option<RegionLevel> {
    match kind {
        UnitKind::Kelurahan => Some(RegionLevel::Kelurahan),
        UnitKind::Kecamatan => Some(RegionLevel::Kecamatan),
        UnitKind::Walikota => Some(RegionLevel::Kota),
        _ => None,
    }
}

fn new_code(j: &Jurisdiction, raw: &str) -> Result<UnitCode, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let code = UnitCode::parse(raw).map_err(|_| Problem::BadCode)?;
    not_reserved(raw)?;
    if j.unit(&code).is_some() {
        return Err(Problem::CodeTaken);
    }
    Ok(code)
}

fn optional_region(j: &Jurisdiction, raw: &str) -> Result<Option<RegionCode>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let code = RegionCode::parse(raw).map_err(|_| Problem::UnknownRegion)?;
    match j.region(&code) {
        Some(_) => Ok(Some(code)),
        None => Err(Problem::UnknownRegion),
    }
}

fn optional_unit<'j>(j: &'j Jurisdiction, raw: &str) -> Result<Option<&'j Unit>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let code = UnitCode::parse(raw).map_err(|_| Problem::UnknownUnit)?;
    j.unit(&code).map(Some).ok_or(Problem::UnknownUnit)
}

/// An office needs a region of its level that has no office yet (two would leave it
/// unclear who receives the region's reports); a Suku Dinas serves one kota.
fn region_fits(
    j: &Jurisdiction,
    kind: UnitKind,
    region: Option<&RegionCode>,
) -> Result<(), Problem> {
    let needed = match kind {
        UnitKind::SukuDinas => Some(RegionLevel::Kota),
        other => office_level(other),
    };
    let Some(level) = needed else {
        return Ok(());
    };
    let region = region.ok_or(Problem::RegionNeeded)?;
    if region.level() != level {
        return Err(Problem::RegionLevel(level));
    }
    let has_office = j
        .units()
        .any(|u| office_level(u.kind).is_some() && u.region.as_ref() == Some(region));
    if office_level(kind).is_some() && has_office {
        return Err(Problem::RegionHasOffice);
    }
    Ok(())
}

/// A Suku Dinas belongs to a Dinas; a Satpol PP office may belong to Satpol PP; nothing
/// else has a parent.
fn parent_fits(kind: UnitKind, parent: Option<&Unit>) -> Result<(), Problem> {
    match (kind, parent) {
        (UnitKind::SukuDinas, None) => Err(Problem::ParentNeeded),
        (UnitKind::SukuDinas, Some(p)) if p.kind != UnitKind::Dinas => Err(Problem::ParentKind),
        (UnitKind::SatpolPp, Some(p)) if p.kind != UnitKind::SatpolPp => Err(Problem::ParentKind),
        (UnitKind::SukuDinas | UnitKind::SatpolPp, _) => Ok(()),
        (_, Some(_)) => Err(Problem::NoParent),
        (_, None) => Ok(()),
    }
}

/// One branch of a parent per kota: the forward suggestion picks "the" one.
fn branch_is_new(
    j: &Jurisdiction,
    parent: Option<&Unit>,
    region: Option<&RegionCode>,
) -> Result<(), Problem> {
    let (Some(parent), Some(region)) = (parent, region) else {
        return Ok(());
    };
    let taken = j
        .units()
        .any(|u| u.parent.as_ref() == Some(&parent.code) && u.region.as_ref() == Some(region));
    if taken {
        Err(Problem::BranchExists)
    } else {
        Ok(())
    }
}

pub fn add_unit(j: &Jurisdiction, input: &NewUnitInput<'_>) -> Result<Edited, Problems> {
    let mut problems = Problems::default();
    let code = problems.check("code", new_code(j, input.code));
    let name = problems.check("name", name(input.name));
    let kind = problems.check(
        "kind",
        UnitKind::parse(input.kind.trim()).ok_or(Problem::UnknownKind),
    );
    let region = problems.check("region", optional_region(j, input.region));
    let parent = problems.check("parent", optional_unit(j, input.parent));
    if let (Some(kind), Some(region)) = (kind, &region) {
        problems.check("region", region_fits(j, kind, region.as_ref()));
    }
    if let (Some(kind), Some(parent)) = (kind, &parent) {
        problems.check("parent", parent_fits(kind, *parent));
    }
    if let (Some(parent), Some(region)) = (&parent, &region) {
        problems.check("region", branch_is_new(j, *parent, region.as_ref()));
    }
    let (Some(code), Some(name), Some(kind), Some(region), Some(parent), true) =
        (code, name, kind, region, parent, problems.is_empty())
    else {
        return Err(problems);
    };
    let unit = Unit {
        code,
        name,
        kind,
        region,
        parent: parent.map(|p| p.code.clone()),
    };
    let summary = format!(
        "added unit {} ({}, region {}, parent {}): {:?}",
        unit.code,
        unit.kind.code(),
        unit.region.as_ref().map_or("-", |r| r.as_str()),
        unit.parent.as_ref().map_or("-", |p| p.as_str()),
        unit.name
    );
    let mut data = j.to_data();
    data.units.push(unit);
    Ok(Edited { data, summary })
}

pub fn rename_unit(j: &Jurisdiction, code: &UnitCode, raw_name: &str) -> Result<Edited, Problems> {
    let mut problems = Problems::default();
    let new_name = problems.check("name", name(raw_name));
    let mut data = j.to_data();
    let unit = data.units.iter_mut().find(|u| &u.code == code);
    let (Some(new_name), Some(unit)) = (new_name, unit) else {
        problems.add("name", Problem::UnknownUnit);
        return Err(problems);
    };
    let summary = format!("unit {code}: name {:?} -> {new_name:?}", unit.name);
    unit.name = new_name;
    Ok(Edited { data, summary })
}

#[cfg(test)]
#[path = "unit_edit_tests.rs"]
mod tests;
