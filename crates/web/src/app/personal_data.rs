//! Personal-data duties (UU 27/2022): a citizen downloads their data or erases their
//! account; an admin answers a data subject who reported through a channel (by phone
//! number or e-mail address), finding their reports by the reporter keys those addresses
//! would have, so no other reporter's identity is ever opened. Every act is written to the
//! identity access log. The retention job is in [`super::retention`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aduan_domain::report::Report;
use aduan_domain::{Actor, PhoneNumber, Role};
use aduan_store::identity::{Binding, Identity, Sealer};
use aduan_store::privacy::MAX_SUBJECT_REPORTS;
use aduan_store::{AuditAction, AuditNote, ReportQuery, ReportScope, StoreError, User};

use crate::app_error::{AppError, AppResult};
use crate::auth::{actor, verify_password};
use crate::state::AppState;

/// The most reports one citizen's download holds.
const MAX_OWN_REPORTS: usize = 10_000;
/// The channels whose reporter key is a phone number: the SMS and WhatsApp reply routes,
/// and the phone a desk or an app gave (`contact::contact_for`).
const PHONE_KEYS: [&str; 3] = ["sms", "whatsapp", "phone"];
/// The channels whose reporter key is an e-mail address: the e-mail reply route, and the
/// address a desk or an app gave.
const EMAIL_KEYS: [&str; 1] = ["email"];

/// The name an erased account keeps, so that nobody can register its username again to
/// pass for its holder: a keyed hash of the username, which names no one (and has a ':'
/// no username may have). [`username_erased`] recognises it.
pub fn erased_username(sealer: &Sealer, username: &str) -> String {
    sealer.reporter_key("erased-account", username)
}

/// Whether `username` belonged to an account its holder erased.
pub async fn username_erased(state: &AppState, username: &str) -> AppResult<bool> {
    match state
        .store
        .credentials(&erased_username(&state.sealer, username))
        .await
    {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// A signed-in citizen's own account as their download shows it.
#[derive(Serialize, ToSchema)]
pub struct OwnAccount {
    pub username: String,
    pub created_at: DateTime<Utc>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One of the citizen's reports with its history and conversation, as they see them.
#[derive(Serialize, ToSchema)]
pub struct OwnReport {
    pub report: crate::views::ReportView,
    pub timeline: Vec<crate::views::TimelineEntryView>,
    pub messages: Vec<crate::views::MessageView>,
}

/// Everything aduan keeps about a citizen, for them to download.
#[derive(Serialize, ToSchema)]
pub struct OwnData {
    pub exported_at: DateTime<Utc>,
    pub account: OwnAccount,
    pub reports: Vec<OwnReport>,
}

/// The citizen's account, identity, reports (with timelines as they see them) and messages.
pub async fn export_own_data(state: &AppState, user: &User) -> AppResult<OwnData> {
    let identity = match state.store.sealed_identity(user.id).await? {
        Some(sealed) => state
            .sealer
            .open(&sealed, Binding::Account(&user.username))?,
        None => Identity::default(),
    };
    let viewer = actor(user);
    let mut reports = Vec::new();
    let mut after = None;
    loop {
        let mut query = ReportQuery::new(ReportScope::ReportedBy(user.id), 200);
        query.after = after;
        let page = state.store.list_reports(query).await?;
        for report in &page.reports {
            reports.push(own_report(state, report, &viewer).await?);
        }
        match page.next_after {
            Some(next) if reports.len() < MAX_OWN_REPORTS => after = Some(next),
            _ => break,
        }
    }
    Ok(OwnData {
        exported_at: Utc::now(),
        account: OwnAccount {
            username: user.username.clone(),
            created_at: user.created_at,
            name: identity.name.or_else(|| user.display_name.clone()),
            phone: identity.phone,
            email: identity.email,
        },
        reports,
    })
}

async fn own_report(state: &AppState, report: &Report, viewer: &Actor) -> AppResult<OwnReport> {
    let photos = state.store.photos(report.id).await?;
    let duplicates = state
        .store
        .duplicates_of(&report.ticket)
        .await?
        .iter()
        .map(ToString::to_string)
        .collect();
    let timeline = state.store.timeline(report.id).await?;
    let messages = state.store.messages(report.id).await?;
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    Ok(OwnReport {
        report: crate::views::report_view(j, report, &photos, &timeline, duplicates, Some(viewer)),
        timeline: crate::views::timeline_view(j, report, &timeline, &photos, Some(viewer)),
        messages: crate::views::messages_view(j, &messages, viewer),
    })
}

/// Erase the signed-in citizen's account, if `password` is theirs: identity, password and
/// sessions gone, the username kept from reuse, reports kept without any link to them.
/// Staff accounts are refused: an admin disables them. The number of reports unlinked.
pub async fn erase_own_account(state: &AppState, user: &User, password: String) -> AppResult<u64> {
    if user.role != Role::Citizen {
        return Err(AppError::not_allowed(
            "a staff account is not erased by its holder; an admin disables it",
        ));
    }
    let password_matches = {
        let _slot = state.limits.hash_slot().await?;
        let stored = match state.store.credentials(&user.username).await {
            Ok(found) => found.password_hash,
            Err(StoreError::NotFound) => return Err(AppError::not_signed_in("sign in first")),
            Err(e) => return Err(e.into()),
        };
        verify_password(Some(stored), password).await?
    };
    if !password_matches {
        return Err(AppError::not_allowed("the password is wrong"));
    }
    let tombstone = erased_username(&state.sealer, &user.username);
    let unlinked = state
        .store
        .erase_account(user.id, tombstone, Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found("no such account"),
            other => other.into(),
        })?;
    tracing::info!(reports = unlinked, "a citizen erased their account");
    Ok(unlinked)
}

/// A data subject's request as an admin enters it: who (a phone number or an e-mail
/// address, or both) and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequest {
    /// An Indonesian mobile number (`08…`, `628…` or `+628…`).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Why (e.g. the request's letter number): 10-1000 characters, kept in the audit log.
    pub reason: String,
}

/// A data subject's request, checked: the reporter keys to look for, and the reason.
pub struct Subject {
    keys: Vec<String>,
    reason: String,
}

/// The reporter keys a phone number would have: as the channels normalise it, and as an
/// app may have passed it on unnormalised (`08…`, `628…`).
fn phone_keys(sealer: &Sealer, phone: &str) -> Vec<String> {
    let international = phone.trim_start_matches('+');
    let national = international
        .strip_prefix("62")
        .map(|rest| format!("0{rest}"));
    let written: Vec<String> = [
        Some(phone.to_owned()),
        Some(international.to_owned()),
        national,
    ]
    .into_iter()
    .flatten()
    .collect();
    PHONE_KEYS
        .iter()
        .flat_map(|channel| written.iter().map(|w| sealer.reporter_key(channel, w)))
        .collect()
}

/// Check a data subject's request: a valid phone number or e-mail address (at least one),
/// and a reason of 10-1000 characters.
pub fn subject_of(sealer: &Sealer, req: SubjectRequest) -> AppResult<Subject> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let phone = clean(req.phone)
        .map(|p| {
            PhoneNumber::parse(&p)
                .map(String::from)
                .map_err(|e| AppError::invalid("phone", e.to_string()))
        })
        .transpose()?;
    let email = clean(req.email);
    if email.as_ref().is_some_and(|e| {
        e.len() > 254
            || e.contains(char::is_whitespace)
            || !e
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
    }) {
        return Err(AppError::invalid("email", "not an e-mail address"));
    }
    if phone.is_none() && email.is_none() {
        return Err(AppError::invalid(
            "phone",
            "give the data subject's phone number or e-mail address",
        ));
    }
    let reason = req.reason.trim().to_owned();
    if !(10..=1000).contains(&reason.chars().count()) {
        return Err(AppError::invalid("reason", "must be 10 to 1000 characters"));
    }
    let mut keys: Vec<String> = phone
        .iter()
        .flat_map(|p| phone_keys(sealer, p))
        .chain(email.iter().flat_map(|e| {
            EMAIL_KEYS
                .iter()
                .map(move |channel| sealer.reporter_key(channel, e))
        }))
        .collect();
    keys.sort();
    keys.dedup();
    Ok(Subject { keys, reason })
}

