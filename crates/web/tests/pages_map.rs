//! The slippy map over HTTP: its script served from here with a long cache, the outlines it
//! draws, the point-to-kelurahan lookup (and its refusals), the CSP with and without a tile
//! server, "Buka di peta" for staff, and the queue map showing only what the reader may read
//! and never who reported.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod citizen_browser;
mod common;

use serde_json::Value;

use aduan_domain::Role;
use aduan_web::{MapConfig, TilesUrl, WebConfig};
use citizen_browser::{
    Browser, assert_good_page, location, page, photo_part, report_form_at, staff_browser, ticket_in,
};
use common::{SUDIN, TestApp};

/// Inside Tebet Timur (Jakarta Selatan).
const TEBET_TIMUR: (&str, &str) = ("-6.233000", "106.855000");

fn csp(resp: &common::Resp) -> String {
    resp.header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP: {resp:?}"))
}

/// The `src` of the page's map script.
fn script_src(html: &str) -> String {
    let start = html
        .find("<script src=\"/aset/peta.js?v=")
        .unwrap_or_else(|| panic!("no map script in {html}"))
        + "<script src=\"".len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

#[tokio::test]
async fn the_point_resolves_to_its_kelurahan_and_bad_input_is_refused() {
    let app = TestApp::spawn_with_boundaries().await;
    let anyone = Browser::new(&app);
    let resp = anyone
        .get(&format!(
            "/peta/lokasi?lat={}&lon={}",
            TEBET_TIMUR.0, TEBET_TIMUR.1
        ))
        .await;
    assert_eq!(resp.status, 200, "{resp:?}");
    let found: Value = serde_json::from_str(&resp.text()).unwrap();
    assert_eq!(found["code"], "31.74.01.1001", "{found}");
    assert_eq!(found["name"], "Tebet Timur", "{found}");
    let area = found["area"].as_str().unwrap();
    assert!(
        area.contains("Tebet") && area.contains("Jakarta Selatan"),
        "{area}"
    );

    // The sea off Jakarta, and the other side of the world: in range, in no kelurahan.
    for outside in ["lat=-5.9&lon=106.75", "lat=48.85&lon=2.35"] {
        let resp = anyone.get(&format!("/peta/lokasi?{outside}")).await;
        assert_eq!(resp.status, 404, "{outside}: {resp:?}");
    }
    let long = format!("lat=-6.2{}&lon=106.8", "0".repeat(120));
    for bad in [
        "",
        "lat=-6.2",
        "lon=106.8",
        "lat=abc&lon=106.8",
        "lat=-6.2&lon=1e2",
        "lat=NaN&lon=106.8",
        "lat=inf&lon=106.8",
        "lat=91&lon=106.8",
        "lat=-6.2&lon=-181",
        "lat=-6.2&lat=-6.3&lon=106.8",
        "lat=--6&lon=106.8",
        "lat=%2D6.2&lon=106.8",
        long.as_str(),
    ] {
        let resp = anyone.get(&format!("/peta/lokasi?{bad}")).await;
        assert_eq!(resp.status, 400, "{bad:?}: {resp:?}");
        let body: Value = serde_json::from_str(&resp.text()).unwrap();
        assert!(body["error"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn the_script_and_outlines_are_served_from_here_and_cached() {
    let app = TestApp::spawn_with_boundaries().await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let form = page(&citizen.get("/lapor").await);
    assert_good_page(&form, "id");
    let src = script_src(&form);
    assert!(
        form.contains("data-outlines=\"/peta/wilayah.json\""),
        "{form}"
    );
    assert!(
        form.contains("data-tiles=\"\""),
        "no tiles without a tile server"
    );

    let script = citizen.get(&src).await;
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(
        script.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let etag = script.header("etag").unwrap();
    assert!(src.ends_with(etag.trim_matches('"')), "{src} {etag}");
    assert!(script.text().contains("SlippyMap"));
    // Unversioned, it is checked each time; what the browser has is not sent again.
    let plain = citizen.get("/aset/peta.js").await;
    assert_eq!(
        plain.header("cache-control").as_deref(),
        Some("public, no-cache")
    );
    let again = app
        .http
        .get(app.url("/aset/peta.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let outlines = citizen.get("/peta/wilayah.json").await;
    assert_eq!(outlines.status, 200);
    let text = outlines.text();
    eprintln!("the outlines: {} bytes", text.len());
    assert!(
        text.len() < 400 * 1024,
        "the outlines are {} bytes",
        text.len()
    );
    let data: Value = serde_json::from_str(&text).unwrap();
    let regions = data["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 267);
    let tebet = regions
        .iter()
        .find(|r| r["code"] == "31.74.01.1001")
        .unwrap();
    assert_eq!(tebet["name"], "Tebet Timur");
    assert!(tebet["rings"][0].as_array().unwrap().len() >= 6);
    let bounds = data["bounds"].as_array().unwrap();
    assert!(bounds[0].as_f64().unwrap() > 106.0 && bounds[3].as_f64().unwrap() < -5.0);

    // Without boundaries there is nothing to draw and no map on the form.
    let bare = TestApp::spawn().await;
    let citizen = Browser::new(&bare);
    citizen.register(&bare, "warga").await;
    let form = page(&citizen.get("/lapor").await);
    assert!(!form.contains("data-peta"), "{form}");
    let empty: Value =
        serde_json::from_str(&citizen.get("/peta/wilayah.json").await.text()).unwrap();
    assert_eq!(empty["regions"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_csp_admits_the_configured_tile_server_for_images_only() {
    let app = TestApp::spawn().await;
    let policy = csp(&Browser::new(&app).get("/").await);
    assert!(policy.contains("img-src 'self';"), "{policy}");
    assert!(policy.contains("script-src 'self' 'sha256-"), "{policy}");
    assert!(policy.contains("connect-src 'self';"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");

    let tiles = TilesUrl::parse("https://tiles.kota.go.id/osm/{z}/{x}/{y}.png").unwrap();
    let app = TestApp::spawn_with_boundaries_and(WebConfig {
        map: MapConfig {
            tiles: Some(tiles),
            attribution: "© Kontributor OpenStreetMap, Pemkot".to_owned(),
        },
        secure_cookies: false,
        ..WebConfig::default()
    })
    .await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let resp = citizen.get("/lapor").await;
    let policy = csp(&resp);
    assert!(
        policy.contains("img-src 'self' https://tiles.kota.go.id;"),
        "{policy}"
    );
    for directive in policy.split(';').filter(|d| !d.contains("img-src")) {
        assert!(!directive.contains("tiles.kota.go.id"), "{policy}");
    }
    let form = page(&resp);
    assert!(
        form.contains("data-tiles=\"https://tiles.kota.go.id/osm/{z}/{x}/{y}.png\""),
        "{form}"
    );
    assert!(
        form.contains("data-attribution=\"© Kontributor OpenStreetMap, Pemkot\""),
        "{form}"
    );
    // Every page answers with the same policy; the 404 page has no map and no tile server.
    let policy = csp(&citizen.get("/publik").await);
    assert!(policy.contains("https://tiles.kota.go.id"), "{policy}");
    let missing = citizen.get("/tidak-ada").await;
    assert_eq!(missing.status, 404);
    assert!(!csp(&missing).contains("tiles.kota.go.id"));
}

/// File a report at `TEBET_TIMUR` through `/lapor` as a new citizen named `name`.
async fn file_at_tebet(app: &TestApp, name: &str, description: &str) -> (String, String) {
    let citizen = Browser::new(app);
    let username = citizen.register(app, name).await;
    let form_page = page(&citizen.get("/lapor").await);
    let form = report_form_at(
        &form_page,
        description,
        "31.74.01",
        TEBET_TIMUR.0,
        TEBET_TIMUR.1,
    )
    .part("photo", photo_part(common::png()));
    let resp = citizen.post_multipart("/lapor", form).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    (ticket_in(&location(&resp)), username)
}

#[tokio::test]
async fn officers_get_links_to_the_point_and_a_map_of_only_their_queue() {
    let app = TestApp::spawn().await;
    let (ticket, reporter) = file_at_tebet(
        &app,
        "pelapor-rahasia",
        "Lubang besar di Jalan Tebet Raya. Hubungi saya di 0812-3456-7890.",
    )
    .await;

    // The coordinator's report page: "Buka di peta" with the phone's maps app and OSM.
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let html = page(&coordinator.get(&format!("/laporan/{ticket}")).await);
    assert_good_page(&html, "id");
    assert!(html.contains("Buka di peta"), "{html}");
    assert!(html.contains("href=\"geo:-6.233000,106.855000\""), "{html}");
    assert!(
        html.contains(
            "href=\"https://www.openstreetmap.org/?mlat=-6.233000&#38;mlon=106.855000\
             #map=18/-6.233000/106.855000\""
        ),
        "{html}"
    );

    // The coordinator's queue map holds it as a pin with the list as its fallback.
    let queue = page(&coordinator.get("/petugas").await);
    assert!(queue.contains("href=\"/petugas/peta?lang=id\""), "{queue}");
    let map = page(&coordinator.get("/petugas/peta").await);
    assert_good_page(&map, "id");
    assert!(map.contains("<h1>Peta antrean</h1>"), "{map}");
    assert!(
        map.contains("data-lat=\"-6.233000\" data-lon=\"106.855000\""),
        "{map}"
    );
    assert!(
        map.contains(&format!("href=\"/laporan/{ticket}?lang=id\"")),
        "{map}"
    );
    assert!(map.contains("data-mode=\"list\""), "{map}");
    for secret in [reporter.as_str(), "0812", "3456-7890", "Lubang besar"] {
        assert!(
            !map.contains(secret),
            "the queue map shows {secret:?}: {map}"
        );
    }
    let en = page(&coordinator.get("/petugas/peta?lang=en").await);
    assert_good_page(&en, "en");
    assert!(en.contains("<h1>Queue map</h1>"), "{en}");

    // An officer of another unit's queue does not hold it; of the unit that does, after
    // the coordinator forwarded it there, it does.
    let elsewhere = staff_browser(&app, Role::Officer, Some("sudin-bina-marga-31.71")).await;
    let map = page(&elsewhere.get("/petugas/peta").await);
    assert!(!map.contains(&ticket), "{map}");
    assert!(map.contains("Tidak ada laporan terbuka"), "{map}");
    let form = page(&coordinator.get(&format!("/laporan/{ticket}")).await);
    let resp = coordinator
        .post_multipart(
            &format!("/laporan/{ticket}/tindakan"),
            reqwest::multipart::Form::new()
                .text("csrf", citizen_browser::hidden(&form, "csrf"))
                .text("version", citizen_browser::hidden(&form, "version"))
                .text("action", "forward")
                .text("unit", SUDIN),
        )
        .await;
    assert_eq!(resp.status, 303, "{}", resp.text());
    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let map = page(&officer.get("/petugas/peta").await);
    assert!(map.contains(&format!("/laporan/{ticket}?lang=id")), "{map}");
    assert!(!map.contains(&reporter), "{map}");
    let report = page(&officer.get(&format!("/laporan/{ticket}")).await);
    assert!(
        report.contains("href=\"geo:-6.233000,106.855000\""),
        "{report}"
    );

    // Citizens have no queue; strangers are sent to sign in.
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    assert_eq!(citizen.get("/petugas/peta").await.status, 403);
    let anonymous = Browser::new(&app).get("/petugas/peta").await;
    assert_eq!(anonymous.status, 303);
    assert!(location(&anonymous).starts_with("/masuk?next=/petugas/peta"));
}
