//! Reports: submit, read (shaped by who asks), list, timeline, photos.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{Days, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_domain::access::{self, RejectedFollowups};
use aduan_domain::report::Report;
use aduan_domain::{
    Actor, CategoryCode, Channel, Jurisdiction, RegionCode, ReportState, Role, UnitCode,
};
use aduan_store::{ReportQuery, StoreError};

use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::app::place::{LocationInput, parse_place};
use crate::app::reading::{parse_search, readable_report, scope_for};
use crate::auth::{Caller, SignedIn};
use crate::body::ApiBody;
use crate::contact::{DeskCitizen, desk_contact};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::limits::ClientAddr;
use crate::photos::{Provenance, accept_photos};
use crate::service::{self, Intake, ReporterContact};
use crate::state::AppState;
use crate::views::{
    ReportSummary, ReportView, TimelineEntryView, report_summary, report_view, timeline_view,
};

#[derive(Deserialize, ToSchema)]
pub struct SubmitReportRequest {
    /// A category code from `GET /categories`.
    pub category: String,
    /// 10-4000 characters.
    pub description: String,
    pub location: LocationInput,
    pub address: Option<String>,
    /// For citizens the city's app (`jaki` in Jakarta; the default, `web` where the pack
    /// lists no app) or `web`; for operators the channel the report came through, the
    /// city's first desk by default. See GET /channels.
    pub channel: Option<String>,
    /// Operators only: the walk-in citizen's contact, sealed at once and never shown to
    /// staff; with `notify_by`, the citizen hears of each step by SMS, WhatsApp or e-mail.
    pub citizen: Option<DeskCitizen>,
}

/// The city's first desk for operators, its app (else the web) for everyone else.
fn default_channel(j: &Jurisdiction, role: Role) -> Channel {
    match role {
        Role::Operator => j.desk_channel(),
        _ => j.citizen_channel(),
    }
}

/// A client's `Idempotency-Key`, scoped to the account that sent it so no one can reach
/// another account's report by guessing keys.
fn idempotency_key(headers: &HeaderMap, actor: &Actor) -> ApiResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| ApiError::invalid("Idempotency-Key", "1-128 visible ASCII characters"))?;
    Ok(Some(format!("account-{}:{key}", actor.user.0)))
}

/// File a report. JSON, or multipart/form-data with a `report` JSON part and up to five
/// `photo` parts (JPEG, PNG or WebP). Every report starts private and `waiting` at the
/// office of the kelurahan where it is. With an `Idempotency-Key` header, a retry of the
/// same submission answers with the report filed the first time instead of a second one.
/// An operator's answer carries the report's `tracking_code` for the citizen, that once.
#[utoipa::path(post, path = "/reports", tag = "reports", request_body = SubmitReportRequest,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes retries safe: the same key files one report")),
    responses((status = 201, body = ReportView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many reports from this account or address: wait `Retry-After` seconds")),
    security(("bearer" = [])))]
pub async fn submit_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    addr: ClientAddr,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> ApiResult<impl IntoResponse> {
    let actor = signed_in.actor();
    state.limits.submission(&actor, addr)?;
    let message_id = idempotency_key(&headers, &actor)?;
    let req: SubmitReportRequest = body.parse()?;
    let channel = {
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        match req.channel.as_deref() {
            None => default_channel(j, actor.role),
            Some(code) => Channel::parse(code)
                .filter(|c| j.channel(*c).is_some())
                .ok_or_else(|| {
                    ApiError::invalid("channel", "no such channel; see GET /channels")
                })?,
        }
    };
    let category = CategoryCode::parse(req.category.trim())
        .map_err(|e| ApiError::invalid("category", e.to_string()))?;
    let place = parse_place(&req.location)?;
    let contact = match req.citizen {
        None => ReporterContact::default(),
        Some(_) if actor.role != Role::Operator => {
            return Err(ApiError::invalid(
                "citizen",
                "only a desk operator records a citizen's contact",
            ));
        }
        Some(citizen) => desk_contact(&state.sealer, channel, citizen)?,
    };
    // Photos are decoded only for a caller who may file, once the rest is checked.
    service::may_file(&state.catalog().jurisdiction, &actor, channel)?;
    let intake = Intake {
        category,
        description: req.description,
        place,
        address: req.address,
        channel,
        photos: accept_photos(body.photos, Provenance::Reporter).await?,
        message_id,
    };
    // A retry may answer with an earlier report that has photos and history: read it back.
    let read_back = !intake.photos.is_empty() || intake.message_id.is_some();
    let report = service::submit(&state, &signed_in.0, intake, contact).await?;
    let mut view = if read_back {
        full_view(&state, &report, Some(&actor)).await?
    } else {
        // A new report without photos has none stored and nothing merged into it yet:
        // answer without reading back.
        let catalog = state.catalog();
        report_view(
            &catalog.jurisdiction,
            &report,
            &[],
            &[],
            Vec::new(),
            Some(&actor),
        )
    };
    // An operator files for a citizen without an account: the report's tracking code, for
    // the receipt (and sealed with the acknowledgement when the citizen asked for updates).
    if actor.role == Role::Operator {
        let code = crate::tracking::issue_once(&state, &report, true).await?;
        view.tracking_code = code.map(|c| c.display());
    }
    Ok((StatusCode::CREATED, Json(view)))
}

