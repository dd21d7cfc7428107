//! Adding a category and changing one (names, responsible unit, SLA targets, icon), as pure
//! changes of the jurisdiction's data. A category's code never changes and none is
//! deleted: reports name their category by code. Its keywords stay as the pack gave them.

use aduan_domain::category_icon::is_icon;
use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Category, CategoryCode, Jurisdiction, SlaTargets, Unit, UnitCode, UnitRole};

use super::problems::{
    Edited, MAX_COMPLETION_HOURS, MAX_COORDINATION_HOURS, Problem, Problems, hours, name,
    not_reserved,
};

/// The category form as posted.
#[derive(Debug, Default)]
pub struct CategoryInput<'a> {
    pub name: &'a str,
    pub name_en: &'a str,
    pub responsible_unit: &'a str,
    pub coordination_hours: &'a str,
    pub completion_hours: &'a str,
    /// One of aduan's icons (`category_icon::ICONS`), or empty: guessed from the name.
    pub icon: &'a str,
}

/// Who may answer for a kind of problem: a service unit (a Dinas, Badan or Biro, Satpol PP or
/// another agency). Region offices receive reports first, a branch (a Suku Dinas) takes them
/// from its parent, the validation team checks them.
pub fn may_be_responsible(j: &Jurisdiction, unit: &Unit) -> bool {
    j.unit_role(unit) == UnitRole::Service
}

struct Checked {
    name: String,
    name_en: String,
    responsible_unit: UnitCode,
    sla: SlaTargets,
    icon: Option<String>,
}

/// The icon named, checked against those aduan draws; none: guessed from the name.
fn icon(raw: &str) -> Result<Option<String>, Problem> {
    match raw.trim() {
        "" => Ok(None),
        name if is_icon(name) => Ok(Some(name.to_owned())),
        _ => Err(Problem::UnknownIcon),
    }
}

fn responsible(
    j: &Jurisdiction,
    raw: &str,
    current: Option<&Category>,
) -> Result<UnitCode, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let code = UnitCode::parse(raw).map_err(|_| Problem::UnknownUnit)?;
    let unit = j.unit(&code).ok_or(Problem::UnknownUnit)?;
    // A data set may have made another kind responsible; keeping it is no change.
    let unchanged = current.is_some_and(|c| c.responsible_unit == code);
    if may_be_responsible(j, unit) || unchanged {
        Ok(code)
    } else {
        Err(Problem::CannotBeResponsible)
    }
}

/// A name no other category has (the channels' category hints match by name).
fn unique_name(
    j: &Jurisdiction,
    raw: &str,
    current: Option<&CategoryCode>,
    of: fn(&Category) -> &str,
) -> Result<String, Problem> {
    let name = name(raw)?;
    let taken = j
        .categories()
        .filter(|c| Some(&c.code) != current)
        .any(|c| of(c).to_lowercase() == name.to_lowercase());
    if taken {
        Err(Problem::NameTaken)
    } else {
        Ok(name)
    }
}

fn check(
    j: &Jurisdiction,
    input: &CategoryInput<'_>,
    current: Option<&Category>,
    mut problems: Problems,
) -> Result<Checked, Problems> {
    let code = current.map(|c| &c.code);
    let name = problems.check("name", unique_name(j, input.name, code, |c| &c.name));
    let name_en = problems.check(
        "name_en",
        unique_name(j, input.name_en, code, |c| &c.name_en),
    );
    let unit = problems.check(
        "responsible_unit",
        responsible(j, input.responsible_unit, current),
    );
    let coordination = problems.check(
        "coordination_hours",
        hours(input.coordination_hours, MAX_COORDINATION_HOURS),
    );
    let completion = problems.check(
        "completion_hours",
        hours(input.completion_hours, MAX_COMPLETION_HOURS),
    );
    let icon = problems.check("icon", icon(input.icon));
    if let (Some(coordination), Some(completion)) = (coordination, completion)
        && coordination > completion
    {
        problems.add("coordination_hours", Problem::CoordinationAfterCompletion);
    }
    match (name, name_en, unit, coordination, completion, icon) {
        (Some(name), Some(name_en), Some(responsible_unit), Some(c), Some(d), Some(icon))
            if problems.is_empty() =>
        {
            Ok(Checked {
                name,
                name_en,
                responsible_unit,
                sla: SlaTargets {
                    coordination_hours: c,
                    completion_hours: d,
                },
                icon,
            })
        }
        _ => Err(problems),
    }
}

