//! The slippy map on a phone, with street tiles from a tile server the test plays (the
//! city's own, in production): a citizen taps the map on `/lapor`, the pin fills lat/lon
//! and the kelurahan's name appears; they pan, zoom and drag the pin, file the report, and
//! the officer's report page offers "Buka di peta" with links to exactly that point; the
//! queue map shows it as a pin. Nothing is loaded from any other host than the app and the
//! tile server, and the tile server is asked for tiles only. A second walk zooms by pinch,
//! wheel and the "+" key and pans by the arrow keys.

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{
    Actions, InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction, TouchActions,
    WheelAction, WheelActions,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use aduan_domain::Role;
use aduan_web::{MapConfig, TilesUrl, WebConfig};

use crate::common::TestApp;
use crate::harness::{Browser, run_on_app};
use crate::steps::sign_in;

/// Well inside Tebet Timur (some 340 m from its edges).
const TEBET_TIMUR: (f64, f64) = (106.855_333, -6.229_461);
const TEBET_TIMUR_CODE: &str = "31.74.01.1001";
const DESCRIPTION: &str = "Lubang besar di Jalan Tebet Raya, berbahaya bagi motor.";

/// How long the page may take to show what a script does.
const SCRIPT_WAIT: Duration = Duration::from_secs(15);

/// A tile server on 127.0.0.1: a PNG for any `/{z}/{x}/{y}.png`, 404 for anything else,
/// every path asked for kept.
struct TileServer {
    origin: String,
    asked: Arc<Mutex<Vec<String>>>,
}

/// A light street-map-like tile: a pale ground with a road across it.
fn tile_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(256, 256, |x, y| {
        if (120..136).contains(&y) || (60..70).contains(&x) {
            image::Rgb([255, 255, 255])
        } else if x == 0 || y == 0 {
            image::Rgb([210, 206, 196])
        } else {
            image::Rgb([236, 232, 222])
        }
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode a tile");
    out.into_inner()
}

fn is_tile(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_suffix(".png")) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

impl TileServer {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let origin = format!("http://{}", listener.local_addr().expect("its address"));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&asked);
        let tile = Arc::new(tile_png());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = Arc::clone(&seen);
                let tile = Arc::clone(&tile);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut chunk = [0_u8; 2048];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&chunk[..n]),
                        }
                        if head.len() > 32 * 1024 {
                            return;
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let path = text.split_whitespace().nth(1).unwrap_or("").to_owned();
                    let ok = is_tile(&path);
                    seen.lock().expect("the log").push(path);
                    let response = if ok {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\
                             Connection: close\r\n\r\n",
                            tile.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&tile);
                        r
                    } else {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    };
                    let _ = socket.write_all(&response).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { origin, asked }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().expect("the log").clone()
    }
}

/// Web Mercator, as the map script draws: degrees to world pixels at zoom `z`.
fn project(lon: f64, lat: f64, z: f64) -> (f64, f64) {
    let size = 256.0 * 2_f64.powf(z);
    let sin = lat.to_radians().sin();
    (
        (lon + 180.0) / 360.0 * size,
        (0.5 - ((1.0 + sin) / (1.0 - sin)).ln() / (4.0 * std::f64::consts::PI)) * size,
    )
}

/// The map's view in the window: its box, zoom and centre, once it has loaded.
struct View {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    zoom: f64,
    centre: (f64, f64),
}

impl View {
    /// Where (lon, lat) is in the window.
    fn at(&self, lon: f64, lat: f64) -> (f64, f64) {
        let p = project(lon, lat, self.zoom);
        let c = project(self.centre.0, self.centre.1, self.zoom);
        (
            self.left + self.width / 2.0 + (p.0 - c.0),
            self.top + self.height / 2.0 + (p.1 - c.1),
        )
    }

    fn middle(&self) -> (f64, f64) {
        (self.left + self.width / 2.0, self.top + self.height / 2.0)
    }
}

