//! Service requests: filing one for a citizen (POST, with an API key), and reading public
//! ones (GET). A private report is never listed and reads as "not found". A POST answers,
//! besides the spec's fields, `tracking_code`: the secret with which the citizen follows
//! the private report on `/lacak`, given this once.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use aduan_domain::report::{Report, TimelineEntry};
use aduan_domain::scrub::public_text;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, Coordinates, Jurisdiction, ReportState, Ticket, Visibility,
    access,
};
use aduan_store::identity::Identity;
use aduan_store::{ReportQuery, ReportScope, StoreError};

use super::format::{Fail, Format, Outcome, Value, render, respond};
use super::params::Params;
use super::{check_jurisdiction, no_such_resource};
use crate::contact::contact_for;
use crate::photos::{Provenance, accept_photos};
use crate::service::{self, Intake, Place, ReporterContact};
use crate::state::AppState;
use crate::views::{category_named, photo_url, unit_named};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;
/// Most tickets one `service_request_id` list may name.
const MAX_IDS: usize = 200;

const SERVICE_NOTICE: &str = "Laporan diterima. Setiap laporan bersifat privat sampai \
    pelapor membukanya untuk publik; hanya laporan publik yang tampil di GET requests.";

/// The spec knows two states: a report is closed once it reached an end.
fn status(state: ReportState) -> &'static str {
    if state.is_terminal() {
        "closed"
    } else {
        "open"
    }
}

fn open_states(open: bool) -> Vec<ReportState> {
    ReportState::ALL
        .into_iter()
        .filter(|s| s.is_terminal() != open)
        .collect()
}

