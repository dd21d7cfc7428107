//! A report and its timeline, as the store keeps them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::codes::{CategoryCode, ReportId, UnitCode, UserId};
use crate::location::Coordinates;
use crate::region::RegionCode;
use crate::role::Role;
use crate::state::ReportState;
use crate::ticket::Ticket;
use crate::workflow::{ActionKind, ReportFacts, Visibility};

/// A report. It carries no identity of its reporter beyond an account reference that only
/// authorization uses; views for anyone but the reporter never include it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub ticket: Ticket,
    pub state: ReportState,
    pub category: CategoryCode,
    /// What the reporter wrote: shown to them alone.
    pub description: String,
    /// The description as everyone else may read it, masked when it was filed with the
    /// reporter's identity at hand ([`crate::scrub::staff_text`]); `None` for reports stored
    /// before it existed or imported, which [`Report::description_for_others`] masks by the
    /// generic rules.
    pub staff_description: Option<String>,
    pub location: Option<Coordinates>,
    pub region: RegionCode,
    pub address: Option<String>,
    pub channel: Channel,
    pub first_receiver: UnitCode,
    pub holding_unit: UnitCode,
    pub visibility: Visibility,
    pub reporter: Option<UserId>,
    /// The operator who entered it at a desk for the citizen.
    pub entered_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub coordinated_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub estimated_completion: Option<NaiveDate>,
    pub duplicate_of: Option<Ticket>,
    pub referred_to: Option<String>,
    /// Bumped by every change; a change names the version it was decided on.
    pub version: i64,
}

impl Report {
    /// The description as staff and (once public) everyone read it: the reporter's own
    /// identity and every phone number, e-mail address, NIK and plate masked.
    pub fn description_for_others(&self) -> String {
        crate::scrub::public_text(
            self.staff_description
                .as_deref()
                .unwrap_or(&self.description),
        )
    }

    pub fn facts(&self) -> ReportFacts<'_> {
        ReportFacts {
            ticket: &self.ticket,
            state: self.state,
            holding_unit: &self.holding_unit,
            reporter: self.reporter,
            visibility: self.visibility,
            coordinated: self.coordinated_at.is_some(),
        }
    }
}

/// Whose photo it is: the reporter's (locked when the report is private) or an officer's
/// documentation of the follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    /// The reporter's photo of the problem.
    Report,
    /// An officer's photo of the scene before the work (documentation).
    Before,
    /// An officer's photo of the finished work (documentation).
    Followup,
}

impl PhotoKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Before => "before",
            Self::Followup => "followup",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Report, Self::Before, Self::Followup]
            .into_iter()
            .find(|k| k.code() == raw)
    }
}

/// When and where a documentation photo says it was taken (read from its EXIF before the
/// metadata is stripped). Evidence for validators only.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PhotoEvidence {
    /// The camera's local time (EXIF DateTimeOriginal carries no zone).
    pub captured_at: Option<chrono::NaiveDateTime>,
    pub location: Option<Coordinates>,
}

/// An image in the photo store, named by its content: the SHA-256 of its bytes, which is
/// also its key in the store and its ETag. The database keeps only this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageObject {
    pub sha256: [u8; 32],
    pub size: u64,
}

impl ImageObject {
    /// The address of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest as _;
        Self {
            sha256: sha2::Sha256::digest(bytes).into(),
            size: bytes.len() as u64,
        }
    }

    /// The hash in lowercase hexadecimal (64 characters).
    pub fn hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `bytes` are this image's: the right length and hash.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.size && Self::of(bytes).sha256 == self.sha256
    }
}

/// A cleaned photo, already in the photo store: re-encoded without metadata (type from the
/// encoder) at display size, with its thumbnail. The database row refers to both images.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPhoto {
    pub content_type: &'static str,
    pub image: ImageObject,
    pub thumbnail: ImageObject,
    pub evidence: PhotoEvidence,
}

/// The photos documenting a follow-up: the scene before the work and the work done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FollowupPhotos {
    pub before: Vec<NewPhoto>,
    pub after: Vec<NewPhoto>,
}

impl FollowupPhotos {
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }
}

