//! `/lapor/peta`: choose the kelurahan of a report on a map drawn on the server (SVG, no
//! script): each region is a link back to `/lapor` with that region chosen. Only when
//! boundaries are loaded; the form's plain list stays the accessible alternative.

pub mod texts;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::state::AppState;

use super::session::Visitor;
use super::submit::citizen_gate;
use super::{Chrome, Lang, Texts, error_page, render};

use crate::region_shapes::View;
use texts::MapTexts;

pub const PATH: &str = "/lapor/peta";

#[derive(Deserialize)]
pub struct MapQuery {
    #[serde(default)]
    lang: Lang,
    kota: Option<String>,
}

/// A link to one view of the map.
struct Zoom {
    name: String,
    tone: Option<usize>,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "region_map.html")]
struct MapPage<'a> {
    t: &'static Texts,
    mt: &'static MapTexts,
    chrome: Chrome,
    view: &'a View,
    zooms: Vec<Zoom>,
    /// A kota's kelurahan by name (code, name), for the list under its map.
    listed: Vec<(&'a str, &'a str)>,
}

pub async fn map_page(
    State(state): State<AppState>,
    Query(q): Query<MapQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    if let Some(away) = citizen_gate(t, &visitor, PATH) {
        return away;
    }
    let catalog = state.catalog();
    let kota = q.kota.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let Some(view) = catalog.map.view(kota) else {
        return error_page(
            t,
            Chrome::new(PATH, t, &visitor),
            StatusCode::NOT_FOUND,
            t.bad_link,
        );
    };
    let mt = MapTexts::of(q.lang);
    let zooms = catalog
        .map
        .views
        .iter()
        .map(|v| Zoom {
            name: match v.kota {
                None => mt.whole.to_owned(),
                Some(_) => v.name.clone(),
            },
            href: match &v.kota {
                None => format!("{PATH}?lang={}", t.lang),
                Some(k) => format!("{PATH}?kota={k}&lang={}", t.lang),
            },
            tone: v.tone,
            current: v.kota == view.kota,
        })
        .collect();
    let mut chrome = Chrome::new(PATH, t, &visitor);
    if let Some(k) = &view.kota {
        chrome.other_lang_href = format!("{PATH}?kota={k}&lang={}", t.other_lang);
    }
    let mut listed: Vec<(&str, &str)> = match view.kota {
        None => Vec::new(),
        Some(_) => view
            .panels
            .iter()
            .flat_map(|p| &p.areas)
            .map(|a| (a.code.as_str(), a.name.as_str()))
            .collect(),
    };
    listed.sort_by(|a, b| a.1.cmp(b.1));
    render(&MapPage {
        t,
        mt,
        chrome,
        view,
        zooms,
        listed,
    })
}
