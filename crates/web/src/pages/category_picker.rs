//! The category picker of `/lapor`: every category as a radio with its icon and name (all of
//! them, without JavaScript), the most reported lately first (`crate::popular`), then the
//! rest by name. Its script (`templates/category_picker.js`, inline, allowed by its hash)
//! shows only those leading ones and "Tampilkan semua kategori" until asked, and a search
//! box that hides the categories that do not match what is typed.

use std::collections::BTreeSet;

use aduan_domain::category_icon::icon_of;
use aduan_domain::category_search::search_terms;
use aduan_domain::{CategoryCode, Jurisdiction};

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
    /// One of the most reported lately: shown before "all categories" is asked for.
    pub common: bool,
}

/// The picker: its categories, and the icons they use as `(name, drawing)` for the sprite.
pub struct Picker {
    pub picks: Vec<Pick>,
    pub icons: Vec<(&'static str, &'static str)>,
    pub t: &'static PickerTexts,
    pub script: &'static str,
    /// "Tampilkan semua kategori (N)", when some lead.
    pub show_all: Option<String>,
}

impl Picker {
    /// The jurisdiction's categories, `common` first in its order (the most reported), the
    /// rest by name in the reader's language; `selected` checked.
    pub fn new(j: &Jurisdiction, lang: Lang, selected: &str, common: &[CategoryCode]) -> Self {
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
                common: false,
            })
            .collect();
        picks.sort_by(|a, b| a.name.cmp(&b.name));
        let rank = |pick: &Pick| common.iter().position(|c| c.as_str() == pick.code);
        for pick in &mut picks {
            pick.common = rank(pick).is_some();
        }
        // Stable: the leading ones by rank, the rest keep their order by name.
        picks.sort_by_key(|pick| rank(pick).unwrap_or(usize::MAX));
        let t = PickerTexts::of(lang);
        let show_all = picks
            .iter()
            .any(|p| p.common)
            .then(|| t.show_all.replace("{n}", &picks.len().to_string()));
        let used: BTreeSet<&'static str> = picks.iter().map(|p| p.icon).collect();
        Self {
            picks,
            icons: used.into_iter().map(|i| (i, drawing(i))).collect(),
            t,
            script: SCRIPT,
            show_all,
        }
    }
}

/// What the picker says; `count` and `none` are read by the script (`{n}`: how many show).
pub struct PickerTexts {
    pub search: &'static str,
    pub search_hint: &'static str,
    pub count: &'static str,
    pub none: &'static str,
    /// The button that shows every category (`{n}`: how many there are).
    show_all: &'static str,
    /// Above the leading tiles: what they are.
    pub common_hint: &'static str,
}

static ID: PickerTexts = PickerTexts {
    search: "Cari kategori",
    search_hint: "Ketik masalahnya, misalnya pohon, got atau lampu.",
    count: "{n} kategori",
    none: "Tidak ada kategori yang cocok. Coba kata lain, atau hapus pencarian untuk melihat \
           semua kategori.",
    show_all: "Tampilkan semua kategori ({n})",
    common_hint: "Paling sering dilaporkan:",
};

static EN: PickerTexts = PickerTexts {
    search: "Search categories",
    search_hint: "Type the problem, for example tree, drain or lamp.",
    count: "{n} categories",
    none: "No category matches. Try another word, or clear the search to see every category.",
    show_all: "Show every category ({n})",
    common_hint: "Most often reported:",
};

impl PickerTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }
}
