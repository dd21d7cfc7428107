//! `/admin/rute`: how a report reaches the unit that handles it, as the domain routes it.
//!
//! The domain has no routing table to edit: a new report goes to the office of its region
//! (`Jurisdiction::first_receiver`), and a coordinator forwards it to the category's
//! responsible unit, or that unit's branch in the report's kota (`suggested_unit`). So this
//! page explains that, lists who answers for each category with its branches, and lets the
//! admin try a category and a place; the responsible unit is changed on the category page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Category, CategoryCode, Jurisdiction, RegionCode, RegionLevel};

use crate::state::AppState;

use super::super::forms::FieldErrors;
use super::super::session::Visitor;
use super::super::{Chrome, Lang, Texts, render, render_with};
use super::texts::{CatalogTexts, texts};
use super::{Choice, Pager, admin_only, paginate};

const PATH: &str = "/admin/rute";
const PAGE_SIZE: usize = 20;

#[derive(Deserialize)]
pub struct RoutingQuery {
    #[serde(default)]
    lang: Lang,
    kategori: Option<String>,
    wilayah: Option<String>,
    hal: Option<String>,
}

struct RouteRow {
    code: String,
    category: String,
    unit: String,
    branches: Vec<String>,
}

/// Regions grouped under their parent's name, for a select.
struct RegionGroup {
    label: String,
    options: Vec<Choice>,
}

/// Where the tried report goes.
struct Route {
    receiver: Option<String>,
    forwarded_to: Option<String>,
}

#[derive(Template)]
#[template(path = "catalog_admin_routing.html")]
struct RoutingPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    rows: Vec<RouteRow>,
    pager: Pager,
    categories: Vec<Choice>,
    regions: Vec<RegionGroup>,
    errors: FieldErrors,
    route: Option<Route>,
}

fn category_name(c: &Category, lang: Lang) -> String {
    match lang {
        Lang::Id => c.name.clone(),
        Lang::En => c.name_en.clone(),
    }
}

fn rows(j: &Jurisdiction, categories: Vec<&Category>, lang: Lang) -> Vec<RouteRow> {
    categories
        .into_iter()
        .map(|c| {
            let branches = j
                .units()
                .filter(|u| u.parent.as_ref() == Some(&c.responsible_unit))
                .map(|u| {
                    u.region
                        .as_ref()
                        .and_then(|r| j.region(r))
                        .map_or_else(|| u.name.clone(), |r| r.name.clone())
                })
                .collect();
            RouteRow {
                code: c.code.to_string(),
                category: category_name(c, lang),
                unit: j
                    .unit(&c.responsible_unit)
                    .map_or_else(|| c.responsible_unit.to_string(), |u| u.name.clone()),
                branches,
            }
        })
        .collect()
}

/// The finest level of regions loaded (kelurahan when they are), under their parents.
fn region_groups(j: &Jurisdiction, chosen: Option<&RegionCode>) -> Vec<RegionGroup> {
    let level = if j.has_level(RegionLevel::Kelurahan) {
        RegionLevel::Kelurahan
    } else {
        RegionLevel::Kecamatan
    };
    let mut groups: Vec<RegionGroup> = Vec::new();
    for r in j.regions().filter(|r| r.level == level) {
        let label = r
            .code
            .parent()
            .and_then(|p| j.region(&p))
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let option = Choice {
            value: r.code.to_string(),
            label: r.name.clone(),
            selected: chosen == Some(&r.code),
        };
        match groups.last_mut() {
            Some(group) if group.label == label => group.options.push(option),
            _ => groups.push(RegionGroup {
                label,
                options: vec![option],
            }),
        }
    }
    groups
}

/// The route of a report of `category` in `region`, as the domain decides it.
fn route(j: &Jurisdiction, category: &Category, region: &RegionCode) -> Route {
    Route {
        receiver: j.first_receiver(region).map(|u| u.name.clone()),
        forwarded_to: j.suggested_unit(category, region).map(|u| u.name.clone()),
    }
}

pub async fn routing(
    State(state): State<AppState>,
    Query(q): Query<RoutingQuery>,
    visitor: Visitor,
) -> Response {
    let (t, ct) = (q.lang.texts(), texts(q.lang));
    if let Err(refused) = admin_only(t, ct, PATH, &visitor) {
        return *refused;
    }
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let mut categories: Vec<&Category> = j.categories().collect();
    categories.sort_by_key(|c| category_name(c, q.lang).to_lowercase());

    let raw_category = q.kategori.as_deref().map(str::trim).unwrap_or_default();
    let raw_region = q.wilayah.as_deref().map(str::trim).unwrap_or_default();
    let category = CategoryCode::parse(raw_category)
        .ok()
        .and_then(|c| j.category(&c));
    let region = RegionCode::parse(raw_region)
        .ok()
        .filter(|r| j.region(r).is_some());
    let mut errors = FieldErrors::default();
    let asked = !raw_category.is_empty() || !raw_region.is_empty();
    if asked && category.is_none() {
        errors.add("kategori", ct.pick_both);
    }
    if asked && region.is_none() {
        errors.add("wilayah", ct.pick_both);
    }
    let route = match (category, &region) {
        (Some(c), Some(r)) => Some(route(j, c, r)),
        _ => None,
    };

    let choices = categories
        .iter()
        .map(|c| Choice {
            value: c.code.to_string(),
            label: category_name(c, q.lang),
            selected: category.is_some_and(|chosen| chosen.code == c.code),
        })
        .collect();
    let page = q.hal.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let (shown, pager) = paginate(ct, categories, page, PAGE_SIZE, |p| {
        format!("{PATH}?lang={}&hal={p}", t.lang)
    });
    let page = RoutingPage {
        t,
        ct,
        chrome: Chrome::new(PATH, t, &visitor),
        rows: rows(j, shown, q.lang),
        pager,
        categories: choices,
        regions: region_groups(j, region.as_ref()),
        route,
        errors,
    };
    if page.errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    }
}
