//! The region map's geometry, worked out once when the catalog loads: each region's
//! boundary projected (equirectangular, longitude scaled by the cosine of the latitude),
//! simplified (Ramer–Douglas–Peucker) and rounded to whole SVG units, written as compact
//! path data; the enclosing regions' outlines (their parts' union) for borders and labels.

use std::collections::BTreeMap;
use std::fmt::Write;

use geo::{
    Area as _, BoundingRect, Coord, InteriorPoint, MapCoords, MultiPolygon, Rect, Simplify,
    unary_union,
};

use aduan_domain::location::Boundary;
use aduan_domain::stats::choropleth::ancestor_at;
use aduan_domain::{Jurisdiction, RegionCode, RegionLevel};

/// The width of every panel in SVG units; heights follow the shape.
const WIDTH: f64 = 1000.0;
/// How far (in SVG units) a simplified outline may stray from the boundary.
const EPSILON: f64 = 1.0;
/// Half the width of a label's character, in SVG units (at the zoomed font size).
const LABEL_HALF_CHAR: f64 = 8.0;
/// Holes and islands of a border smaller than this (square SVG units) are not drawn.
const MIN_BORDER_AREA: f64 = 40.0;
/// Kota whose boxes lie this close (in degrees) belong to the same panel.
const NEIGHBOURS: f64 = 0.01;

/// A region one can choose: its code, name and outline.
pub struct Area {
    pub code: String,
    pub name: String,
    pub path: String,
    /// Where a round marker goes (islands), so that there is something to tap.
    pub marker: Option<(i64, i64)>,
    /// Which of a few fill colours (by kota), so neighbours in different kota differ.
    pub tone: usize,
}

/// A name written on the map (a kecamatan or kota).
pub struct Label {
    pub x: i64,
    pub y: i64,
    pub text: String,
}

/// One drawing: its size in SVG units, the regions, and their groups' borders and names.
pub struct Panel {
    /// The name of what this panel shows apart from the main one ("" for the main one).
    pub title: String,
    /// Islands apart from the main land: small shapes, marked and outlined.
    pub islands: bool,
    pub width: i64,
    pub height: i64,
    pub areas: Vec<Area>,
    pub borders: String,
    pub labels: Vec<Label>,
}

/// What one page of the map shows: everything (`kota` is `None`), or one kota larger.
pub struct View {
    pub kota: Option<String>,
    pub name: String,
    /// The kota's fill colour (none for everything).
    pub tone: Option<usize>,
    pub panels: Vec<Panel>,
}

/// The map of the finest loaded regions, in every view; empty without boundaries.
#[derive(Default)]
pub struct RegionMap {
    pub views: Vec<View>,
    /// The whole jurisdiction at each level down to the finest loaded (kota first), for
    /// maps shaded by a count per region.
    pub layers: Vec<Layer>,
    /// The same regions in degrees for the slippy map ([`crate::region_outlines`]); empty
    /// without boundaries.
    pub outlines: String,
}

/// The whole jurisdiction drawn as the regions of one level.
pub struct Layer {
    pub level: RegionLevel,
    pub panels: Vec<Panel>,
}

/// A region's boundary and where it sits in the hierarchy.
struct Piece {
    code: RegionCode,
    name: String,
    group: Option<RegionCode>,
    kota: RegionCode,
    shape: MultiPolygon<f64>,
}

impl RegionMap {
    /// The map of the finest level among `boundaries`, limited to regions of `j` that an
    /// office receives reports for (the ones the report form offers).
    pub fn build(boundaries: &[Boundary], j: &Jurisdiction) -> Self {
        let Some(finest) = boundaries.iter().map(|b| b.region.code.level()).max() else {
            return Self::default();
        };
        let pieces: Vec<Piece> = boundaries
            .iter()
            .filter(|b| b.region.code.level() == finest)
            .filter(|b| j.first_receiver(&b.region.code).is_some())
            .filter_map(|b| {
                let region = j.region(&b.region.code)?;
                let kota = b.region.code.lineage().pop()?;
                Some(Piece {
                    code: region.code.clone(),
                    name: region.name.clone(),
                    group: (b.region.code != kota)
                        .then(|| b.region.code.parent())
                        .flatten(),
                    kota,
                    shape: b.shape.clone(),
                })
            })
            .collect();
        if pieces.is_empty() {
            return Self::default();
        }
        let kotas = unions(&pieces, |p| Some(p.kota.clone()));
        let groups = unions(&pieces, |p| p.group.clone());
        let name = |code: &RegionCode| {
            j.region(code)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| code.to_string())
        };
        let tones: BTreeMap<&RegionCode, usize> =
            kotas.keys().enumerate().map(|(i, k)| (k, i)).collect();
        let tone = |p: &Piece| tones.get(&p.kota).copied().unwrap_or_default();