async fn view(b: &Browser, map: &str) -> View {
    let v = b
        .js(
            r"const v = document.querySelector(arguments[0] + ' .peta-view');
              v.scrollIntoView({block: 'center'});
              const r = v.getBoundingClientRect();
              return [r.left + v.clientLeft, r.top + v.clientTop, v.clientWidth, v.clientHeight,
                      Number(v.dataset.zoom), v.dataset.centre];",
            vec![json!(map)],
        )
        .await;
    let n = |i: usize| v[i].as_f64().expect("a number");
    let centre: Vec<f64> = v[5]
        .as_str()
        .expect("the centre")
        .split(',')
        .map(|c| c.parse().expect("a coordinate"))
        .collect();
    View {
        left: n(0),
        top: n(1),
        width: n(2),
        height: n(3),
        zoom: n(4),
        centre: (centre[0], centre[1]),
    }
}

/// Wait (polling the page, no sleep) for an element matching `xpath`.
async fn wait_for(b: &Browser, xpath: &str) {
    b.client()
        .wait()
        .at_most(SCRIPT_WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("nothing matches {xpath} within {SCRIPT_WAIT:?}: {e}"));
}

async fn pointer(b: &Browser, from: (f64, f64), to: Option<(f64, f64)>) {
    let mut mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: from.0.round(),
            y: from.1.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    if let Some(to) = to {
        mouse = mouse.then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(300)),
            x: to.0.round(),
            y: to.1.round(),
        });
    }
    mouse = mouse.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    b.client().perform_actions(mouse).await.expect("pointer");
    b.client().release_actions().await.expect("release");
}

async fn field_value(b: &Browser, id: &str) -> f64 {
    let v = b
        .js(
            "return document.getElementById(arguments[0]).value;",
            vec![json!(id)],
        )
        .await;
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("#{id} holds no number: {v}"))
}

/// Nothing from another host than the app and the tile server; tiles from the latter.
/// The tiles asked for are all of the city's surroundings (Jakarta, about 106.7-107.0 E
/// and 6.1-6.4 S, with a margin for a zoomed-out view): none of a view not yet placed.
fn only_tiles_around_jakarta(tiles: &TileServer) {
    let far: Vec<String> = tiles
        .asked()
        .into_iter()
        .filter(|path| {
            let parts: Vec<f64> = path
                .trim_start_matches('/')
                .trim_end_matches(".png")
                .split('/')
                .filter_map(|n| n.parse().ok())
                .collect();
            let [z, x, y] = parts[..] else { return true };
            let n = 2f64.powf(z);
            let lon = x / n * 360.0 - 180.0;
            let lat = (std::f64::consts::PI * (1.0 - 2.0 * y / n))
                .sinh()
                .atan()
                .to_degrees();
            !((104.0..=109.0).contains(&lon) && (-9.0..=-4.0).contains(&lat))
        })
        .collect();
    assert!(
        far.is_empty(),
        "tiles far from Jakarta were asked for: {far:?}"
    );
}

async fn only_tiles_from_elsewhere(b: &Browser, tiles: &TileServer) {
    let foreign = b.foreign_resources().await;
    let prefix = format!("{}/", tiles.origin);
    let others: Vec<&String> = foreign.iter().filter(|u| !u.starts_with(&prefix)).collect();
    assert!(others.is_empty(), "loaded from other hosts: {others:#?}");
}

/// An app with the kelurahan loaded and street tiles from a tile server the test plays.
async fn app_with_tiles() -> (TestApp, Arc<TileServer>) {
    let tiles = TileServer::start().await;
    let template = format!("{}/{{z}}/{{x}}/{{y}}.png", tiles.origin);
    let app = TestApp::spawn_with_boundaries_and(WebConfig {
        secure_cookies: false,
        map: MapConfig {
            tiles: Some(TilesUrl::parse(&template).expect("a local tile server")),
            attribution: "© Kontributor OpenStreetMap".to_owned(),
        },
        ..WebConfig::default()
    })
    .await;
    (app, Arc::new(tiles))
}

