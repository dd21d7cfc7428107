//! 4. The main path, with a rejected follow-up, and nothing moving the report once done.

use aduan_domain::{Action, ActionKind, Actor, ReportState, Role};
use chrono::Days;

use crate::fixtures::{
    DINAS_BM, KEL_GAMBIR, REPORTER, Report, STRANGER, SUDIN_BM, actor, code, dinas_officer, run,
    today, valid_action, validator,
};

use ActionKind as K;
use ReportState as S;

#[test]
fn main_path_with_a_rejected_followup() {
    let mut report = Report::new(S::Waiting, KEL_GAMBIR);
    let kel_coordinator = actor(Role::Coordinator, Some(KEL_GAMBIR), STRANGER);
    let sudin_officer = actor(Role::Officer, Some(SUDIN_BM), STRANGER);
    let estimate = today().checked_add_days(Days::new(14)).unwrap();

    let steps: Vec<(Actor, Action, ReportState, Option<&str>)> = vec![
        (
            kel_coordinator,
            Action::Forward { to: code(DINAS_BM) },
            S::Coordination,
            Some(DINAS_BM),
        ),
        (
            dinas_officer(),
            Action::Dispose { to: code(SUDIN_BM) },
            S::Disposition,
            Some(SUDIN_BM),
        ),
        (sudin_officer.clone(), Action::Accept, S::InProgress, None),
        (
            sudin_officer.clone(),
            Action::Schedule {
                estimated_completion: estimate,
            },
            S::Scheduled,
            None,
        ),
        (
            sudin_officer.clone(),
            Action::SubmitFollowup {
                note: "Jalan sudah diaspal ulang".into(),
            },
            S::AwaitingValidation,
            None,
        ),
        (
            validator(),
            Action::RejectFollowup {
                reason: "Foto sesudah tidak ada".into(),
            },
            S::FollowupRejected,
            None,
        ),
        (sudin_officer.clone(), Action::Accept, S::InProgress, None),
        (
            sudin_officer.clone(),
            Action::SubmitFollowup {
                note: "Foto sesudah terlampir".into(),
            },
            S::AwaitingValidation,
            None,
        ),
        (validator(), Action::Validate, S::Completed, None),
    ];

    let mut marks = Vec::new();
    for (who, action, want, new_unit) in steps {
        let from = report.state;
        let t = run(&report, &action, &who)
            .unwrap_or_else(|e| panic!("{:?} from {from:?} by {who:?}: {e}", action.kind()));
        assert_eq!((t.from, t.to), (from, want));
        assert_eq!(
            t.new_holding_unit,
            new_unit.map(code),
            "{:?}",
            action.kind()
        );
        assert_eq!(t.marks_completed, want == S::Completed);
        marks.push(t.marks_coordinated);
        report.apply(&t);
    }
    // Coordinated exactly once: when the Suku Dinas first accepted it.
    assert_eq!(
        marks,
        [false, false, true, false, false, false, false, false, false]
    );
    assert_eq!(report.holding_unit, code(SUDIN_BM));
    assert!(report.coordinated);

    // Done: nothing moves it any more, but its reporter may still make it public.
    for kind in ActionKind::ON_REPORT {
        if matches!(kind, K::MakePublic | K::MakePrivate) {
            continue;
        }
        for who in [
            sudin_officer.clone(),
            validator(),
            actor(Role::Coordinator, Some(SUDIN_BM), STRANGER),
            actor(Role::Coordinator, None, STRANGER),
        ] {
            assert!(run(&report, &valid_action(kind), &who).is_err(), "{kind:?}");
        }
    }
    let t = run(
        &report,
        &Action::MakePublic,
        &actor(Role::Citizen, None, REPORTER),
    )
    .unwrap();
    assert_eq!(t.to, S::Completed);
}
