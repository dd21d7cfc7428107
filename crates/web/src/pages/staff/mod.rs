//! The staff's part of a report page: the steps the workflow offers this reader, each as a
//! form (accept, forward, dispose, EWS, document the follow-up with photos before and after,
//! validate or send back, reject, merge into a nearby duplicate, refer), the validator's
//! reason in front of an officer redoing a follow-up, the triage form for coordinators, and
//! the evidence beside the report for validators. Names no reporter: everything here comes
//! from the report, its timeline and the catalog.

mod act;
mod candidates;
mod evidence;
mod texts;
mod units;

use chrono::{Duration, Utc};

use aduan_domain::access;
use aduan_domain::report::{PhotoInfo, Report, TimelineEntry};
use aduan_domain::{ActionKind, Actor, Jurisdiction, ReportState, Role};

use aduan_store::StoreError;

use crate::state::AppState;

use super::Lang;
use super::choices::{Choice, Group, categories, places};
use super::labels::{action_verb, local_time, role_label};

pub use act::{act, triage};
pub use candidates::Candidate;
pub use evidence::Evidence;
pub use texts::StaffTexts;
pub use units::{UnitGroup, unit_label};

/// The validator's reason (or the reporter's complaint) a report came back with.
pub struct SentBack {
    pub title: &'static str,
    pub at: String,
    pub by: String,
    pub reason: String,
    /// What to do about it, for the officer redoing a follow-up.
    pub explain: Option<&'static str>,
}

/// One step offered, with the fields it needs.
pub struct ActionForm {
    pub code: &'static str,
    pub label: &'static str,
    pub explain: &'static str,
    /// Shown unfolded: the step most likely next.
    pub open: bool,
    pub units: Vec<UnitGroup>,
    /// The earliest date an EWS may name (YYYY-MM-DD); Some for `schedule`.
    pub date_min: Option<String>,
    /// A note and photos before/after: documenting a follow-up.
    pub documents: bool,
    /// A reason is required; the hint says who reads it.
    pub reason: Option<&'static str>,
    /// Nearby open reports to merge into; Some for `mark_duplicate`.
    pub candidates: Option<Vec<Candidate>>,
    pub refer: bool,
}

pub struct TriageForm {
    pub suggestion: Option<String>,
    pub confidence: u32,
    pub categories: Vec<Choice>,
    pub place_label: &'static str,
    pub places: Vec<Group>,
}

pub struct StaffPanel {
    pub st: &'static StaffTexts,
    pub version: i64,
    /// Why the last form sent came back (the reader's language).
    pub error: Option<String>,
    pub sent_back: Option<SentBack>,
    pub triage: Option<TriageForm>,
    pub actions: Vec<ActionForm>,
    pub evidence: Option<Evidence>,
    /// `geo:` link: the phone's own maps app, nothing loaded from here.
    pub maps_href: Option<String>,
    /// The same point on openstreetmap.org (a link the reader follows, nothing loaded).
    pub osm_href: Option<String>,
}

/// The order steps are offered in: the usual next step first.
const ORDER: [ActionKind; 11] = [
    ActionKind::Accept,
    ActionKind::SubmitFollowup,
    ActionKind::Validate,
    ActionKind::RejectFollowup,
    ActionKind::Forward,
    ActionKind::Schedule,
    ActionKind::Dispose,
    ActionKind::MarkDuplicate,
    ActionKind::Refer,
    ActionKind::Reject,
    ActionKind::ReviewSatisfied,
];

fn is_staff(role: Role) -> bool {
    matches!(
        role,
        Role::Officer | Role::Coordinator | Role::Validator | Role::Admin
    )
}

/// What the page needs to build the panel.
pub struct PanelInput<'a> {
    pub report: &'a Report,
    pub actor: &'a Actor,
    pub offered: &'a [ActionKind],
    pub photos: &'a [PhotoInfo],
    pub entries: &'a [TimelineEntry],
    pub lang: Lang,
}

/// The panel for a staff reader; None for citizens, operators and the public.
pub async fn panel(
    state: &AppState,
    j: &Jurisdiction,
    input: PanelInput<'_>,
) -> Result<Option<StaffPanel>, StoreError> {
    let PanelInput {
        report,
        actor,
        offered,
        photos,
        entries,
        lang,
    } = input;
    if !is_staff(actor.role) {
        return Ok(None);
    }
    let st = StaffTexts::of(lang);
    let triage = triage_form(state, j, report, actor, lang).await?;
    // Sent back: redoing the follow-up comes first.
    let redo = report.state == ReportState::FollowupRejected
        && offered.contains(&ActionKind::SubmitFollowup);
    let first = redo.then_some(ActionKind::SubmitFollowup);
    let kinds: Vec<ActionKind> = first
        .into_iter()
        .chain(ORDER.into_iter().filter(|k| Some(*k) != first))
        .filter(|k| offered.contains(k) && *k != ActionKind::ReviewSatisfied)
        // A unit without offices of its own has nobody to dispose to.
        .filter(|k| {
            *k != ActionKind::Dispose || !units::dispose_choices(j, report, lang).is_empty()
        })
        .collect();
    let mut actions = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.into_iter().enumerate() {
        let candidates = if kind == ActionKind::MarkDuplicate {
            Some(candidates::nearby(state, j, report, actor).await?)
        } else {
            None
        };
        actions.push(action_form(
            j,
            report,
            kind,
            i == 0 && triage.is_none(),
            candidates,
            lang,
        ));
    }
    let evidence = (actor.role == Role::Validator
        && report.state == ReportState::AwaitingValidation)
        .then(|| evidence::beside(j, report, photos, entries, actor, lang))
        .flatten();
    Ok(Some(StaffPanel {
        st,
        version: report.version,
        error: None,
        sent_back: sent_back(j, report, entries, lang),
        triage,
        actions,
        evidence,
        maps_href: report
            .location
            .map(|l| format!("geo:{:.6},{:.6}", l.lat, l.lon)),
        osm_href: report.location.map(|l| {
            format!(
                "https://www.openstreetmap.org/?mlat={:.6}&mlon={:.6}#map=18/{:.6}/{:.6}",
                l.lat, l.lon, l.lat, l.lon
            )
        }),
    }))
}