#[tokio::test]
async fn a_pin_on_the_street_map_files_the_point_the_officer_navigates_to() {
    let (app, tiles) = app_with_tiles().await;
    let server = Arc::clone(&tiles);
    run_on_app("map", app, |b| async move {
        let tiles = server;
        let citizen = b.app.unique("warga");
        b.app
            .create_account(&citizen, Role::Citizen, None, None)
            .await;
        sign_in(&b, &citizen, "/lapor").await;
        b.pick_category("Jalan").await;
        b.fill("Uraian masalah", DESCRIPTION).await;

        // The map comes up over the street tiles, fitted to the city.
        wait_for(&b, "//div[@id='peta-lokasi'][@data-ready]").await;
        let first = view(&b, "#peta-lokasi").await;
        assert!(first.width >= 300.0 && first.height >= 300.0, "{}x{}", first.width, first.height);
        let buttons = b
            .js(
                "return [...document.querySelectorAll('#peta-lokasi .peta-btn')]
                   .map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]);",
                vec![],
            )
            .await;
        for size in buttons.as_array().expect("the zoom buttons") {
            assert!(size[0].as_f64() >= Some(44.0) && size[1].as_f64() >= Some(44.0), "{size}");
        }
        let attribution = b.text("#peta-lokasi .peta-attr").await;
        assert_eq!(attribution, "© Kontributor OpenStreetMap");
        b.assert_no_horizontal_overflow().await;
        b.check_accessible().await;
        b.screenshot("map-city").await;

        // A tap on Tebet Timur: the pin, lat/lon, and the kelurahan by name.
        pointer(&b, first.at(TEBET_TIMUR.0, TEBET_TIMUR.1), None).await;
        wait_for(
            &b,
            "//p[contains(@class,'peta-status')][contains(., 'Tebet Timur')]",
        )
        .await;
        let (lat, lon) = (field_value(&b, "lat").await, field_value(&b, "lon").await);
        eprintln!("tapped at zoom {}: {lat}, {lon}", first.zoom);
        let slack = 360.0 / (256.0 * 2_f64.powf(first.zoom));
        assert!((lon - TEBET_TIMUR.0).abs() < slack, "lon {lon}");
        assert!((lat - TEBET_TIMUR.1).abs() < slack, "lat {lat}");
        let status = b.text("#peta-lokasi .peta-status").await;
        assert!(status.starts_with("Kelurahan: Tebet Timur"), "{status}");
        assert!(status.contains("Jakarta Selatan"), "{status}");
        let region = b
            .js("return document.getElementById('region').value;", vec![])
            .await;
        assert_eq!(region, json!(TEBET_TIMUR_CODE));
        b.screenshot("map-pin").await;

        // Pan the pin to the middle (a drag on the map beside it), zoom in three times
        // (the buttons), and drag the pin a little east.
        let pin = first.at(lon, lat);
        let grab = (pin.0, pin.1 + 60.0);
        let middle = first.middle();
        pointer(&b, grab, Some((middle.0, middle.1 + 60.0))).await;
        for _ in 0..3 {
            b.click("#peta-lokasi .peta-btn[aria-label='Perbesar peta']").await;
        }
        wait_for(
            &b,
            &format!("//div[@class='peta-view'][@data-zoom='{}']", first.zoom + 3.0),
        )
        .await;
        let zoomed = view(&b, "#peta-lokasi").await;
        assert_eq!(zoomed.zoom, first.zoom + 3.0);
        let pin = zoomed.at(lon, lat);
        assert!((pin.0 - zoomed.middle().0).abs() < 8.0, "the pin is at {pin:?}");
        b.screenshot("map-zoomed").await;
        pointer(&b, (pin.0, pin.1 - 20.0), Some((pin.0 + 10.0, pin.1 - 20.0))).await;
        wait_for(
            &b,
            "//p[contains(@class,'peta-status')][contains(., 'Tebet Timur')]",
        )
        .await;
        let (lat2, lon2) = (field_value(&b, "lat").await, field_value(&b, "lon").await);
        eprintln!("dragged to {lat2}, {lon2}");
        assert!(lon2 > lon && (lat2 - lat).abs() < 5e-4, "{lon} -> {lon2}, {lat} -> {lat2}");
        only_tiles_from_elsewhere(&b, &tiles).await;
        b.assert_no_horizontal_overflow().await;
        b.check_accessible().await;

        // Filed with that point.
        b.press("Kirim laporan").await;
        let location = b.location().await;
        let ticket = location
            .strip_prefix("/laporan/")
            .and_then(|rest| rest.split('?').next())
            .unwrap_or_else(|| panic!("not a report page: {location}"))
            .to_owned();
        let stored = b.app.stored(&ticket).await;
        let at = stored.location.expect("the report has a point");
        assert!((at.lat - lat2).abs() < 1e-6 && (at.lon - lon2).abs() < 1e-6, "{at:?}");
        assert_eq!(stored.region.as_str(), TEBET_TIMUR_CODE);
        b.press("Keluar").await;

        // The coordinator: "Buka di peta" with the phone's maps app and OpenStreetMap.
        let coordinator = b.app.unique("koordinator");
        b.app
            .create_account(&coordinator, Role::Coordinator, None, None)
            .await;
        sign_in(&b, &coordinator, "/petugas").await;
        b.goto(&format!("/laporan/{ticket}")).await;
        let open = b.text(".open-map").await;
        assert!(open.starts_with("Buka di peta"), "{open}");
        let hrefs = b
            .js(
                "return [...document.querySelectorAll('.open-map a')].map((a) => a.getAttribute('href'));",
                vec![],
            )
            .await;
        let (la, lo) = (format!("{:.6}", at.lat), format!("{:.6}", at.lon));
        assert_eq!(
            hrefs,
            json!([
                format!("geo:{la},{lo}"),
                format!("https://www.openstreetmap.org/?mlat={la}&mlon={lo}#map=18/{la}/{lo}")
            ])
        );
        let html = b.client().source().await.expect("the page source");
        assert!(!html.contains(&citizen), "the report page names the reporter");
        b.scroll_to(".open-map").await;
        b.screenshot("officer-report").await;

        // The queue map: the report as a pin; a tap opens its popup with the link.
        b.goto("/petugas/peta").await;
        wait_for(&b, "//div[@id='peta-antrean'][@data-ready]").await;
        let queue = view(&b, "#peta-antrean").await;
        let mark = queue.at(at.lon, at.lat);
        b.screenshot("queue-map").await;
        pointer(&b, mark, None).await;
        wait_for(&b, &format!("//div[contains(@class,'peta-popup')]//a[.='{ticket}']")).await;
        let html = b.client().source().await.expect("the page source");
        assert!(!html.contains(&citizen), "the queue map names the reporter");
        b.screenshot("queue-map-popup").await;
        only_tiles_from_elsewhere(&b, &tiles).await;
        b.assert_no_horizontal_overflow().await;
        b.check_accessible().await;
    })
    .await;

    // The tile server was asked for tiles, and for nothing else.
    let asked = tiles.asked();
    assert!(asked.len() >= 4, "{asked:?}");
    let odd: Vec<&String> = asked.iter().filter(|p| !is_tile(p)).collect();
    assert!(odd.is_empty(), "the tile server was asked for {odd:?}");
    only_tiles_around_jakarta(&tiles);
    eprintln!("{} tiles asked for", asked.len());
}

