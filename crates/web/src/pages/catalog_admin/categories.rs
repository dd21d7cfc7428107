//! `/admin/kategori`: the categories with their responsible unit, SLA targets and keywords,
//! a page at a time; `/admin/kategori/baru` adds one; `/admin/kategori/{code}` changes its
//! names, responsible unit and targets (in force for every report at once).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::category_icon::{ICONS, icon_of};
use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Category, CategoryCode, Jurisdiction};

use crate::pages::admin_form::{AdminForm, AdminFormFields};
use crate::state::AppState;

use super::super::category_icons::drawing;
use super::super::forms::FieldErrors;
use super::super::session::Visitor;
use super::super::{Chrome, Lang, Texts, error_page, render, render_with, see_other};
use super::category_edit::{self, CategoryInput, may_be_responsible};
use super::problems::{MAX_COMPLETION_HOURS, MAX_COORDINATION_HOURS};
use super::texts::{CatalogTexts, texts};
use super::{Choice, Outcome, Pager, admin_only, change, paginate};

const PATH: &str = "/admin/kategori";
const NEW_PATH: &str = "/admin/kategori/baru";
/// The address of one entry's page, for the way back after signing in: only a valid
/// code makes one (anything else goes back to the list).
fn own_path(raw: &str) -> String {
    CategoryCode::parse(raw).map_or_else(|_| PATH.to_owned(), |code| format!("{PATH}/{code}"))
}

const PAGE_SIZE: usize = 20;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    lang: Lang,
    hal: Option<String>,
    done: Option<String>,
}

struct CategoryRow {
    code: String,
    name: String,
    other_name: String,
    unit: String,
    coordination_hours: u32,
    completion_hours: u32,
    keywords: usize,
}

#[derive(Template)]
#[template(path = "catalog_admin_categories.html")]
struct CategoriesPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    notice: Option<&'static str>,
    rows: Vec<CategoryRow>,
    pager: Pager,
}

/// The unit's name, or its code when the data names no such unit.
fn unit_name(j: &Jurisdiction, c: &Category) -> String {
    j.unit(&c.responsible_unit)
        .map_or_else(|| c.responsible_unit.to_string(), |u| u.name.clone())
}

