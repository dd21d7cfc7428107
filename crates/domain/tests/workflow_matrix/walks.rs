//! 3. Random walks: any sequence of actions by anyone stays on the written edge table.
//!
//! Over a run, the walks take every action there is, including the reporter's review of
//! completed work and the validation of a report its reporter reopened.

use std::cell::RefCell;
use std::collections::BTreeMap;

use aduan_domain::workflow::WorkflowError;
use aduan_domain::{Action, ActionKind, ReportState, Role};
use chrono::Days;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseResult, TestRunner};

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
    /// An index into `ActionKind::ON_REPORT`.
    kind: usize,
    /// Taken by someone the written "who" table permits (a role it lets act, at the unit
    /// holding the report, the reporter for a citizen's action) rather than by anyone: without
    /// these, a walk almost never gets through acceptance, follow-up and validation to the
    /// reporter's review.
    guided: bool,
    /// An index into `Role::ALL` (for a guided step, where the search for a permitted role
    /// starts).
    role: usize,
    /// 0: the unit holding the report now; 1: no unit; 2..: `WALK_UNITS[n - 2]`.
    unit: usize,
    is_reporter: bool,
    payload: usize,
}

fn step() -> impl Strategy<Value = Step> {
    // The ranges come from the domain's lists, so that a new action or role is walked too.
    (
        0..ActionKind::ON_REPORT.len(),
        any::<bool>(),
        0..Role::ALL.len(),
        0..WALK_UNITS.len() + 2,
        any::<bool>(),
        0..16usize,
    )
        .prop_map(|(kind, guided, role, unit, is_reporter, payload)| Step {
            kind,
            guided,
            role,
            unit,
            is_reporter,
            payload,
        })
}

/// The first role, from `Role::ALL[start]` on, that the written table lets take `kind` on a
/// report its unit holds (as the reporter, for a citizen).
fn permitted_role(kind: ActionKind, start: usize) -> Role {
    (0..Role::ALL.len())
        .map(|i| Role::ALL[(start + i) % Role::ALL.len()])
        .find(|&role| rule_permits(role, kind, UnitRel::Holding, role == Role::Citizen))
        .unwrap_or_else(|| panic!("the written table lets no one take {kind:?}"))
}

/// What the walks of one run took, to check that they reach every action.
#[derive(Debug, Default)]
struct Coverage {
    /// How often each action was drawn.
    drawn: BTreeMap<ActionKind, usize>,
    /// How often each action was taken (the workflow accepted it).
    taken: BTreeMap<ActionKind, usize>,
    /// How often a report its reporter had reopened ("not satisfied") was validated again.
    reopened_then_validated: usize,
}

/// The Suku Dinas of a Dinas (the unit itself for any other, which no dispose accepts).
fn suku_dinas_of(unit: &str) -> &str {
    match unit {
        DINAS_BM => SUDIN_BM,
        DINAS_LH => SUDIN_LH,
        other => other,
    }
}