/// The `data-zoom` the map shows once it settles, waited for (no sleep) to pass `above`.
async fn zoom_above(b: &Browser, above: f64) -> f64 {
    b.client()
        .wait()
        .at_most(SCRIPT_WAIT)
        .for_element(Locator::Css("#peta-lokasi .peta-view[data-zoom]"))
        .await
        .expect("the map");
    let mut seen = above;
    for _ in 0..150 {
        seen = view(b, "#peta-lokasi").await.zoom;
        if seen > above {
            return seen;
        }
        // Polling the page between frames of the map, not a wait for readiness.
        b.js(
            "return new Promise((r) => requestAnimationFrame(() => r(0)));",
            vec![],
        )
        .await;
    }
    panic!("the map stayed at zoom {seen}, not above {above}");
}

/// Two fingers moving apart from `at`, as a phone's pinch to zoom in.
async fn pinch_out(b: &Browser, at: (f64, f64)) {
    let finger = |id: &str, side: f64| {
        TouchActions::new(id.to_owned())
            .then(PointerAction::MoveTo {
                duration: None,
                x: (at.0 + side * 20.0).round(),
                y: at.1.round(),
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(400)),
                x: (at.0 + side * 120.0).round(),
                y: at.1.round(),
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            })
    };
    let both = Actions::from(vec![finger("kiri", -1.0), finger("kanan", 1.0)]);
    b.client().perform_actions(both).await.expect("pinch");
    b.client().release_actions().await.expect("release");
}

