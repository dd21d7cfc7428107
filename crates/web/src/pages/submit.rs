//! `/lapor`: a signed-in citizen files a report (category, description, where, photos),
//! through the same service as `POST /api/v1/reports`, on the `web` channel. The form is
//! shared with `/lapor/tanpa-akun` (`super::anonymous`), which adds the reporter's contact.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::Deserialize;
use serde_json::{Map, Value};

use aduan_domain::report::description_fits;
use aduan_domain::{CategoryCode, Channel, Role};

use crate::app::place::{LocationInput, parse_place};
use crate::app_error::{AppError, AppResult};
use crate::body::JsonWithPhotos;
use crate::error::{ApiError, status_of};
use crate::limits::ClientAddr;
use crate::photos::{Provenance, accept_photos};
use crate::service::{self, Intake, ReporterContact};
use crate::state::AppState;

use super::category_picker::Picker;
use super::choices::{Group, places};
use super::forms::{FieldErrors, field_of, posted_with_photos};
use super::gate::signed_in_as;
use super::outbox::{self, OutboxTexts};
use super::publish::texts::PublishTexts;
use super::region_map::{self, texts::MapTexts};
use super::session::Visitor;
use super::{
    Chrome, LOCATE_SCRIPT, Lang, LangQuery, Texts, failure, render, render_with, see_other,
};

const PATH: &str = "/lapor";

/// What was typed, shown again when the form comes back with errors.
#[derive(Default)]
pub(super) struct Values {
    category: String,
    description: String,
    region: String,
    lat: String,
    lon: String,
    address: String,
}

impl Values {
    pub(super) fn read(object: &Map<String, Value>) -> Self {
        Self {
            category: text(object, "category"),
            description: text(object, "description"),
            region: text(object, "region"),
            lat: text(object, "lat"),
            lon: text(object, "lon"),
            address: text(object, "address"),
        }
    }
}

#[derive(Template)]
#[template(path = "submit.html")]
pub(super) struct SubmitPage {
    t: &'static Texts,
    pub(super) chrome: Chrome,
    /// Where the form posts (without query).
    pub(super) action: &'static str,
    /// The reporter's contact, on the form without an account.
    pub(super) contact: Option<super::anonymous::ContactFields>,
    /// Names this filling of the form: sending it twice files one report.
    submission: String,
    picker: Picker,
    place_label: &'static str,
    groups: Vec<Group>,
    values: Values,
    errors: FieldErrors,
    photos_again: bool,
    script: &'static str,
    mt: &'static MapTexts,
    /// The warning about personal data beside the description.
    pt: &'static PublishTexts,
    /// The map to choose the place on, when boundaries are loaded.
    pub(super) map_href: Option<String>,
    /// The region just chosen on the map, by name.
    pub(super) chosen: Option<String>,
    ot: &'static OutboxTexts,
    outbox: &'static str,
    /// The slippy map to place a pin on (with JavaScript), when boundaries are loaded.
    w: Option<super::map::MapWidget>,
    /// "Laporan serupa di sekitar" (pages/support).
    s: super::support::SimilarBlock,
}

#[derive(Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    lang: Lang,
    /// A region chosen on the map.
    wilayah: Option<String>,
}

