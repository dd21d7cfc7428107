//! The rules, written out as tables, and the outcome they predict; a check that the tables
//! cover the domain's lists.

use aduan_domain::workflow::{Transition, WorkflowError};
use aduan_domain::{ActionKind, ReportState, Role, Visibility};

use crate::fixtures::{MATRIX_DISPOSE_TO, MATRIX_FORWARD_TO, Report, code, schedule_date};

use ActionKind as K;
use ReportState as S;

/// Every state, listed by hand (checked against `ReportState::ALL` below).
const STATES: [ReportState; 11] = [
    S::Waiting,
    S::Coordination,
    S::Disposition,
    S::InProgress,
    S::Scheduled,
    S::AwaitingValidation,
    S::FollowupRejected,
    S::Completed,
    S::Rejected,
    S::Duplicate,
    S::Referred,
];

/// No action but a visibility flip is taken on these, and on a completed report its
/// reporter's review.
pub(crate) const TERMINAL: [ReportState; 4] =
    [S::Completed, S::Rejected, S::Duplicate, S::Referred];

/// The edge table: action, the states it may be taken from, the state it leads to
/// (`None`: the state is unchanged, only visibility flips).
const EDGES: [(ActionKind, &[ReportState], Option<ReportState>); 14] = [
    (
        K::Accept,
        &[
            S::Waiting,
            S::Coordination,
            S::Disposition,
            S::FollowupRejected,
        ],
        Some(S::InProgress),
    ),
    (
        K::Forward,
        &[S::Waiting, S::Coordination, S::Disposition, S::InProgress],
        Some(S::Coordination),
    ),
    (
        K::Dispose,
        &[S::Coordination, S::InProgress],
        Some(S::Disposition),
    ),
    (
        K::Schedule,
        &[
            S::Waiting,
            S::Coordination,
            S::Disposition,
            S::InProgress,
            S::Scheduled,
            S::FollowupRejected,
        ],
        Some(S::Scheduled),
    ),
    (
        K::SubmitFollowup,
        &[S::InProgress, S::Scheduled, S::FollowupRejected],
        Some(S::AwaitingValidation),
    ),
    (K::Validate, &[S::AwaitingValidation], Some(S::Completed)),
    (
        K::RejectFollowup,
        &[S::AwaitingValidation],
        Some(S::FollowupRejected),
    ),
    (K::Reject, &[S::Waiting, S::Coordination], Some(S::Rejected)),
    (
        K::MarkDuplicate,
        &[
            S::Waiting,
            S::Coordination,
            S::Disposition,
            S::InProgress,
            S::Scheduled,
        ],
        Some(S::Duplicate),
    ),
    (
        K::Refer,
        &[S::Waiting, S::Coordination, S::Disposition],
        Some(S::Referred),
    ),
    (K::MakePublic, &STATES, None),
    (K::MakePrivate, &STATES, None),
    (K::ReviewSatisfied, &[S::Completed], None),
    (
        K::ReviewUnsatisfied,
        &[S::Completed],
        Some(S::AwaitingValidation),
    ),
];

/// The reporter's verdict on completed work.
pub(crate) fn is_review(kind: ActionKind) -> bool {
    matches!(kind, K::ReviewSatisfied | K::ReviewUnsatisfied)
}

pub(crate) fn rule_edge(kind: ActionKind) -> (&'static [ReportState], Option<ReportState>) {
    EDGES
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, from, to)| (*from, *to))
        .unwrap_or_else(|| panic!("no edge written for {kind:?}"))
}

/// How the actor's unit stands to the unit holding the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitRel {
    Holding,
    Other,
    NoUnit,
}

/// The "who" table: role and scope.
pub(crate) fn rule_permits(role: Role, kind: ActionKind, unit: UnitRel, is_reporter: bool) -> bool {
    match role {
        Role::Citizen => {
            matches!(
                kind,
                K::MakePublic | K::MakePrivate | K::ReviewSatisfied | K::ReviewUnsatisfied
            ) && is_reporter
        }
        Role::Officer => {
            matches!(
                kind,
                K::Accept | K::Forward | K::Dispose | K::Schedule | K::SubmitFollowup
            ) && unit == UnitRel::Holding
        }
        Role::Coordinator => match kind {
            // Only a unit takes a report on; a jurisdiction-wide coordinator cannot accept.
            K::Accept => unit == UnitRel::Holding,
            K::Forward | K::Reject | K::MarkDuplicate | K::Refer => {
                matches!(unit, UnitRel::Holding | UnitRel::NoUnit)
            }
            _ => false,
        },
        Role::Validator => matches!(kind, K::Validate | K::RejectFollowup),
        Role::Operator | Role::Admin => false,
    }
}