fn walk_action(kind: ActionKind, payload: usize, holding: &str) -> Action {
    // Mostly acceptable text, sometimes blank.
    let text = |p: usize| {
        if p.is_multiple_of(5) {
            "  ".to_owned()
        } else {
            "teks".to_owned()
        }
    };
    match kind {
        // Half the time to a Dinas, and a disposition half the time to the holding unit's own
        // Suku Dinas, so that dispositions are taken often enough to be seen over a run.
        K::Forward => {
            let dinas = if payload.is_multiple_of(2) {
                DINAS_BM
            } else {
                DINAS_LH
            };
            Action::Forward {
                to: code(WALK_UNITS.get(payload).copied().unwrap_or(dinas)),
            }
        }
        K::Dispose => {
            let sudin = suku_dinas_of(holding);
            Action::Dispose {
                to: code(WALK_UNITS.get(payload).copied().unwrap_or(sudin)),
            }
        }
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

/// One walk from a new report: every step's outcome is the one the written tables predict.
fn walk(steps: Vec<Step>, coverage: &RefCell<Coverage>) -> TestCaseResult {
    let mut report = Report::new(S::Waiting, KEL_GAMBIR);
    let mut coordinated_marks = 0;
    let mut reopened = false;
    for s in steps {
        let kind = ActionKind::ON_REPORT[s.kind];
        *coverage.borrow_mut().drawn.entry(kind).or_default() += 1;
        let holding = report.holding_unit.as_str().to_owned();
        let (role, unit, is_reporter) = if s.guided {
            let role = permitted_role(kind, s.role);
            (role, Some(holding.as_str()), role == Role::Citizen)
        } else {
            let unit = match s.unit {
                0 => Some(holding.as_str()),
                1 => None,
                n => Some(WALK_UNITS[n - 2]),
            };
            (Role::ALL[s.role], unit, s.is_reporter)
        };
        let who = actor(role, unit, if is_reporter { REPORTER } else { STRANGER });
        let action = walk_action(kind, s.payload, &holding);
        let unit_rel = match unit {
            None => UnitRel::NoUnit,
            Some(u) if u == holding => UnitRel::Holding,
            Some(_) => UnitRel::Other,
        };
        let before = report.clone();
        let result = run(&report, &action, &who);
        let (from, to) = rule_edge(kind);

        // Refusals follow the written tables, at whatever unit the walk has reached.
        if !rule_permits(role, kind, unit_rel, is_reporter) {
            prop_assert!(
                matches!(result, Err(WorkflowError::Forbidden { .. })),
                "{result:?}"
            );
            continue;
        }
        if !from.contains(&before.state) {
            prop_assert!(
                matches!(result, Err(WorkflowError::WrongState { .. })),
                "{result:?}"
            );
            continue;
        }
        let Ok(t) = result else {
            prop_assert!(
                matches!(result, Err(WorkflowError::Invalid { .. })),
                "{result:?}"
            );
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
                prop_assert!(matches!(
                    kind,
                    K::MakePublic | K::MakePrivate | K::ReviewSatisfied
                ));
                prop_assert_eq!(t.to, before.state);
            }
        }
        if t.to == S::Completed && t.from != S::Completed {
            prop_assert_eq!(role, Role::Validator);
            prop_assert_eq!(before.state, S::AwaitingValidation);
        }
        prop_assert_eq!(
            t.marks_completed,
            t.to == S::Completed && t.from != S::Completed
        );
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

        let mut coverage = coverage.borrow_mut();
        *coverage.taken.entry(kind).or_default() += 1;
        match kind {
            K::ReviewUnsatisfied => reopened = true,
            K::Validate if reopened => {
                prop_assert_eq!(report.state, S::Completed);
                coverage.reopened_then_validated += 1;
                reopened = false;
            }
            _ => {}
        }
    }
    prop_assert!(coordinated_marks <= 1);
    Ok(())
}

#[test]
fn random_walks_stay_on_the_edge_table_and_take_every_action() {
    let coverage = RefCell::new(Coverage::default());
    let mut runner = TestRunner::new(ProptestConfig {
        // Where the seeds of past failures are kept (tests/proptest-regressions/walks.txt).
        source_file: Some(file!()),
        ..ProptestConfig::with_cases(2000)
    });
    let walks = prop::collection::vec(step(), 0..80);
    if let Err(failure) = runner.run(&walks, |steps| walk(steps, &coverage)) {
        panic!("{failure}");
    }

    // Over the run, the walks took every action on a report at least once, the reporter's
    // reviews among them, and validated a reopened report again. (With actions drawn from
    // a range shorter than the domain's list, the last ones were never even drawn.)
    let coverage = coverage.into_inner();
    for kind in ActionKind::ON_REPORT {
        let drawn = coverage.drawn.get(&kind).copied().unwrap_or(0);
        let taken = coverage.taken.get(&kind).copied().unwrap_or(0);
        assert!(
            taken > 0,
            "no walk took {kind:?} (drawn {drawn} times): {coverage:?}"
        );
    }
    assert!(
        coverage.reopened_then_validated > 0,
        "no walk validated a report its reporter reopened: {coverage:?}"
    );
}
