//! The region map's geometry: paths, panels, projection.

use super::*;
use geo::{Polygon, polygon};

fn code(raw: &str) -> RegionCode {
    RegionCode::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
}

fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![polygon![
        (x: x, y: y), (x: x + side, y: y), (x: x + side, y: y + side), (x: x, y: y + side),
    ]])
}

#[test]
fn paths_are_whole_units_with_relative_lines() {
    assert_eq!(
        path_data(&square(10.2, 20.0, 5.0), 0.0),
        "M10 20l5 0 0 5-5 0z"
    );
    // A ring that rounds away to a point is left out.
    assert_eq!(path_data(&square(1.0, 1.0, 0.2), 0.0), "");
    // Small rings are dropped from borders only.
    assert_eq!(path_data(&square(0.0, 0.0, 5.0), 40.0), "");
    let holed = MultiPolygon::new(vec![Polygon::new(
        square(0.0, 0.0, 100.0).0[0].exterior().clone(),
        vec![square(10.0, 10.0, 10.0).0[0].exterior().clone()],
    )]);
    assert_eq!(
        path_data(&holed, 0.0),
        "M0 0l100 0 0 100-100 0zM10 10l10 0 0 10-10 0z"
    );
}

#[test]
fn kota_that_touch_share_a_panel_and_islands_get_their_own() {
    let kotas: BTreeMap<RegionCode, MultiPolygon<f64>> = [
        (code("31.71"), square(106.80, -6.20, 0.05)),
        (code("31.74"), square(106.80, -6.25, 0.05)),
        (code("31.01"), square(106.50, -5.80, 0.05)),
    ]
    .into_iter()
    .collect();
    let mut found = clusters(&kotas);
    found.sort();
    assert_eq!(
        found,
        vec![vec![code("31.01")], vec![code("31.71"), code("31.74")]]
    );
}

#[test]
fn the_projection_keeps_the_shape_of_the_land() {
    // Near the equator a degree east is nearly a degree north: a square stays square.
    let bounds = Rect::new(Coord { x: 106.0, y: -6.5 }, Coord { x: 107.0, y: -5.5 });
    let p = Projection::fitting(bounds);
    let corner = p.at(Coord { x: 107.0, y: -6.5 });
    assert!((corner.x - WIDTH).abs() < 1e-6, "{corner:?}");
    let ratio = corner.y / corner.x;
    assert!(
        (ratio - 1.0 / (-6.0f64).to_radians().cos()).abs() < 1e-9,
        "{ratio}"
    );
}