/// Who may handle a data subject's request: an admin allowed to see identities.
pub fn may_handle(user: &User) -> AppResult<()> {
    if user.role != Role::Admin || !user.can_view_identity {
        return Err(AppError::not_allowed(
            "only an admin with the identity permission handles a data subject's request",
        ));
    }
    Ok(())
}

/// One of a data subject's reports, with the identity the channel gave (`None` when it was
/// erased).
pub struct SubjectReport {
    pub report: Report,
    pub identity: Option<Identity>,
}

/// Find the data subject's reports, opening only their identities; logged (`action`) with
/// the reason, one entry per report found.
async fn find(
    state: &AppState,
    admin: &User,
    subject: Subject,
    action: AuditAction,
) -> AppResult<Vec<SubjectReport>> {
    may_handle(admin)?;
    let note = AuditNote {
        at: Utc::now(),
        actor: Some(admin.id),
        action,
        reason: subject.reason,
    };
    let found = state
        .store
        .find_reporters(subject.keys, MAX_SUBJECT_REPORTS, note)
        .await?;
    found
        .into_iter()
        .map(|m| {
            let identity = m
                .sealed
                .map(|s| state.sealer.open(&s.sealed, s.binding()))
                .transpose()?;
            Ok(SubjectReport {
                report: m.report,
                identity,
            })
        })
        .collect()
}

/// The data subject's reports with their identities (a search).
pub async fn search_subject(
    state: &AppState,
    admin: &User,
    subject: Subject,
) -> AppResult<Vec<SubjectReport>> {
    find(state, admin, subject, AuditAction::SubjectSearch).await
}

/// The data subject's reports with their identities, for handing over (an export).
pub async fn export_subject(
    state: &AppState,
    admin: &User,
    subject: Subject,
) -> AppResult<Vec<SubjectReport>> {
    find(state, admin, subject, AuditAction::SubjectExport).await
}

/// Erase the identities and reply routes of the data subject's reports (their reports stay,
/// anonymous); logged with the reason, one entry per report. The tickets of the reports
/// found and how many held something to erase.
pub async fn erase_subject(
    state: &AppState,
    admin: &User,
    subject: Subject,
) -> AppResult<(Vec<Report>, u64)> {
    may_handle(admin)?;
    let reason = subject.reason.clone();
    // Finding them is not an access to their identities: nothing is opened.
    let found = state
        .store
        .find_reporters(
            subject.keys,
            MAX_SUBJECT_REPORTS,
            AuditNote {
                at: Utc::now(),
                actor: Some(admin.id),
                action: AuditAction::SubjectSearch,
                reason: reason.clone(),
            },
        )
        .await?;
    let reports: Vec<Report> = found.into_iter().map(|m| m.report).collect();
    let ids = reports.iter().map(|r| r.id).collect();
    let erased = state
        .store
        .erase_reporters(
            ids,
            Some(AuditNote {
                at: Utc::now(),
                actor: Some(admin.id),
                action: AuditAction::SubjectErase,
                reason,
            }),
        )
        .await?;
    Ok((reports, erased))
}
