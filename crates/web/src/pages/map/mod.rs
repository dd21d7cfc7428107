//! The slippy map of aduan's own: its script (`/aset/peta.js`, served from here with a
//! long cache and its hash as ETag), the regions' outlines it draws (`/peta/wilayah.json`),
//! the point-to-kelurahan lookup it asks as the pin moves (`/peta/lokasi`), and the map of
//! a staff member's queue (`/petugas/peta`).

mod queue_map;
pub mod texts;
pub mod widget;

use std::sync::LazyLock;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use sha2::{Digest, Sha256};

use aduan_domain::Coordinates;

use crate::state::AppState;

pub use widget::{MapWidget, Mode};

pub const SCRIPT_PATH: &str = "/aset/peta.js";
pub const OUTLINES_PATH: &str = "/peta/wilayah.json";
pub const RESOLVE_PATH: &str = "/peta/lokasi";

/// The map script, as written (no build step).
const SCRIPT: &str = include_str!("../../../assets/peta.js");

/// The longest query the lookup reads (two numbers and their names).
const MAX_QUERY: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(OUTLINES_PATH, get(outlines))
        .route(RESOLVE_PATH, get(resolve))
        .route(queue_map::PATH, get(queue_map::queue_map))
}

/// The first 16 hex digits of the script's SHA-256: its version in links, and its ETag.
pub fn script_version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| hex16(SCRIPT.as_bytes()));
    &VERSION
}

fn hex16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A text with an ETag: 304 when the client has it, else the text; `cache` says how long.
fn cached(
    headers: &HeaderMap,
    etag: &str,
    kind: &'static str,
    cache: &'static str,
    body: String,
) -> Response {
    let etag = format!("\"{etag}\"");
    let mut response = if crate::etag::matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    response
}

/// `GET /aset/peta.js`: kept a year when asked for by its version (the pages link it so),
/// revalidated otherwise.
async fn script(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let versioned = query.as_deref() == Some(&format!("v={}", script_version()));
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    cached(
        &headers,
        script_version(),
        "text/javascript; charset=utf-8",
        cache,
        SCRIPT.to_owned(),
    )
}

/// `GET /peta/wilayah.json`: the outlines of the regions one can choose (an empty list
/// without boundaries).
async fn outlines(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let catalog = state.catalog();
    let body = match catalog.map.outlines.is_empty() {
        true => crate::region_outlines::encode(&[]),
        false => catalog.map.outlines.clone(),
    };
    let etag = hex16(body.as_bytes());
    cached(
        &headers,
        &etag,
        "application/json",
        "public, max-age=3600, must-revalidate",
        body,
    )
}

fn problem(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// One coordinate of the query: a plain decimal number, short.
fn coordinate(raw: &str) -> Option<f64> {
    let ok = !raw.is_empty()
        && raw.len() <= 20
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    ok.then(|| raw.parse().ok()).flatten()
}

/// `GET /peta/lokasi?lat=..&lon=..`: the kelurahan (one a report can be filed in) holding
/// the point: `{"code","name","area"}`; 404 outside every one, 400 for anything but two
/// plain numbers in range.
async fn resolve(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    if query.len() > MAX_QUERY {
        return problem(StatusCode::BAD_REQUEST, "the query is too long");
    }
    let (mut lat, mut lon) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key {
            "lat" => &mut lat,
            "lon" => &mut lon,
            _ => continue,
        };
        if slot.is_some() {
            return problem(StatusCode::BAD_REQUEST, "lat and lon are given once each");
        }
        match coordinate(value) {
            Some(v) => *slot = Some(v),
            None => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "lat and lon must be decimal numbers",
                );
            }
        }
    }
    let (Some(lat), Some(lon)) = (lat, lon) else {
        return problem(StatusCode::BAD_REQUEST, "give lat and lon");
    };
    let at = match Coordinates::parse(lat, lon) {
        Ok(at) => at,
        Err(e) => return problem(StatusCode::BAD_REQUEST, e.0),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let found = catalog
        .locate(at)
        .filter(|code| j.first_receiver(code).is_some())
        .and_then(|code| j.region(code));
    let Some(region) = found else {
        return problem(
            StatusCode::NOT_FOUND,
            "outside every region reports are taken for",
        );
    };
    let area = region
        .code
        .lineage()
        .iter()
        .skip(1)
        .filter_map(|c| j.region(c))
        .map(|r| r.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    Json(json!({
        "code": region.code.to_string(),
        "name": region.name,
        "area": area,
    }))
    .into_response()
}
