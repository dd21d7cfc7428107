//! The use cases behind every surface: file a report, act on a report. Input arrives here
//! already parsed into domain types; the workflow decides, the store records.

use chrono::Utc;

use aduan_domain::access;
use aduan_domain::report::{
    MAX_ADDRESS, MAX_DESCRIPTION, MIN_DESCRIPTION, MediaFetch, NewReport, Report, TriageMark,
    description_fits,
};
use aduan_domain::scrub::{WrittenIdentity, staff_text};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::{Action, Context, decide};
use aduan_domain::{
    Actor, CategoryCode, Channel, ChannelKind, Coordinates, Jurisdiction, RegionCode, Role, Ticket,
};
use aduan_store::{StoreError, TriageDecision, User};

use crate::app_error::{AppError, AppResult};
use crate::photos::{AcceptedPhoto, FollowupUploads, store_photos};
use crate::state::AppState;

/// Where the reporter says the problem is.
#[derive(Debug, Clone)]
pub enum Place {
    At(Coordinates),
    In(RegionCode),
    /// Coordinates, with the region the reporter chose as a fallback.
    AtOrIn(Coordinates, RegionCode),
}

/// A report as it arrives from any channel, parsed.
#[derive(Debug, Clone)]
pub struct Intake {
    pub category: CategoryCode,
    pub description: String,
    pub place: Place,
    pub address: Option<String>,
    pub channel: Channel,
    /// Cleaned, stored only once the rest of the report has been checked.
    pub photos: Vec<AcceptedPhoto>,
    /// The channel's id of the message, when it has one: a redelivery files nothing new.
    pub message_id: Option<String>,
}

/// Who files a report.
enum Filer<'a> {
    /// A signed-in citizen for themself, or an operator at a desk (the account as read with
    /// the request's session).
    Account(&'a User),
    /// A channel or a third-party app, for a citizen without an account here.
    Channel,
}

/// What is known of a reporter besides an account, all of it already sealed or keyed: the
/// identity the channel (or the desk) gave, how to answer them, and the key that counts
/// them among distinct reporters. Also what the channel left to do after filing.
#[derive(Debug, Clone, Default)]
pub struct ReporterContact {
    pub sealed_identity: Option<Vec<u8>>,
    pub sealed_reply: Option<Vec<u8>>,
    pub reporter_key: Option<String>,
    pub fetch_media: Vec<MediaFetch>,
    pub triage: Option<TriageMark>,
    /// The identity as the reporter may have written it (in memory only, never stored):
    /// masked out of the text others read.
    pub written_as: WrittenIdentity,
}

/// File a report for `submitter`: a citizen for themself, or an operator at a desk with
/// the walk-in citizen's `contact` (sealed).
pub async fn submit(
    state: &AppState,
    submitter: &User,
    intake: Intake,
    contact: ReporterContact,
) -> AppResult<Report> {
    let actor = crate::auth::actor(submitter);
    may_file(&state.catalog().jurisdiction, &actor, intake.channel)?;
    file(state, Filer::Account(submitter), contact, intake).await
}

/// Whether `submitter` may file through `channel` in this city (one it runs, of a kind
/// their role files through): asked before their photos are decoded.
pub fn may_file(j: &Jurisdiction, submitter: &Actor, channel: Channel) -> AppResult<()> {
    if !matches!(submitter.role, Role::Citizen | Role::Operator) {
        return Err(AppError::not_allowed(
            "only citizens and desk operators file reports",
        ));
    }
    let Some(named) = j.channel(channel) else {
        return Err(AppError::invalid(
            "channel",
            format!("this city does not take reports through {channel}"),
        ));
    };
    if !access::may_file_through(submitter.role, &named) {
        return Err(AppError::invalid(
            "channel",
            format!("a {} cannot file through {channel}", submitter.role.code()),
        ));
    }
    Ok(())
}

/// Kinds of channel through which reports arrive for citizens without an account here:
/// e-mail, messaging, social media, partners' APIs (Open311, LAPOR!) and the website's
/// form for those without an account (`/lapor/tanpa-akun`, with a phone number or e-mail).
fn arrives_without_account(kind: ChannelKind) -> bool {
    matches!(
        kind,
        ChannelKind::Web
            | ChannelKind::Email
            | ChannelKind::Sms
            | ChannelKind::Whatsapp
            | ChannelKind::X
            | ChannelKind::Meta
            | ChannelKind::PartnerApi
    )
}

