//! Adding a unit and renaming one, as pure changes of the jurisdiction's data. Nothing else
//! of a unit changes and none is deleted: reports, accounts and their history name units
//! by code, and where a report lands follows from a unit's kind and region.
//!
//! A new unit is of a kind the city lists (`settings.unit_kinds`), and fits it: the region of
//! the kind's level, one office per region for a region office, a parent of the kind's
//! parent kind (required for a branch), no parent for a kind that names none.

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Jurisdiction, RegionCode, Unit, UnitCode, UnitKindDef, UnitRole};

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

/// The kind the form names, among those this city lists.
fn listed_kind<'j>(j: &'j Jurisdiction, raw: &str) -> Result<&'j UnitKindDef, Problem> {
    j.unit_kind(raw.trim()).ok_or(Problem::UnknownKind)
}

/// A region office and a branch serve a region, and a kind with a level one of that level
/// (a Kantor Kecamatan its kecamatan, a Suku Dinas its kota); a region office's region has no
/// office yet (two would leave it unclear who receives the region's reports).
fn region_fits(
    j: &Jurisdiction,
    kind: &UnitKindDef,
    region: Option<&RegionCode>,
) -> Result<(), Problem> {
    let office = kind.role == UnitRole::RegionOffice;
    if kind.level.is_none() && !matches!(kind.role, UnitRole::RegionOffice | UnitRole::Branch) {
        return Ok(());
    }
    let region = region.ok_or(Problem::RegionNeeded)?;
    if let Some(level) = kind.level
        && region.level() != level
    {
        return Err(Problem::RegionLevel(level));
    }
    let has_office = j
        .units()
        .any(|u| j.unit_role(u) == UnitRole::RegionOffice && u.region.as_ref() == Some(region));
    if office && has_office {
        return Err(Problem::RegionHasOffice);
    }
    Ok(())
}

/// A unit's parent is of its kind's parent kind (a Suku Dinas's a Dinas, a kota's Satpol
/// PP's Satpol PP): a branch needs one, another kind may have one, and a kind that names no
/// parent kind has no parent.
fn parent_fits(kind: &UnitKindDef, parent: Option<&Unit>) -> Result<(), Problem> {
    match (kind.parent, parent) {
        (None, Some(_)) => Err(Problem::NoParent),
        (None, None) => Ok(()),
        (Some(_), None) if kind.role == UnitRole::Branch => Err(Problem::ParentNeeded),
        (Some(_), None) => Ok(()),
        (Some(parent_kind), Some(p)) if p.kind != parent_kind => Err(Problem::ParentKind),
        (Some(_), Some(_)) => Ok(()),
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
    let kind = problems.check("kind", listed_kind(j, input.kind));
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
        kind: kind.kind,
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
