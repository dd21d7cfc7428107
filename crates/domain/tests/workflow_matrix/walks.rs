//! 3. Random walks: any sequence of actions by anyone stays on the written edge table.

use aduan_domain::workflow::WorkflowError;
use aduan_domain::{Action, ActionKind, ReportState, Role};
use chrono::Days;
use proptest::prelude::*;

use crate::fixtures::{
    BIRO, DINAS_BM, DINAS_LH, KEL_GAMBIR, KEL_MENTENG, REPORTER, Report, STRANGER, SUDIN_BM,
    SUDIN_LH, UNKNOWN, actor, code, other_ticket, own_ticket, run, today, valid_action,
};
use crate::rules::{TERMINAL, UnitRel, rule_edge, rule_permits};

use ActionKind as K;
use ReportState as S;

/// Units a random actor or a random forward/dispose target may name.
const WALK_UNITS: [&str; 8] = [
    KEL_GAMBIR,
    KEL_MENTENG,
    DINAS_BM,
    SUDIN_BM,
    DINAS_LH,
    SUDIN_LH,
    BIRO,
    UNKNOWN,
];

#[derive(Debug, Clone)]
struct Step {
    kind: usize,
    role: usize,
    /// 0: the unit holding the report now; 1: no unit; 2..: `WALK_UNITS[n - 2]`.
    unit: usize,
    is_reporter: bool,
    payload: usize,
}

fn step() -> impl Strategy<Value = Step> {
    (0..12usize, 0..6usize, 0..10usize, any::<bool>(), 0..16usize).prop_map(
        |(kind, role, unit, is_reporter, payload)| Step {
            kind,
            role,
            unit,
            is_reporter,
            payload,
        },
    )
}

fn walk_action(kind: ActionKind, payload: usize) -> Action {
    // Mostly acceptable text, sometimes blank.
    let text = |p: usize| {
        if p.is_multiple_of(5) {
            "  ".to_owned()
        } else {
            "teks".to_owned()
        }
    };
    match kind {
        K::Forward => Action::Forward {
            to: code(WALK_UNITS[payload % WALK_UNITS.len()]),
        },
        K::Dispose => Action::Dispose {
            to: code(WALK_UNITS[payload % WALK_UNITS.len()]),
        },
        K::Schedule => Action::Schedule {
            // From two days ago to a fortnight ahead.
            estimated_completion: today()
                .checked_sub_days(Days::new(2))
                .unwrap()
                .checked_add_days(Days::new(payload as u64))
                .unwrap(),
        },
        K::SubmitFollowup => Action::SubmitFollowup {
            note: text(payload),
        },
        K::RejectFollowup => Action::RejectFollowup {
            reason: text(payload),
        },
        K::Reject => Action::Reject {
            reason: text(payload),
        },
        K::MarkDuplicate => Action::MarkDuplicate {
            of: if payload.is_multiple_of(4) {
                own_ticket()
            } else {
                other_ticket()
            },
        },
        K::Refer => Action::Refer {
            to: "LAPOR!".into(),
            reason: text(payload),
        },
        other => valid_action(other),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_walks_stay_on_the_edge_table(steps in prop::collection::vec(step(), 0..80)) {
        let mut report = Report::new(S::Waiting, KEL_GAMBIR);
        let mut coordinated_marks = 0;
        for s in steps {
            let kind = ActionKind::ON_REPORT[s.kind];
            let role = Role::ALL[s.role];
            let holding = report.holding_unit.as_str().to_owned();
            let unit = match s.unit {
                0 => Some(holding.as_str()),
                1 => None,
                n => Some(WALK_UNITS[n - 2]),
            };
            let who = actor(role, unit, if s.is_reporter { REPORTER } else { STRANGER });
            let action = walk_action(kind, s.payload);
            let unit_rel = match unit {
                None => UnitRel::NoUnit,
                Some(u) if u == holding => UnitRel::Holding,
                Some(_) => UnitRel::Other,
            };
            let before = report.clone();
            let result = run(&report, &action, &who);
            let (from, to) = rule_edge(kind);

            // Refusals follow the written tables, at whatever unit the walk has reached.
            if !rule_permits(role, kind, unit_rel, s.is_reporter) {
                prop_assert!(matches!(result, Err(WorkflowError::Forbidden { .. })), "{result:?}");
                continue;
            }
            if !from.contains(&before.state) {
                prop_assert!(matches!(result, Err(WorkflowError::WrongState { .. })), "{result:?}");
                continue;
            }
            let Ok(t) = result else {
                prop_assert!(matches!(result, Err(WorkflowError::Invalid { .. })), "{result:?}");
                continue;
            };

            prop_assert_eq!(t.action, kind);
            prop_assert_eq!(t.from, before.state);
            prop_assert_eq!(t.to, to.unwrap_or(before.state));
            if TERMINAL.contains(&before.state) {
                if before.state == S::Completed && kind == K::ReviewUnsatisfied {
                    // The reporter's "not satisfied" reopens it for the validator.
                    prop_assert_eq!(role, Role::Citizen);
                    prop_assert_eq!(t.to, S::AwaitingValidation);
                } else {
                    prop_assert!(
                        matches!(kind, K::MakePublic | K::MakePrivate | K::ReviewSatisfied)
                    );
                    prop_assert_eq!(t.to, before.state);
                }
            }
            if t.to == S::Completed && t.from != S::Completed {
                prop_assert_eq!(role, Role::Validator);
                prop_assert_eq!(before.state, S::AwaitingValidation);
            }
            prop_assert_eq!(t.marks_completed, t.to == S::Completed && t.from != S::Completed);
            if t.marks_coordinated {
                prop_assert!(!before.coordinated);
                prop_assert!(matches!(t.to, S::InProgress | S::Scheduled));
                coordinated_marks += 1;
            }
            let moves = !matches!(kind, K::MakePublic | K::MakePrivate);
            if moves && matches!(t.to, S::InProgress | S::Scheduled) && !before.coordinated {
                prop_assert!(t.marks_coordinated);
            }
            if let Some(unit) = &t.new_holding_unit {
                prop_assert!(matches!(kind, K::Forward | K::Dispose));
                prop_assert_ne!(unit, &before.holding_unit);
            }
            report.apply(&t);
        }
        prop_assert!(coordinated_marks <= 1);
    }
}
