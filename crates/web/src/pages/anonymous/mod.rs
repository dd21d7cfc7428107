//! `/lapor/tanpa-akun`: anyone files a report without an account, with a mobile number or
//! an e-mail address (at least one) to hear of it. The same form as `/lapor` (photos,
//! category, description with the personal-data warning, place) and the same service as
//! the channels (`service::submit_without_account`, on the website's channel); the contact
//! is sealed at once, as a desk seals a walk-in's, and answers go through the outbox. The
//! receipt shows the ticket and the tracking code once (`tracking::issue_once`, as the
//! desk's receipt); the code also goes sealed with the acknowledgement.
//!
//! Without a session there is no token to bind the form to: like `/daftar`, a POST the
//! browser says comes from another site is refused (with a session, its token is checked
//! too). Submissions count against the address's hourly limit before any photo is decoded,
//! and, once sound, against the contact's (`LimitsConfig::submissions_per_contact`).

pub mod texts;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use aduan_channels::ChannelsConfig;
use aduan_domain::report::Report;
use aduan_domain::{Channel, Ticket};

use crate::app_error::AppResult;
use crate::body::JsonWithPhotos;
use crate::contact::{DeskCitizen, desk_contact};
use crate::error::{ApiError, status_of};
use crate::limits::ClientAddr;
use crate::service::{self, ReporterContact};
use crate::state::AppState;
use crate::tracking;

use super::forms::{FieldErrors, field_of, refuse_forgery};
use super::submit::{self, Values, new_submission, text};
use super::tracking::texts::TrackingTexts;
use super::{Chrome, Lang, LangQuery, PageError, Texts, error_page, failure, render, see_other};
use texts::AnonymousTexts;

pub const PATH: &str = "/lapor/tanpa-akun";
const RECEIPT_PATH: &str = "/lapor/tanpa-akun/tanda-terima";

/// The contact part of the form (the rest is `/lapor`'s), with what was typed.
pub struct ContactFields {
    pub at: &'static AnonymousTexts,
    pub phone: String,
    pub email: String,
}

impl ContactFields {
    fn read(object: &serde_json::Map<String, Value>, at: &'static AnonymousTexts) -> Self {
        Self {
            at,
            phone: text(object, "phone").trim().to_owned(),
            email: text(object, "email").trim().to_owned(),
        }
    }
}

async fn form_page(
    state: &AppState,
    lang: Lang,
    visitor: &super::Visitor,
    submission: String,
    (values, contact): (Values, ContactFields),
    errors: FieldErrors,
    photos_again: bool,
) -> submit::SubmitPage {
    let t = lang.texts();
    let mut page = submit::page(
        state,
        lang,
        visitor,
        submission,
        values,
        errors,
        photos_again,
    )
    .await;
    page.chrome = Chrome::new(PATH, t, visitor);
    page.action = PATH;
    page.contact = Some(contact);
    // The map drawn on the server leads back to `/lapor`, for accounts: here the kelurahan
    // list (and, with JavaScript, the pin) choose the place.
    page.map_href = None;
    page
}

pub async fn report_form(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: super::Visitor,
) -> Response {
    let at = AnonymousTexts::of(q.lang);
    let contact = ContactFields {
        at,
        phone: String::new(),
        email: String::new(),
    };
    let page = form_page(
        &state,
        q.lang,
        &visitor,
        new_submission(),
        (Values::default(), contact),
        FieldErrors::default(),
        false,
    )
    .await;
    render(&page)
}

/// Where answers go: the phone's channel the city has a provider for (SMS first, the one
/// every phone reads), else e-mail when it has a mail server; with no provider for what
/// was given, still that route (the outbox then shows admins why it cannot go).
fn notify_by(channels: &ChannelsConfig, phone: bool, email: bool) -> Option<&'static str> {
    match (phone, email) {
        (true, _) if channels.twilio.is_some() => Some("sms"),
        (true, _) if channels.whatsapp.is_some() => Some("whatsapp"),
        (_, true) if channels.smtp.is_some() => Some("email"),
        (true, _) => Some("sms"),
        (false, true) => Some("email"),
        (false, false) => None,
    }
}

/// The reporter's contact, checked and sealed by the desk's rules (`desk_contact`); each
/// problem beside its field. `Ok(None)`: the form has errors.
fn sealed_contact(
    state: &AppState,
    fields: &ContactFields,
    errors: &mut FieldErrors,
) -> AppResult<Option<ReporterContact>> {
    let at = fields.at;
    let given = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
    let (phone, email) = (given(&fields.phone), given(&fields.email));
    if phone.is_none() && email.is_none() {
        errors.add("contact", at.err_contact_needed);
        return Ok(None);
    }
    let citizen = DeskCitizen {
        name: None,
        notify_by: notify_by(&state.config.channels, phone.is_some(), email.is_some())
            .map(str::to_owned),
        phone,
        email,
        nik: None,
    };
    match desk_contact(&state.sealer, Channel::Web, citizen) {
        Ok(contact) => Ok(Some(contact)),
        Err(e) if e.is_failure_below() => Err(e),
        Err(e) => {
            match field_of(&e) {
                "citizen.email" => errors.add("email", at.err_email),
                _ => errors.add("phone", at.err_phone),
            }
            Ok(None)
        }
    }
}

