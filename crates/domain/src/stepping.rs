//! What a workflow step writes, decided once: the report's column changes, its timeline
//! entry, the documentation photos attached to it and the answer to the reporter. Each store
//! executes the plan (its version check, statistics and transaction are its own) and
//! decides nothing of it. [`crate::filing`] does the same for filing a new report.

use chrono::{DateTime, NaiveDate, Utc};

use crate::codes::{UnitCode, UserId};
use crate::report::{FollowupPhotos, NewPhoto, PhotoKind};
use crate::role::Role;
use crate::state::ReportState;
use crate::workflow::{ActionKind, Transition, Visibility};

/// Who acted, and what they attached, for the timeline entry of a transition.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub actor: UserId,
    pub actor_role: Role,
    pub actor_unit: Option<UnitCode>,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// What the action names: the unit forwarded or disposed to, the institution referred
    /// to, the ticket of the original a duplicate merges into.
    pub target: Option<String>,
    /// Documentation of a follow-up (empty for other steps).
    pub photos: FollowupPhotos,
}

/// Everything taking the step `t` writes.
#[derive(Debug, PartialEq)]
pub struct StepPlan<'a> {
    /// The state the step was decided from: it applies only to a report still in it.
    pub from: ReportState,
    /// When the step was taken: the report's update, the stamps the step sets, the timeline
    /// entry, its photos and the reply are all at this instant.
    pub at: DateTime<Utc>,
    /// The report's column changes.
    pub report: ReportChanges<'a>,
    /// The timeline entry recording the step.
    pub entry: StepEntry<'a>,
    /// The photos attached to the timeline entry, group by group in this order (only groups
    /// that hold photos).
    pub photos: Vec<AttachedPhotos<'a>>,
    /// The answer to queue for the reporter, on the channel the report came in by, when the
    /// reporter left a way back (only the store knows whether they did).
    pub reply: Option<StepReply<'a>>,
}

/// How the step changes the report's own columns. `None` (or `false`) leaves a column as
/// it is; every step also stamps `updated_at` and bumps the version.
#[derive(Debug, PartialEq)]
pub struct ReportChanges<'a> {
    pub state: ReportState,
    pub holding_unit: Option<&'a UnitCode>,
    pub visibility: Option<Visibility>,
    /// Stamp `coordinated_at`, unless the report already has it.
    pub stamps_coordinated: bool,
    /// Stamp `completed_at`.
    pub stamps_completed: bool,
    pub estimated_completion: Option<NaiveDate>,
    /// The ticket of the original the report is merged into.
    pub duplicate_of: Option<&'a str>,
    /// The institution outside the jurisdiction the report is referred to.
    pub referred_to: Option<&'a str>,
}

/// The timeline entry of a step.
#[derive(Debug, PartialEq)]
pub struct StepEntry<'a> {
    pub action: ActionKind,
    pub actor: UserId,
    pub role: Role,
    pub unit: Option<&'a UnitCode>,
    pub from: ReportState,
    pub to: ReportState,
    pub note: Option<&'a str>,
    pub target: Option<&'a str>,
}

/// Photos of one kind attached to the step's timeline entry.
#[derive(Debug, PartialEq)]
pub struct AttachedPhotos<'a> {
    pub kind: PhotoKind,
    pub photos: &'a [NewPhoto],
}

/// The answer telling the reporter of a step.
#[derive(Debug, PartialEq)]
pub struct StepReply<'a> {
    pub action: ActionKind,
    /// The state the step left the report in.
    pub state: ReportState,
    pub note: Option<&'a str>,
}