fn rfc3339(at: DateTime<Utc>) -> Value {
    Value::text(at.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The estimated completion date, as the end of that day in the jurisdiction's zone.
fn expected(j: &Jurisdiction, date: Option<NaiveDate>) -> Value {
    date.and_then(|d| d.and_hms_opt(23, 59, 59))
        .and_then(|t| t.and_local_timezone(j.settings.time_zone).single())
        .map_or(Value::Null, |t| {
            Value::text(t.to_rfc3339_opts(SecondsFormat::Secs, true))
        })
}

/// Actions whose note speaks to the public about the report's progress; routing between
/// units and the validator's review of a follow-up are internal.
fn public_note(entry: &TimelineEntry) -> Option<&str> {
    let public = matches!(
        entry.action,
        ActionKind::Accept
            | ActionKind::Schedule
            | ActionKind::SubmitFollowup
            | ActionKind::Validate
            | ActionKind::Reject
            | ActionKind::MarkDuplicate
            | ActionKind::Refer
    );
    entry
        .note
        .as_deref()
        .filter(|n| public && !n.trim().is_empty())
}

/// A public report as a service request. Text is scrubbed; nothing names the reporter.
async fn request_view(state: &AppState, j: &Jurisdiction, r: &Report) -> Result<Value, Fail> {
    let ticket = r.ticket.to_string();
    let timeline = state.store.timeline(r.id).await?;
    let notes = timeline.iter().rev().find_map(public_note).map(public_text);
    let rejected = access::RejectedFollowups::in_history(&timeline);
    let media = state
        .store
        .photos(r.id)
        .await?
        .iter()
        .find(|p| access::may_see_photo(r, p, &rejected, None))
        .map(|p| photo_url(&ticket, p.id));
    Ok(Value::Obj(vec![
        ("service_request_id", Value::text(&ticket)),
        ("status", Value::text(status(r.state))),
        ("status_notes", Value::opt_text(notes)),
        (
            "service_name",
            Value::text(category_named(j, &r.category).name),
        ),
        ("service_code", Value::text(r.category.to_string())),
        ("description", Value::text(r.description_for_others())),
        (
            "agency_responsible",
            Value::text(unit_named(j, &r.holding_unit).name),
        ),
        ("service_notice", Value::Null),
        ("requested_datetime", rfc3339(r.created_at)),
        ("updated_datetime", rfc3339(r.updated_at)),
        ("expected_datetime", expected(j, r.estimated_completion)),
        (
            "address",
            Value::opt_text(r.address.as_deref().map(public_text)),
        ),
        ("address_id", Value::Null),
        ("zipcode", Value::Null),
        ("lat", Value::opt_num(r.location.map(|c| c.lat))),
        ("long", Value::opt_num(r.location.map(|c| c.lon))),
        ("media_url", Value::opt_text(media)),
    ]))
}

/// The public report with this ticket; a private or unknown one is "not found" alike.
async fn public_report(state: &AppState, raw: &str) -> Result<Option<Report>, Fail> {
    let Ok(ticket) = Ticket::parse(raw) else {
        return Ok(None);
    };
    match state.store.report(&ticket).await {
        Ok(r) if r.visibility == Visibility::Public => Ok(Some(r)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn render_requests(state: &AppState, reports: &[Report], format: Format) -> Outcome {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let mut items = Vec::with_capacity(reports.len());
    for r in reports {
        items.push(request_view(state, j, r).await?);
    }
    Ok(render(
        format,
        StatusCode::OK,
        "service_requests",
        &Value::List("request", items),
    ))
}

/// `GET /requests.json|.xml`: public reports, newest first, a page at a time.
pub async fn list(state: &AppState, params: &Params, format: Format) -> Outcome {
    check_jurisdiction(&state.catalog().jurisdiction, params)?;
    if let Some(ids) = params.get("service_request_id") {
        // The spec: with service_request_id, every other filter is ignored.
        let ids: Vec<&str> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if ids.len() > MAX_IDS {
            return Err(Fail::bad_request(format!(
                "at most {MAX_IDS} service_request_id values at once"
            )));
        }
        let mut reports = Vec::new();
        for id in ids {
            if let Some(r) = public_report(state, id).await? {
                reports.push(r);
            }
        }
        return render_requests(state, &reports, format).await;
    }
    let page = params.count("page", 1, u32::MAX)?;
    let page_size = params.count("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let mut query = ReportQuery::new(ReportScope::Public, page_size);
    query.offset = (page - 1)
        .checked_mul(page_size)
        .ok_or_else(|| Fail::bad_request("page is too large"))?;
    if let Some(code) = params.get("service_code") {
        let code = CategoryCode::parse(code)
            .map_err(|_| Fail::bad_request("service_code not found (one code at a time)"))?;
        if state.catalog().jurisdiction.category(&code).is_none() {
            return Err(Fail::bad_request("service_code not found"));
        }
        query.category = Some(code);
    }
    query.created_from = params.instant("start_date")?;
    // end_date is inclusive; the store's bound is exclusive.
    query.created_before = params
        .instant("end_date")?
        .map(|t| t + TimeDelta::microseconds(1));
    if let Some(wanted) = params.get("status") {
        let mut open = false;
        let mut closed = false;
        for s in wanted.split(',').map(str::trim) {
            match s {
                "open" => open = true,
                "closed" => closed = true,
                _ => return Err(Fail::bad_request("status must be open or closed")),
            }
        }
        if open != closed {
            query.states = open_states(open);
        }
    }
    let found = state.store.list_reports(query).await?;
    render_requests(state, &found.reports, format).await
}

/// `GET /requests/{service_request_id}.json|.xml`.
pub async fn one(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return no_such_resource();
    };
    let outcome = async {
        let params = Params::from_query(query.as_deref())?;
        check_jurisdiction(&state.catalog().jurisdiction, &params)?;
        let report = public_report(&state, id)
            .await?
            .ok_or_else(|| Fail::not_found("service_request_id not found"))?;
        render_requests(&state, &[report], format).await
    }
    .await;
    respond(format, outcome)
}

/// `GET /tokens/{token}.json|.xml`: aduan answers POST with the ticket itself, so a token
/// is a ticket; it resolves when that report is public.
pub async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return no_such_resource();
    };
    let outcome = async {
        let params = Params::from_query(query.as_deref())?;
        check_jurisdiction(&state.catalog().jurisdiction, &params)?;
        let report = public_report(&state, token)
            .await?
            .ok_or_else(|| Fail::not_found("token not found"))?;
        let item = Value::Obj(vec![
            ("service_request_id", Value::text(report.ticket.to_string())),
            ("token", Value::text(token)),
        ]);
        Ok(render(
            format,
            StatusCode::OK,
            "service_requests",
            &Value::List("request", vec![item]),
        ))
    }
    .await;
    respond(format, outcome)
}

/// The reporter's identity as the app gave it, sealed; `None` when it gave none.
fn reporter_contact(state: &AppState, params: &Params) -> Result<ReporterContact, Fail> {
    let name = [params.get("first_name"), params.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let handle = [
        params.get("account_id").map(|a| format!("account:{a}")),
        params.get("device_id").map(|d| format!("device:{d}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let identity = Identity {
        name: (!name.is_empty()).then_some(name),
        phone: params.owned("phone"),
        email: params.owned("email"),
        nik: None,
        handle: (!handle.is_empty()).then_some(handle),
    };
    Ok(contact_for(
        &state.sealer,
        Channel::Open311,
        &identity,
        None,
    )?)
}

/// `POST /requests.json|.xml`: file a report for a citizen through a third-party app.
pub async fn create(
    state: &AppState,
    query: Option<&str>,
    req: Request,
    format: Format,
) -> Outcome {
    let mut params = Params::from_query(query)?;
    params.add_body(req, state).await?;
    check_jurisdiction(&state.catalog().jurisdiction, &params)?;
    let key = params
        .get("api_key")
        .ok_or_else(|| Fail::forbidden("api_key was not provided"))?;
    match state.store.api_key_by_hash(crate::token_hash(key)).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(Fail::forbidden("api_key is not valid")),
        Err(e) => return Err(e.into()),
    }
    let code = params.required("service_code")?;
    let category = CategoryCode::parse(code)
        .ok()
        .filter(|c| state.catalog().jurisdiction.category(c).is_some())
        .ok_or_else(|| Fail::bad_request("service_code not found"))?;
    let (lat, long) = (params.number("lat")?, params.number("long")?);
    let (Some(lat), Some(long)) = (lat, long) else {
        return Err(Fail::bad_request(
            "lat and long were not provided (address_string and address_id alone cannot be \
             placed)",
        ));
    };
    let at = Coordinates::parse(lat, long).map_err(|e| Fail::bad_request(e.to_string()))?;
    let description = params.required("description")?.to_owned();
    let contact = reporter_contact(state, &params)?;
    let photos = accept_photos(std::mem::take(&mut params.media), Provenance::Reporter).await?;
    let intake = Intake {
        category,
        description,
        place: Place::At(at),
        address: params.owned("address_string"),
        channel: Channel::Open311,
        photos,
        // GeoReport v2 carries no message id; clients that retry get a second report.
        message_id: None,
    };
    let report = service::submit_without_account(state, contact, intake).await?;
    // The app has no way to answer its user through us: it gets the report's tracking code
    // (this once; only its hash is kept) to show them, for `/lacak`.
    let code = crate::tracking::issue_once(state, &report, false).await?;
    let item = Value::Obj(vec![
        ("service_request_id", Value::text(report.ticket.to_string())),
        ("service_notice", Value::text(SERVICE_NOTICE)),
        ("account_id", Value::Null),
        (
            "tracking_code",
            code.map_or(Value::Null, |c| Value::text(c.display())),
        ),
    ]);
    Ok(render(
        format,
        StatusCode::OK,
        "service_requests",
        &Value::List("request", vec![item]),
    ))
}