/// File a report that arrives for a citizen without an account here: from a third-party
/// app (an Open311 client holding an API key), by e-mail, or from a messaging or social
/// channel. `contact` holds what the channel told us about the citizen, sealed with
/// [`AppState::sealer`].
pub async fn submit_without_account(
    state: &AppState,
    contact: ReporterContact,
    intake: Intake,
) -> AppResult<Report> {
    let kind = state
        .catalog()
        .jurisdiction
        .channel(intake.channel)
        .map(|c| c.kind);
    if !kind.is_some_and(arrives_without_account) {
        return Err(AppError::invalid(
            "channel",
            format!(
                "reports without an account do not arrive through {}",
                intake.channel
            ),
        ));
    }
    file(state, Filer::Channel, contact, intake).await
}

async fn file(
    state: &AppState,
    filer: Filer<'_>,
    contact: ReporterContact,
    intake: Intake,
) -> AppResult<Report> {
    let description = intake.description.trim().to_owned();
    if !description_fits(&description) {
        return Err(AppError::invalid(
            "description",
            format!("must be {MIN_DESCRIPTION} to {MAX_DESCRIPTION} characters"),
        ));
    }
    let address = intake
        .address
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    if address
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ADDRESS)
    {
        return Err(AppError::invalid(
            "address",
            format!("must be at most {MAX_ADDRESS} characters"),
        ));
    }
    // The text others read is masked while the reporter's identity is at hand: an
    // account's own; a walk-in's or a channel's sender's as the desk or channel gave it.
    let written_as = match filer {
        Filer::Account(submitter) if submitter.role == Role::Citizen => {
            crate::written::of_account(state, submitter).await?
        }
        _ => contact.written_as.clone(),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    if j.category(&intake.category).is_none() {
        return Err(AppError::invalid(
            "category",
            "no such category; see GET /api/v1/categories",
        ));
    }
    let (location, region) = match intake.place {
        Place::At(at) => match catalog.locate(at) {
            Some(region) => (Some(at), region.clone()),
            None if catalog.has_boundaries() => {
                return Err(AppError::invalid(
                    "location",
                    format!("this point is outside {}", j.settings.name),
                ));
            }
            None => {
                return Err(AppError::invalid(
                    "location",
                    "no region boundaries are loaded to place this point; give location.region",
                ));
            }
        },
        Place::AtOrIn(at, chosen) => match catalog.locate(at) {
            Some(region) => (Some(at), region.clone()),
            None => (Some(at), chosen),
        },
        Place::In(region) => (None, region),
    };
    if j.region(&region).is_none() {
        return Err(AppError::invalid(
            "location.region",
            "no such region; see GET /api/v1/regions",
        ));
    }
    let receiver = j.first_receiver(&region).ok_or_else(|| {
        AppError::invalid("location", "no office receives reports for this region yet")
    })?;
    // Everything is checked: the images go to the photo store before the row naming them.
    let photos = store_photos(&state.photos, intake.photos).await?;
    let now = Utc::now();
    let report = NewReport {
        category: intake.category,
        staff_description: Some(staff_text(&description, &written_as)),
        description,
        location,
        region,
        address,
        channel: intake.channel,
        first_receiver: receiver.code.clone(),
        reporter: None,
        entered_by: None,
        // An app files for a citizen: the timeline's submit entry reads "by the citizen"
        // (with no account), never as staff.
        submitted_by_role: Role::Citizen,
        photos,
        reporter_identity: contact.sealed_identity,
        channel_message_id: intake.message_id,
        reply_route: contact.sealed_reply,
        reporter_key: contact.reporter_key,
        fetch_media: contact.fetch_media,
        triage: contact.triage,
    };
    let report = match filer {
        Filer::Account(submitter) => NewReport {
            reporter: (submitter.role == Role::Citizen).then_some(submitter.id),
            entered_by: (submitter.role == Role::Operator).then_some(submitter.id),
            submitted_by_role: submitter.role,
            ..report
        },
        Filer::Channel => report,
    };
    let filed = state
        .store
        .submit_report(
            report,
            j.settings.ticket_prefix.clone(),
            j.local_date(now),
            now,
        )
        .await?;
    if let Some(metrics) = state.metrics() {
        metrics.report_filed(filed.channel.code());
    }
    Ok(filed)
}