/// One report, as much of it as the caller may see. Public reports are readable without
/// signing in; private ones only by the reporter and the staff handling them.
#[utoipa::path(get, path = "/reports/{ticket}", tag = "reports",
    params(("ticket" = String, Path, description = "e.g. JK2611280001")),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody)))]
pub async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ticket): ApiPath<String>,
) -> ApiResult<Json<ReportView>> {
    let viewer = caller.actor();
    let report = readable_report(&state, &ticket, viewer.as_ref()).await?;
    Ok(Json(full_view(&state, &report, viewer.as_ref()).await?))
}

/// The report's history, oldest first. Entries name roles and units, never people.
#[utoipa::path(get, path = "/reports/{ticket}/timeline", tag = "reports",
    params(("ticket" = String, Path)),
    responses((status = 200, body = [TimelineEntryView]), (status = 404, body = ErrorBody)))]
pub async fn get_timeline(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ticket): ApiPath<String>,
) -> ApiResult<Json<Vec<TimelineEntryView>>> {
    let viewer = caller.actor();
    let report = readable_report(&state, &ticket, viewer.as_ref()).await?;
    let entries = state.store.timeline(report.id).await?;
    let photos = state.store.photos(report.id).await?;
    let catalog = state.catalog();
    Ok(Json(timeline_view(
        &catalog.jurisdiction,
        &report,
        &entries,
        &photos,
        viewer.as_ref(),
    )))
}

/// A photo at display size (at most 1600 pixels on its long side), if the caller may see
/// it (a private report's own photos are locked to everyone but the reporter). Its ETag is
/// the image's SHA-256: `If-None-Match` with it answers 304 without the bytes.
#[utoipa::path(get, path = "/reports/{ticket}/photos/{id}", tag = "reports",
    params(("ticket" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "The image", content_type = "image/jpeg"),
        (status = 304, description = "Not modified: the image has the ETag sent"),
        (status = 404, body = ErrorBody)))]
pub async fn get_photo(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((ticket, id)): ApiPath<(String, i64)>,
) -> ApiResult<axum::response::Response> {
    photo_image(&state, &caller, &headers, &ticket, id, PhotoSize::Display).await
}

/// A photo's thumbnail (at most 480 pixels on its long side), for lists and cards; who may
/// see it and its ETag as for the photo.
#[utoipa::path(get, path = "/reports/{ticket}/photos/{id}/thumbnail", tag = "reports",
    params(("ticket" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "The thumbnail", content_type = "image/jpeg"),
        (status = 304, description = "Not modified: the image has the ETag sent"),
        (status = 404, body = ErrorBody)))]
pub async fn get_photo_thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((ticket, id)): ApiPath<(String, i64)>,
) -> ApiResult<axum::response::Response> {
    photo_image(&state, &caller, &headers, &ticket, id, PhotoSize::Thumbnail).await
}

#[derive(Debug, Clone, Copy)]
enum PhotoSize {
    Display,
    Thumbnail,
}

/// How long a photo anyone may see may be cached, by browsers and shared caches: its bytes
/// never change, but a report made private again must stop showing within a day. Photos
/// only some may see are cached by the browser alone, briefly.
const PUBLIC_PHOTO_CACHE: &str = "public, max-age=86400";
const PRIVATE_PHOTO_CACHE: &str = "private, max-age=300";