/// The outcome the rules predict, without the implementation's help.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Ok(Transition),
    Forbidden,
    WrongState,
    Invalid,
}

pub(crate) fn classify(result: Result<Transition, WorkflowError>) -> Outcome {
    match result {
        Ok(t) => Outcome::Ok(t),
        Err(WorkflowError::Forbidden { .. }) => Outcome::Forbidden,
        Err(WorkflowError::WrongState { .. }) => Outcome::WrongState,
        Err(WorkflowError::Invalid { .. }) => Outcome::Invalid,
    }
}

pub(crate) fn expected(
    report: &Report,
    kind: ActionKind,
    role: Role,
    unit: UnitRel,
    is_reporter: bool,
) -> Outcome {
    if !rule_permits(role, kind, unit, is_reporter) {
        return Outcome::Forbidden;
    }
    let (from, to) = rule_edge(kind);
    if !from.contains(&report.state) {
        return Outcome::WrongState;
    }
    let new_visibility = match kind {
        K::MakePublic => Some(Visibility::Public),
        K::MakePrivate => Some(Visibility::Private),
        _ => None,
    };
    if new_visibility.is_some() && new_visibility == Some(report.visibility) {
        return Outcome::Invalid;
    }
    // Visibility flips keep the state and stamp no time.
    let moves = to.is_some();
    let to = to.unwrap_or(report.state);
    Outcome::Ok(Transition {
        action: kind,
        from: report.state,
        to,
        new_holding_unit: match kind {
            K::Forward => Some(code(MATRIX_FORWARD_TO)),
            K::Dispose => Some(code(MATRIX_DISPOSE_TO)),
            _ => None,
        },
        marks_coordinated: moves
            && matches!(to, S::InProgress | S::Scheduled)
            && !report.coordinated,
        marks_completed: moves && to == S::Completed,
        new_visibility,
        estimated_completion: (kind == K::Schedule).then(schedule_date),
    })
}

// ---------------------------------------------------------------------------------------------
// 0. The written tables cover the domain's lists
// ---------------------------------------------------------------------------------------------

#[test]
fn tables_cover_every_state_and_action() {
    assert_eq!(STATES.len(), ReportState::ALL.len());
    for s in ReportState::ALL {
        assert!(
            STATES.contains(&s),
            "{s:?} missing from the written state list"
        );
    }
    assert_eq!(EDGES.len(), ActionKind::ON_REPORT.len());
    for k in ActionKind::ON_REPORT {
        assert_eq!(
            EDGES.iter().filter(|(e, _, _)| *e == k).count(),
            1,
            "{k:?} must have exactly one written edge"
        );
    }
    for (kind, from, to) in EDGES {
        for s in TERMINAL {
            let visibility = matches!(kind, K::MakePublic | K::MakePrivate);
            let review = s == S::Completed && is_review(kind);
            assert_eq!(
                from.contains(&s),
                visibility || review,
                "{kind:?} from terminal {s:?}"
            );
        }
        if let Some(to) = to {
            assert!(STATES.contains(&to));
        }
    }
}

#[test]
fn each_role_acts_on_its_own_states() {
    use aduan_domain::workflow::states_acted_on;
    assert_eq!(states_acted_on(Role::Validator), [S::AwaitingValidation]);
    assert_eq!(
        states_acted_on(Role::Officer),
        [
            S::Waiting,
            S::Coordination,
            S::Disposition,
            S::InProgress,
            S::Scheduled,
            S::FollowupRejected
        ]
    );
    assert_eq!(
        states_acted_on(Role::Coordinator),
        [
            S::Waiting,
            S::Coordination,
            S::Disposition,
            S::InProgress,
            S::Scheduled,
            S::FollowupRejected
        ]
    );
    // A citizen reviews completed work; changing visibility is not a step to do.
    assert_eq!(states_acted_on(Role::Citizen), [S::Completed]);
    assert!(states_acted_on(Role::Operator).is_empty());
    assert!(states_acted_on(Role::Admin).is_empty());
}
