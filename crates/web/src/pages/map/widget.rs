//! The slippy map as a page embeds it (`templates/map_widget.html`): a hidden element the
//! script turns into the map, with what the script needs in `data-` attributes. Without
//! JavaScript it stays hidden and the page's own fields and lists do the work.

use crate::map_tiles::MapConfig;

use super::texts::PetaTexts;
use super::{OUTLINES_PATH, RESOLVE_PATH, SCRIPT_PATH, script_version};

/// What the map does: place a pin for a form, or show a list's reports as pins.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pick,
    List,
}

pub struct MapWidget {
    pub id: &'static str,
    pub mode: &'static str,
    pub tiles: String,
    pub attribution: String,
    pub outlines: String,
    pub resolve: &'static str,
    pub script: String,
    pub label: &'static str,
    pub help: &'static str,
    /// The CSS selector of the list whose items are the pins (list mode).
    pub list: &'static str,
    pub pt: &'static PetaTexts,
}

impl MapWidget {
    /// The map for `mode`; `boundaries`: whether the regions' outlines are loaded.
    pub fn new(config: &MapConfig, pt: &'static PetaTexts, mode: Mode, boundaries: bool) -> Self {
        let (id, mode, label, help) = match mode {
            Mode::Pick => ("peta-lokasi", "pick", pt.pick_label, pt.pick_help),
            Mode::List => ("peta-antrean", "list", pt.queue_label, pt.queue_help),
        };
        Self {
            id,
            mode,
            tiles: config
                .tiles
                .as_ref()
                .map(|t| t.template().to_owned())
                .unwrap_or_default(),
            attribution: config.attribution.clone(),
            outlines: if boundaries {
                OUTLINES_PATH.to_owned()
            } else {
                String::new()
            },
            resolve: RESOLVE_PATH,
            script: format!("{SCRIPT_PATH}?v={}", script_version()),
            label,
            help,
            list: "#peta-daftar",
            pt,
        }
    }
}