pub async fn list_categories(
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
    let mut categories: Vec<&Category> = j.categories().collect();
    categories.sort_by_key(|c| match q.lang {
        Lang::Id => c.name.to_lowercase(),
        Lang::En => c.name_en.to_lowercase(),
    });
    let page = q.hal.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1);
    let (shown, pager) = paginate(ct, categories, page, PAGE_SIZE, |p| {
        format!("{PATH}?lang={}&hal={p}", t.lang)
    });
    let rows = shown
        .into_iter()
        .map(|c| {
            let (name, other_name) = match q.lang {
                Lang::Id => (c.name.clone(), c.name_en.clone()),
                Lang::En => (c.name_en.clone(), c.name.clone()),
            };
            CategoryRow {
                code: c.code.to_string(),
                name,
                other_name,
                unit: unit_name(j, c),
                coordination_hours: c.sla.coordination_hours,
                completion_hours: c.sla.completion_hours,
                keywords: c.keywords.len(),
            }
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("added") => Some(ct.category_added),
        Some("saved") => Some(ct.category_saved),
        _ => None,
    };
    render(&CategoriesPage {
        t,
        ct,
        chrome: Chrome::new(PATH, t, &visitor),
        notice,
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
pub struct CategoryForm {
    csrf: String,
    /// Only when adding.
    code: String,
    name: String,
    name_en: String,
    responsible_unit: String,
    coordination_hours: String,
    completion_hours: String,
    icon: String,
}

impl AdminFormFields for CategoryForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }

    fn page(posted_to: &str) -> String {
        own_path(posted_to.rsplit('/').next().unwrap_or_default())
    }
}

impl CategoryForm {
    fn of(c: &Category) -> Self {
        Self {
            code: c.code.to_string(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            responsible_unit: c.responsible_unit.to_string(),
            coordination_hours: c.sla.coordination_hours.to_string(),
            completion_hours: c.sla.completion_hours.to_string(),
            icon: c.icon.clone().unwrap_or_default(),
            ..Self::default()
        }
    }

    fn input(&self) -> CategoryInput<'_> {
        CategoryInput {
            name: &self.name,
            name_en: &self.name_en,
            responsible_unit: &self.responsible_unit,
            coordination_hours: &self.coordination_hours,
            completion_hours: &self.completion_hours,
            icon: &self.icon,
        }
    }
}

#[derive(Template)]
#[template(path = "catalog_admin_category.html")]
struct CategoryPage {
    t: &'static Texts,
    ct: &'static CatalogTexts,
    chrome: Chrome,
    errors: FieldErrors,
    /// Adding a category (the code is asked for) rather than changing one.
    adding: bool,
    /// The code of the category changed (the form's own `code` is only for adding).
    code: String,
    action: String,
    form: CategoryForm,
    units: Vec<Choice>,
    /// Every icon aduan draws, the one named selected; drawn beside the select.
    icons: Vec<Choice>,
    /// The icon the category shows now (named or guessed), drawn on the page.
    shown_icon: Option<(&'static str, &'static str)>,
    keywords: usize,
    max_coordination: u32,
    max_completion: u32,
}

fn category_page(
    j: &Jurisdiction,
    (t, ct): (&'static Texts, &'static CatalogTexts),
    chrome: Chrome,
    current: Option<&Category>,
    form: CategoryForm,
    errors: FieldErrors,
) -> CategoryPage {
    let current_unit = current.map(|c| &c.responsible_unit);
    let units = j
        .units()
        .filter(|u| may_be_responsible(j, u) || Some(&u.code) == current_unit)
        .map(|u| Choice {
            value: u.code.to_string(),
            label: format!("{} ({})", u.name, u.code),
            selected: u.code.as_str() == form.responsible_unit.trim(),
        })
        .collect();
    let icons = ICONS
        .iter()
        .map(|name| Choice {
            value: (*name).to_owned(),
            label: (*name).to_owned(),
            selected: *name == form.icon.trim(),
        })
        .collect();
    let shown_icon = current.map(|c| {
        let name = icon_of(c);
        (name, drawing(name))
    });
    CategoryPage {
        t,
        ct,
        chrome,
        errors,
        icons,
        shown_icon,
        adding: current.is_none(),
        code: current.map(|c| c.code.to_string()).unwrap_or_default(),
        action: current.map_or_else(|| NEW_PATH.to_owned(), |c| format!("{PATH}/{}", c.code)),
        keywords: current.map_or(0, |c| c.keywords.len()),
        form,
        units,
        max_coordination: MAX_COORDINATION_HOURS,
        max_completion: MAX_COMPLETION_HOURS,
    }
}

pub async fn new_category_form(
    State(state): State<AppState>,
    Query(q): Query<FormQuery>,
    visitor: Visitor,
) -> Response {
    let (t, ct) = (q.lang.texts(), texts(q.lang));
    if let Err(refused) = admin_only(t, ct, NEW_PATH, &visitor) {
        return *refused;
    }
    let catalog = state.catalog();
    let form = CategoryForm {
        coordination_hours: "6".into(),
        completion_hours: "168".into(),
        ..CategoryForm::default()
    };
    let chrome = Chrome::new(NEW_PATH, t, &visitor);
    let page = category_page(
        &catalog.jurisdiction,
        (t, ct),
        chrome,
        None,
        form,
        FieldErrors::default(),
    );
    render(&page)
}

pub async fn add_category(
    State(state): State<AppState>,
    AdminForm {
        admin,
        chrome: _,
        visitor,
        lang,
        t,
        form,
        ..
    }: AdminForm<CategoryForm>,
) -> Response {
    let ct = texts(lang);
    let chrome = || Chrome::new(NEW_PATH, t, &visitor);
    let outcome = change(&state, t, ct, chrome, &admin.username, |j| {
        category_edit::add_category(j, &form.code, &form.input())
    })
    .await;
    match outcome {
        Outcome::Done => see_other(&format!("{PATH}?done=added"), t),
        Outcome::Failed(response) => response,
        Outcome::Refused(errors) => {
            let catalog = state.catalog();
            let chrome = Chrome::new(NEW_PATH, t, &visitor);
            let page = category_page(&catalog.jurisdiction, (t, ct), chrome, None, form, errors);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// The category at `/admin/kategori/{code}`, or the 404 page.
fn known_category(
    j: &Jurisdiction,
    (t, ct): (&'static Texts, &CatalogTexts),
    visitor: &Visitor,
    raw: &str,
) -> Result<CategoryCode, Box<Response>> {
    match CategoryCode::parse(raw) {
        Ok(code) if j.category(&code).is_some() => Ok(code),
        _ => {
            let chrome = Chrome::new(PATH, t, visitor);
            Err(Box::new(error_page(
                t,
                chrome,
                StatusCode::NOT_FOUND,
                ct.category_not_found,
            )))
        }
    }
}

pub async fn category_form(
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
    let j = &catalog.jurisdiction;
    let code = match known_category(j, (t, ct), &visitor, &code) {
        Ok(code) => code,
        Err(missing) => return *missing,
    };
    let current = j.category(&code);
    let form = current.map(CategoryForm::of).unwrap_or_default();
    let chrome = Chrome::new(&format!("{PATH}/{code}"), t, &visitor);
    let page = category_page(j, (t, ct), chrome, current, form, FieldErrors::default());
    render(&page)
}

pub async fn change_category(
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
    }: AdminForm<CategoryForm>,
) -> Response {
    let ct = texts(lang);
    let code = match known_category(&state.catalog().jurisdiction, (t, ct), &visitor, &code) {
        Ok(code) => code,
        Err(missing) => return *missing,
    };
    let path = format!("{PATH}/{code}");
    let chrome = || Chrome::new(&path, t, &visitor);
    let outcome = change(&state, t, ct, chrome, &admin.username, |j| {
        category_edit::change_category(j, &code, &form.input())
    })
    .await;
    match outcome {
        Outcome::Done => see_other(&format!("{PATH}?done=saved"), t),
        Outcome::Failed(response) => response,
        Outcome::Refused(errors) => {
            let catalog = state.catalog();
            let j = &catalog.jurisdiction;
            let chrome = Chrome::new(&path, t, &visitor);
            let page = category_page(j, (t, ct), chrome, j.category(&code), form, errors);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
