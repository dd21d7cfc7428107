//! What makes the site installable like an app on a phone: the web app manifest and its
//! icons (a map pin on the city's blue), drawn here rather than kept as image files.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use image::{ImageFormat, Rgba, RgbaImage};
use serde_json::json;

pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
pub const ICON_PATH: &str = "/aset/ikon/{file}";

/// The accent of the pages (`--accent` in base.html).
const ACCENT: [u8; 3] = [0x0b, 0x5c, 0xad];
/// The sizes of the PNG icons: what Android asks for, and a splash screen's.
const SIZES: [u32; 2] = [192, 512];

/// The pin, in units of the icon's side: inside the middle 80 % a round mask keeps.
const PIN_X: f64 = 0.5;
const PIN_Y: f64 = 0.43;
const PIN_RADIUS: f64 = 0.19;
const PIN_TIP: f64 = 0.78;
const HOLE_RADIUS: f64 = 0.075;

/// The icon as SVG, for browsers' tabs and bookmarks.
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="18" fill="#0b5cad"/><path fill="#fff" d="M50 78 L34 53.3 A19 19 0 1 1 66 53.3 Z"/><circle cx="50" cy="43" r="7.5" fill="#0b5cad"/></svg>"##;

pub async fn manifest() -> Response {
    let icons: Vec<_> = SIZES
        .iter()
        .map(|size| {
            json!({
                "src": format!("/aset/ikon/{size}.png"),
                "sizes": format!("{size}x{size}"),
                "type": "image/png",
                "purpose": "any maskable",
            })
        })
        .chain([json!({"src": "/aset/ikon/ikon.svg", "sizes": "any", "type": "image/svg+xml"})])
        .collect();
    let body = json!({
        "name": "aduan: lapor masalah di kota Anda",
        "short_name": "aduan",
        "description": "Laporkan jalan rusak, sampah, banjir dan masalah kota lain, lalu ikuti penanganannya.",
        "lang": "id",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": icons,
        "shortcuts": [
            {"name": "Buat laporan", "url": "/lapor"},
            {"name": "Laporan saya", "url": "/laporan-saya"},
        ],
    });
    (
        [
            (CONTENT_TYPE, "application/manifest+json"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `/aset/ikon/192.png`, `/aset/ikon/512.png` and `/aset/ikon/ikon.svg`.
pub async fn icon(Path(file): Path<String>) -> Response {
    static PNGS: LazyLock<Vec<(u32, Vec<u8>)>> =
        LazyLock::new(|| SIZES.iter().map(|s| (*s, png(*s))).collect());
    let cached = |kind: &'static str, body: Vec<u8>| {
        (
            [
                (CONTENT_TYPE, kind),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            body,
        )
            .into_response()
    };
    if file == "ikon.svg" {
        return cached("image/svg+xml", SVG.as_bytes().to_vec());
    }
    PNGS.iter()
        .find(|(size, _)| file == format!("{size}.png"))
        .filter(|(_, bytes)| !bytes.is_empty())
        .map_or_else(
            || StatusCode::NOT_FOUND.into_response(),
            |(_, bytes)| cached("image/png", bytes.clone()),
        )
}

/// The icon at `size` pixels square, as PNG (empty if encoding failed, which it cannot for
/// an image made here).
fn png(size: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    match draw(size).write_to(&mut out, ImageFormat::Png) {
        Ok(()) => out.into_inner(),
        Err(_) => Vec::new(),
    }
}

/// The pin on the accent, full bleed (a maskable icon's background fills the square),
/// smoothed by sampling each pixel 4 × 4 times.
fn draw(size: u32) -> RgbaImage {
    const SAMPLES: u32 = 4;
    let side = f64::from(size);
    RgbaImage::from_fn(size, size, |x, y| {
        let mut white = 0u32;
        for sy in 0..SAMPLES {
            for sx in 0..SAMPLES {
                let u = (f64::from(x) + (f64::from(sx) + 0.5) / f64::from(SAMPLES)) / side;
                let v = (f64::from(y) + (f64::from(sy) + 0.5) / f64::from(SAMPLES)) / side;
                if in_pin(u, v) {
                    white += 1;
                }
            }
        }
        let share = f64::from(white) / f64::from(SAMPLES * SAMPLES);
        let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * share).round() as u8;
        Rgba([mix(ACCENT[0]), mix(ACCENT[1]), mix(ACCENT[2]), 255])
    })
}

/// Whether the point (in units of the side) is on the pin's white: its round head or the
/// point below it, less the hole in the head.
fn in_pin(u: f64, v: f64) -> bool {
    let (dx, dy) = (u - PIN_X, v - PIN_Y);
    let from_centre = (dx * dx + dy * dy).sqrt();
    if from_centre <= HOLE_RADIUS {
        return false;
    }
    if from_centre <= PIN_RADIUS {
        return true;
    }
    // The point: between the head's tangents and its tip.
    let tip = PIN_TIP - PIN_Y;
    if dy <= 0.0 || dy > tip {
        return false;
    }
    let tangent_y = PIN_RADIUS * PIN_RADIUS / tip;
    let half_width_at = |y: f64| {
        let half_at_tangent = (PIN_RADIUS * PIN_RADIUS - tangent_y * tangent_y).sqrt();
        half_at_tangent * (tip - y) / (tip - tangent_y)
    };
    dy >= tangent_y && dx.abs() <= half_width_at(dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_white_pin_with_a_hole_on_the_accent() {
        let icon = draw(192);
        let at = |u: f64, v: f64| *icon.get_pixel((u * 192.0) as u32, (v * 192.0) as u32);
        let accent = Rgba([ACCENT[0], ACCENT[1], ACCENT[2], 255]);
        let white = Rgba([255, 255, 255, 255]);
        assert_eq!(at(0.02, 0.02), accent, "the corner");
        assert_eq!(at(PIN_X, PIN_Y), accent, "the hole");
        assert_eq!(at(PIN_X, PIN_Y - 0.15), white, "the head");
        assert_eq!(at(PIN_X, PIN_TIP - 0.05), white, "the point");
        assert_eq!(at(PIN_X, PIN_TIP + 0.03), accent, "below the tip");
        assert_eq!(at(PIN_X + 0.15, PIN_TIP - 0.05), accent, "beside the point");
    }

    #[test]
    fn the_pngs_are_the_sizes_the_manifest_names() {
        for size in SIZES {
            let decoded = image::load_from_memory(&png(size)).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (size, size));
        }
    }
}