async fn photo_image(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    ticket: &str,
    id: i64,
    size: PhotoSize,
) -> ApiResult<axum::response::Response> {
    let viewer = caller.actor();
    let report = readable_report(state, ticket, viewer.as_ref()).await?;
    let info = state
        .store
        .photo(report.id, id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found("no such photo"),
            other => other.into(),
        })?;
    let history = state.store.timeline(report.id).await?;
    let rejected = RejectedFollowups::in_history(&history);
    if !access::may_see_photo(&report, &info, &rejected, viewer.as_ref()) {
        return Err(ApiError::not_found("no such photo"));
    }
    let image = match size {
        PhotoSize::Display => info.image,
        PhotoSize::Thumbnail => info.thumbnail,
    };
    let cache = if access::may_see_photo(&report, &info, &rejected, None) {
        PUBLIC_PHOTO_CACHE
    } else {
        PRIVATE_PHOTO_CACHE
    };
    let etag = format!("\"{}\"", image.hex());
    let validators = [(ETAG, etag.clone()), (CACHE_CONTROL, cache.to_owned())];
    if crate::etag::matches(headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, validators).into_response());
    }
    let bytes = state.photos.get(&image).await.map_err(|e| match e {
        // The row names an image the photo store lacks: the store is damaged, not the
        // request.
        StoreError::NotFound => ApiError::from(StoreError::Other(format!(
            "photo {id} of {ticket}: image {} is missing from the photo store",
            image.hex()
        ))),
        other => other.into(),
    })?;
    Ok((validators, [(CONTENT_TYPE, info.content_type)], bytes).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    /// A state code, e.g. `waiting`.
    pub state: Option<String>,
    pub category: Option<String>,
    /// The unit holding the report.
    pub unit: Option<String>,
    /// A region code; reports in it or inside it.
    pub region: Option<String>,
    /// First day (YYYY-MM-DD, jurisdiction time), inclusive.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, jurisdiction time), inclusive.
    pub to: Option<String>,
    /// Words to search for in descriptions and addresses (2-200 characters): reports holding
    /// every word, matched by Indonesian stems ("perbaikan" finds "diperbaiki"). Empty: no
    /// search.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn parse_day(field: &str, raw: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, "a date as YYYY-MM-DD"))
}

/// Reports the caller may see, newest first, filtered, a page at a time.
#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportFilter),
    responses((status = 200, body = ReportList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_reports(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiQuery(filter): ApiQuery<ReportFilter>,
) -> ApiResult<Json<ReportList>> {
    let actor = signed_in.actor();
    let catalog = state.catalog();
    let tz = catalog.jurisdiction.settings.time_zone;
    let mut query = ReportQuery::new(scope_for(&actor)?, filter.limit.unwrap_or(50));
    if filter.limit.is_some_and(|l| !(1..=200).contains(&l)) {
        return Err(ApiError::invalid("limit", "between 1 and 200"));
    }
    query.state = filter
        .state
        .as_deref()
        .map(|s| ReportState::parse(s).ok_or_else(|| ApiError::invalid("state", "no such state")))
        .transpose()?;
    query.category = filter
        .category
        .as_deref()
        .map(|c| CategoryCode::parse(c).map_err(|e| ApiError::invalid("category", e.to_string())))
        .transpose()?;
    query.unit = filter
        .unit
        .as_deref()
        .map(|u| UnitCode::parse(u).map_err(|e| ApiError::invalid("unit", e.to_string())))
        .transpose()?;
    query.region = filter
        .region
        .as_deref()
        .map(|r| RegionCode::parse(r).map_err(|e| ApiError::invalid("region", e.to_string())))
        .transpose()?;
    let local_midnight = |day: NaiveDate| {
        tz.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Some(from) = filter.from.as_deref() {
        query.created_from = local_midnight(parse_day("from", from)?);
    }
    if let Some(to) = filter.to.as_deref() {
        let next = parse_day("to", to)?
            .checked_add_days(Days::new(1))
            .ok_or_else(|| ApiError::invalid("to", "out of range"))?;
        query.created_before = local_midnight(next);
    }
    if let (Some(from), Some(before)) = (query.created_from, query.created_before)
        && from >= before
    {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    query.text = parse_search(filter.q.as_deref())?;
    query.after = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state.store.list_reports(query).await?;
    Ok(Json(ReportList {
        items: page
            .reports
            .iter()
            .map(|r| report_summary(&catalog.jurisdiction, r))
            .collect(),
        next_cursor: page.next_after.map(encode_cursor),
    }))
}

/// The report with its photos and duplicates, as `viewer` may see it.
pub async fn full_view(
    state: &AppState,
    report: &Report,
    viewer: Option<&Actor>,
) -> ApiResult<ReportView> {
    let photos = state.store.photos(report.id).await?;
    let history = state.store.timeline(report.id).await?;
    let duplicates = state
        .store
        .duplicates_of(&report.ticket)
        .await?
        .into_iter()
        .map(|t| t.to_string())
        .collect();
    let catalog = state.catalog();
    Ok(report_view(
        &catalog.jurisdiction,
        report,
        &photos,
        &history,
        duplicates,
        viewer,
    ))
}
