//! Who may read what: the privacy rules of DESIGN.md as pure functions.
//!
//! Every report is private on arrival. Staff read the reports their work touches, never who
//! reported; the reporter's photos of a private report are locked even to staff.

use std::collections::BTreeSet;

use crate::channel::{Channel, ChannelKind, NamedChannel};
use crate::codes::UnitCode;
use crate::report::{PhotoInfo, PhotoKind, Report, TimelineEntry};
use crate::role::{Actor, Role};
use crate::state::ReportState;
use crate::workflow::{ActionKind, Visibility};

/// The label Jakarta's officer app shows on a private report.
pub const PRIVATE_REPORT_NOTICE_ID: &str = "Laporan bersifat privasi. Jangan berikan informasi \
    apa pun tentang pelapor atau laporan ini kepada pihak lain.";
pub const PRIVATE_REPORT_NOTICE_EN: &str = "This report is private. Do not share any information \
    about the reporter or this report with anyone.";

/// States a validator works in or looks back on.
pub const VALIDATOR_STATES: [ReportState; 3] = [
    ReportState::AwaitingValidation,
    ReportState::FollowupRejected,
    ReportState::Completed,
];

pub fn is_reporter(report: &Report, viewer: &Actor) -> bool {
    viewer.role == Role::Citizen && report.reporter == Some(viewer.user)
}

/// Whether `viewer` (None: the public) may read the report at all.
pub fn may_read(report: &Report, viewer: Option<&Actor>) -> bool {
    let public = report.visibility == Visibility::Public;
    let Some(viewer) = viewer else {
        return public;
    };
    public
        || match viewer.role {
            Role::Citizen => is_reporter(report, viewer),
            Role::Operator => report.entered_by == Some(viewer.user),
            Role::Officer => viewer.belongs_to(&report.holding_unit),
            Role::Coordinator => match &viewer.unit {
                None => true,
                Some(unit) => *unit == report.holding_unit || *unit == report.first_receiver,
            },
            Role::Validator => VALIDATOR_STATES.contains(&report.state),
            Role::Admin => true,
        }
}

/// Whether someone of `role` may file a report through `channel` for a citizen: a citizen
/// for themself through a channel of kind app or web; a desk operator through any channel
/// a citizen does not use themself (a desk, the post, the press...), but not Open311, which
/// is for partner apps with their own keys. Nobody else files.
pub fn may_file_through(role: Role, channel: &NamedChannel) -> bool {
    let own = matches!(channel.kind, ChannelKind::App | ChannelKind::Web);
    match role {
        Role::Citizen => own,
        Role::Operator => !own && channel.code != Channel::Open311,
        _ => false,
    }
}

/// Over which reports an actor works the triage queue (confirms or corrects the suggested
/// category and place of a report waiting for its first routing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriageReach {
    /// Every report: a coordinator without a unit (the CRM team), an admin.
    All,
    /// The reports a unit holds: a coordinator of that unit.
    HeldBy(UnitCode),
}

/// The triage queue `actor` works, if any: coordinators and admins, nobody else.
pub fn triage_reach(actor: &Actor) -> Option<TriageReach> {
    match (actor.role, &actor.unit) {
        (Role::Coordinator, Some(unit)) => Some(TriageReach::HeldBy(unit.clone())),
        (Role::Coordinator, None) | (Role::Admin, _) => Some(TriageReach::All),
        _ => None,
    }
}

/// Whether `actor` may confirm or correct this report's triage.
pub fn may_triage(report: &Report, actor: &Actor) -> bool {
    match triage_reach(actor) {
        Some(TriageReach::All) => true,
        Some(TriageReach::HeldBy(unit)) => unit == report.holding_unit,
        None => false,
    }
}

/// Whether `viewer` handles the report as staff (and so sees staff-only detail).
pub fn handles_as_staff(report: &Report, viewer: Option<&Actor>) -> bool {
    match viewer {
        Some(v) if v.role.is_staff() => may_read(
            &Report {
                visibility: Visibility::Private,
                ..report.clone()
            },
            Some(v),
        ),
        _ => false,
    }
}

