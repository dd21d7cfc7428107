//! 2. Payloads: what each action's arguments must be, and the order errors come in.

use aduan_domain::workflow::{Transition, WorkflowError};
use aduan_domain::{Action, ActionKind, ReportState, Role, Ticket, Visibility};
use chrono::{Days, NaiveDate};

use crate::fixtures::{
    BIRO, DINAS_BM, DINAS_LH, KEL_GAMBIR, REPORTER, Report, STRANGER, SUDIN_BM, SUDIN_LH, UNKNOWN,
    actor, code, dinas_coordinator, dinas_officer, other_ticket, run, today, validator,
};
use crate::rules::{Outcome, classify};

use ActionKind as K;
use ReportState as S;

fn assert_invalid(result: Result<Transition, WorkflowError>, field: &str) {
    match result {
        Err(WorkflowError::Invalid { field: f, .. }) => assert_eq!(f, field),
        other => panic!("expected Invalid({field}), got {other:?}"),
    }
}

#[test]
fn forward_needs_another_known_non_validation_unit() {
    let report = Report::new(S::Coordination, DINAS_BM);
    for who in [
        dinas_officer(),
        dinas_coordinator(),
        actor(Role::Coordinator, None, STRANGER),
    ] {
        let fwd = |to: &str| Action::Forward { to: code(to) };
        assert_invalid(run(&report, &fwd(DINAS_BM), &who), "unit");
        assert_invalid(run(&report, &fwd(UNKNOWN), &who), "unit");
        assert_invalid(run(&report, &fwd(BIRO), &who), "unit");
        for to in [KEL_GAMBIR, SUDIN_BM, DINAS_LH, SUDIN_LH] {
            let t = run(&report, &fwd(to), &who).unwrap();
            assert_eq!(t.to, S::Coordination);
            assert_eq!(t.new_holding_unit, Some(code(to)));
        }
    }
}

#[test]
fn dispose_only_to_a_child_of_the_holding_unit() {
    for state in [S::Coordination, S::InProgress] {
        let report = Report::new(state, DINAS_BM);
        let disp = |to: &str| Action::Dispose { to: code(to) };
        for to in [SUDIN_LH, DINAS_BM, DINAS_LH, KEL_GAMBIR, BIRO, UNKNOWN] {
            assert_invalid(run(&report, &disp(to), &dinas_officer()), "unit");
        }
        let t = run(&report, &disp(SUDIN_BM), &dinas_officer()).unwrap();
        assert_eq!(t.to, S::Disposition);
        assert_eq!(t.new_holding_unit, Some(code(SUDIN_BM)));
    }
    // A Suku Dinas has no children: it cannot dispose further, not even back to its Dinas.
    let at_sudin = Report::new(S::Coordination, SUDIN_BM);
    let officer = actor(Role::Officer, Some(SUDIN_BM), STRANGER);
    for to in [DINAS_BM, SUDIN_LH] {
        assert_invalid(
            run(&at_sudin, &Action::Dispose { to: code(to) }, &officer),
            "unit",
        );
    }
}

#[test]
fn schedule_not_before_today() {
    let report = Report::new(S::InProgress, DINAS_BM);
    let sched = |d: NaiveDate| Action::Schedule {
        estimated_completion: d,
    };
    let yesterday = today().checked_sub_days(Days::new(1)).unwrap();
    let long_ago = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    assert_invalid(
        run(&report, &sched(yesterday), &dinas_officer()),
        "estimated_completion",
    );
    assert_invalid(
        run(&report, &sched(long_ago), &dinas_officer()),
        "estimated_completion",
    );
    let t = run(&report, &sched(today()), &dinas_officer()).unwrap();
    assert_eq!(
        (t.to, t.estimated_completion),
        (S::Scheduled, Some(today()))
    );
    let next_month = today().checked_add_days(Days::new(30)).unwrap();
    let t = run(&report, &sched(next_month), &dinas_officer()).unwrap();
    assert_eq!(t.estimated_completion, Some(next_month));
}

#[test]
fn notes_and_reasons_must_not_be_blank() {
    let blanks = ["", " ", "   \t\n  "];
    let in_progress = Report::new(S::InProgress, DINAS_BM);
    let awaiting = Report::new(S::AwaitingValidation, DINAS_BM);
    let waiting = Report::new(S::Waiting, DINAS_BM);
    for blank in blanks {
        let b = blank.to_owned();
        assert_invalid(
            run(
                &in_progress,
                &Action::SubmitFollowup { note: b.clone() },
                &dinas_officer(),
            ),
            "note",
        );
        assert_invalid(
            run(
                &awaiting,
                &Action::RejectFollowup { reason: b.clone() },
                &validator(),
            ),
            "reason",
        );
        assert_invalid(
            run(
                &waiting,
                &Action::Reject { reason: b.clone() },
                &dinas_coordinator(),
            ),
            "reason",
        );
        assert_invalid(
            run(
                &waiting,
                &Action::Refer {
                    to: "LAPOR!".into(),
                    reason: b.clone(),
                },
                &dinas_coordinator(),
            ),
            "reason",
        );
    }
    // Surrounding whitespace is fine when there is text.
    let t = run(
        &in_progress,
        &Action::SubmitFollowup {
            note: "  sudah diperbaiki  ".into(),
        },
        &dinas_officer(),
    )
    .unwrap();
    assert_eq!(t.to, S::AwaitingValidation);
}

