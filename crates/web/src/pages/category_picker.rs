//! The category picker of `/lapor`: every category as a radio with its icon and name (all of
//! them, without JavaScript), and a search box its script (`templates/category_picker.js`,
//! inline, allowed by its hash) shows to hide those that do not match what is typed.

use std::collections::BTreeSet;

use aduan_domain::Jurisdiction;
use aduan_domain::category_icon::icon_of;
use aduan_domain::category_search::search_terms;

use super::Lang;
use super::category_icons::drawing;

/// The script that filters the list as the citizen types.
pub const SCRIPT: &str = include_str!("../../templates/category_picker.js");

/// One category as the picker shows it.
pub struct Pick {
    pub code: String,
    pub name: String,
    pub icon: &'static str,
    /// Folded names and keywords the script matches what is typed against.
    pub terms: String,
    pub selected: bool,
}

/// The picker: its categories, and the icons they use as `(name, drawing)` for the sprite.
pub struct Picker {
    pub picks: Vec<Pick>,
    pub icons: Vec<(&'static str, &'static str)>,
    pub t: &'static PickerTexts,
    pub script: &'static str,
}

impl Picker {
    /// The jurisdiction's categories by name in the reader's language, `selected` checked.
    pub fn new(j: &Jurisdiction, lang: Lang, selected: &str) -> Self {
        let mut picks: Vec<Pick> = j
            .categories()
            .map(|c| Pick {
                code: c.code.to_string(),
                name: match lang {
                    Lang::Id => c.name.clone(),
                    Lang::En => c.name_en.clone(),
                },
                icon: icon_of(c),
                terms: search_terms(c),
                selected: c.code.as_str() == selected,
            })
            .collect();
        picks.sort_by(|a, b| a.name.cmp(&b.name));
        let used: BTreeSet<&'static str> = picks.iter().map(|p| p.icon).collect();
        Self {
            picks,
            icons: used.into_iter().map(|i| (i, drawing(i))).collect(),
            t: PickerTexts::of(lang),
            script: SCRIPT,
        }
    }
}

/// What the picker says; `count` and `none` are read by the script (`{n}`: how many show).
pub struct PickerTexts {
    pub search: &'static str,
    pub search_hint: &'static str,
    pub count: &'static str,
    pub none: &'static str,
}

static ID: PickerTexts = PickerTexts {
    search: "Cari kategori",
    search_hint: "Ketik masalahnya, misalnya pohon, got atau lampu.",
    count: "{n} kategori",
    none: "Tidak ada kategori yang cocok. Coba kata lain, atau hapus pencarian untuk melihat \
           semua kategori.",
};

static EN: PickerTexts = PickerTexts {
    search: "Search categories",
    search_hint: "Type the problem, for example tree, drain or lamp.",
    count: "{n} categories",
    none: "No category matches. Try another word, or clear the search to see every category.",
};

impl PickerTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }
}
