//! Where a report is: coordinates, and resolving a point to the region that contains it.

use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point, Polygon, coord};
use rstar::{AABB, RTree, RTreeObject};
use serde::{Deserialize, Serialize};

use crate::region::{Region, RegionCode, RegionLevel};

/// A WGS 84 point, checked on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CoordinatesError(pub &'static str);

impl Coordinates {
    pub fn parse(lat: f64, lon: f64) -> Result<Self, CoordinatesError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinatesError("lat must be a number between -90 and 90"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinatesError(
                "lon must be a number between -180 and 180",
            ));
        }
        Ok(Self { lat, lon })
    }
}

/// A region with its boundary, as imported from GeoJSON.
#[derive(Debug, Clone)]
pub struct Boundary {
    pub region: Region,
    pub shape: MultiPolygon<f64>,
}

/// One boundary's bounding box in the R-tree, pointing back at the boundary.
struct Envelope {
    aabb: AABB<[f64; 2]>,
    index: usize,
}

impl RTreeObject for Envelope {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.aabb
    }
}

/// Point-in-polygon lookup over the boundaries of one level, through an R-tree of their boxes.
pub struct RegionIndex {
    tree: RTree<Envelope>,
    boundaries: Vec<(RegionCode, MultiPolygon<f64>)>,
}

impl RegionIndex {
    /// Index the boundaries at the finest level present (kelurahan when loaded).
    pub fn new(boundaries: Vec<(RegionCode, MultiPolygon<f64>)>) -> Self {
        let finest = RegionLevel::ALL
            .into_iter()
            .rev()
            .find(|level| boundaries.iter().any(|(c, _)| c.level() == *level));
        let boundaries: Vec<_> = boundaries
            .into_iter()
            .filter(|(c, _)| Some(c.level()) == finest)
            .collect();
        let envelopes = boundaries
            .iter()
            .enumerate()
            .filter_map(|(index, (_, shape))| {
                shape.bounding_rect().map(|r| Envelope {
                    aabb: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    index,
                })
            })
            .collect();
        Self {
            tree: RTree::bulk_load(envelopes),
            boundaries,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.boundaries.is_empty()
    }

    /// The region containing the point, at the indexed level.
    pub fn locate(&self, at: Coordinates) -> Option<&RegionCode> {
        let point = Point::new(at.lon, at.lat);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([at.lon, at.lat]))
            .map(|e| &self.boundaries[e.index])
            .find(|(_, shape)| shape.contains(&point))
            .map(|(code, _)| code)
    }

    /// A point inside the region's shape (at the indexed level), drawn from `seed`: the
    /// same seed gives the same point. Spread over the whole shape, for made-up reports
    /// (the demo's synthetic year) that should sit where a citizen could have stood.
    pub fn point_within(&self, region: &RegionCode, seed: u64) -> Option<Coordinates> {
        let (_, shape) = self.boundaries.iter().find(|(code, _)| code == region)?;
        let bounds = shape.bounding_rect()?;
        let mut state = seed;
        // Draws inside the box until one lands in the shape; a kelurahan fills enough of
        // its box that 64 draws all missing is next to impossible, and the interior point
        // answers then.
        for _ in 0..64 {
            let x = bounds.min().x + unit_interval(&mut state) * bounds.width();
            let y = bounds.min().y + unit_interval(&mut state) * bounds.height();
            if shape.contains(&Point::new(x, y)) {
                return Coordinates::parse(y, x).ok();
            }
        }
        let inside = shape.interior_point()?;
        Coordinates::parse(inside.y(), inside.x()).ok()
    }
}

/// The next number in [0, 1) of a SplitMix64 sequence (enough for spreading points; not
/// for anything secret).
fn unit_interval(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits, as a double's mantissa holds.
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("GeoJSON feature {feature}: {message}")]
pub struct BoundaryError {
    pub feature: usize,
    pub message: String,
}

#[derive(Deserialize)]
struct FeatureCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
    name: String,
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

fn polygon(rings: Vec<Vec<[f64; 2]>>) -> Option<Polygon<f64>> {
    let mut rings = rings.into_iter().map(|ring| {
        ring.into_iter()
            .map(|[x, y]| coord! { x: x, y: y })
            .collect::<Vec<_>>()
            .into()
    });
    let exterior = rings.next()?;
    Some(Polygon::new(exterior, rings.collect()))
}

/// A shape as a GeoJSON MultiPolygon geometry, for storage.
pub fn geometry_to_json(shape: &MultiPolygon<f64>) -> String {
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| ring.coords().map(|c| [c.x, c.y]).collect())
                .collect()
        })
        .collect();
    serde_json::json!({ "type": "MultiPolygon", "coordinates": polygons }).to_string()
}

/// Read back a geometry written by [`geometry_to_json`] (or any Polygon/MultiPolygon).
pub fn parse_geometry(json: &str) -> Result<MultiPolygon<f64>, String> {
    let geometry: Geometry = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let polygons = match geometry {
        Geometry::Polygon(rings) => vec![rings],
        Geometry::MultiPolygon(polys) => polys,
    };
    Ok(MultiPolygon::new(
        polygons.into_iter().filter_map(polygon).collect(),
    ))
}

