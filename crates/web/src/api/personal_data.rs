//! Personal-data duties in the API: a citizen downloads their data (`GET /me/export`) or
//! erases their account (`DELETE /me`); an admin with the identity permission handles a
//! data subject's request (`/admin/data-subject/{search,export,erase}`). Every act on
//! identities is written to the identity access log with its reason.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, SET_COOKIE};
use axum::response::{AppendHeaders, IntoResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aduan_store::identity::Identity;

use crate::app::personal_data::{
    self, OwnData, SubjectReport, SubjectRequest, erase_own_account, export_own_data,
};
use crate::auth::SignedIn;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::sessions::close_session;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseAccountRequest {
    /// The account's current password.
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountErased {
    /// The reports that stay, no longer linked to anyone.
    pub reports_unlinked: u64,
}

/// Download everything aduan keeps about the signed-in account: the account and its
/// identity, every report it filed with its history as the reporter sees it, and its
/// messages. A JSON attachment.
#[utoipa::path(get, path = "/me/export", tag = "auth",
    responses((status = 200, body = OwnData), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_me(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> ApiResult<impl IntoResponse> {
    let data = export_own_data(&state, &user).await?;
    let file = format!(
        "attachment; filename=\"aduan-{}-{}.json\"",
        user.username,
        data.exported_at.format("%Y%m%d")
    );
    Ok((AppendHeaders([(CONTENT_DISPOSITION, file)]), Json(data)))
}

/// Erase the signed-in citizen's account: its identity and password are erased, every
/// session ends, the username is never given out again; its reports stay, anonymous,
/// without reply routes. Staff accounts are refused (an admin disables them).
#[utoipa::path(delete, path = "/me", tag = "auth", request_body = EraseAccountRequest,
    responses((status = 200, body = AccountErased), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "a staff account, or the password is wrong"),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase_me(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EraseAccountRequest>,
) -> ApiResult<impl IntoResponse> {
    let reports_unlinked = erase_own_account(&state, &user, req.password).await?;
    // The account's sessions are gone with it; this clears the browser's cookie too.
    let clear = close_session(&state, &headers).await?;
    Ok((
        AppendHeaders([(SET_COOKIE, clear)]),
        Json(AccountErased { reports_unlinked }),
    ))
}

/// What a channel or a desk was told of a data subject, opened for this request.
#[derive(Serialize, ToSchema)]
pub struct SubjectIdentity {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub nik: Option<String>,
    pub handle: Option<String>,
}

impl From<Identity> for SubjectIdentity {
    fn from(i: Identity) -> Self {
        Self {
            name: i.name,
            phone: i.phone,
            email: i.email,
            nik: i.nik,
            handle: i.handle,
        }
    }
}

/// One report a data subject filed through a channel or a desk.
#[derive(Serialize, ToSchema)]
pub struct SubjectReportView {
    pub ticket: String,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    /// The report's state code.
    pub state: String,
    /// Absent when it was erased (by the retention job or an earlier request).
    pub identity: Option<SubjectIdentity>,
}

#[derive(Serialize, ToSchema)]
pub struct SubjectReports {
    pub reports: Vec<SubjectReportView>,
}

/// A data subject's reports for handing over: each with its text and history as staff read
/// them, and the identity the channel gave.
#[derive(Serialize, ToSchema)]
pub struct SubjectExportView {
    pub exported_at: DateTime<Utc>,
    pub reports: Vec<SubjectExportReport>,
}

#[derive(Serialize, ToSchema)]
pub struct SubjectExportReport {
    pub ticket: String,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub state: String,
    pub category: String,
    pub description: String,
    pub address: Option<String>,
    pub timeline: Vec<crate::views::TimelineEntryView>,
    pub identity: Option<SubjectIdentity>,
}

#[derive(Serialize, ToSchema)]
pub struct SubjectErased {
    /// The data subject's reports: they stay, anonymous.
    pub tickets: Vec<String>,
    /// How many of them still held an identity or a reply route, now erased.
    pub erased: u64,
}

fn summary(found: SubjectReport) -> SubjectReportView {
    SubjectReportView {
        ticket: found.report.ticket.to_string(),
        channel: found.report.channel.code().to_owned(),
        created_at: found.report.created_at,
        state: found.report.state.code().to_owned(),
        identity: found.identity.map(Into::into),
    }
}

/// Find a data subject's reports by their phone number or e-mail address (on every channel
/// that keys reporters by it), with the identities those reports' reporters gave; no other
/// reporter's identity is opened. Admins with the identity permission only; logged with the
/// reason, one entry per report found.
#[utoipa::path(post, path = "/admin/data-subject/search", tag = "admin",
    request_body = SubjectRequest,
    responses((status = 200, body = SubjectReports), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn search_subject(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    ApiJson(req): ApiJson<SubjectRequest>,
) -> ApiResult<Json<SubjectReports>> {
    personal_data::may_handle(&admin)?;
    let subject = personal_data::subject_of(&state.sealer, req)?;
    let found = personal_data::search_subject(&state, &admin, subject).await?;
    Ok(Json(SubjectReports {
        reports: found.into_iter().map(summary).collect(),
    }))
}

/// A data subject's reports with their identities, as a JSON attachment to hand over.
/// Admins with the identity permission only; logged with the reason.
#[utoipa::path(post, path = "/admin/data-subject/export", tag = "admin",
    request_body = SubjectRequest,
    responses((status = 200, body = SubjectExportView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_subject(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    ApiJson(req): ApiJson<SubjectRequest>,
) -> ApiResult<impl IntoResponse> {
    personal_data::may_handle(&admin)?;
    let subject = personal_data::subject_of(&state.sealer, req)?;
    let found = personal_data::export_subject(&state, &admin, subject).await?;
    let viewer = crate::auth::actor(&admin);
    let mut reports = Vec::with_capacity(found.len());
    for f in found {
        let timeline = state.store.timeline(f.report.id).await?;
        let photos = state.store.photos(f.report.id).await?;
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        reports.push(SubjectExportReport {
            ticket: f.report.ticket.to_string(),
            channel: f.report.channel.code().to_owned(),
            created_at: f.report.created_at,
            state: f.report.state.code().to_owned(),
            category: f.report.category.to_string(),
            description: crate::views::description_for(&f.report, Some(&viewer)),
            address: f.report.address.clone(),
            timeline: crate::views::timeline_view(j, &f.report, &timeline, &photos, Some(&viewer)),
            identity: f.identity.map(Into::into),
        });
    }
    let exported_at = Utc::now();
    let file = format!(
        "attachment; filename=\"aduan-data-subject-{}.json\"",
        exported_at.format("%Y%m%d")
    );
    Ok((
        AppendHeaders([(CONTENT_DISPOSITION, file)]),
        Json(SubjectExportView {
            exported_at,
            reports,
        }),
    ))
}

/// Erase the identities and reply routes of a data subject's reports; the reports stay,
/// anonymous, and every statistic is unchanged. Admins with the identity permission only;
/// logged with the reason, one entry per report.
#[utoipa::path(post, path = "/admin/data-subject/erase", tag = "admin",
    request_body = SubjectRequest,
    responses((status = 200, body = SubjectErased), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase_subject(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    ApiJson(req): ApiJson<SubjectRequest>,
) -> ApiResult<Json<SubjectErased>> {
    personal_data::may_handle(&admin)?;
    let subject = personal_data::subject_of(&state.sealer, req)?;
    let (reports, erased) = personal_data::erase_subject(&state, &admin, subject).await?;
    Ok(Json(SubjectErased {
        tickets: reports.iter().map(|r| r.ticket.to_string()).collect(),
        erased,
    }))
}
