//! 1. The matrix: state x action x role x actor relation x report facts.

use std::collections::BTreeMap;

use aduan_domain::workflow::WorkflowError;
use aduan_domain::{ActionKind, ReportState, Role, Visibility};

use crate::fixtures::{
    MATRIX_HOLDING, MATRIX_OTHER_UNIT, REPORTER, Report, STRANGER, actor, run, valid_action,
};
use crate::rules::{Outcome, TERMINAL, UnitRel, classify, expected, is_review};

use ActionKind as K;

#[test]
fn matrix_of_state_action_role_and_relation() {
    let mut cases = 0usize;
    let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut ok_per_kind: BTreeMap<ActionKind, usize> = BTreeMap::new();

    for state in ReportState::ALL {
        for kind in ActionKind::ON_REPORT {
            let action = valid_action(kind);
            assert_eq!(action.kind(), kind);
            for role in Role::ALL {
                for unit_rel in [UnitRel::Holding, UnitRel::Other, UnitRel::NoUnit] {
                    for report_reporter in [Some(REPORTER), None] {
                        for user in [REPORTER, STRANGER] {
                            for coordinated in [false, true] {
                                for visibility in [Visibility::Private, Visibility::Public] {
                                    let report = Report {
                                        state,
                                        reporter: report_reporter,
                                        visibility,
                                        coordinated,
                                        ..Report::new(state, MATRIX_HOLDING)
                                    };
                                    let unit = match unit_rel {
                                        UnitRel::Holding => Some(MATRIX_HOLDING),
                                        UnitRel::Other => Some(MATRIX_OTHER_UNIT),
                                        UnitRel::NoUnit => None,
                                    };
                                    let who = actor(role, unit, user);
                                    let is_reporter = report_reporter == Some(user);

                                    let want = expected(&report, kind, role, unit_rel, is_reporter);
                                    let result = run(&report, &action, &who);
                                    let case = format!(
                                        "{state:?} {kind:?} by {role:?} unit={unit_rel:?} \
                                         reporter={report_reporter:?} user={user:?} \
                                         coordinated={coordinated} {visibility:?}"
                                    );

                                    // The error carries who and what exactly.
                                    match &result {
                                        Err(WorkflowError::Forbidden { role: r, action: a }) => {
                                            assert_eq!((*r, *a), (role, kind), "{case}");
                                        }
                                        Err(WorkflowError::WrongState {
                                            action: a,
                                            state: s,
                                        }) => {
                                            assert_eq!((*a, *s), (kind, state), "{case}");
                                        }
                                        _ => {}
                                    }
                                    let got = classify(result);

                                    // Terminal states accept nothing but visibility flips
                                    // and, once completed, the reporter's review.
                                    if TERMINAL.contains(&state)
                                        && !matches!(kind, K::MakePublic | K::MakePrivate)
                                        && !(state == ReportState::Completed && is_review(kind))
                                    {
                                        assert!(!matches!(got, Outcome::Ok(_)), "{case}");
                                    }

                                    assert_eq!(got, want, "{case}");

                                    let label = match &got {
                                        Outcome::Ok(_) => {
                                            *ok_per_kind.entry(kind).or_default() += 1;
                                            "ok"
                                        }
                                        Outcome::Forbidden => "forbidden",
                                        Outcome::WrongState => "wrong_state",
                                        Outcome::Invalid => "invalid",
                                    };
                                    *tally.entry(label).or_default() += 1;
                                    cases += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // 11 states x 14 actions x 6 roles x 3 units x 2 report reporters x 2 users x 2 x 2.
    assert_eq!(cases, 11 * 14 * 6 * 3 * 2 * 2 * 2 * 2);
    assert_eq!(cases, 44_352);
    // Every action is possible somewhere, and every kind of refusal occurs.
    for kind in ActionKind::ON_REPORT {
        assert!(
            ok_per_kind.get(&kind).copied().unwrap_or(0) > 0,
            "{kind:?} never allowed"
        );
    }
    for label in ["ok", "forbidden", "wrong_state", "invalid"] {
        assert!(
            tally.get(label).copied().unwrap_or(0) > 0,
            "no {label} case: {tally:?}"
        );
    }
}
