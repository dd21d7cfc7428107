//! The choices the report forms offer: categories by name, and the places a report can be
//! filed in, grouped by the region they lie in.

use std::collections::BTreeMap;

use aduan_domain::{Jurisdiction, RegionCode, RegionLevel};

use super::{Lang, Texts};

pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// Kelurahan of one kecamatan (or kecamatan of one kota): an `<optgroup>`.
pub struct Group {
    pub label: String,
    pub options: Vec<Choice>,
}

pub fn categories(j: &Jurisdiction, lang: Lang, selected: &str) -> Vec<Choice> {
    let mut out: Vec<Choice> = j
        .categories()
        .map(|c| Choice {
            code: c.code.to_string(),
            name: match lang {
                Lang::Id => c.name.clone(),
                Lang::En => c.name_en.clone(),
            },
            selected: c.code.as_str() == selected,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The places a report can be filed in: the finest loaded level whose regions have an
/// office to receive it, grouped by the region they lie in.
pub fn places(j: &Jurisdiction, t: &Texts, selected: &str) -> (&'static str, Vec<Group>) {
    let (level, label) = if j.has_level(RegionLevel::Kelurahan) {
        (RegionLevel::Kelurahan, t.kelurahan)
    } else if j.has_level(RegionLevel::Kecamatan) {
        (RegionLevel::Kecamatan, t.kecamatan)
    } else {
        (RegionLevel::Kota, t.region)
    };
    let name = |code: Option<RegionCode>| {
        code.and_then(|c| j.region(&c).map(|r| r.name.clone()))
            .unwrap_or_default()
    };
    let mut groups: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    for r in j
        .regions()
        .filter(|r| r.level == level && j.first_receiver(&r.code).is_some())
    {
        let parent = r.parent();
        let label = match parent.as_ref().map(|p| p.level()) {
            Some(RegionLevel::Kecamatan) => format!(
                "{}, {}",
                name(parent.clone()),
                name(parent.as_ref().and_then(|p| p.parent()))
            ),
            Some(_) => name(parent),
            None => String::new(),
        };
        groups.entry(label).or_default().push(Choice {
            code: r.code.to_string(),
            name: r.name.clone(),
            selected: r.code.as_str() == selected,
        });
    }
    let groups = groups
        .into_iter()
        .map(|(label, mut options)| {
            options.sort_by(|a, b| a.name.cmp(&b.name));
            Group { label, options }
        })
        .collect();
    (label, groups)
}
