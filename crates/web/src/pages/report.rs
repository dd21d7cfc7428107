//! `/laporan/{ticket}`: one report as its reader may see it, with its whole history;
//! the reporter makes it public or private.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::access::RejectedFollowups;
use aduan_domain::report::{PhotoInfo, PhotoKind, Report, TimelineEntry, review_given};
use aduan_domain::workflow::{Action, UnitDirectory, available_actions};
use aduan_domain::{ActionKind, Actor, Jurisdiction, UnitCode, Visibility, access};

use crate::app::reading::readable_report;
use crate::app_error::AppError;
use crate::photos::FollowupUploads;
use crate::service;
use crate::state::AppState;
use crate::views::{self, description_for, photo_url, visible_timeline};

use super::conversation::{self, Line};
use super::forms::signed_in_posting;
use super::labels::{
    LabelledPhoto, Pill, action_label, category_name, local_time, photo_label, pill, region_name,
    role_label, unit_name,
};
use super::publish::{self, texts::PublishTexts};
use super::session::Visitor;
use super::staff::{self, PanelInput, StaffPanel, StaffTexts};
use super::{Chrome, Lang, Texts, error_page, failure, render_with, see_other};

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    lang: Lang,
    /// Just filed: show the ticket.
    sent: Option<String>,
    /// Just made `public` or `private`.
    done: Option<String>,
}

pub(super) struct HistoryLine {
    pub(super) at: String,
    pub(super) action: String,
    pub(super) state: Pill,
    pub(super) by: String,
    pub(super) note: Option<String>,
    pub(super) target: Option<String>,
    /// Photos documenting this step, labelled before or after the work (the reporter's
    /// own show above, with the report).
    pub(super) attachments: Vec<LabelledPhoto>,
}

/// The review the reporter gave the work as it stands.
struct GivenReview {
    verdict: &'static str,
    at: String,
    comment: Option<String>,
}

/// What the page says of the report besides its state and times, as its reader may see it.
struct ReportFacts {
    ticket: String,
    /// As written for its reporter, masked for everyone else.
    description: String,
    address: Option<String>,
    first_receiver: String,
    unit: String,
    duplicate_of: Option<String>,
    /// Reports merged into this one.
    duplicates: Vec<String>,
    referred_to: Option<String>,
    /// The reporter's photos exist but are locked for this reader.
    photos_locked: bool,
    /// Whether the reader is the reporter.
    is_mine: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    t: &'static Texts,
    chrome: Chrome,
    notice: Option<String>,
    sent: bool,
    r: ReportFacts,
    /// The steps this staff reader may take, and what they need to see to take them.
    staff: Option<StaffPanel>,
    /// The conversation, for its parties.
    conversation: Option<Vec<Line>>,
    message_error: Option<String>,
    /// The reporter's photos this reader may see; follow-up photos show in the history.
    report_photos: Vec<String>,
    category: String,
    state: Pill,
    place: String,
    location: Option<String>,
    created: String,
    updated: String,
    coordinated: Option<String>,
    completed: Option<String>,
    estimated: Option<String>,
    public: bool,
    can_make_public: bool,
    can_make_private: bool,
    can_review: bool,
    /// The reporter's review of the work, once given: shown instead of the question.
    review: Option<GivenReview>,
    history: Vec<HistoryLine>,
    /// Its supporters' count and "Saya juga mengalami ini" (pages/support).
    support: super::support::ReportSupport,
}

/// A unit's name for a timeline target that is a unit code; other targets as they are.
fn target_name(j: &Jurisdiction, target: &str) -> String {
    UnitCode::parse(target)
        .ok()
        .and_then(|code| j.unit(&code).map(|u| u.name.clone()))
        .unwrap_or_else(|| target.to_owned())
}

