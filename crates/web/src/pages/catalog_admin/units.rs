//! `/admin/unit`: the units by kind, a page at a time; `/admin/unit/baru` adds one;
//! `/admin/unit/{code}` renames one (nothing else of a unit changes).

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

const KINDS: [UnitKind; 8] = [
    UnitKind::Kelurahan,
    UnitKind::Kecamatan,
    UnitKind::Walikota,
    UnitKind::Dinas,
    UnitKind::SukuDinas,
    UnitKind::SatpolPp,
    UnitKind::Validation,
    UnitKind::Other,
];

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

/// What the city calls a kind of unit: the pack's label, else the one in code.
fn kind_label(j: &Jurisdiction, t: &Texts, ct: &CatalogTexts, kind: UnitKind) -> String {
    j.unit_kind_label(kind, t.lang == "en")
        .map_or_else(|| ct.kind(kind).to_owned(), str::to_owned)
}

fn kind_choices(
    j: &Jurisdiction,
    t: &Texts,
    ct: &CatalogTexts,
    chosen: Option<UnitKind>,
) -> Vec<Choice> {
    KINDS
        .into_iter()
        .map(|k| Choice {
            value: k.code().to_owned(),
            label: kind_label(j, t, ct, k),
            selected: chosen == Some(k),
        })
        .collect()
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
    let chosen = q.jenis.as_deref().and_then(UnitKind::parse);
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let mut units: Vec<&Unit> = j
        .units()
        .filter(|u| chosen.is_none_or(|k| u.kind == k))
        .collect();
    // Grouped by kind, in the order the filter lists them.
    units.sort_by_key(|u| (KINDS.iter().position(|k| *k == u.kind), u.code.clone()));
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
            kind: kind_label(j, t, ct, u.kind),
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
        kinds: kind_choices(j, t, ct, chosen),
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
        .filter(|u| matches!(u.kind, UnitKind::Dinas | UnitKind::SatpolPp) && u.parent.is_none())
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
        kinds: kind_choices(j, t, ct, UnitKind::parse(form.kind.trim())),
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
        kind: kind_label(j, t, ct, unit.kind),
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

    #[test]
    fn the_jakarta_pack_names_the_unit_kinds_as_the_code_did() {
        let j = pack(include_str!("../../../../../packs/jakarta.json"));
        for lang in [Lang::Id, Lang::En] {
            for kind in KINDS {
                assert_eq!(
                    kind_label(&j, lang.texts(), texts(lang), kind),
                    texts(lang).kind(kind),
                    "{kind:?} {lang:?}"
                );
            }
        }
    }

    #[test]
    fn another_pack_names_its_own_kinds_and_the_code_the_rest() {
        let j = pack(include_str!("../../../../../packs/bogor.json"));
        let label = |lang: Lang, kind| kind_label(&j, lang.texts(), texts(lang), kind);
        assert_eq!(
            label(Lang::Id, UnitKind::Validation),
            "Tim validasi (Bagian Tata Pemerintahan)"
        );
        assert_eq!(
            label(Lang::En, UnitKind::Validation),
            "Validation team (Bagian Tata Pemerintahan)"
        );
        assert_eq!(label(Lang::Id, UnitKind::SukuDinas), "Suku Dinas");
    }
}
