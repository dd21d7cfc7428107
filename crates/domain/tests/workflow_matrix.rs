//! Exhaustive tests of the pure CRM 2.0 workflow function `decide`, against the rules written out
//! below as explicit tables, independently of the implementation (no `ActionKind::edge`, no
//! `roles_for`), so that a change to either side shows up as a disagreement.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use aduan_domain::workflow::{
    Context, ReportFacts, Transition, UnitDirectory, WorkflowError, decide,
};
use aduan_domain::{
    Action, ActionKind, Actor, ReportState, Role, Ticket, Unit, UnitCode, UnitKind, UserId,
    Visibility,
};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use ActionKind as K;
use ReportState as S;

// ---------------------------------------------------------------------------------------------
// The rules, written out
// ---------------------------------------------------------------------------------------------

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

/// No action but a visibility flip is taken on these.
const TERMINAL: [ReportState; 4] = [S::Completed, S::Rejected, S::Duplicate, S::Referred];

/// The edge table: action, the states it may be taken from, the state it leads to
/// (`None`: the state is unchanged, only visibility flips).
const EDGES: [(ActionKind, &[ReportState], Option<ReportState>); 12] = [
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
];

fn rule_edge(kind: ActionKind) -> (&'static [ReportState], Option<ReportState>) {
    EDGES
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, from, to)| (*from, *to))
        .unwrap_or_else(|| panic!("no edge written for {kind:?}"))
}

/// How the actor's unit stands to the unit holding the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitRel {
    Holding,
    Other,
    NoUnit,
}

/// The "who" table: role and scope.
fn rule_permits(role: Role, kind: ActionKind, unit: UnitRel, is_reporter: bool) -> bool {
    match role {
        Role::Citizen => matches!(kind, K::MakePublic | K::MakePrivate) && is_reporter,
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

// ---------------------------------------------------------------------------------------------
// Fixtures: a small jurisdiction
// ---------------------------------------------------------------------------------------------

const KEL_GAMBIR: &str = "kel-gambir";
const KEL_MENTENG: &str = "kel-menteng";
const DINAS_BM: &str = "dinas-bina-marga";
const SUDIN_BM: &str = "sudin-bina-marga-31.71";
const DINAS_LH: &str = "dinas-lingkungan-hidup";
const SUDIN_LH: &str = "sudin-lingkungan-hidup-31.71";
const BIRO: &str = "biro-pemerintahan";
const UNKNOWN: &str = "no-such-unit";

const REPORTER: UserId = UserId(7);
const STRANGER: UserId = UserId(99);

struct Directory(BTreeMap<UnitCode, Unit>);

impl UnitDirectory for Directory {
    fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.0.get(code)
    }
}

fn code(raw: &str) -> UnitCode {
    UnitCode::parse(raw).unwrap()
}

fn directory() -> Directory {
    let unit = |c: &str, name: &str, kind: UnitKind, parent: Option<&str>| Unit {
        code: code(c),
        name: name.to_owned(),
        kind,
        region: None,
        parent: parent.map(code),
    };
    let units = [
        unit(KEL_GAMBIR, "Kelurahan Gambir", UnitKind::Kelurahan, None),
        unit(KEL_MENTENG, "Kelurahan Menteng", UnitKind::Kelurahan, None),
        unit(DINAS_BM, "Dinas Bina Marga", UnitKind::Dinas, None),
        unit(
            SUDIN_BM,
            "Suku Dinas Bina Marga Jakarta Pusat",
            UnitKind::SukuDinas,
            Some(DINAS_BM),
        ),
        unit(DINAS_LH, "Dinas Lingkungan Hidup", UnitKind::Dinas, None),
        unit(
            SUDIN_LH,
            "Suku Dinas Lingkungan Hidup Jakarta Pusat",
            UnitKind::SukuDinas,
            Some(DINAS_LH),
        ),
        unit(BIRO, "Biro Pemerintahan", UnitKind::Validation, None),
    ];
    Directory(units.into_iter().map(|u| (u.code.clone(), u)).collect())
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn own_ticket() -> Ticket {
    Ticket::parse("JK2611280001").unwrap()
}

fn other_ticket() -> Ticket {
    Ticket::parse("JK2611270042").unwrap()
}

/// An owned version of `ReportFacts`, to build and mutate without lifetimes in the way.
#[derive(Debug, Clone)]
struct Report {
    ticket: Ticket,
    state: ReportState,
    holding_unit: UnitCode,
    reporter: Option<UserId>,
    visibility: Visibility,
    coordinated: bool,
}

impl Report {
    fn new(state: ReportState, holding_unit: &str) -> Self {
        Self {
            ticket: own_ticket(),
            state,
            holding_unit: code(holding_unit),
            reporter: Some(REPORTER),
            visibility: Visibility::Private,
            coordinated: false,
        }
    }

    fn facts(&self) -> ReportFacts<'_> {
        ReportFacts {
            ticket: &self.ticket,
            state: self.state,
            holding_unit: &self.holding_unit,
            reporter: self.reporter,
            visibility: self.visibility,
            coordinated: self.coordinated,
        }
    }

    /// What the store would do with an accepted transition.
    fn apply(&mut self, t: &Transition) {
        self.state = t.to;
        if let Some(unit) = &t.new_holding_unit {
            self.holding_unit = unit.clone();
        }
        self.coordinated |= t.marks_coordinated;
        if let Some(v) = t.new_visibility {
            self.visibility = v;
        }
    }
}

fn actor(role: Role, unit: Option<&str>, user: UserId) -> Actor {
    Actor {
        user,
        role,
        unit: unit.map(code),
    }
}

fn run(report: &Report, action: &Action, actor: &Actor) -> Result<Transition, WorkflowError> {
    let dir = directory();
    let ctx = Context {
        today: today(),
        units: &dir,
    };
    decide(&report.facts(), action, actor, &ctx)
}

/// The matrix's report is held by the Dinas, so a valid `dispose` goes to its Suku Dinas and a
/// valid `forward` to a kelurahan.
const MATRIX_HOLDING: &str = DINAS_BM;
const MATRIX_OTHER_UNIT: &str = KEL_GAMBIR;
const MATRIX_FORWARD_TO: &str = KEL_MENTENG;
const MATRIX_DISPOSE_TO: &str = SUDIN_BM;

fn schedule_date() -> NaiveDate {
    today().checked_add_days(Days::new(3)).unwrap()
}

/// An action of `kind` whose payload is acceptable for the matrix's report.
fn valid_action(kind: ActionKind) -> Action {
    match kind {
        K::Accept => Action::Accept,
        K::Forward => Action::Forward {
            to: code(MATRIX_FORWARD_TO),
        },
        K::Dispose => Action::Dispose {
            to: code(MATRIX_DISPOSE_TO),
        },
        K::Schedule => Action::Schedule {
            estimated_completion: schedule_date(),
        },
        K::SubmitFollowup => Action::SubmitFollowup {
            note: "Lubang jalan sudah ditambal, foto terlampir".into(),
        },
        K::Validate => Action::Validate,
        K::RejectFollowup => Action::RejectFollowup {
            reason: "Foto tidak menunjukkan lokasi yang dilaporkan".into(),
        },
        K::Reject => Action::Reject {
            reason: "Bukan laporan: iklan".into(),
        },
        K::MarkDuplicate => Action::MarkDuplicate { of: other_ticket() },
        K::Refer => Action::Refer {
            to: "LAPOR! (Kementerian PUPR)".into(),
            reason: "Jalan nasional".into(),
        },
        K::MakePublic => Action::MakePublic,
        K::MakePrivate => Action::MakePrivate,
        K::Submit => unreachable!("submit creates a report; it is not an action on one"),
    }
}

/// The outcome the rules predict, without the implementation's help.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Ok(Transition),
    Forbidden,
    WrongState,
    Invalid,
}

