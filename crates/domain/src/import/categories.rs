//! Category names resolved to the catalog's categories; names the catalog does not have
//! become new categories, one per distinct name.

use std::collections::{BTreeSet, HashMap};

use crate::category::{Category, SlaTargets};
use crate::codes::{CategoryCode, UnitCode};
use crate::jurisdiction::Jurisdiction;
use crate::unit::UnitRole;

/// Longest slug a category code may be.
const MAX_CODE: usize = 64;

/// Categories by code and by folded name, growing as unknown names are met.
pub(super) struct Categories {
    by_code: HashMap<String, CategoryCode>,
    by_name: HashMap<String, CategoryCode>,
    taken: BTreeSet<String>,
    /// Who holds reports of a category the catalog did not know.
    fallback_unit: Option<UnitCode>,
    created: Vec<Category>,
}

fn fold(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A code from a name: lower-case ASCII letters and digits, other runs as one '-'.
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(MAX_CODE - 4);
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "kategori".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The unit that takes what nothing else claims: the one responsible for the category the
/// jurisdiction files uncategorised reports under, else the first unit that is neither the
/// validation team nor a regional office.
fn fallback_unit(j: &Jurisdiction) -> Option<UnitCode> {
    j.settings
        .default_category
        .as_ref()
        .and_then(|c| j.category(c))
        .map(|c| c.responsible_unit.clone())
        .or_else(|| {
            j.units()
                .find(|u| {
                    !matches!(
                        j.unit_role(u),
                        UnitRole::Validation | UnitRole::RegionOffice
                    )
                })
                .map(|u| u.code.clone())
        })
}

impl Categories {
    pub fn new(j: &Jurisdiction) -> Self {
        let mut by_code = HashMap::new();
        let mut by_name = HashMap::new();
        for c in j.categories() {
            by_code.insert(c.code.as_str().to_owned(), c.code.clone());
            by_name
                .entry(fold(&c.name))
                .or_insert_with(|| c.code.clone());
        }
        Self {
            taken: by_code.keys().cloned().collect(),
            by_code,
            by_name,
            fallback_unit: fallback_unit(j),
            created: Vec::new(),
        }
    }

    /// The category called `raw` (its Indonesian name in any case, or its code); a name
    /// seen for the first time becomes a new category.
    pub fn resolve(&mut self, raw: &str) -> Result<CategoryCode, String> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("category is empty".into());
        }
        if let Some(code) = self.by_code.get(&name) {
            return Ok(code.clone());
        }
        let folded = name.to_lowercase();
        if let Some(code) = self.by_name.get(&folded) {
            return Ok(code.clone());
        }
        let Some(unit) = self.fallback_unit.clone() else {
            return Err(format!(
                "category {name:?} is new and the jurisdiction has no unit to hold it"
            ));
        };
        let base = slug(&name);
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        let code = CategoryCode::parse(&candidate).map_err(|e| e.to_string())?;
        self.taken.insert(candidate);
        self.by_name.insert(folded, code.clone());
        self.created.push(Category {
            code: code.clone(),
            name_en: name.clone(),
            name,
            responsible_unit: unit,
            sla: SlaTargets::default(),
            keywords: Vec::new(),
            icon: None,
        });
        Ok(code)
    }

    /// The categories created, in the order their names were first met.
    pub fn into_created(self) -> Vec<Category> {
        self.created
    }
}