        let mut views = Vec::new();
        // Everything: the kota that lie together in one panel, those apart (islands) in
        // their own, largest first.
        let mut clusters = clusters(&kotas);
        clusters.sort_by_key(|c| {
            std::cmp::Reverse(pieces.iter().filter(|p| c.contains(&p.kota)).count())
        });
        let all: Vec<&Piece> = pieces.iter().collect();
        let panels = cluster_panels(&all, &kotas, &clusters, &name, &tone, false);
        views.push(View {
            kota: None,
            tone: None,
            name: j.settings.name.clone(),
            panels,
        });
        let main = clusters.first().cloned().unwrap_or_default();
        // The slippy map's outlines, in degrees; it first shows the main land.
        let outlines = crate::region_outlines::encode(
            &pieces
                .iter()
                .map(|p| crate::region_outlines::Outline {
                    code: p.code.to_string(),
                    name: p.name.clone(),
                    area: p
                        .group
                        .iter()
                        .filter(|g| **g != p.kota)
                        .chain(std::iter::once(&p.kota))
                        .map(&name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    shape: &p.shape,
                    main: main.contains(&p.kota),
                })
                .collect::<Vec<_>>(),
        );
        // Each kota on its own, larger, with its kecamatan named.
        for kota in kotas.keys() {
            let style = Style {
                named: true,
                islands: !main.contains(kota),
                merged: false,
            };
            let members: Vec<&Piece> = pieces.iter().filter(|p| &p.kota == kota).collect();
            let outlines: Vec<(String, &MultiPolygon<f64>)> = groups
                .iter()
                .filter(|(g, _)| g.is_within(kota))
                .map(|(g, shape)| (name(g), shape))
                .collect();
            views.push(View {
                kota: Some(kota.to_string()),
                name: name(kota),
                tone: tones.get(kota).copied(),
                panels: vec![panel(String::new(), &members, &outlines, &tone, style)],
            });
        }
        let layers = RegionLevel::ALL
            .into_iter()
            .filter(|level| *level <= finest)
            .map(|level| {
                let owned: Vec<Piece>;
                let members: Vec<&Piece> = if level == finest {
                    pieces.iter().collect()
                } else {
                    // The finest level's parents are its groups; the kota are the kota.
                    let source = if level == RegionLevel::Kota {
                        &kotas
                    } else {
                        &groups
                    };
                    owned = source
                        .iter()
                        .filter(|(code, _)| code.level() == level)
                        .filter_map(|(code, shape)| {
                            Some(Piece {
                                code: code.clone(),
                                name: name(code),
                                group: None,
                                kota: ancestor_at(code, RegionLevel::Kota)?,
                                shape: shape.clone(),
                            })
                        })
                        .collect();
                    owned.iter().collect()
                };
                Layer {
                    level,
                    panels: cluster_panels(
                        &members,
                        &kotas,
                        &clusters,
                        &name,
                        &|_| 0,
                        level != finest,
                    ),
                }
            })
            .collect();
        Self {
            views,
            layers,
            outlines,
        }
    }

    /// The whole jurisdiction at `level`, when its boundaries are loaded.
    pub fn layer(&self, level: RegionLevel) -> Option<&Layer> {
        self.layers.iter().find(|l| l.level == level)
    }

    /// The view of `kota` (everything for `None`); `None` when there is no such view.
    pub fn view(&self, kota: Option<&str>) -> Option<&View> {
        self.views.iter().find(|v| v.kota.as_deref() == kota)
    }
}

