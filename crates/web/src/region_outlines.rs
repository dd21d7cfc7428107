//! The regions one can choose, as the slippy map draws them over the street tiles: each
//! boundary simplified in degrees (a few metres off at most, invisible at street zoom) and
//! written compactly as JSON: coordinates in units of 1e-5 degree, each ring's first point
//! whole and the rest as differences from the point before.
//!
//! `{"bounds":[w,s,e,n],"regions":[{"code","name","area","rings":[[x0,y0,dx,dy,…],…]}]}`
//! (`area`: the kecamatan and kota, for the map's label; `bounds`: the main land's, which
//! the map first shows, without islands far off).

use geo::{BoundingRect, MultiPolygon, Simplify};
use serde::Serialize;

/// How far a simplified outline may stray from the boundary, in degrees (about 5 m).
const EPSILON: f64 = 0.00005;
/// Coordinates are written in these units of a degree.
const SCALE: f64 = 1e5;

/// One region to encode.
pub struct Outline<'a> {
    pub code: String,
    pub name: String,
    /// Where it lies (kecamatan, kota), shown beside its name.
    pub area: String,
    pub shape: &'a MultiPolygon<f64>,
    /// Part of the main land (not islands far off): the first view fits these.
    pub main: bool,
}

#[derive(Serialize)]
struct Encoded {
    bounds: [f64; 4],
    regions: Vec<Region>,
}

#[derive(Serialize)]
struct Region {
    code: String,
    name: String,
    area: String,
    rings: Vec<Vec<i64>>,
}

/// The JSON the map script reads; `{"bounds":null,"regions":[]}` without regions.
pub fn encode(outlines: &[Outline<'_>]) -> String {
    let mut bounds: Option<[f64; 4]> = None;
    let regions = outlines
        .iter()
        .map(|o| {
            if let Some(r) = o.shape.bounding_rect().filter(|_| o.main) {
                let b = bounds.get_or_insert([r.min().x, r.min().y, r.max().x, r.max().y]);
                b[0] = b[0].min(r.min().x);
                b[1] = b[1].min(r.min().y);
                b[2] = b[2].max(r.max().x);
                b[3] = b[3].max(r.max().y);
            }
            let simple = o.shape.simplify(EPSILON);
            let rings = simple
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|ring| {
                    let mut out = Vec::with_capacity(ring.0.len() * 2);
                    let (mut px, mut py) = (0_i64, 0_i64);
                    for c in &ring.0 {
                        #[allow(clippy::cast_possible_truncation)]
                        let (x, y) = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
                        out.push(x - px);
                        out.push(y - py);
                        (px, py) = (x, y);
                    }
                    out
                })
                .filter(|ring| ring.len() >= 6)
                .collect();
            Region {
                code: o.code.clone(),
                name: o.name.clone(),
                area: o.area.clone(),
                rings,
            }
        })
        .collect();
    let encoded = Encoded {
        bounds: bounds.unwrap_or_default(),
        regions,
    };
    serde_json::to_string(&encoded).unwrap_or_else(|_| "{\"regions\":[]}".to_owned())
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    #[test]
    fn a_square_is_written_as_its_first_corner_and_steps() {
        let shape = MultiPolygon::new(vec![polygon![
            (x: 106.8, y: -6.2),
            (x: 106.81, y: -6.2),
            (x: 106.81, y: -6.19),
            (x: 106.8, y: -6.19),
            (x: 106.8, y: -6.2),
        ]]);
        let json = encode(&[Outline {
            code: "31.71.01.1001".to_owned(),
            name: "Gambir".to_owned(),
            area: "Gambir, Jakarta Pusat".to_owned(),
            shape: &shape,
            main: true,
        }]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["regions"][0]["rings"][0],
            serde_json::json!([10_680_000, -620_000, 1000, 0, 0, 1000, -1000, 0, 0, -1000])
        );
        assert_eq!(v["regions"][0]["name"], "Gambir");
        let b = v["bounds"].as_array().unwrap();
        assert!((b[0].as_f64().unwrap() - 106.8).abs() < 1e-9);
        assert!((b[3].as_f64().unwrap() + 6.19).abs() < 1e-9);
    }
}
