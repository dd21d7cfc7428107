//! `/admin/unit`: the units by kind, a page at a time; `/admin/unit/baru` adds one;
//! `/admin/unit/{code}` renames one (nothing else of a unit changes). The kinds, their order
//! and their labels are the city's (`settings.unit_kinds`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Jurisdiction, Unit, UnitCode, UnitKind};

use crate::pages::admin_form::{AdminForm, AdminFormFields, admin_form_fields};
use crate::state::AppState;

use super::super::forms::FieldErrors;
use super::super::session::Visitor;
use super::super::{Chrome, Lang, Texts, error_page, render, render_with, see_other};
use super::texts::{CatalogTexts, texts};
use super::unit_edit::{self, NewUnitInput};
use super::{Choice, Outcome, Pager, admin_only, change, paginate};

const PATH: &str = "/admin/unit";
const NEW_PATH: &str = "/admin/unit/baru";
/// The address of one entry's page, for the way back after signing in: only a valid
/// code makes one (anything else goes back to the list).
fn own_path(raw: &str) -> String {
    UnitCode::parse(raw).map_or_else(|_| PATH.to_owned(), |code| format!("{PATH}/{code}"))
}

const PAGE_SIZE: usize = 30;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    lang: Lang,
    jenis: Option<String>,
    hal: Option<String>,
    done: Option<String>,
}

struct UnitRow {
    code: String,
    name: String,
    kind: String,
    region: String,
    parent: String,
}

#[derive(Template)]
#[template(path = "catalog_admin_units.html")]
struct UnitsPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    notice: Option<&'static str>,
    kinds: Vec<Choice>,
    rows: Vec<UnitRow>,
    pager: Pager,
}

/// What the city calls a kind of unit in the reader's language; its code for a kind the
/// city no longer lists (a stored unit's).
fn kind_label(j: &Jurisdiction, t: &Texts, kind: UnitKind) -> String {
    j.unit_kind_label(kind, t.lang == "en")
        .unwrap_or(kind.code())
        .to_owned()
}

/// The city's kinds, in its pack's order.
fn kind_choices(j: &Jurisdiction, t: &Texts, chosen: Option<UnitKind>) -> Vec<Choice> {
    j.unit_kinds()
        .iter()
        .map(|k| Choice {
            value: k.kind.code().to_owned(),
            label: kind_label(j, t, k.kind),
            selected: chosen == Some(k.kind),
        })
        .collect()
}

/// The kind called `raw`, if the city lists it.
fn listed_kind(j: &Jurisdiction, raw: &str) -> Option<UnitKind> {
    j.unit_kind(raw.trim()).map(|k| k.kind)
}

fn region_label(j: &Jurisdiction, unit: &Unit) -> String {
    unit.region
        .as_ref()
        .map(|r| match j.region(r) {
            Some(region) => format!("{} ({r})", region.name),
            None => r.to_string(),
        })
        .unwrap_or_default()
}

pub async fn list_units(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
    visitor: Visitor,
) -> Response {
    let (t, ct) = (q.lang.texts(), texts(q.lang));
    if let Err(refused) = admin_only(t, ct, PATH, &visitor) {
        return *refused;
    }
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let chosen = q.jenis.as_deref().and_then(|raw| listed_kind(j, raw));
    let mut units: Vec<&Unit> = j
        .units()
        .filter(|u| chosen.is_none_or(|k| u.kind == k))
        .collect();
    // Grouped by kind, in the order the filter lists them (a kind no longer listed last).
    let rank = |kind: UnitKind| {
        j.unit_kinds()
            .iter()
            .position(|k| k.kind == kind)
            .unwrap_or(usize::MAX)
    };
    units.sort_by_key(|u| (rank(u.kind), u.code.clone()));
    let kind_param = chosen
        .map(|k| format!("&jenis={}", k.code()))
        .unwrap_or_default();
    let page = q.hal.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let (shown, pager) = paginate(ct, units, page, PAGE_SIZE, |p| {
        format!("{PATH}?lang={}{kind_param}&hal={p}", t.lang)
    });
    let rows = shown
        .into_iter()
        .map(|u| UnitRow {
            code: u.code.to_string(),
            name: u.name.clone(),
            kind: kind_label(j, t, u.kind),
            region: region_label(j, u),
            parent: u
                .parent
                .as_ref()
                .and_then(|p| j.unit(p))
                .map(|p| p.name.clone())
                .unwrap_or_default(),
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("added") => Some(ct.unit_added),
        Some("saved") => Some(ct.unit_saved),
        _ => None,
    };
    render(&UnitsPage {
        t,
        ct,
        chrome: Chrome::new(PATH, t, &visitor),
        notice,
        kinds: kind_choices(j, t, chosen),
        rows,
        pager,
    })
}

#[derive(Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    lang: Lang,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUnitForm {
    csrf: String,
    code: String,
    name: String,
    kind: String,
    region: String,
    parent: String,
}