pub(super) fn history(
    j: &Jurisdiction,
    report: &Report,
    entries: Vec<TimelineEntry>,
    photos: &[PhotoInfo],
    lang: Lang,
) -> Vec<HistoryLine> {
    let ticket = report.ticket.to_string();
    let t = lang.texts();
    entries
        .into_iter()
        .map(|e| {
            let role = role_label(e.actor_role, lang);
            HistoryLine {
                at: local_time(j, e.at),
                action: action_label(e.action, lang),
                state: pill(e.to_state, lang),
                by: match &e.actor_unit {
                    Some(unit) => format!("{role} · {}", unit_name(j, unit)),
                    None => role.to_owned(),
                },
                note: e.note,
                target: e.target.map(|t| target_name(j, &t)),
                attachments: if e.action == ActionKind::Submit {
                    Vec::new()
                } else {
                    e.attachments
                        .iter()
                        .filter_map(|id| photos.iter().find(|p| p.id == *id))
                        .map(|p| LabelledPhoto {
                            url: photo_url(&ticket, p.id),
                            label: photo_label(t, p.kind),
                        })
                        .collect()
                },
            }
        })
        .collect()
}

/// How the page is shown besides the report: a notice after a step, or why a staff form
/// was refused (with the status to answer).
#[derive(Default)]
pub struct Shown {
    notice: Option<String>,
    sent: bool,
    refused: Option<(StatusCode, String)>,
    /// Why a message could not be sent (shown beside the message form).
    message_refused: Option<(StatusCode, String)>,
}

impl Shown {
    pub fn message_refused(status: StatusCode, message: &str) -> Self {
        Self {
            message_refused: Some((status, message.to_owned())),
            ..Self::default()
        }
    }

    pub fn refused(status: StatusCode, message: String) -> Self {
        Self {
            refused: Some((status, message)),
            ..Self::default()
        }
    }
}

pub async fn report_page(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<ReportQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let notice = match q.done.as_deref() {
        Some("public") => Some(t.made_public.to_owned()),
        Some("private") => Some(t.made_private.to_owned()),
        Some("satisfied") => Some(t.reviewed_satisfied.to_owned()),
        Some("unsatisfied") => Some(t.reviewed_unsatisfied.to_owned()),
        Some("triage") => Some(StaffTexts::of(q.lang).triaged.to_owned()),
        Some("message") => Some(t.message_sent.to_owned()),
        Some(code) => ActionKind::parse(code).map(|kind| {
            format!(
                "{} {}",
                StaffTexts::of(q.lang).done,
                action_label(kind, q.lang)
            )
        }),
        None => None,
    };
    let shown = Shown {
        notice,
        sent: q.sent.is_some(),
        ..Shown::default()
    };
    show(&state, q.lang, &visitor, &ticket, shown).await
}