fn action_form(
    j: &Jurisdiction,
    report: &Report,
    kind: ActionKind,
    open: bool,
    candidates: Option<Vec<Candidate>>,
    lang: Lang,
) -> ActionForm {
    let st = StaffTexts::of(lang);
    let units = match kind {
        ActionKind::Forward => units::forward_choices(j, report, lang),
        ActionKind::Dispose => units::dispose_choices(j, report, lang),
        _ => Vec::new(),
    };
    let today = j.local_date(Utc::now());
    ActionForm {
        code: kind.code(),
        label: action_verb(kind, lang),
        explain: match kind {
            ActionKind::Accept => st.accept_explain,
            ActionKind::Forward => st.forward_explain,
            ActionKind::Dispose => st.dispose_explain,
            ActionKind::Schedule => st.schedule_explain,
            ActionKind::Validate => st.validate_explain,
            ActionKind::MarkDuplicate => st.duplicate_explain,
            ActionKind::Refer => st.refer_hint,
            _ => "",
        },
        open,
        units,
        date_min: (kind == ActionKind::Schedule).then(|| today.format("%Y-%m-%d").to_string()),
        documents: kind == ActionKind::SubmitFollowup,
        reason: match kind {
            ActionKind::RejectFollowup => Some(st.reject_followup_hint),
            ActionKind::Reject => Some(st.reject_hint),
            _ => None,
        },
        candidates,
        refer: kind == ActionKind::Refer,
    }
}

/// The reason in front of whoever must act on a report that came back: the validator's for
/// an officer redoing a follow-up, the reporter's complaint for the validator.
fn sent_back(
    j: &Jurisdiction,
    report: &Report,
    entries: &[TimelineEntry],
    lang: Lang,
) -> Option<SentBack> {
    let st = StaffTexts::of(lang);
    let last = entries.last()?;
    let (title, explain) = match (report.state, last.action) {
        (ReportState::FollowupRejected, ActionKind::RejectFollowup) => {
            (st.sent_back_title, Some(st.sent_back_explain))
        }
        (ReportState::AwaitingValidation, ActionKind::ReviewUnsatisfied) => {
            (st.review_back_title, None)
        }
        _ => return None,
    };
    let role = role_label(last.actor_role, lang);
    Some(SentBack {
        title,
        at: local_time(j, last.at),
        by: match last
            .actor_unit
            .as_ref()
            .and_then(|u| aduan_domain::workflow::UnitDirectory::unit(j, u))
        {
            Some(unit) => format!("{role} · {}", unit.name),
            None => role.to_owned(),
        },
        reason: last.note.clone().unwrap_or_default(),
        explain,
    })
}

/// The triage form, for coordinators (and admins) on a report still waiting for one.
async fn triage_form(
    state: &AppState,
    j: &Jurisdiction,
    report: &Report,
    actor: &Actor,
    lang: Lang,
) -> Result<Option<TriageForm>, StoreError> {
    if !access::may_triage(report, actor) || report.state != ReportState::Waiting {
        return Ok(None);
    }
    let Some(record) = state.store.triage(report.id).await? else {
        return Ok(None);
    };
    if record.confirmed_at.is_some() {
        return Ok(None);
    }
    let category = record
        .suggested_category
        .clone()
        .unwrap_or_else(|| report.category.clone());
    let region = record
        .suggested_region
        .clone()
        .unwrap_or_else(|| report.region.clone());
    let (place_label, places) = places(j, lang.texts(), region.as_str());
    Ok(Some(TriageForm {
        suggestion: record
            .suggested_category
            .as_ref()
            .map(|c| super::labels::category_name(j, c, lang)),
        confidence: (record.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
        categories: categories(j, lang, category.as_str()),
        place_label,
        places,
    }))
}

/// "5 jam 30 menit" and the like, for spans of time on staff pages.
pub fn span(lang: Lang, minutes: i64) -> String {
    super::queue::duration_text(lang.texts(), Duration::minutes(minutes.abs()), false)
}