pub async fn file_report(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    addr: ClientAddr,
    visitor: super::Visitor,
    headers: HeaderMap,
    body: Result<JsonWithPhotos, ApiError>,
) -> Response {
    let (t, at) = (q.lang.texts(), AnonymousTexts::of(q.lang));
    let chrome = || Chrome::new(PATH, t, &visitor);
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return error_page(t, chrome(), e.status, t.err_photo);
        }
        Err(e) => return PageError::from_api(t, chrome(), e, t.csrf_failed).into_response(),
    };
    let csrf = body.object.get("csrf").and_then(Value::as_str);
    let with_session = visitor.user.is_some();
    if let Some(refused) = refuse_forgery(t, PATH, &visitor, &headers, csrf, with_session) {
        return refused;
    }
    // A file input left empty still sends one empty part.
    let photos: Vec<Vec<u8>> = body.photos.into_iter().filter(|p| !p.is_empty()).collect();
    let photos_again = !photos.is_empty();
    let object = body.object;
    let (values, contact) = (Values::read(&object), ContactFields::read(&object, at));
    let submission = Some(text(&object, "submission"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(new_submission);
    let mut errors = FieldErrors::default();
    // Refused before the photos are decoded: a flood costs no image work.
    let filed = match state.limits.submission_without_account(addr) {
        Err(e) => Err(e),
        Ok(()) => file(&state, &object, photos, &contact, t, &mut errors).await,
    };
    let mut retry_after = None;
    let status = match filed {
        Ok(Some(report)) => return receipt_once(&state, q.lang, &visitor, &report).await,
        Ok(None) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(e) if e.is_failure_below() => return failure(t, chrome(), e, t.server_error),
        Err(e) => {
            let (field, message) = submit::submit_error(t, &e);
            errors.add(field, message);
            retry_after = e.retry_after();
            status_of(&e)
        }
    };
    let page = form_page(
        &state,
        q.lang,
        &visitor,
        submission,
        (values, contact),
        errors,
        photos_again,
    )
    .await;
    let mut response = super::render_with(status, &page);
    if let Some(value) = retry_after.and_then(|secs| secs.to_string().parse().ok()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// Check the contact and the report, collecting every problem; file when there is none.
async fn file(
    state: &AppState,
    object: &serde_json::Map<String, Value>,
    photos: Vec<Vec<u8>>,
    contact: &ContactFields,
    t: &Texts,
    errors: &mut FieldErrors,
) -> AppResult<Option<Report>> {
    let sealed = sealed_contact(state, contact, errors)?;
    // After the contact's problems: the intake files nothing while any is found.
    let intake = submit::intake(object, photos, "anonymous", t, errors).await?;
    let (Some(sealed), Some(intake)) = (sealed, intake) else {
        return Ok(None);
    };
    // Each report sends the contact an acknowledgement: a stranger may not use the form
    // to flood someone's phone or inbox, whatever addresses they send from.
    if let Some(key) = &sealed.reporter_key
        && let Err(e) = state.limits.submission_for_contact(key)
    {
        errors.add("contact", contact.at.err_contact_too_many);
        return Err(e);
    }
    service::submit_without_account(state, sealed, intake)
        .await
        .map(Some)
}

#[derive(Template)]
#[template(path = "anonymous_receipt.html")]
struct ReceiptPage {
    t: &'static Texts,
    at: &'static AnonymousTexts,
    tt: &'static TrackingTexts,
    chrome: Chrome,
    ticket: String,
    /// The report's tracking code, shown this once (just filed); never again.
    code: Option<String>,
}

fn receipt_page(lang: Lang, chrome: Chrome, ticket: &Ticket, code: Option<String>) -> ReceiptPage {
    ReceiptPage {
        t: lang.texts(),
        at: AnonymousTexts::of(lang),
        tt: TrackingTexts::of(lang),
        chrome,
        ticket: ticket.to_string(),
        code,
    }
}

/// Just filed: the receipt with the report's new tracking code, shown this once. The
/// same form sent again (a double tap, a reload) files nothing new and issues no new code:
/// the receipt without it.
async fn receipt_once(
    state: &AppState,
    lang: Lang,
    visitor: &super::Visitor,
    report: &Report,
) -> Response {
    let t = lang.texts();
    let again = format!("{RECEIPT_PATH}/{}", report.ticket);
    let chrome = || Chrome::new(&again, t, visitor);
    match tracking::issue_once(state, report, true).await {
        Ok(Some(code)) => render(&receipt_page(
            lang,
            chrome(),
            &report.ticket,
            Some(code.display()),
        )),
        Ok(None) => see_other(&again, t),
        Err(e) => failure(t, chrome(), e, t.server_error),
    }
}

/// The receipt again: the ticket only. Nothing of the report is read (anyone may open
/// this address, and tickets are sequential): its state is on `/lacak`, with the code.
pub async fn receipt(
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: super::Visitor,
) -> Response {
    let t = q.lang.texts();
    let path = format!("{RECEIPT_PATH}/{ticket}");
    let chrome = Chrome::new(&path, t, &visitor);
    match Ticket::parse(&ticket) {
        Ok(ticket) => render(&receipt_page(q.lang, chrome, &ticket, None)),
        Err(_) => error_page(t, chrome, StatusCode::NOT_FOUND, t.report_not_found),
    }
}