/// Whether `viewer` may see photos of this kind on this report, whatever became of the
/// follow-up they document. For one photo, ask [`may_see_photo`].
pub fn may_see_photos_of_kind(report: &Report, kind: PhotoKind, viewer: Option<&Actor>) -> bool {
    let reporter = viewer.is_some_and(|v| is_reporter(report, v));
    let public = report.visibility == Visibility::Public;
    match kind {
        // The reporter's own photos: locked unless the reporter made the report public.
        PhotoKind::Report => reporter || public,
        // Documentation of the follow-up: staff who handle it, the reporter, the public of a
        // public report.
        PhotoKind::Before | PhotoKind::Followup => {
            reporter || public || handles_as_staff(report, viewer)
        }
    }
}

/// Whether `viewer` may see this photo of this report. A photo documenting a follow-up the
/// validator rejected shows work the city did not accept: only the reporter and the staff
/// handling the report see it, never the public.
pub fn may_see_photo(
    report: &Report,
    photo: &PhotoInfo,
    rejected: &RejectedFollowups,
    viewer: Option<&Actor>,
) -> bool {
    may_see_photos_of_kind(report, photo.kind, viewer)
        && (!rejected.contains(photo.id)
            || viewer.is_some_and(|v| is_reporter(report, v))
            || handles_as_staff(report, viewer))
}

/// The photos of the follow-ups a validator rejected, read from a report's history (oldest
/// first): the attachments of each `submit_followup` that a `reject_followup` answered,
/// also after a validation the reporter disputed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RejectedFollowups(BTreeSet<i64>);

impl RejectedFollowups {
    pub fn in_history(history: &[TimelineEntry]) -> Self {
        let mut rejected = BTreeSet::new();
        let mut latest: &[i64] = &[];
        for entry in history {
            match entry.action {
                ActionKind::SubmitFollowup => latest = &entry.attachments,
                ActionKind::RejectFollowup => {
                    rejected.extend(latest.iter().copied());
                    latest = &[];
                }
                _ => {}
            }
        }
        Self(rejected)
    }

