//! `/meja`: the operators' desk. An operator enters the report of a citizen who came in
//! person (or wrote on a channel they watch), with the citizen's contact sealed at once,
//! through the same service as `POST /api/v1/reports`; a receipt shows the ticket to hand
//! over; below the form, the operator's recent entries. The citizen's details are never
//! shown back once filed.

mod form;
mod recent;
pub mod texts;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::report::Report;
use aduan_domain::{ChannelKind, Jurisdiction, NamedChannel, Role, access};

use crate::app::reading::parse_ticket;
use crate::app_error::AppError;
use crate::body::JsonWithPhotos;
use crate::error::{ApiError, status_of};
use crate::state::AppState;
use crate::tracking;

use super::choices::{Choice, Group, categories, places};
use super::forms::{FieldErrors, posted_with_photos};
use super::gate::signed_in_as;
use super::labels::{Pill, category_name, local_time, pill};
use super::session::Visitor;
use super::submit::{new_submission, text};
use super::tracking::texts::TrackingTexts;
use super::{Chrome, Lang, LangQuery, Texts, error_page, failure, render, render_with, see_other};
use form::Values;
use recent::Recent;
use texts::DeskTexts;

pub const PATH: &str = "/meja";

#[derive(Deserialize)]
pub struct DeskQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
}

/// A channel to choose, in one of two groups.
struct ChannelChoice {
    code: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    t: &'static Texts,
    dt: &'static DeskTexts,
    chrome: Chrome,
    submission: String,
    desks: Vec<ChannelChoice>,
    others: Vec<ChannelChoice>,
    categories: Vec<Choice>,
    place_label: &'static str,
    groups: Vec<Group>,
    values: Values,
    errors: FieldErrors,
    photos_again: bool,
    recent: Recent,
}

/// Only an operator works the desk: others are sent to sign in, or refused.
fn gate(t: &'static Texts, dt: &DeskTexts, visitor: &Visitor) -> Option<Response> {
    let operator = |role| role == Role::Operator;
    signed_in_as(t, PATH, visitor, operator, dt.operators_only)
        .err()
        .map(|away| *away)
}