#[tokio::test]
async fn the_street_map_zooms_by_pinch_wheel_and_keys_and_pans_by_arrow_keys() {
    let (app, tiles) = app_with_tiles().await;
    let server = Arc::clone(&tiles);
    run_on_app("map_gestures", app, |b| async move {
        let tiles = server;
        let citizen = b.app.unique("warga");
        b.app
            .create_account(&citizen, Role::Citizen, None, None)
            .await;
        sign_in(&b, &citizen, "/lapor").await;
        wait_for(&b, "//div[@id='peta-lokasi'][@data-ready]").await;
        let first = view(&b, "#peta-lokasi").await;

        // Pinch out with two fingers: closer in.
        pinch_out(&b, first.middle()).await;
        let pinched = zoom_above(&b, first.zoom).await;

        // The wheel towards the reader: closer in again.
        let middle = view(&b, "#peta-lokasi").await.middle();
        let wheel = WheelActions::new("roda".to_owned()).then(WheelAction::Scroll {
            duration: None,
            x: middle.0.round() as i64,
            y: middle.1.round() as i64,
            delta_x: 0,
            delta_y: -120,
        });
        b.client().perform_actions(wheel).await.expect("wheel");
        b.client().release_actions().await.expect("release");
        let wheeled = zoom_above(&b, pinched).await;

        // The keyboard alone: "+" zooms in, the left arrow shows what lies west.
        let map = b
            .client()
            .find(Locator::Css("#peta-lokasi .peta-view"))
            .await
            .expect("the map");
        map.send_keys("+").await.expect("plus");
        let keyed = zoom_above(&b, wheeled).await;
        assert!(keyed < 19.5, "zoom {keyed}");
        let before = view(&b, "#peta-lokasi").await.centre;
        map.send_keys("\u{E012}").await.expect("arrow left");
        let mut after = before;
        for _ in 0..150 {
            after = view(&b, "#peta-lokasi").await.centre;
            if after != before {
                break;
            }
            b.js(
                "return new Promise((r) => requestAnimationFrame(() => r(0)));",
                vec![],
            )
            .await;
        }
        assert!(
            after.0 < before.0,
            "the left arrow moved {before:?} to {after:?}"
        );
        assert!((after.1 - before.1).abs() < 1e-6, "{before:?} -> {after:?}");
        b.assert_no_horizontal_overflow().await;
        b.check_accessible().await;
        b.screenshot("map-gestures").await;
        only_tiles_from_elsewhere(&b, &tiles).await;
    })
    .await;
    only_tiles_around_jakarta(&tiles);
}