admin_form_fields!(NewUnitForm);

#[derive(Template)]
#[template(path = "catalog_admin_unit_new.html")]
struct NewUnitPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    errors: FieldErrors,
    code: String,
    name: String,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    parents: Vec<Choice>,
}

fn new_unit_page(
    j: &Jurisdiction,
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    form: NewUnitForm,
    errors: FieldErrors,
) -> NewUnitPage {
    let regions = j
        .regions()
        .map(|r| Choice {
            value: r.code.to_string(),
            label: format!("{} ({}, {})", r.name, r.code, ct.level(r.level)),
            selected: r.code.as_str() == form.region.trim(),
        })
        .collect();
    let parents = j
        .units()
        .filter(|u| u.parent.is_none() && j.unit_kinds().iter().any(|k| k.parent == Some(u.kind)))
        .map(|u| Choice {
            value: u.code.to_string(),
            label: format!("{} ({})", u.name, u.code),
            selected: u.code.as_str() == form.parent.trim(),
        })
        .collect();
    NewUnitPage {
        t,
        ct,
        chrome,
        errors,
        kinds: kind_choices(j, t, listed_kind(j, &form.kind)),
        regions,
        parents,
        code: form.code,
        name: form.name,
    }
}

pub async fn new_unit_form(
    State(state): State<AppState>,
    Query(q): Query<FormQuery>,
    visitor: Visitor,
) -> Response {
    let (t, ct) = (q.lang.texts(), texts(q.lang));
    if let Err(refused) = admin_only(t, ct, NEW_PATH, &visitor) {
        return *refused;
    }
    let catalog = state.catalog();
    let chrome = Chrome::new(NEW_PATH, t, &visitor);
    render(&new_unit_page(
        &catalog.jurisdiction,
        t,
        ct,
        chrome,
        NewUnitForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn add_unit(
    State(state): State<AppState>,
    AdminForm {
        admin,
        chrome: _,
        visitor,
        lang,
        t,
        form,
        ..
    }: AdminForm<NewUnitForm>,
) -> Response {
    let ct = texts(lang);
    let chrome = || Chrome::new(NEW_PATH, t, &visitor);
    let input = NewUnitInput {
        code: &form.code,
        name: &form.name,
        kind: &form.kind,
        region: &form.region,
        parent: &form.parent,
    };
    let outcome = change(&state, t, ct, chrome, &admin.username, |j| {
        unit_edit::add_unit(j, &input)
    })
    .await;
    match outcome {
        Outcome::Done => see_other(&format!("{PATH}?done=added"), t),
        Outcome::Failed(response) => response,
        Outcome::Refused(errors) => {
            let catalog = state.catalog();
            let chrome = Chrome::new(NEW_PATH, t, &visitor);
            let page = new_unit_page(&catalog.jurisdiction, t, ct, chrome, form, errors);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RenameForm {
    csrf: String,
    name: String,
}

impl AdminFormFields for RenameForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }

    fn page(posted_to: &str) -> String {
        own_path(posted_to.rsplit('/').next().unwrap_or_default())
    }
}

#[derive(Template)]
#[template(path = "catalog_admin_unit.html")]
struct UnitPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    errors: FieldErrors,
    action: String,
    row: UnitRow,
    name: String,
}

/// The unit at `/admin/unit/{code}`, or the 404 page.
fn known_unit(
    j: &Jurisdiction,
    t: &'static Texts,
    ct: &CatalogTexts,
    visitor: &Visitor,
    raw: &str,
) -> Result<UnitRow, Box<Response>> {
    let unit = UnitCode::parse(raw).ok().and_then(|code| j.unit(&code));
    let Some(unit) = unit else {
        let chrome = Chrome::new(PATH, t, visitor);
        return Err(Box::new(error_page(
            t,
            chrome,
            StatusCode::NOT_FOUND,
            ct.unit_not_found,
        )));
    };
    Ok(UnitRow {
        code: unit.code.to_string(),
        name: unit.name.clone(),
        kind: kind_label(j, t, unit.kind),
        region: region_label(j, unit),
        parent: unit
            .parent
            .as_ref()
            .and_then(|p| j.unit(p))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
    })
}

pub async fn unit_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<FormQuery>,
    visitor: Visitor,
) -> Response {
    let (t, ct) = (q.lang.texts(), texts(q.lang));
    if let Err(refused) = admin_only(t, ct, &own_path(&code), &visitor) {
        return *refused;
    }
    let catalog = state.catalog();
    let row = match known_unit(&catalog.jurisdiction, t, ct, &visitor, &code) {
        Ok(row) => row,
        Err(missing) => return *missing,
    };
    let action = format!("{PATH}/{}", row.code);
    render(&UnitPage {
        t,
        ct,
        chrome: Chrome::new(&action, t, &visitor),
        errors: FieldErrors::default(),
        name: row.name.clone(),
        action,
        row,
    })
}

pub async fn rename_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    AdminForm {
        admin,
        chrome: _,
        visitor,
        lang,
        t,
        form,
        ..
    }: AdminForm<RenameForm>,
) -> Response {
    let ct = texts(lang);
    let row = match known_unit(&state.catalog().jurisdiction, t, ct, &visitor, &code) {
        Ok(row) => row,
        Err(missing) => return *missing,
    };
    let action = format!("{PATH}/{}", row.code);
    let chrome = || Chrome::new(&action, t, &visitor);
    let Ok(unit_code) = UnitCode::parse(&row.code) else {
        return see_other(PATH, t);
    };
    let outcome = change(&state, t, ct, chrome, &admin.username, |j| {
        unit_edit::rename_unit(j, &unit_code, &form.name)
    })
    .await;
    match outcome {
        Outcome::Done => see_other(&format!("{PATH}?done=saved"), t),
        Outcome::Failed(response) => response,
        Outcome::Refused(errors) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &UnitPage {
                t,
                ct,
                chrome: Chrome::new(&action, t, &visitor),
                errors,
                name: form.name,
                action: action.clone(),
                row,
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::JurisdictionData;

    fn pack(text: &str) -> Jurisdiction {
        let data: JurisdictionData = serde_json::from_str(text).unwrap();
        Jurisdiction::new(data).unwrap()
    }

    fn kind(code: &str) -> UnitKind {
        UnitKind::parse(code).unwrap()
    }

    /// The kinds the admin pages listed while they were code, in its order, with its labels.
    const JAKARTA_KINDS: [(&str, &str, &str); 8] = [
        ("kelurahan", "Kantor Kelurahan", "Kelurahan office"),
        ("kecamatan", "Kantor Kecamatan", "Kecamatan office"),
        ("walikota", "Kantor Wali Kota", "Wali kota office"),
        ("dinas", "Dinas/Badan/Biro", "Dinas/Badan/Biro"),
        ("suku_dinas", "Suku Dinas", "Suku Dinas"),
        ("satpol_pp", "Satpol PP", "Satpol PP"),
        ("validation", "Tim validasi", "Validation team"),
        ("other", "Lainnya", "Other"),
    ];

    #[test]
    fn the_jakarta_pack_names_the_unit_kinds_as_the_code_did() {
        let j = pack(include_str!("../../../../../packs/jakarta.json"));
        for lang in [Lang::Id, Lang::En] {
            for (code, id, en) in JAKARTA_KINDS {
                let expected = if lang == Lang::En { en } else { id };
                assert_eq!(
                    kind_label(&j, lang.texts(), kind(code)),
                    expected,
                    "{code} {lang:?}"
                );
            }
            let offered: Vec<(String, String)> = kind_choices(&j, lang.texts(), None)
                .into_iter()
                .map(|c| (c.value, c.label))
                .collect();
            let listed: Vec<(String, String)> = JAKARTA_KINDS
                .iter()
                .map(|&(code, id, en)| {
                    let label = if lang == Lang::En { en } else { id };
                    (code.to_owned(), label.to_owned())
                })
                .collect();
            assert_eq!(offered, listed, "{lang:?}");
        }
    }

    #[test]
    fn another_pack_names_its_own_kinds_and_offers_only_those() {
        let j = pack(include_str!("../../../../../packs/bogor.json"));
        let label = |lang: Lang, kind| kind_label(&j, lang.texts(), kind);
        assert_eq!(
            label(Lang::Id, kind("validation")),
            "Tim validasi (Bagian Tata Pemerintahan)"
        );
        assert_eq!(
            label(Lang::En, kind("validation")),
            "Validation team (Bagian Tata Pemerintahan)"
        );
        // Bogor has no Suku Dinas: not offered, and a stored unit of such a kind would be
        // shown by its code (the labels are the pack's, none is in code).
        let offered: Vec<String> = kind_choices(&j, Lang::Id.texts(), None)
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(
            offered,
            [
                "kelurahan",
                "kecamatan",
                "dinas",
                "satpol_pp",
                "validation",
                "other"
            ]
        );
        assert_eq!(label(Lang::Id, kind("suku_dinas")), "suku_dinas");
        assert_eq!(listed_kind(&j, "suku_dinas"), None);
        assert_eq!(listed_kind(&j, " dinas "), Some(kind("dinas")));
    }
}