/// The report page for `visitor`, as `shown` says.
pub async fn show(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    ticket: &str,
    shown: Shown,
) -> Response {
    let t = lang.texts();
    let chrome = Chrome::new(&format!("/laporan/{}", ticket_path(ticket)), t, visitor);
    let viewer = visitor.actor();
    let report = match readable_report(state, ticket, viewer.as_ref()).await {
        Ok(report) => report,
        Err(e) => return failure(t, chrome, e, t.report_not_found),
    };
    let duplicates = state.store.duplicates_of(&report.ticket).await;
    let photos = state.store.photos(report.id).await;
    let entries = state.store.timeline(report.id).await;
    let (duplicates, photos, entries) = match (duplicates, photos, entries) {
        (Ok(d), Ok(p), Ok(e)) => (d, p, e),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return failure(t, chrome, e.into(), t.server_error);
        }
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let timeline = visible_timeline(&report, &entries, &photos, viewer.as_ref());
    let rejected = RejectedFollowups::in_history(&entries);
    let offered = viewer
        .as_ref()
        .map(|actor| available_actions(&report.facts(), actor))
        .unwrap_or_default();
    let mut staff = match viewer.as_ref() {
        Some(actor) => {
            let input = PanelInput {
                report: &report,
                actor,
                offered: &offered,
                photos: &photos,
                entries: &entries,
                lang,
            };
            match staff::panel(state, j, input).await {
                Ok(panel) => panel,
                Err(e) => return failure(t, chrome, e.into(), t.server_error),
            }
        }
        None => None,
    };
    let conversation = match conversation::lines(state, j, &report, viewer.as_ref(), lang).await {
        Ok(lines) => lines,
        Err(e) => return failure(t, chrome, e, t.server_error),
    };
    let mut status = match (shown.refused, staff.as_mut()) {
        (Some((status, message)), Some(panel)) => {
            panel.error = Some(message);
            status
        }
        (Some((status, message)), None) => return error_page(t, chrome, status, &message),
        (None, _) => StatusCode::OK,
    };
    let message_error = match (shown.message_refused, &conversation) {
        (Some((refused, message)), Some(_)) => {
            status = refused;
            Some(message)
        }
        (Some((refused, message)), None) => return error_page(t, chrome, refused, &message),
        (None, _) => None,
    };
    let place = place(j, &report);
    let is_mine = viewer
        .as_ref()
        .is_some_and(|v| access::is_reporter(&report, v));
    let facts = ReportFacts {
        ticket: report.ticket.to_string(),
        description: description_for(&report, viewer.as_ref()),
        address: report.address.as_deref().map(|a| views::shown(a, !is_mine)),
        first_receiver: unit_name(j, &report.first_receiver),
        unit: unit_name(j, &report.holding_unit),
        duplicate_of: report.duplicate_of.as_ref().map(|d| d.to_string()),
        duplicates: duplicates.iter().map(|d| d.to_string()).collect(),
        referred_to: report.referred_to.clone(),
        photos_locked: photos.iter().any(|p| {
            p.kind == PhotoKind::Report
                && !access::may_see_photos_of_kind(&report, p.kind, viewer.as_ref())
        }),
        is_mine,
    };
    let support = super::support::on_report_page(state, lang, &report, viewer.as_ref()).await;
    let page = ReportPage {
        support,
        t,
        chrome,
        notice: shown.notice,
        sent: shown.sent
            && viewer
                .as_ref()
                .is_some_and(|v| access::is_reporter(&report, v)),
        category: category_name(j, &report.category, lang),
        state: pill(report.state, lang),
        place,
        location: coordinates(&report),
        created: local_time(j, report.created_at),
        updated: local_time(j, report.updated_at),
        coordinated: report.coordinated_at.map(|at| local_time(j, at)),
        completed: report.completed_at.map(|at| local_time(j, at)),
        estimated: report
            .estimated_completion
            .map(|d| d.format("%d-%m-%Y").to_string()),
        public: report.visibility == Visibility::Public,
        can_make_public: offered.contains(&ActionKind::MakePublic),
        can_make_private: offered.contains(&ActionKind::MakePrivate),
        can_review: offered.contains(&ActionKind::ReviewUnsatisfied),
        review: review_given(&entries)
            .filter(|_| is_mine)
            .map(|e| GivenReview {
                verdict: if e.action == ActionKind::ReviewSatisfied {
                    t.review_satisfied
                } else {
                    t.review_unsatisfied
                },
                at: local_time(j, e.at),
                comment: e.note.clone(),
            }),
        history: history(j, &report, timeline, &photos, lang),
        report_photos: photos
            .iter()
            .filter(|p| {
                p.kind == PhotoKind::Report
                    && access::may_see_photo(&report, p, &rejected, viewer.as_ref())
            })
            .map(|p| photo_url(&report.ticket.to_string(), p.id))
            .collect(),
        r: facts,
        staff,
        conversation,
        message_error,
    };
    render_with(status, &page)
}