/// A stored photo's description (its bytes are fetched separately).
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoInfo {
    pub id: i64,
    pub kind: PhotoKind,
    pub content_type: String,
    /// The photo at display size (at most 1600 pixels on its long side).
    pub image: ImageObject,
    /// The photo for lists and cards.
    pub thumbnail: ImageObject,
    pub evidence: PhotoEvidence,
}

/// A description's length in characters, as filed on any channel.
pub const MIN_DESCRIPTION: usize = 10;
pub const MAX_DESCRIPTION: usize = 4000;
/// The longest address a report may carry, in characters.
pub const MAX_ADDRESS: usize = 500;

/// Whether a description (trimmed) has a length a report may carry.
pub fn description_fits(description: &str) -> bool {
    (MIN_DESCRIPTION..=MAX_DESCRIPTION).contains(&description.trim().chars().count())
}

/// Everything needed to file a new report; ticket and time are assigned by the store.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub category: CategoryCode,
    pub description: String,
    /// The description masked for everyone but the reporter (see [`Report::staff_description`]).
    pub staff_description: Option<String>,
    pub location: Option<Coordinates>,
    pub region: RegionCode,
    pub address: Option<String>,
    pub channel: Channel,
    pub first_receiver: UnitCode,
    pub reporter: Option<UserId>,
    /// The operator who entered it at a desk, when it was not the reporter.
    pub entered_by: Option<UserId>,
    pub submitted_by_role: Role,
    pub photos: Vec<NewPhoto>,
    /// The identity a channel gave for a reporter without an account (an Open311 client's
    /// email, name, phone), already sealed; never stored in the clear.
    pub reporter_identity: Option<Vec<u8>>,
    /// The channel's own id of the message this report came from: a second delivery of the
    /// same message (a retry) files nothing new and answers with the first report.
    pub channel_message_id: Option<String>,
    /// How to answer the reporter on their channel (a phone number, an X user id, a LAPOR!
    /// tracking id…), already sealed like the identity; `None` when the channel has no way
    /// back or the reporter has an account here (they read the app).
    pub reply_route: Option<Vec<u8>>,
    /// A stable, opaque key of who reported, for counting distinct reporters per channel
    /// without identity: a keyed hash of the channel address. Accounts count by account.
    pub reporter_key: Option<String>,
    /// Photos the channel holds for us (a WhatsApp media id, a Twilio media URL), fetched
    /// after filing and attached to the report.
    pub fetch_media: Vec<MediaFetch>,
    /// What free-text triage suggested, for a report from a channel that carries no
    /// category or place; it waits in the coordinators' triage queue until confirmed.
    pub triage: Option<TriageMark>,
}

/// A photo to fetch from the report's channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFetch {
    /// A URL or the channel's media id.
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// Free-text triage's suggestion for a report, kept until a coordinator confirms or
/// corrects it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageMark {
    pub category: Option<CategoryCode>,
    /// 0 to 1; 0 when nothing pointed to a category.
    pub confidence: f32,
    pub region: Option<RegionCode>,
}

/// One line of a report's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub action: ActionKind,
    pub actor: Option<UserId>,
    pub actor_role: Role,
    pub actor_unit: Option<UnitCode>,
    pub from_state: Option<ReportState>,
    pub to_state: ReportState,
    pub note: Option<String>,
    /// The unit the report went to (forward, dispose) or the body it was referred to.
    pub target: Option<String>,
    pub attachments: Vec<i64>,
}

/// The reporter's review of the work as it stands: the latest `review_satisfied` or
/// `review_unsatisfied` since the report was last validated (oldest-first history). None
/// when the work last validated is not reviewed yet.
pub fn review_given(history: &[TimelineEntry]) -> Option<&TimelineEntry> {
    history
        .iter()
        .rev()
        .take_while(|e| e.action != ActionKind::Validate)
        .find(|e| {
            matches!(
                e.action,
                ActionKind::ReviewSatisfied | ActionKind::ReviewUnsatisfied
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_fits_from_10_to_4000_characters_trimmed() {
        assert!(!description_fits("  pendek  "));
        assert!(description_fits("  sepuluh!!!  "));
        assert!(description_fits(&"é".repeat(4000)), "characters, not bytes");
        assert!(!description_fits(&"a".repeat(4001)));
    }
}
