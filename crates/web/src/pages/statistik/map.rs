//! The choropleth: report counts rolled up to one level of regions, each region shaded in
//! one of a few classes from light to dark blue; drawn from the loaded boundaries, or as a
//! schematic of equal tiles when none are loaded.

use aduan_domain::stats::choropleth::{Classes, roll_up};
use aduan_domain::{Jurisdiction, RegionCode, RegionLevel};

use crate::region_shapes::{Area, Panel, RegionMap};

use super::numbers::Numbers;
use super::texts::StatsTexts;

/// How many shades of blue a region with reports can get.
pub const CLASSES: u64 = 5;

/// A region drawn from its boundary, shaded.
pub struct ShadedArea<'a> {
    pub area: &'a Area,
    pub class: u64,
    pub title: String,
}

pub struct ShadedPanel<'a> {
    pub panel: &'a Panel,
    pub areas: Vec<ShadedArea<'a>>,
}

/// A region of the schematic map.
pub struct Tile {
    pub name: String,
    pub count: String,
    pub class: u64,
}

pub struct LegendEntry {
    pub class: u64,
    pub text: String,
}

/// A region of the level with its count (every region, 0 included).
pub struct RegionCount {
    pub code: RegionCode,
    pub name: String,
    pub reports: u64,
}

pub struct MapView<'a> {
    pub level: RegionLevel,
    /// Drawn from boundaries; empty for the schematic.
    pub panels: Vec<ShadedPanel<'a>>,
    /// The schematic, when no boundaries of the level are loaded.
    pub tiles: Vec<Tile>,
    pub legend: Vec<LegendEntry>,
    /// Reports known only in a region coarser than the level.
    pub coarser: u64,
    /// Every region of the level, most reports first.
    pub regions: Vec<RegionCount>,
}

/// The levels a reader may choose: those with boundaries loaded, else the kota alone.
pub fn levels(map: &RegionMap) -> Vec<RegionLevel> {
    let drawn: Vec<RegionLevel> = map.layers.iter().map(|l| l.level).collect();
    if drawn.is_empty() {
        vec![RegionLevel::Kota]
    } else {
        drawn
    }
}

/// Every region of `level` with its count from `by_region`, most first, ties by name; and
/// the reports known only in a coarser region.
pub fn region_counts(
    j: &Jurisdiction,
    by_region: &[(RegionCode, u64)],
    level: RegionLevel,
) -> (Vec<RegionCount>, u64) {
    let rolled = roll_up(by_region, level);
    let mut regions: Vec<RegionCount> = j
        .regions()
        .filter(|r| r.level == level)
        .map(|r| RegionCount {
            code: r.code.clone(),
            name: r.name.clone(),
            reports: rolled.by_region.get(&r.code).copied().unwrap_or(0),
        })
        .collect();
    regions.sort_by(|a, b| {
        b.reports
            .cmp(&a.reports)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.code.cmp(&b.code))
    });
    (regions, rolled.coarser)
}

/// The map of `level` for the counts `by_region`; `units` name what is counted (for
/// titles), `none` the legend's class for regions without reports.
pub fn map_view<'a>(
    j: &Jurisdiction,
    map: &'a RegionMap,
    by_region: &[(RegionCode, u64)],
    level: RegionLevel,
    units: [&'static str; 2],
    none: &str,
    numbers: Numbers,
) -> MapView<'a> {
    let (regions, coarser) = region_counts(j, by_region, level);
    let max = regions.iter().map(|r| r.reports).max().unwrap_or(0);
    let classes = Classes::new(max, CLASSES);
    let count_of = |code: &str| {
        regions
            .iter()
            .find(|r| r.code.as_str() == code)
            .map_or(0, |r| r.reports)
    };
    let title = |name: &str, n: u64| {
        format!(
            "{name}: {}",
            StatsTexts::counted(units, n, &numbers.count(n))
        )
    };
    let (panels, tiles) = match map.layer(level) {
        Some(layer) => {
            let panels = layer
                .panels
                .iter()
                .map(|panel| ShadedPanel {
                    panel,
                    areas: panel
                        .areas
                        .iter()
                        .map(|area| {
                            let n = count_of(&area.code);
                            ShadedArea {
                                area,
                                class: classes.of(n),
                                title: title(&area.name, n),
                            }
                        })
                        .collect(),
                })
                .collect();
            (panels, Vec::new())
        }
        None => {
            // In the jurisdiction's order (by code), so that the tiles keep their places.
            let mut by_code: Vec<&RegionCount> = regions.iter().collect();
            by_code.sort_by(|a, b| a.code.cmp(&b.code));
            let tiles = by_code
                .into_iter()
                .map(|r| Tile {
                    name: r.name.clone(),
                    count: numbers.count(r.reports),
                    class: classes.of(r.reports),
                })
                .collect();
            (Vec::new(), tiles)
        }
    };
    let mut legend = vec![LegendEntry {
        class: 0,
        text: none.to_owned(),
    }];
    legend.extend(classes.ranges().into_iter().map(|r| LegendEntry {
        class: r.class,
        text: if r.low == r.high {
            numbers.count(r.low)
        } else {
            format!("{}–{}", numbers.count(r.low), numbers.count(r.high))
        },
    }));
    MapView {
        level,
        panels,
        tiles,
        legend,
        coarser,
        regions,
    }
}