    pub fn contains(&self, photo: i64) -> bool {
        self.0.contains(&photo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{actor, jakarta, report, unit};
    use crate::report::ImageObject;

    fn entry(action: ActionKind, attachments: Vec<i64>) -> TimelineEntry {
        let (_, to) = action.edge();
        TimelineEntry {
            at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            action,
            actor: None,
            actor_role: Role::Officer,
            actor_unit: None,
            from_state: None,
            to_state: to.unwrap_or(ReportState::Completed),
            note: None,
            target: None,
            attachments,
        }
    }

    fn photo(id: i64, kind: PhotoKind) -> PhotoInfo {
        PhotoInfo {
            id,
            kind,
            content_type: "image/jpeg".into(),
            image: ImageObject::of(&[1]),
            thumbnail: ImageObject::of(&[2]),
            evidence: Default::default(),
        }
    }

    #[test]
    fn a_rejected_followups_photos_are_never_public_but_the_accepted_ones_are() {
        use ActionKind::*;
        let history = vec![
            entry(Submit, vec![1]),
            entry(SubmitFollowup, vec![2, 3]),
            entry(RejectFollowup, vec![]),
            entry(SubmitFollowup, vec![4]),
            entry(Validate, vec![]),
            entry(ReviewUnsatisfied, vec![]),
            entry(RejectFollowup, vec![]),
            entry(SubmitFollowup, vec![5]),
            entry(Validate, vec![]),
        ];
        let rejected = RejectedFollowups::in_history(&history);
        let public = report(ReportState::Completed, Visibility::Public);
        let reporter = actor(1, Role::Citizen, None);
        let officer = actor(5, Role::Officer, Some("sudin-bina-marga-31.74"));
        let stranger = actor(9, Role::Citizen, None);
        for (id, kind, shown) in [
            (1, PhotoKind::Report, true),
            (2, PhotoKind::Before, false),
            (3, PhotoKind::Followup, false),
            (4, PhotoKind::Followup, false),
            (5, PhotoKind::Followup, true),
        ] {
            let p = photo(id, kind);
            assert_eq!(may_see_photo(&public, &p, &rejected, None), shown, "{id}");
            assert_eq!(
                may_see_photo(&public, &p, &rejected, Some(&stranger)),
                shown,
                "{id}"
            );
            assert!(
                may_see_photo(&public, &p, &rejected, Some(&reporter)),
                "{id}"
            );
            assert!(
                may_see_photo(&public, &p, &rejected, Some(&officer)),
                "{id}"
            );
        }
    }

    #[test]
    fn citizens_file_through_their_own_channels_and_operators_through_the_rest_but_open311() {
        let channels = jakarta().channels();
        assert_eq!(channels.len(), 18);
        for named in &channels {
            let channel = named.code;
            let own = ["jaki", "web"].contains(&channel.code());
            assert_eq!(may_file_through(Role::Citizen, named), own, "{channel:?}");
            assert_eq!(
                may_file_through(Role::Operator, named),
                !own && channel != Channel::Open311,
                "{channel:?}"
            );
            for role in [
                Role::Officer,
                Role::Coordinator,
                Role::Validator,
                Role::Admin,
            ] {
                assert!(!may_file_through(role, named), "{role:?} {channel:?}");
            }
        }
        let of = |code: &str| {
            channels
                .iter()
                .find(|c| c.code.code() == code)
                .unwrap()
                .clone()
        };
        assert!(may_file_through(Role::Operator, &of("balai_kota")));
        assert!(may_file_through(Role::Operator, &of("governor_social")));
        assert!(!may_file_through(Role::Citizen, &of("sms")));
    }

    #[test]
    fn a_channel_only_its_pack_names_is_filed_through_as_its_kind_allows() {
        let named = |code: &str, kind| NamedChannel {
            code: Channel::parse(code).unwrap(),
            label: code.into(),
            label_en: code.into(),
            kind,
        };
        let app = named("lapor_warga", ChannelKind::App);
        assert!(may_file_through(Role::Citizen, &app));
        assert!(!may_file_through(Role::Operator, &app));
        let desk = named("lapor_warga", ChannelKind::Desk);
        assert!(!may_file_through(Role::Citizen, &desk));
        assert!(may_file_through(Role::Operator, &desk));
        let partner = named("mitra", ChannelKind::PartnerApi);
        assert!(may_file_through(Role::Operator, &partner));
    }

    #[test]
    fn coordinators_and_admins_triage_and_a_units_coordinator_only_what_it_holds() {
        let held_here = report(ReportState::Waiting, Visibility::Private);
        let held_elsewhere = Report {
            holding_unit: unit("kelurahan-31.74.01.1001"),
            ..held_here.clone()
        };
        // (who, reach, may triage the report its unit holds, the one held elsewhere)
        let table = [
            (
                actor(1, Role::Coordinator, None),
                Some(TriageReach::All),
                true,
                true,
            ),
            (
                actor(2, Role::Coordinator, Some("sudin-bina-marga-31.74")),
                Some(TriageReach::HeldBy(unit("sudin-bina-marga-31.74"))),
                true,
                false,
            ),
            (
                actor(3, Role::Admin, None),
                Some(TriageReach::All),
                true,
                true,
            ),
            (
                actor(4, Role::Admin, Some("biro-pemerintahan")),
                Some(TriageReach::All),
                true,
                true,
            ),
            (
                actor(5, Role::Officer, Some("sudin-bina-marga-31.74")),
                None,
                false,
                false,
            ),
            (actor(6, Role::Validator, None), None, false, false),
            (actor(7, Role::Operator, None), None, false, false),
            (actor(1, Role::Citizen, None), None, false, false),
        ];
        for (who, reach, here, elsewhere) in table {
            assert_eq!(triage_reach(&who), reach, "{who:?}");
            assert_eq!(may_triage(&held_here, &who), here, "{who:?}");
            assert_eq!(may_triage(&held_elsewhere, &who), elsewhere, "{who:?}");
        }
    }
}