/// The channels of this city an operator may file through, desks (channels of kind desk)
/// first, each group in the city's order; `selected` is chosen (the city's first desk when
/// nothing is).
fn channels(j: &Jurisdiction, selected: &str) -> (Vec<ChannelChoice>, Vec<ChannelChoice>) {
    let desk = j.desk_channel();
    let selected = Some(selected.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(desk.code());
    let choice = |c: &NamedChannel| ChannelChoice {
        code: c.code.to_string(),
        label: c.label.clone(),
        selected: c.code.code() == selected,
    };
    let (desks, others): (Vec<NamedChannel>, Vec<NamedChannel>) = j
        .channels()
        .into_iter()
        .filter(|c| access::may_file_through(Role::Operator, c))
        .partition(|c| c.kind == ChannelKind::Desk);
    (
        desks.iter().map(choice).collect(),
        others.iter().map(choice).collect(),
    )
}

struct Form {
    submission: String,
    values: Values,
    errors: FieldErrors,
    photos_again: bool,
}

async fn desk_page(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    form: Form,
    cursor: Option<&str>,
) -> Result<DeskPage, Response> {
    let t = lang.texts();
    let chrome = || Chrome::new(PATH, t, visitor);
    let Some(actor) = visitor.actor() else {
        return Err(see_other(&format!("/masuk?next={PATH}"), t));
    };
    let recent = match recent::recent(state, &actor, cursor, lang, t).await {
        Ok(recent) => recent,
        Err(e) => return Err(failure(t, chrome(), e, t.bad_link)),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let (place_label, groups) = places(j, t, &form.values.region);
    let (desks, others) = channels(j, &form.values.channel);
    Ok(DeskPage {
        t,
        dt: DeskTexts::of(lang),
        chrome: chrome(),
        submission: form.submission,
        desks,
        others,
        categories: categories(j, lang, &form.values.category),
        place_label,
        groups,
        values: form.values,
        errors: form.errors,
        photos_again: form.photos_again,
        recent,
    })
}

pub async fn desk_form(
    State(state): State<AppState>,
    Query(q): Query<DeskQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    if let Some(away) = gate(t, DeskTexts::of(q.lang), &visitor) {
        return away;
    }
    let form = Form {
        submission: new_submission(),
        values: Values::default(),
        errors: FieldErrors::default(),
        photos_again: false,
    };
    match desk_page(&state, q.lang, &visitor, form, q.cursor.as_deref()).await {
        Ok(page) => render(&page),
        Err(away) => away,
    }
}

pub async fn file_report(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Result<JsonWithPhotos, ApiError>,
) -> Response {
    let (t, dt) = (q.lang.texts(), DeskTexts::of(q.lang));
    if let Some(away) = gate(t, dt, &visitor) {
        return away;
    }
    let chrome = || Chrome::new(PATH, t, &visitor);
    let (_, body) = match posted_with_photos(t, PATH, &visitor, &headers, body, t.err_photo) {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    // A file input left empty still sends one empty part.
    let photos: Vec<Vec<u8>> = body.photos.into_iter().filter(|p| !p.is_empty()).collect();
    let photos_again = !photos.is_empty();
    let values = Values::read(&body.object);
    let submission = Some(text(&body.object, "submission"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(new_submission);
    let mut errors = FieldErrors::default();
    let Some(operator) = visitor.user.as_ref() else {
        let refused = AppError::not_allowed("sign in first");
        return failure(t, chrome(), refused, dt.operators_only);
    };
    let filed = form::file(
        &state,
        operator,
        &values,
        &submission,
        photos,
        (t, dt),
        &mut errors,
    )
    .await;
    let status = match filed {
        Ok(Some(report)) => return receipt_once(&state, q.lang, &visitor, &report).await,
        Ok(None) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(e) if e.is_failure_below() || matches!(e, AppError::NotAllowed(_)) => {
            return failure(t, chrome(), e, dt.operators_only);
        }
        Err(e) => {
            let (field, message) = form::report_error(&e, t, dt);
            errors.add(field, message);
            status_of(&e)
        }
    };
    let form = Form {
        submission,
        values,
        errors,
        photos_again,
    };
    match desk_page(&state, q.lang, &visitor, form, None).await {
        Ok(page) => render_with(status, &page),
        Err(away) => away,
    }
}

#[derive(Template)]
#[template(path = "desk_receipt.html")]
struct ReceiptPage {
    t: &'static Texts,
    dt: &'static DeskTexts,
    chrome: Chrome,
    ticket: String,
    submitted: String,
    category: String,
    region: String,
    channel: String,
    state: Pill,
    tt: &'static TrackingTexts,
    /// The report's tracking code, shown this once (just filed); never again.
    code: Option<String>,
}

/// Just filed: the receipt with the report's new tracking code, shown this once (only its
/// hash is kept). The same form sent again (a double tap) files nothing new and issues no
/// new code: the receipt without it.
async fn receipt_once(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    report: &Report,
) -> Response {
    let t = lang.texts();
    let again = format!("{PATH}/tanda-terima/{}", report.ticket);
    let chrome = || Chrome::new(&again, t, visitor);
    // Sent with the acknowledgement too, when the citizen asked for updates.
    match tracking::issue_once(state, report, true).await {
        Ok(Some(code)) => render(&receipt_page(
            state,
            lang,
            chrome(),
            report,
            Some(code.display()),
        )),
        Ok(None) => see_other(&again, t),
        Err(e) => failure(t, chrome(), e, t.server_error),
    }
}

fn receipt_page(
    state: &AppState,
    lang: Lang,
    chrome: Chrome,
    report: &Report,
    code: Option<String>,
) -> ReceiptPage {
    let t = lang.texts();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    ReceiptPage {
        t,
        dt: DeskTexts::of(lang),
        chrome,
        ticket: report.ticket.to_string(),
        submitted: local_time(j, report.created_at),
        category: category_name(j, &report.category, lang),
        region: j
            .region(&report.region)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| report.region.to_string()),
        channel: j.channel_label(report.channel, false),
        state: pill(report.state, lang),
        tt: TrackingTexts::of(lang),
        code,
    }
}

/// The receipt of a report this operator entered: the ticket, big, to hand over.
pub async fn receipt(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
) -> Response {
    let (t, dt) = (q.lang.texts(), DeskTexts::of(q.lang));
    let path = format!("{PATH}/tanda-terima/{ticket}");
    if let Some(away) = gate(t, dt, &visitor) {
        return away;
    }
    let chrome = || Chrome::new(&path, t, &visitor);
    let Some(actor) = visitor.actor() else {
        return see_other(&format!("/masuk?next={PATH}"), t);
    };
    let report = match parse_ticket(&ticket) {
        Ok(ticket) => state.store.report(&ticket).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    let report = match report {
        // Only the operator who entered it.
        Ok(r) if r.entered_by == Some(actor.user) => r,
        Ok(_) => return error_page(t, chrome(), StatusCode::NOT_FOUND, t.report_not_found),
        Err(e) => return failure(t, chrome(), e, t.report_not_found),
    };
    render(&receipt_page(&state, q.lang, chrome(), &report, None))
}