fn new_code(j: &Jurisdiction, raw: &str) -> Result<CategoryCode, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let code = CategoryCode::parse(raw).map_err(|_| Problem::BadCode)?;
    not_reserved(raw)?;
    if j.category(&code).is_some() {
        return Err(Problem::CodeTaken);
    }
    Ok(code)
}

pub fn add_category(
    j: &Jurisdiction,
    raw_code: &str,
    input: &CategoryInput<'_>,
) -> Result<Edited, Problems> {
    let mut problems = Problems::default();
    let code = problems.check("code", new_code(j, raw_code));
    let checked = check(j, input, None, problems)?;
    let Some(code) = code else {
        // Unreachable: a code problem makes `check` refuse.
        return Err(Problems::default());
    };
    let summary = format!(
        "added category {code} {:?}/{:?}: responsible {}, coordination {} h, completion {} h",
        checked.name,
        checked.name_en,
        checked.responsible_unit,
        checked.sla.coordination_hours,
        checked.sla.completion_hours
    );
    let mut data = j.to_data();
    data.categories.push(Category {
        code,
        name: checked.name,
        name_en: checked.name_en,
        responsible_unit: checked.responsible_unit,
        sla: checked.sla,
        keywords: Vec::new(),
        icon: checked.icon,
    });
    Ok(Edited { data, summary })
}

pub fn change_category(
    j: &Jurisdiction,
    code: &CategoryCode,
    input: &CategoryInput<'_>,
) -> Result<Edited, Problems> {
    let current = j.category(code);
    let mut problems = Problems::default();
    if current.is_none() {
        problems.add("code", Problem::UnknownCategory);
    }
    let checked = check(j, input, current, problems)?;
    let mut data = j.to_data();
    let Some(category) = data.categories.iter_mut().find(|c| &c.code == code) else {
        return Err(Problems::default());
    };
    let mut changes = Vec::new();
    if category.name != checked.name {
        changes.push(format!("name {:?} -> {:?}", category.name, checked.name));
    }
    if category.name_en != checked.name_en {
        changes.push(format!(
            "name_en {:?} -> {:?}",
            category.name_en, checked.name_en
        ));
    }
    if category.responsible_unit != checked.responsible_unit {
        changes.push(format!(
            "responsible_unit {} -> {}",
            category.responsible_unit, checked.responsible_unit
        ));
    }
    let (old, new) = (category.sla, checked.sla);
    if old.coordination_hours != new.coordination_hours {
        changes.push(format!(
            "coordination_hours {} -> {}",
            old.coordination_hours, new.coordination_hours
        ));
    }
    if old.completion_hours != new.completion_hours {
        changes.push(format!(
            "completion_hours {} -> {}",
            old.completion_hours, new.completion_hours
        ));
    }
    if category.icon != checked.icon {
        let shown = |icon: &Option<String>| icon.clone().unwrap_or_else(|| "guessed".into());
        changes.push(format!(
            "icon {} -> {}",
            shown(&category.icon),
            shown(&checked.icon)
        ));
    }
    if changes.is_empty() {
        changes.push("nothing changed".to_owned());
    }
    category.name = checked.name;
    category.name_en = checked.name_en;
    category.responsible_unit = checked.responsible_unit;
    category.sla = checked.sla;
    category.icon = checked.icon;
    Ok(Edited {
        data,
        summary: format!("category {code}: {}", changes.join(", ")),
    })
}

#[cfg(test)]
#[path = "category_edit_tests.rs"]
mod tests;