/// Take `action` on the report `ticket` as `actor`, with documentation photos as uploaded:
/// they are decoded only once the workflow has allowed the action.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    report: &Report,
    action: Action,
    uploads: FollowupUploads,
) -> AppResult<Report> {
    let now = Utc::now();
    let transition = {
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        let ctx = Context {
            today: j.local_date(now),
            units: j,
        };
        decide(&report.facts(), &action, actor, &ctx)?
    };
    let target = match &action {
        Action::Forward { to } | Action::Dispose { to } => Some(to.to_string()),
        Action::Refer { to, .. } => Some(to.trim().to_owned()),
        Action::MarkDuplicate { of } => {
            check_original(state, of).await?;
            Some(of.to_string())
        }
        _ => None,
    };
    if !uploads.is_empty() && !matches!(action, Action::SubmitFollowup { .. }) {
        return Err(AppError::invalid(
            "photo",
            "photos document a follow-up; send them with submit_followup",
        ));
    }
    let photos = uploads.accept(&state.photos).await?;
    let record = ActionRecord {
        actor: actor.user,
        actor_role: actor.role,
        actor_unit: actor.unit.clone(),
        at: now,
        note: action.note().map(|n| n.trim().to_owned()),
        target,
        photos,
    };
    let action = transition.action;
    let stepped = state
        .store
        .apply_transition(report.id, report.version, transition, record)
        .await?;
    if let Some(metrics) = state.metrics() {
        metrics.workflow_step(action.code());
    }
    Ok(stepped)
}

/// A report is merged into an original that exists and is itself not merged or rejected.
async fn check_original(state: &AppState, of: &Ticket) -> AppResult<()> {
    let original = match state.store.report(of).await {
        Ok(original) => original,
        Err(StoreError::NotFound) => {
            return Err(AppError::invalid("of", "no report has this ticket"));
        }
        Err(e) => return Err(e.into()),
    };
    if !original.state.may_be_original() {
        return Err(AppError::invalid(
            "of",
            format!(
                "{of} is {}; merge into its original instead",
                original.state.code()
            ),
        ));
    }
    Ok(())
}

/// A coordinator confirms or corrects a triaged report's category and place (codes as
/// typed): the report moves to the office receiving reports there, and the classifier
/// learns from the decision in the same transaction.
pub async fn confirm_triage(
    state: &AppState,
    actor: &Actor,
    report: &Report,
    category: &str,
    region: &str,
) -> AppResult<Report> {
    if access::triage_reach(actor).is_none() {
        return Err(AppError::not_allowed(
            "only coordinators work the triage queue",
        ));
    }
    if !access::may_triage(report, actor) {
        return Err(AppError::not_allowed(
            "this report is held by another office",
        ));
    }
    let category = CategoryCode::parse(category.trim())
        .map_err(|e| AppError::invalid("category", e.to_string()))?;
    let region =
        RegionCode::parse(region.trim()).map_err(|e| AppError::invalid("region", e.to_string()))?;
    let holding_unit = {
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        if j.category(&category).is_none() {
            return Err(AppError::invalid("category", "no such category"));
        }
        if j.region(&region).is_none() {
            return Err(AppError::invalid("region", "no such region"));
        }
        j.first_receiver(&region)
            .ok_or_else(|| AppError::invalid("region", "no office receives reports here"))?
            .code
            .clone()
    };
    if state.store.triage(report.id).await?.is_none() {
        return Err(AppError::not_found("this report was not triaged"));
    }
    let learning = aduan_triage::learning(&category, &report.description)
        .into_iter()
        .map(|t| (t.category, t.token, t.count))
        .collect();
    let decision = TriageDecision {
        category: category.clone(),
        region,
        holding_unit,
        by: actor.user,
        at: Utc::now(),
        learning,
    };
    let updated = state
        .store
        .confirm_triage(report.id, report.version, decision)
        .await?;
    state.catalog().learn(&category, &report.description);
    Ok(updated)
}