/// One panel per cluster of kota (the first the main one, untitled), drawing the members
/// that lie in it with the kota's borders.
fn cluster_panels(
    members: &[&Piece],
    kotas: &BTreeMap<RegionCode, MultiPolygon<f64>>,
    clusters: &[Vec<RegionCode>],
    name: &impl Fn(&RegionCode) -> String,
    tone: &impl Fn(&Piece) -> usize,
    merged: bool,
) -> Vec<Panel> {
    clusters
        .iter()
        .enumerate()
        .map(|(i, cluster)| {
            let inside: Vec<&Piece> = members
                .iter()
                .copied()
                .filter(|p| cluster.contains(&p.kota))
                .collect();
            let outlines: Vec<(String, &MultiPolygon<f64>)> = kotas
                .iter()
                .filter(|(k, _)| cluster.contains(k))
                .map(|(k, shape)| (name(k), shape))
                .collect();
            let title = if i == 0 {
                String::new()
            } else {
                outlines
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let style = Style {
                named: false,
                islands: i > 0,
                merged,
            };
            panel(title, &inside, &outlines, tone, style)
        })
        .collect()
}

/// The union of the pieces' shapes, by the key each piece names (pieces without one left
/// out).
fn unions(
    pieces: &[Piece],
    key: impl Fn(&Piece) -> Option<RegionCode>,
) -> BTreeMap<RegionCode, MultiPolygon<f64>> {
    let mut by_key: BTreeMap<RegionCode, Vec<&geo::Polygon<f64>>> = BTreeMap::new();
    for piece in pieces {
        if let Some(k) = key(piece) {
            by_key.entry(k).or_default().extend(piece.shape.iter());
        }
    }
    by_key
        .into_iter()
        .map(|(k, polygons)| (k, unary_union(polygons)))
        .collect()
}

/// Kota whose boxes touch (near enough), grouped: the mainland in one, islands apart.
fn clusters(kotas: &BTreeMap<RegionCode, MultiPolygon<f64>>) -> Vec<Vec<RegionCode>> {
    let boxes: Vec<(RegionCode, Rect<f64>)> = kotas
        .iter()
        .filter_map(|(k, shape)| shape.bounding_rect().map(|r| (k.clone(), r)))
        .collect();
    let near = |a: &Rect<f64>, b: &Rect<f64>| {
        a.min().x <= b.max().x + NEIGHBOURS
            && b.min().x <= a.max().x + NEIGHBOURS
            && a.min().y <= b.max().y + NEIGHBOURS
            && b.min().y <= a.max().y + NEIGHBOURS
    };
    let mut cluster_of: Vec<usize> = (0..boxes.len()).collect();
    // Few kota: join clusters until nothing changes.
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..boxes.len() {
            for k in 0..boxes.len() {
                if cluster_of[i] != cluster_of[k] && near(&boxes[i].1, &boxes[k].1) {
                    let (keep, gone) = (
                        cluster_of[i].min(cluster_of[k]),
                        cluster_of[i].max(cluster_of[k]),
                    );
                    for c in cluster_of.iter_mut().filter(|c| **c == gone) {
                        *c = keep;
                    }
                    changed = true;
                }
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<RegionCode>> = BTreeMap::new();
    for (i, (code, _)) in boxes.into_iter().enumerate() {
        out.entry(cluster_of[i]).or_default().push(code);
    }
    out.into_values().collect()
}

/// Equirectangular projection onto a panel `WIDTH` units wide fitting `bounds`.
struct Projection {
    west: f64,
    north: f64,
    scale_x: f64,
    scale_y: f64,
}

impl Projection {
    fn fitting(bounds: Rect<f64>) -> Self {
        let mid_lat = (bounds.min().y + bounds.max().y) / 2.0;
        let shrink = mid_lat.to_radians().cos();
        let span = (bounds.width() * shrink).max(1e-9);
        let scale_y = WIDTH / span;
        Self {
            west: bounds.min().x,
            north: bounds.max().y,
            scale_x: scale_y * shrink,
            scale_y,
        }
    }

    fn at(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.west) * self.scale_x,
            y: (self.north - c.y) * self.scale_y,
        }
    }

    fn shape(&self, shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        shape.map_coords(|c| self.at(c)).simplify(EPSILON)
    }
}

/// How a panel is drawn.
#[derive(Clone, Copy)]
struct Style {
    /// The outlines' names are written on the map.
    named: bool,
    /// The regions are unions of finer ones: the slivers left between their parts are
    /// filled.
    merged: bool,
    /// Islands: small regions get a marker, and no border hides them.
    islands: bool,
}

fn panel(
    title: String,
    members: &[&Piece],
    outlines: &[(String, &MultiPolygon<f64>)],
    tone: &impl Fn(&Piece) -> usize,
    style: Style,
) -> Panel {
    let bounds = members
        .iter()
        .filter_map(|p| p.shape.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
        .unwrap_or_else(|| Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 }));
    let projection = Projection::fitting(bounds);
    let mut areas: Vec<Area> = members
        .iter()
        .map(|p| {
            let shape = projection.shape(&p.shape);
            let path = if style.merged {
                path_data(&without_small_holes(&shape), 0.0)
            } else {
                path_data(&shape, 0.0)
            };
            let marker = style
                .islands
                .then(|| largest_part(&shape).and_then(|part| part.interior_point()))
                .flatten()
                .map(|at| (at.x().round() as i64, at.y().round() as i64));
            Area {
                code: p.code.to_string(),
                name: p.name.clone(),
                path,
                marker,
                tone: tone(p),
            }
        })
        .collect();
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    let mut borders = String::new();
    let mut labels = Vec::new();
    for (name, shape) in outlines {
        let shape = projection.shape(shape);
        if !style.islands {
            borders.push_str(&path_data(&shape, MIN_BORDER_AREA));
        }
        // The name goes inside the largest part.
        if let Some(at) = largest_part(&shape)
            .and_then(|p| p.interior_point())
            .filter(|_| style.named)
        {
            // Kept inside the drawing: about half a character's width per side each.
            let half = name.chars().count() as f64 * LABEL_HALF_CHAR;
            labels.push(Label {
                x: at.x().clamp(half, (WIDTH - half).max(half)).round() as i64,
                y: at.y().round() as i64,
                text: name.clone(),
            });
        }
    }
    Panel {
        title,
        islands: style.islands,
        width: WIDTH as i64,
        height: ((bounds.height() * projection.scale_y).ceil() as i64).max(1),
        areas,
        borders,
        labels,
    }
}