/// Read a GeoJSON FeatureCollection of regions (properties `code`, `name`, `level`;
/// Polygon or MultiPolygon geometry in `[lon, lat]`).
pub fn parse_boundaries(geojson: &str) -> Result<Vec<Boundary>, BoundaryError> {
    let collection: FeatureCollection =
        serde_json::from_str(geojson).map_err(|e| BoundaryError {
            feature: 0,
            message: format!("not a GeoJSON FeatureCollection of regions: {e}"),
        })?;
    if collection.kind != "FeatureCollection" {
        return Err(BoundaryError {
            feature: 0,
            message: format!("type is {:?}, not \"FeatureCollection\"", collection.kind),
        });
    }
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let fail = |message: String| BoundaryError {
                feature: i,
                message,
            };
            let code = RegionCode::parse(&f.properties.code).map_err(|e| fail(e.to_string()))?;
            if let Some(level) = &f.properties.level
                && RegionLevel::parse(level) != Some(code.level())
            {
                return Err(fail(format!("level {level:?} does not match code {code}")));
            }
            let name = f.properties.name.trim().to_owned();
            if name.is_empty() {
                return Err(fail("name is empty".into()));
            }
            let polygons = match f.geometry {
                Geometry::Polygon(rings) => vec![rings],
                Geometry::MultiPolygon(polys) => polys,
            };
            let shape: Vec<Polygon<f64>> = polygons.into_iter().filter_map(polygon).collect();
            if shape.is_empty() {
                return Err(fail("geometry has no polygon".into()));
            }
            Ok(Boundary {
                region: Region {
                    level: code.level(),
                    code,
                    name,
                },
                shape: MultiPolygon::new(shape),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"code":"31.71.01.1001","name":"West","level":"kelurahan"},
       "geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}},
      {"type":"Feature","properties":{"code":"31.71.01.1002","name":"East","level":"kelurahan"},
       "geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}"#;

    fn index() -> RegionIndex {
        let b = parse_boundaries(SQUARES).unwrap();
        RegionIndex::new(b.into_iter().map(|b| (b.region.code, b.shape)).collect())
    }

    #[test]
    fn points_resolve_to_the_containing_region() {
        let idx = index();
        let west = idx.locate(Coordinates::parse(0.5, 0.5).unwrap());
        assert_eq!(west.map(|c| c.as_str()), Some("31.71.01.1001"));
        let east = idx.locate(Coordinates::parse(0.5, 1.5).unwrap());
        assert_eq!(east.map(|c| c.as_str()), Some("31.71.01.1002"));
        assert_eq!(idx.locate(Coordinates::parse(5.0, 5.0).unwrap()), None);
    }

    #[test]
    fn points_drawn_within_a_region_lie_in_it_spread_and_repeat_by_seed() {
        let idx = index();
        let west = RegionCode::parse("31.71.01.1001").unwrap();
        let points: Vec<Coordinates> = (0..200)
            .map(|seed| idx.point_within(&west, seed).unwrap())
            .collect();
        for p in &points {
            assert_eq!(idx.locate(*p), Some(&west), "{p:?}");
        }
        // Spread over the square, not one spot: points in each quarter.
        for (lat_low, lon_low) in [(true, true), (true, false), (false, true), (false, false)] {
            assert!(
                points
                    .iter()
                    .any(|p| (p.lat < 0.5) == lat_low && (p.lon < 0.5) == lon_low),
                "no point in the quarter {lat_low} {lon_low}"
            );
        }
        assert_eq!(idx.point_within(&west, 7), idx.point_within(&west, 7));
        assert_ne!(idx.point_within(&west, 7), idx.point_within(&west, 8));
        let unknown = RegionCode::parse("31.71.01.1009").unwrap();
        assert_eq!(idx.point_within(&unknown, 7), None);
    }

    #[test]
    fn bad_features_are_reported_by_position() {
        let bad = SQUARES.replace("31.71.01.1002", "31.71.01");
        let err = parse_boundaries(&bad).err().unwrap();
        assert_eq!(err.feature, 1);
        assert!(parse_boundaries("{}").is_err());
        assert!(parse_boundaries(r#"{"type":"Feature","features":[]}"#).is_err());
    }

    #[test]
    fn geometry_survives_a_round_trip() {
        let b = parse_boundaries(SQUARES).unwrap();
        let back = parse_geometry(&geometry_to_json(&b[0].shape)).unwrap();
        assert_eq!(back, b[0].shape);
    }

    #[test]
    fn coordinates_are_checked() {
        assert!(Coordinates::parse(-6.2, 106.8).is_ok());
        assert!(Coordinates::parse(91.0, 0.0).is_err());
        assert!(Coordinates::parse(0.0, f64::NAN).is_err());
    }
}