fn classify(result: Result<Transition, WorkflowError>) -> Outcome {
    match result {
        Ok(t) => Outcome::Ok(t),
        Err(WorkflowError::Forbidden { .. }) => Outcome::Forbidden,
        Err(WorkflowError::WrongState { .. }) => Outcome::WrongState,
        Err(WorkflowError::Invalid { .. }) => Outcome::Invalid,
    }
}

fn expected(
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
            assert_eq!(
                from.contains(&s),
                visibility,
                "{kind:?} from terminal {s:?}"
            );
        }
        if let Some(to) = to {
            assert!(STATES.contains(&to));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The matrix: state x action x role x actor relation x report facts
// ---------------------------------------------------------------------------------------------

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

                                    // Terminal states accept nothing but visibility flips.
                                    if TERMINAL.contains(&state)
                                        && !matches!(kind, K::MakePublic | K::MakePrivate)
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

    // 11 states x 12 actions x 6 roles x 3 units x 2 report reporters x 2 users x 2 x 2.
    assert_eq!(cases, 11 * 12 * 6 * 3 * 2 * 2 * 2 * 2);
    assert_eq!(cases, 38_016);
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

// ---------------------------------------------------------------------------------------------
// 2. Payloads
// ---------------------------------------------------------------------------------------------

fn assert_invalid(result: Result<Transition, WorkflowError>, field: &str) {
    match result {
        Err(WorkflowError::Invalid { field: f, .. }) => assert_eq!(f, field),
        other => panic!("expected Invalid({field}), got {other:?}"),
    }
}

fn dinas_officer() -> Actor {
    actor(Role::Officer, Some(DINAS_BM), STRANGER)
}

fn dinas_coordinator() -> Actor {
    actor(Role::Coordinator, Some(DINAS_BM), STRANGER)
}

fn validator() -> Actor {
    actor(Role::Validator, Some(BIRO), STRANGER)
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

// ---------------------------------------------------------------------------------------------
// 3. Random walks
// ---------------------------------------------------------------------------------------------

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
                prop_assert!(matches!(kind, K::MakePublic | K::MakePrivate));
                prop_assert_eq!(t.to, before.state);
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

// ---------------------------------------------------------------------------------------------
// 4. The main path
// ---------------------------------------------------------------------------------------------

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