/// Where the report is, from its kelurahan up, by name.
pub(super) fn place(j: &Jurisdiction, report: &Report) -> String {
    report
        .region
        .lineage()
        .iter()
        .map(|r| region_name(j, r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The point the report was filed at, as its page shows it.
pub(super) fn coordinates(report: &Report) -> Option<String> {
    report
        .location
        .map(|l| format!("{:.6}, {:.6}", l.lat, l.lon))
}

/// The ticket as it may appear in a link: only the characters a ticket has (never a '/'),
/// so it stays one path segment.
pub fn ticket_path(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect()
}

/// A form posted from a report's page: its sender signed in and the form not forged (see
/// `signed_in_posting`), and the report as that sender may read it.
pub async fn posted_about(
    state: &AppState,
    t: &'static Texts,
    ticket: &str,
    visitor: &Visitor,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(Actor, Report), Box<Response>> {
    let path = format!("/laporan/{}", ticket_path(ticket));
    let actor = signed_in_posting(t, &path, visitor, headers, csrf)?;
    match readable_report(state, ticket, Some(&actor)).await {
        Ok(report) => Ok((actor, report)),
        Err(e) => {
            let chrome = Chrome::new(&path, t, visitor);
            Err(Box::new(failure(t, chrome, e, t.report_not_found)))
        }
    }
}

/// Take the reporter's action; a refusal becomes the page saying why.
async fn act_as_reporter(
    state: &AppState,
    t: &'static Texts,
    chrome: Chrome,
    actor: &Actor,
    report: &Report,
    action: Action,
) -> Result<(), Box<Response>> {
    match service::act(state, actor, report, action, FollowupUploads::default()).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let message = match e {
                AppError::NotAllowed(_) => t.reporter_only,
                AppError::Invalid { .. } => t.review_needs_comment,
                _ => t.conflict,
            };
            Err(Box::new(failure(t, chrome, e, message)))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisibilityForm {
    csrf: String,
    visibility: String,
    /// `1` when sent from the preview (`/laporan/{ticket}/publikasi`): a report becomes
    /// public only once its reporter has seen what the public will see.
    confirmed: String,
}

/// The reporter makes the report public or private.
pub async fn change_visibility(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<ReportQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<VisibilityForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let path = format!("/laporan/{}", ticket_path(&ticket));
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) =
        match posted_about(&state, t, &ticket, &visitor, &headers, &form.csrf).await {
            Ok(posted) => posted,
            Err(refused) => return *refused,
        };
    let chrome = || Chrome::new(&path, t, &visitor);
    let (action, wanted) = match form.visibility.as_str() {
        "public" => (Action::MakePublic, Visibility::Public),
        "private" => (Action::MakePrivate, Visibility::Private),
        _ => {
            let e = AppError::invalid("visibility", "public or private");
            return failure(t, chrome(), e, t.bad_link);
        }
    };
    // Sent twice (a double tap): the first already did it.
    let done = report.visibility == wanted;
    // Public only from the preview: whoever sends `public` without its confirmation gets
    // the preview again, with why, and nothing changes.
    if !done && wanted == Visibility::Public && form.confirmed != "1" {
        let why = PublishTexts::of(q.lang).needs_preview;
        return publish::show(&state, q.lang, &visitor, &ticket, Some(why)).await;
    }
    if !done
        && let Err(refused) = act_as_reporter(&state, t, chrome(), &actor, &report, action).await
    {
        return *refused;
    }
    see_other(
        &format!("/laporan/{}?done={}", report.ticket, wanted.code()),
        t,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    csrf: String,
    verdict: String,
    comment: String,
}

/// The reporter reviews completed work: satisfied, or not (which reopens the report for
/// validation and needs a comment).
pub async fn review(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<ReportQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let path = format!("/laporan/{}", ticket_path(&ticket));
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) =
        match posted_about(&state, t, &ticket, &visitor, &headers, &form.csrf).await {
            Ok(posted) => posted,
            Err(refused) => return *refused,
        };
    let chrome = || Chrome::new(&path, t, &visitor);
    let comment = form.comment.trim().to_owned();
    let (action, done) = match form.verdict.as_str() {
        "satisfied" => (
            Action::ReviewSatisfied {
                comment: (!comment.is_empty()).then_some(comment),
            },
            "satisfied",
        ),
        "unsatisfied" if comment.is_empty() => {
            let e = AppError::invalid("comment", "say what is still wrong");
            return failure(t, chrome(), e, t.review_needs_comment);
        }
        "unsatisfied" => (Action::ReviewUnsatisfied { comment }, "unsatisfied"),
        _ => {
            let e = AppError::invalid("verdict", "satisfied or unsatisfied");
            return failure(t, chrome(), e, t.bad_link);
        }
    };
    if let Err(refused) = act_as_reporter(&state, t, chrome(), &actor, &report, action).await {
        return *refused;
    }
    see_other(&format!("/laporan/{}?done={done}", report.ticket), t)
}