pub(super) fn new_submission() -> String {
    let mut raw = [0u8; 16];
    rand::rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

pub(super) async fn page(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    submission: String,
    values: Values,
    errors: FieldErrors,
    photos_again: bool,
) -> SubmitPage {
    let t = lang.texts();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let (place_label, groups) = places(j, t, &values.region);
    let common = state
        .popular
        .get(state.store.as_ref(), j, chrono::Utc::now())
        .await;
    SubmitPage {
        t,
        chrome: Chrome::new(PATH, t, visitor),
        action: PATH,
        contact: None,
        submission,
        picker: Picker::new(j, lang, &values.category, &common),
        place_label,
        groups,
        values,
        errors,
        photos_again,
        script: LOCATE_SCRIPT,
        mt: MapTexts::of(lang),
        pt: PublishTexts::of(lang),
        map_href: catalog
            .has_boundaries()
            .then(|| format!("{}?lang={}", region_map::PATH, t.lang)),
        chosen: None,
        ot: OutboxTexts::of(lang),
        outbox: outbox::SCRIPT,
        w: catalog.has_boundaries().then(|| {
            let pt = super::map::texts::PetaTexts::of(lang);
            super::map::MapWidget::new(&state.config.map, pt, super::map::Mode::Pick, true)
        }),
        s: super::support::SimilarBlock::new(lang),
    }
}

/// Only a signed-in citizen files here: others are sent to sign in, staff are refused.
fn gate(t: &'static Texts, visitor: &Visitor) -> Option<Response> {
    citizen_gate(t, visitor, PATH)
}

/// The citizens' pages at `path`: others are sent to sign in, staff are refused.
pub(super) fn citizen_gate(t: &'static Texts, visitor: &Visitor, path: &str) -> Option<Response> {
    let citizen = |role| role == Role::Citizen;
    signed_in_as(t, path, visitor, citizen, t.citizens_only)
        .err()
        .map(|away| *away)
}

pub async fn report_form(
    State(state): State<AppState>,
    Query(q): Query<FormQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    if let Some(away) = gate(t, &visitor) {
        return away;
    }
    let values = Values {
        region: q.wilayah.unwrap_or_default().trim().to_owned(),
        ..Values::default()
    };
    let mut page = page(
        &state,
        q.lang,
        &visitor,
        new_submission(),
        values,
        FieldErrors::default(),
        false,
    )
    .await;
    page.chosen = page.chosen_region();
    render(&page)
}

impl SubmitPage {
    /// The region the form has chosen, by name: only one the list offers counts.
    pub(super) fn chosen_region(&self) -> Option<String> {
        self.groups
            .iter()
            .flat_map(|g| &g.options)
            .find(|c| c.selected)
            .map(|c| c.name.clone())
    }
}

pub(super) fn text(object: &Map<String, Value>, field: &str) -> String {
    object
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A number as people type it, a decimal comma included.
fn number(raw: &str) -> Result<Option<f64>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.replace(',', ".").parse().map(Some).map_err(|_| ())
}

/// The report's problem, beside its field, in the reader's language.
pub(super) fn submit_error(t: &Texts, e: &AppError) -> (&'static str, String) {
    match e {
        AppError::TooLarge(_) | AppError::UnsupportedPhoto(_) => {
            return ("photo", t.err_photo.to_owned());
        }
        AppError::TooManyAttempts { .. } => return ("form", t.err_too_many.to_owned()),
        _ => {}
    }
    match field_of(e) {
        "category" => ("category", t.err_category.to_owned()),
        "description" => ("description", t.err_description.to_owned()),
        "address" => ("address", t.err_address.to_owned()),
        "photo" => ("photo", t.err_photo.to_owned()),
        f if f.starts_with("location") => ("place", t.err_place.to_owned()),
        _ => ("form", e.message()),
    }
}

/// Parse the form into an intake, collecting every problem found at this edge; `sender`
/// scopes the form's submission id (a form sent twice files once).
pub(super) async fn intake(
    object: &Map<String, Value>,
    photos: Vec<Vec<u8>>,
    sender: &str,
    t: &Texts,
    errors: &mut FieldErrors,
) -> AppResult<Option<Intake>> {
    let category = CategoryCode::parse(text(object, "category").trim())
        .map_err(|_| errors.add("category", t.err_category))
        .ok();
    let description = text(object, "description");
    if !description_fits(&description) {
        errors.add("description", t.err_description);
    }
    let region = text(object, "region");
    let place = match (number(&text(object, "lat")), number(&text(object, "lon"))) {
        (Ok(lat), Ok(lon)) => parse_place(&LocationInput {
            lat,
            lon,
            region: Some(region.trim().to_owned()).filter(|r| !r.is_empty()),
        })
        .map_err(|_| errors.add("place", t.err_place))
        .ok(),
        _ => {
            errors.add("place", t.err_place);
            None
        }
    };
    let photos = match accept_photos(photos, Provenance::Reporter).await {
        Ok(photos) => Some(photos),
        Err(e) if e.is_failure_below() => return Err(e),
        Err(_) => {
            errors.add("photo", t.err_photo);
            None
        }
    };
    let (Some(category), Some(place), Some(photos), true) =
        (category, place, photos, errors.is_empty())
    else {
        return Ok(None);
    };
    let submission = text(object, "submission");
    let well_formed = (1..=64).contains(&submission.len())
        && submission
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
    Ok(Some(Intake {
        category,
        description,
        place,
        address: Some(text(object, "address")),
        channel: Channel::Web,
        photos,
        message_id: well_formed.then(|| format!("{sender}:web-{submission}")),
    }))
}

pub async fn submit_report(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    addr: ClientAddr,
    visitor: Visitor,
    headers: HeaderMap,
    body: Result<JsonWithPhotos, ApiError>,
) -> Response {
    let t = q.lang.texts();
    if let Some(away) = gate(t, &visitor) {
        return away;
    }
    let chrome = || Chrome::new(PATH, t, &visitor);
    let (actor, body) = match posted_with_photos(t, PATH, &visitor, &headers, body, t.err_photo) {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    // A file input left empty still sends one empty part.
    let photos: Vec<Vec<u8>> = body.photos.into_iter().filter(|p| !p.is_empty()).collect();
    let sent_photos = !photos.is_empty();
    let object = body.object;
    let values = Values::read(&object);
    let submission = Some(text(&object, "submission"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(new_submission);
    let mut errors = FieldErrors::default();
    // Refused before the photos are decoded: a flood costs no image work.
    let allowed = state.limits.submission(&actor, addr);
    let parsed = match allowed {
        Ok(()) => {
            let sender = format!("account-{}", actor.user.0);
            intake(&object, photos, &sender, t, &mut errors).await
        }
        Err(e) => Err(e),
    };
    let result = match parsed {
        Ok(Some(intake)) => match visitor.user.as_ref() {
            Some(account) => service::submit(&state, account, intake, ReporterContact::default())
                .await
                .map(Some),
            None => Err(AppError::not_allowed("sign in first")),
        },
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    let status = match result {
        Ok(Some(report)) => return see_other(&format!("/laporan/{}?sent=1", report.ticket), t),
        Ok(None) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(e) if e.is_failure_below() || matches!(e, AppError::NotAllowed(_)) => {
            return failure(t, chrome(), e, t.citizens_only);
        }
        Err(e) => {
            let (field, message) = submit_error(t, &e);
            errors.add(field, message);
            status_of(&e)
        }
    };
    let page = page(
        &state,
        q.lang,
        &visitor,
        submission,
        values,
        errors,
        sent_photos,
    )
    .await;
    render_with(status, &page)
}