/// What taking the step `t`, as `record` tells it, writes.
pub fn plan<'a>(t: &'a Transition, record: &'a ActionRecord) -> StepPlan<'a> {
    let target = record.target.as_deref();
    let note = record.note.as_deref();
    let photos = [
        (PhotoKind::Before, &record.photos.before),
        (PhotoKind::Followup, &record.photos.after),
    ]
    .into_iter()
    .filter(|(_, photos)| !photos.is_empty())
    .map(|(kind, photos)| AttachedPhotos { kind, photos })
    .collect();
    StepPlan {
        from: t.from,
        at: record.at,
        report: ReportChanges {
            state: t.to,
            holding_unit: t.new_holding_unit.as_ref(),
            visibility: t.new_visibility,
            stamps_coordinated: t.marks_coordinated,
            stamps_completed: t.marks_completed,
            estimated_completion: t.estimated_completion,
            duplicate_of: target.filter(|_| t.action == ActionKind::MarkDuplicate),
            referred_to: target.filter(|_| t.action == ActionKind::Refer),
        },
        entry: StepEntry {
            action: t.action,
            actor: record.actor,
            role: record.actor_role,
            unit: record.actor_unit.as_ref(),
            from: t.from,
            to: t.to,
            note,
            target,
        },
        photos,
        reply: t.action.tells_reporter().then_some(StepReply {
            action: t.action,
            state: t.to,
            note,
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::report::{ImageObject, PhotoEvidence};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7)
            .single()
            .expect("instant")
    }

    fn step(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
        Transition {
            action,
            from,
            to,
            new_holding_unit: None,
            marks_coordinated: false,
            marks_completed: false,
            new_visibility: None,
            estimated_completion: None,
        }
    }

    fn coordinator(target: Option<&str>, note: Option<&str>) -> ActionRecord {
        ActionRecord {
            actor: UserId(4),
            actor_role: Role::Coordinator,
            actor_unit: Some(UnitCode::parse("kel-gambir").expect("unit")),
            at: at(),
            note: note.map(str::to_owned),
            target: target.map(str::to_owned),
            photos: FollowupPhotos::default(),
        }
    }

    fn photo(byte: u8) -> NewPhoto {
        NewPhoto {
            content_type: "image/jpeg",
            image: ImageObject::of(&[byte]),
            thumbnail: ImageObject::of(&[byte, byte]),
            evidence: PhotoEvidence::default(),
        }
    }

    /// The columns a step changes when it changes nothing but the state.
    fn only_state(state: ReportState) -> ReportChanges<'static> {
        ReportChanges {
            state,
            holding_unit: None,
            visibility: None,
            stamps_coordinated: false,
            stamps_completed: false,
            estimated_completion: None,
            duplicate_of: None,
            referred_to: None,
        }
    }

    #[test]
    fn marking_a_duplicate_sets_duplicate_of_and_nothing_else() {
        let t = step(
            ActionKind::MarkDuplicate,
            ReportState::Waiting,
            ReportState::Duplicate,
        );
        let record = coordinator(Some("JKT-20250301-0001"), None);
        let plan = plan(&t, &record);
        assert_eq!(
            plan.report,
            ReportChanges {
                duplicate_of: Some("JKT-20250301-0001"),
                ..only_state(ReportState::Duplicate)
            }
        );
        assert_eq!(plan.entry.target, Some("JKT-20250301-0001"));
    }

    #[test]
    fn referring_sets_referred_to_and_nothing_else() {
        let t = step(
            ActionKind::Refer,
            ReportState::Coordination,
            ReportState::Referred,
        );
        let record = coordinator(Some("PLN"), Some("Listrik bukan urusan kami"));
        let plan = plan(&t, &record);
        assert_eq!(
            plan.report,
            ReportChanges {
                referred_to: Some("PLN"),
                ..only_state(ReportState::Referred)
            }
        );
    }

    #[test]
    fn a_forward_moves_the_report_and_keeps_its_target_in_the_timeline_only() {
        let mut t = step(
            ActionKind::Forward,
            ReportState::Waiting,
            ReportState::Coordination,
        );
        let unit = UnitCode::parse("sudin-sda-jakpus").expect("unit");
        t.new_holding_unit = Some(unit.clone());
        t.marks_coordinated = true;
        let record = coordinator(Some("sudin-sda-jakpus"), None);
        let plan = plan(&t, &record);
        assert_eq!(
            plan.report,
            ReportChanges {
                holding_unit: Some(&unit),
                stamps_coordinated: true,
                ..only_state(ReportState::Coordination)
            }
        );
        assert_eq!(plan.entry.target, Some("sudin-sda-jakpus"));
    }

    #[test]
    fn the_transition_s_changes_become_the_report_s() {
        let mut t = step(
            ActionKind::Schedule,
            ReportState::InProgress,
            ReportState::Scheduled,
        );
        let due = NaiveDate::from_ymd_opt(2025, 3, 20).expect("date");
        t.estimated_completion = Some(due);
        assert_eq!(
            plan(&t, &coordinator(None, None)).report,
            ReportChanges {
                estimated_completion: Some(due),
                ..only_state(ReportState::Scheduled)
            }
        );

        let mut t = step(
            ActionKind::Validate,
            ReportState::AwaitingValidation,
            ReportState::Completed,
        );
        t.marks_completed = true;
        assert_eq!(
            plan(&t, &coordinator(None, None)).report,
            ReportChanges {
                stamps_completed: true,
                ..only_state(ReportState::Completed)
            }
        );

        let mut t = step(
            ActionKind::MakePublic,
            ReportState::Completed,
            ReportState::Completed,
        );
        t.new_visibility = Some(Visibility::Public);
        assert_eq!(
            plan(&t, &coordinator(None, None)).report,
            ReportChanges {
                visibility: Some(Visibility::Public),
                ..only_state(ReportState::Completed)
            }
        );
    }

    #[test]
    fn the_timeline_entry_records_who_took_the_step_from_where_to_where() {
        let t = step(
            ActionKind::Reject,
            ReportState::Waiting,
            ReportState::Rejected,
        );
        let record = coordinator(None, Some("Bukan wilayah kami"));
        let plan = plan(&t, &record);
        assert_eq!(plan.from, ReportState::Waiting);
        assert_eq!(plan.at, at());
        assert_eq!(
            plan.entry,
            StepEntry {
                action: ActionKind::Reject,
                actor: UserId(4),
                role: Role::Coordinator,
                unit: record.actor_unit.as_ref(),
                from: ReportState::Waiting,
                to: ReportState::Rejected,
                note: Some("Bukan wilayah kami"),
                target: None,
            }
        );
    }

    #[test]
    fn a_step_that_tells_the_reporter_plans_a_reply_with_its_note() {
        let t = step(
            ActionKind::Reject,
            ReportState::Waiting,
            ReportState::Rejected,
        );
        let record = coordinator(None, Some("Bukan wilayah kami"));
        assert_eq!(
            plan(&t, &record).reply,
            Some(StepReply {
                action: ActionKind::Reject,
                state: ReportState::Rejected,
                note: Some("Bukan wilayah kami"),
            })
        );
    }

    #[test]
    fn a_step_that_does_not_tell_the_reporter_plans_no_reply() {
        for (action, from, to) in [
            (
                ActionKind::Forward,
                ReportState::Waiting,
                ReportState::Coordination,
            ),
            (
                ActionKind::SubmitFollowup,
                ReportState::InProgress,
                ReportState::AwaitingValidation,
            ),
            (
                ActionKind::RejectFollowup,
                ReportState::AwaitingValidation,
                ReportState::FollowupRejected,
            ),
            (
                ActionKind::MakePublic,
                ReportState::Waiting,
                ReportState::Waiting,
            ),
        ] {
            let t = step(action, from, to);
            assert_eq!(plan(&t, &coordinator(None, None)).reply, None, "{action:?}");
        }
    }

    #[test]
    fn every_step_the_reporter_is_told_of_plans_a_reply() {
        for action in ActionKind::ON_REPORT {
            let to = action.edge().1.unwrap_or(ReportState::Completed);
            let t = step(action, ReportState::Waiting, to);
            assert_eq!(
                plan(&t, &coordinator(None, None)).reply.is_some(),
                action.tells_reporter(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn follow_up_photos_keep_their_kinds_and_order() {
        let t = step(
            ActionKind::SubmitFollowup,
            ReportState::InProgress,
            ReportState::AwaitingValidation,
        );
        let mut record = coordinator(None, Some("Sudah ditambal"));
        record.photos = FollowupPhotos {
            before: vec![photo(1), photo(2)],
            after: vec![photo(3)],
        };
        let plan = plan(&t, &record);
        assert_eq!(
            plan.photos,
            vec![
                AttachedPhotos {
                    kind: PhotoKind::Before,
                    photos: &record.photos.before,
                },
                AttachedPhotos {
                    kind: PhotoKind::Followup,
                    photos: &record.photos.after,
                },
            ]
        );
        assert_eq!(plan.photos[0].photos[1].image, ImageObject::of(&[2]));
    }

    #[test]
    fn a_step_without_photos_attaches_none_and_a_lone_group_keeps_its_kind() {
        let t = step(
            ActionKind::SubmitFollowup,
            ReportState::InProgress,
            ReportState::AwaitingValidation,
        );
        let mut record = coordinator(None, Some("Sudah ditambal"));
        assert!(plan(&t, &record).photos.is_empty());
        record.photos.after = vec![photo(3)];
        assert_eq!(
            plan(&t, &record).photos,
            vec![AttachedPhotos {
                kind: PhotoKind::Followup,
                photos: &record.photos.after,
            }]
        );
    }
}