#[test]
fn a_report_cannot_duplicate_itself() {
    let report = Report::new(S::Waiting, DINAS_BM);
    let same = Ticket::parse("jk2611280001").unwrap(); // typed in lower case: the same ticket
    assert_invalid(
        run(
            &report,
            &Action::MarkDuplicate { of: same },
            &dinas_coordinator(),
        ),
        "of",
    );
    let t = run(
        &report,
        &Action::MarkDuplicate { of: other_ticket() },
        &dinas_coordinator(),
    )
    .unwrap();
    assert_eq!(t.to, S::Duplicate);
}

#[test]
fn visibility_flips_must_change_something() {
    let citizen = actor(Role::Citizen, None, REPORTER);
    for state in ReportState::ALL {
        let mut report = Report::new(state, DINAS_BM);
        report.visibility = Visibility::Public;
        assert_invalid(run(&report, &Action::MakePublic, &citizen), "action");
        let t = run(&report, &Action::MakePrivate, &citizen).unwrap();
        assert_eq!((t.from, t.to), (state, state));
        assert_eq!(t.new_visibility, Some(Visibility::Private));
        assert_eq!(t.new_holding_unit, None);

        report.visibility = Visibility::Private;
        assert_invalid(run(&report, &Action::MakePrivate, &citizen), "action");
        let t = run(&report, &Action::MakePublic, &citizen).unwrap();
        assert_eq!(t.new_visibility, Some(Visibility::Public));
    }
    // A report entered with no citizen account (e.g. by an operator) stays private.
    let mut anonymous = Report::new(S::Waiting, DINAS_BM);
    anonymous.reporter = None;
    assert_eq!(
        classify(run(&anonymous, &Action::MakePublic, &citizen)),
        Outcome::Forbidden
    );
}

#[test]
fn errors_come_in_order_forbidden_then_state_then_payload() {
    let bad_forward = Action::Forward { to: code(UNKNOWN) };
    // Bad payload, wrong state and wrong actor: Forbidden.
    let completed = Report::new(S::Completed, DINAS_BM);
    let stranger_officer = actor(Role::Officer, Some(KEL_GAMBIR), STRANGER);
    assert_eq!(
        run(&completed, &bad_forward, &stranger_officer),
        Err(WorkflowError::Forbidden {
            role: Role::Officer,
            action: K::Forward
        })
    );
    // Bad payload and wrong state, right actor: WrongState.
    assert_eq!(
        run(&completed, &bad_forward, &dinas_officer()),
        Err(WorkflowError::WrongState {
            action: K::Forward,
            state: S::Completed
        })
    );
    // Only the payload is wrong: Invalid.
    let coordination = Report::new(S::Coordination, DINAS_BM);
    assert_invalid(run(&coordination, &bad_forward, &dinas_officer()), "unit");
    // Same for text and dates.
    let blank = Action::Reject { reason: " ".into() };
    assert_eq!(
        classify(run(&completed, &blank, &validator())),
        Outcome::Forbidden
    );
    assert_eq!(
        classify(run(&completed, &blank, &dinas_coordinator())),
        Outcome::WrongState
    );
    let past = Action::Schedule {
        estimated_completion: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    };
    assert_eq!(
        classify(run(
            &Report::new(S::AwaitingValidation, DINAS_BM),
            &past,
            &dinas_officer()
        )),
        Outcome::WrongState
    );
}

#[test]
fn a_review_needs_a_reason_only_when_the_reporter_is_not_satisfied() {
    let completed = Report::new(S::Completed, DINAS_BM);
    let reporter = actor(Role::Citizen, None, REPORTER);
    for blank in ["", " ", "  \n\t "] {
        assert_invalid(
            run(
                &completed,
                &Action::ReviewUnsatisfied {
                    comment: blank.to_owned(),
                },
                &reporter,
            ),
            "comment",
        );
        // Satisfied needs no words: a blank comment is no comment.
        let ok = run(
            &completed,
            &Action::ReviewSatisfied {
                comment: Some(blank.to_owned()),
            },
            &reporter,
        )
        .unwrap();
        assert_eq!((ok.from, ok.to), (S::Completed, S::Completed));
        assert!(!ok.marks_completed, "the completion time stays");
    }
    let reopened = run(
        &completed,
        &Action::ReviewUnsatisfied {
            comment: "Lubangnya masih ada".into(),
        },
        &reporter,
    )
    .unwrap();
    assert_eq!(reopened.to, S::AwaitingValidation);
    assert_eq!(
        reopened.new_holding_unit, None,
        "the same unit answers for it"
    );
    // Only the reporter reviews.
    let stranger = actor(Role::Citizen, None, STRANGER);
    assert_eq!(
        classify(run(
            &completed,
            &Action::ReviewSatisfied { comment: None },
            &stranger
        )),
        Outcome::Forbidden
    );
    let too_long = "a".repeat(4001);
    assert_invalid(
        run(
            &completed,
            &Action::ReviewSatisfied {
                comment: Some(too_long),
            },
            &reporter,
        ),
        "comment",
    );
}