/// SVG path data of a projected shape, in whole units, each ring a move then relative
/// lines; rings that round away to nothing, and (when `min_area` > 0) small rings, are left
/// out.
fn path_data(shape: &MultiPolygon<f64>, min_area: f64) -> String {
    let mut out = String::new();
    for polygon in shape {
        if min_area > 0.0 && polygon.exterior().unsigned_area_ring() < min_area {
            continue;
        }
        ring(&mut out, polygon.exterior());
        for hole in polygon.interiors() {
            if min_area > 0.0 && hole.unsigned_area_ring() < min_area {
                continue;
            }
            ring(&mut out, hole);
        }
    }
    out
}

/// The shape with the holes smaller than `MIN_BORDER_AREA` filled (the slivers a union
/// of neighbouring boundaries leaves between them).
fn without_small_holes(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        shape
            .iter()
            .map(|p| {
                let holes = p
                    .interiors()
                    .iter()
                    .filter(|h| h.unsigned_area_ring() >= MIN_BORDER_AREA)
                    .cloned()
                    .collect();
                geo::Polygon::new(p.exterior().clone(), holes)
            })
            .collect(),
    )
}

trait RingArea {
    fn unsigned_area_ring(&self) -> f64;
}

impl RingArea for geo::LineString<f64> {
    fn unsigned_area_ring(&self) -> f64 {
        geo::Polygon::new(self.clone(), Vec::new()).unsigned_area()
    }
}

fn ring(out: &mut String, line: &geo::LineString<f64>) {
    let mut points: Vec<(i64, i64)> = line
        .coords()
        .map(|c| (c.x.round() as i64, c.y.round() as i64))
        .collect();
    points.dedup();
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.len() < 3 {
        return;
    }
    let (mut x, mut y) = points[0];
    let _ = write!(out, "M{x} {y}l");
    let mut first = true;
    for &(px, py) in &points[1..] {
        for n in [px - x, py - y] {
            // A minus sign separates numbers as well as a space does.
            if !first && n >= 0 {
                out.push(' ');
            }
            let _ = write!(out, "{n}");
            first = false;
        }
        (x, y) = (px, py);
    }
    out.push('z');
}

fn largest_part(shape: &MultiPolygon<f64>) -> Option<&geo::Polygon<f64>> {
    shape
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
}

#[cfg(test)]
#[path = "region_shapes_tests.rs"]
mod tests;
