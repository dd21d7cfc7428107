//! What the API shows of a report, shaped by who asks. Nothing here can name the reporter:
//! the views have no field for identity at all, and what the reporter wrote (description,
//! address, messages) reaches anyone but the reporter masked (see `aduan_domain::scrub`):
//! staff read the same masked description as the public, so a reporter who writes their own
//! name or number into the text is not named to the officer either.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use aduan_domain::access::{
    self, PRIVATE_REPORT_NOTICE_EN, PRIVATE_REPORT_NOTICE_ID, RejectedFollowups,
};
use aduan_domain::message::{Message, Side};
use aduan_domain::report::{PhotoInfo, PhotoKind, Report, TimelineEntry};
use aduan_domain::workflow::available_actions;
use aduan_domain::{Actor, Jurisdiction, RegionCode, ReportState, UnitCode, Visibility};

/// A code with the name people read.
#[derive(Serialize, ToSchema, Clone)]
pub struct Named {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct StateView {
    /// snake_case state code, e.g. `in_progress`.
    pub code: String,
    /// Indonesian label, e.g. `Proses`.
    pub label: String,
    pub label_en: String,
}

impl From<ReportState> for StateView {
    fn from(s: ReportState) -> Self {
        Self {
            code: s.code().to_owned(),
            label: s.label_id().to_owned(),
            label_en: s.label_en().to_owned(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LocationView {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// `report` (the reporter's), or an officer's documentation of a follow-up: `before`
    /// (the scene before the work) or `followup` (the work done).
    pub kind: String,
    pub content_type: String,
    /// Bytes of the image at `url`.
    pub size: i64,
    /// The photo at display size (at most 1600 pixels on its long side).
    pub url: String,
    /// The same photo for lists and cards (at most 480 pixels on its long side).
    pub thumbnail_url: String,
    /// For validators: when and where a documentation photo was taken, from its EXIF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceView>,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    /// The camera's local time, without a zone (as EXIF records it).
    pub captured_at: Option<chrono::NaiveDateTime>,
    pub location: Option<LocationView>,
}

fn evidence_view(photo: &PhotoInfo, viewer: Option<&Actor>) -> Option<EvidenceView> {
    let e = photo.evidence;
    let validator = viewer.is_some_and(|v| v.role == aduan_domain::Role::Validator);
    (validator && (e.captured_at.is_some() || e.location.is_some())).then(|| EvidenceView {
        captured_at: e.captured_at,
        location: e.location.map(|c| LocationView {
            lat: c.lat,
            lon: c.lon,
        }),
    })
}

/// Whether `viewer` wrote the report: the one reader of its text as written.
pub fn reads_own_text(report: &Report, viewer: Option<&Actor>) -> bool {
    viewer.is_some_and(|v| access::is_reporter(report, v))
}

/// The description as `viewer` reads it: as written for its reporter, masked for everyone
/// else (staff included).
pub fn description_for(report: &Report, viewer: Option<&Actor>) -> String {
    if reads_own_text(report, viewer) {
        report.description.clone()
    } else {
        report.description_for_others()
    }
}

/// Whether `viewer` reads as the public: not the reporter, not staff handling the report.
/// Such readers get staff's notes with personal data masked too.
pub fn reads_as_public(report: &Report, viewer: Option<&Actor>) -> bool {
    !viewer.is_some_and(|v| access::is_reporter(report, v))
        && !access::handles_as_staff(report, viewer)
}

/// `text` as a reader sees it: with personal data masked for one who reads as the public.
pub fn shown(text: &str, public: bool) -> String {
    if public {
        aduan_domain::scrub::public_text(text)
    } else {
        text.to_owned()
    }
}

/// A report as its reader may see it.
#[derive(Serialize, ToSchema)]
pub struct ReportView {
    /// e.g. `JK2611280001`.
    pub ticket: String,
    /// snake_case state code (same as `status.code`).
    pub state: String,
    pub status: StateView,
    pub category: Named,
    pub description: String,
    pub location: Option<LocationView>,
    pub region: Named,
    /// The enclosing regions, innermost first (kecamatan, kota).
    pub region_path: Vec<Named>,
    pub address: Option<String>,
    pub channel: String,
    pub first_receiver: Named,
    /// The unit holding the report now.
    pub unit: Named,
    /// `private` (the default) or `public`; only the reporter changes it.
    pub visibility: String,
    /// Whether the caller is the reporter.
    pub is_mine: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub coordinated_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub estimated_completion: Option<NaiveDate>,
    pub duplicate_of: Option<String>,
    /// Reports merged into this one.
    pub duplicates: Vec<String>,
    pub referred_to: Option<String>,
    pub photos: Vec<PhotoView>,
    /// The reporter's photos exist but are locked for this reader (a private report).
    pub photos_locked: bool,
    /// The privacy notice staff see on a private report.
    pub privacy_notice: Option<String>,
    pub privacy_notice_en: Option<String>,
    /// For staff: the unit this category usually goes to in this kota.
    pub suggested_unit: Option<Named>,
    /// Actions the caller may take now.
    pub actions: Vec<String>,
    /// Concurrency token: changes with every action.
    pub version: i64,
    /// The report's secret tracking code, with which the citizen follows it on `/lacak`:
    /// only in the answer to the operator who filed it for a citizen without an account,
    /// that once (only its hash is kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
}

pub fn unit_named(j: &Jurisdiction, code: &UnitCode) -> Named {
    use aduan_domain::workflow::UnitDirectory;
    Named {
        code: code.to_string(),
        name: j
            .unit(code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string()),
    }
}

pub fn region_named(j: &Jurisdiction, code: &RegionCode) -> Named {
    Named {
        code: code.to_string(),
        name: j
            .region(code)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| code.to_string()),
    }
}

pub fn category_named(j: &Jurisdiction, code: &aduan_domain::CategoryCode) -> Named {
    Named {
        code: code.to_string(),
        name: j
            .category(code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_string()),
    }
}

pub fn photo_url(ticket: &str, id: i64) -> String {
    format!("/api/v1/reports/{ticket}/photos/{id}")
}

/// Where a photo's thumbnail is served, for lists and cards.
pub fn thumbnail_url(ticket: &str, id: i64) -> String {
    format!("/api/v1/reports/{ticket}/photos/{id}/thumbnail")
}

/// Build the view of `report` for `viewer` (None: the public).
pub fn report_view(
    j: &Jurisdiction,
    report: &Report,
    photos: &[PhotoInfo],
    history: &[TimelineEntry],
    duplicates: Vec<String>,
    viewer: Option<&Actor>,
) -> ReportView {
    let ticket = report.ticket.to_string();
    let category = j.category(&report.category);
    let rejected = RejectedFollowups::in_history(history);
    let visible: Vec<PhotoView> = photos
        .iter()
        .filter(|p| access::may_see_photo(report, p, &rejected, viewer))
        .map(|p| PhotoView {
            id: p.id,
            kind: p.kind.code().to_owned(),
            content_type: p.content_type.clone(),
            size: i64::try_from(p.image.size).unwrap_or(i64::MAX),
            url: photo_url(&ticket, p.id),
            thumbnail_url: thumbnail_url(&ticket, p.id),
            evidence: evidence_view(p, viewer),
        })
        .collect();
    let own = reads_own_text(report, viewer);
    let locked = photos.iter().any(|p| {
        p.kind == PhotoKind::Report && !access::may_see_photos_of_kind(report, p.kind, viewer)
    });
    let staff = access::handles_as_staff(report, viewer);
    let private = report.visibility == Visibility::Private;
    ReportView {
        state: report.state.code().to_owned(),
        status: report.state.into(),
        category: category_named(j, &report.category),
        description: description_for(report, viewer),
        location: report.location.map(|c| LocationView {
            lat: c.lat,
            lon: c.lon,
        }),
        region: region_named(j, &report.region),
        region_path: report
            .region
            .lineage()
            .iter()
            .skip(1)
            .map(|r| region_named(j, r))
            .collect(),
        address: report.address.as_deref().map(|a| shown(a, !own)),
        channel: report.channel.code().to_owned(),
        first_receiver: unit_named(j, &report.first_receiver),
        unit: unit_named(j, &report.holding_unit),
        visibility: report.visibility.code().to_owned(),
        is_mine: viewer.is_some_and(|v| access::is_reporter(report, v)),
        created_at: report.created_at,
        updated_at: report.updated_at,
        coordinated_at: report.coordinated_at,
        completed_at: report.completed_at,
        estimated_completion: report.estimated_completion,
        duplicate_of: report.duplicate_of.as_ref().map(|t| t.to_string()),
        duplicates,
        referred_to: report.referred_to.clone(),
        photos: visible,
        photos_locked: locked,
        privacy_notice: (staff && private).then(|| PRIVATE_REPORT_NOTICE_ID.to_owned()),
        privacy_notice_en: (staff && private).then(|| PRIVATE_REPORT_NOTICE_EN.to_owned()),
        suggested_unit: if staff {
            category
                .and_then(|c| j.suggested_unit(c, &report.region))
                .map(|u| Named {
                    code: u.code.to_string(),
                    name: u.name.clone(),
                })
        } else {
            None
        },
        actions: viewer
            .map(|v| {
                available_actions(&report.facts(), v)
                    .into_iter()
                    .map(|a| a.code().to_owned())
                    .collect()
            })
            .unwrap_or_default(),
        version: report.version,
        tracking_code: None,
        ticket,
    }
}

/// A compact line for lists.
#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    pub ticket: String,
    pub state: String,
    pub status: StateView,
    pub category: Named,
    pub region: Named,
    pub unit: Named,
    pub visibility: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub coordinated_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

pub fn report_summary(j: &Jurisdiction, report: &Report) -> ReportSummary {
    ReportSummary {
        ticket: report.ticket.to_string(),
        state: report.state.code().to_owned(),
        status: report.state.into(),
        category: category_named(j, &report.category),
        region: region_named(j, &report.region),
        unit: unit_named(j, &report.holding_unit),
        visibility: report.visibility.code().to_owned(),
        created_at: report.created_at,
        updated_at: report.updated_at,
        coordinated_at: report.coordinated_at,
        completed_at: report.completed_at,
    }
}

/// One line of the history. Names no person: the actor is a role and a unit.
#[derive(Serialize, ToSchema)]
pub struct TimelineEntryView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub status: StateView,
    pub actor_role: String,
    pub actor_unit: Option<Named>,
    pub note: Option<String>,
    pub target: Option<String>,
    pub attachments: Vec<String>,
}

/// The history of a report as `viewer` may read it: notes masked for a reader who reads the
/// report as the public does, and only the photos the reader may see.
pub fn visible_timeline(
    report: &Report,
    entries: &[TimelineEntry],
    photos: &[PhotoInfo],
    viewer: Option<&Actor>,
) -> Vec<TimelineEntry> {
    let public = reads_as_public(report, viewer);
    let rejected = RejectedFollowups::in_history(entries);
    entries
        .iter()
        .map(|e| TimelineEntry {
            note: e.note.as_deref().map(|n| shown(n, public)),
            attachments: e
                .attachments
                .iter()
                .copied()
                .filter(|id| {
                    photos
                        .iter()
                        .find(|p| p.id == *id)
                        .is_some_and(|p| access::may_see_photo(report, p, &rejected, viewer))
                })
                .collect(),
            ..e.clone()
        })
        .collect()
}

pub fn timeline_view(
    j: &Jurisdiction,
    report: &Report,
    entries: &[TimelineEntry],
    photos: &[PhotoInfo],
    viewer: Option<&Actor>,
) -> Vec<TimelineEntryView> {
    let ticket = report.ticket.to_string();
    visible_timeline(report, entries, photos, viewer)
        .into_iter()
        .map(|e| TimelineEntryView {
            at: e.at,
            action: e.action.code().to_owned(),
            from_state: e.from_state.map(|s| s.code().to_owned()),
            to_state: e.to_state.code().to_owned(),
            status: e.to_state.into(),
            actor_role: e.actor_role.code().to_owned(),
            actor_unit: e.actor_unit.as_ref().map(|u| unit_named(j, u)),
            note: e.note,
            target: e.target,
            attachments: e
                .attachments
                .iter()
                .map(|id| photo_url(&ticket, *id))
                .collect(),
        })
        .collect()
}

/// One message of a report's conversation. Names no person: staff appear as a role and a
/// unit, the reporter only as `reporter`; there is no field that could hold an account,
/// a name or a contact.
#[derive(Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `reporter` (the citizen whose report it is) or `staff`.
    pub from: String,
    /// Staff messages: the writer's role, e.g. `officer`; absent for the reporter's.
    pub author_role: Option<String>,
    /// Staff messages: the writer's unit when they wrote.
    pub author_unit: Option<Named>,
    pub body: String,
    /// Whether the caller wrote it.
    pub mine: bool,
}

/// The messages as `viewer`, a party to the conversation, reads them.
pub fn messages_view(j: &Jurisdiction, messages: &[Message], viewer: &Actor) -> Vec<MessageView> {
    messages
        .iter()
        .map(|m| message_view(j, m, viewer))
        .collect()
}

pub fn message_view(j: &Jurisdiction, message: &Message, viewer: &Actor) -> MessageView {
    let staff = message.side() == Side::Staff;
    // The reporter's words reach staff masked like the report's text; the reporter reads
    // their own as written, and staff's as written.
    let masked = !staff && viewer.role.is_staff();
    MessageView {
        id: message.id,
        at: message.at,
        from: if staff { "staff" } else { "reporter" }.to_owned(),
        author_role: staff.then(|| message.author_role.code().to_owned()),
        author_unit: message
            .author_unit
            .as_ref()
            .filter(|_| staff)
            .map(|u| unit_named(j, u)),
        body: shown(&message.body, masked),
        mine: message.is_by(viewer),
    }
}

#[cfg(test)]
#[path = "views_tests.rs"]
mod tests;
