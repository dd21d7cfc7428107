//! Fixtures: a small jurisdiction, its actors, and reports to act on.

use std::collections::BTreeMap;

use aduan_domain::workflow::{
    Context, ReportFacts, Transition, UnitDirectory, WorkflowError, decide,
};
use aduan_domain::{
    Action, ActionKind, Actor, ReportState, Role, Ticket, Unit, UnitCode, UnitKind, UnitRole,
    UserId, Visibility,
};
use chrono::{Days, NaiveDate};

use ActionKind as K;

pub(crate) const KEL_GAMBIR: &str = "kel-gambir";
pub(crate) const KEL_MENTENG: &str = "kel-menteng";
pub(crate) const DINAS_BM: &str = "dinas-bina-marga";
pub(crate) const SUDIN_BM: &str = "sudin-bina-marga-31.71";
pub(crate) const DINAS_LH: &str = "dinas-lingkungan-hidup";
pub(crate) const SUDIN_LH: &str = "sudin-lingkungan-hidup-31.71";
pub(crate) const BIRO: &str = "biro-pemerintahan";
pub(crate) const UNKNOWN: &str = "no-such-unit";

pub(crate) const REPORTER: UserId = UserId(7);
pub(crate) const STRANGER: UserId = UserId(99);

struct Directory(BTreeMap<UnitCode, Unit>);

impl UnitDirectory for Directory {
    fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.0.get(code)
    }

    /// The roles of Jakarta's kinds, as its pack declares them.
    fn unit_role(&self, unit: &Unit) -> UnitRole {
        match unit.kind.code() {
            "kelurahan" | "kecamatan" | "walikota" => UnitRole::RegionOffice,
            "validation" => UnitRole::Validation,
            "suku_dinas" => UnitRole::Branch,
            _ => UnitRole::Service,
        }
    }
}

fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

pub(crate) fn code(raw: &str) -> UnitCode {
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
        unit(KEL_GAMBIR, "Kelurahan Gambir", kind("kelurahan"), None),
        unit(KEL_MENTENG, "Kelurahan Menteng", kind("kelurahan"), None),
        unit(DINAS_BM, "Dinas Bina Marga", kind("dinas"), None),
        unit(
            SUDIN_BM,
            "Suku Dinas Bina Marga Jakarta Pusat",
            kind("suku_dinas"),
            Some(DINAS_BM),
        ),
        unit(DINAS_LH, "Dinas Lingkungan Hidup", kind("dinas"), None),
        unit(
            SUDIN_LH,
            "Suku Dinas Lingkungan Hidup Jakarta Pusat",
            kind("suku_dinas"),
            Some(DINAS_LH),
        ),
        unit(BIRO, "Biro Pemerintahan", kind("validation"), None),
    ];
    Directory(units.into_iter().map(|u| (u.code.clone(), u)).collect())
}

pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

pub(crate) fn own_ticket() -> Ticket {
    Ticket::parse("JK2611280001").unwrap()
}

pub(crate) fn other_ticket() -> Ticket {
    Ticket::parse("JK2611270042").unwrap()
}

/// An owned version of `ReportFacts`, to build and mutate without lifetimes in the way.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) ticket: Ticket,
    pub(crate) state: ReportState,
    pub(crate) holding_unit: UnitCode,
    pub(crate) reporter: Option<UserId>,
    pub(crate) visibility: Visibility,
    pub(crate) coordinated: bool,
}

impl Report {
    pub(crate) fn new(state: ReportState, holding_unit: &str) -> Self {
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
    pub(crate) fn apply(&mut self, t: &Transition) {
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

pub(crate) fn actor(role: Role, unit: Option<&str>, user: UserId) -> Actor {
    Actor {
        user,
        role,
        unit: unit.map(code),
    }
}

pub(crate) fn run(
    report: &Report,
    action: &Action,
    actor: &Actor,
) -> Result<Transition, WorkflowError> {
    let dir = directory();
    let ctx = Context {
        today: today(),
        units: &dir,
    };
    decide(&report.facts(), action, actor, &ctx)
}

/// The matrix's report is held by the Dinas, so a valid `dispose` goes to its Suku Dinas and a
/// valid `forward` to a kelurahan.
pub(crate) const MATRIX_HOLDING: &str = DINAS_BM;
pub(crate) const MATRIX_OTHER_UNIT: &str = KEL_GAMBIR;
pub(crate) const MATRIX_FORWARD_TO: &str = KEL_MENTENG;
pub(crate) const MATRIX_DISPOSE_TO: &str = SUDIN_BM;

pub(crate) fn schedule_date() -> NaiveDate {
    today().checked_add_days(Days::new(3)).unwrap()
}

/// An action of `kind` whose payload is acceptable for the matrix's report.
pub(crate) fn valid_action(kind: ActionKind) -> Action {
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
        K::ReviewSatisfied => Action::ReviewSatisfied {
            comment: Some("Terima kasih, jalan sudah mulus".into()),
        },
        K::ReviewUnsatisfied => Action::ReviewUnsatisfied {
            comment: "Lubangnya masih ada di sisi kiri jalan".into(),
        },
        K::Submit => unreachable!("submit creates a report; it is not an action on one"),
    }
}

pub(crate) fn dinas_officer() -> Actor {
    actor(Role::Officer, Some(DINAS_BM), STRANGER)
}

pub(crate) fn dinas_coordinator() -> Actor {
    actor(Role::Coordinator, Some(DINAS_BM), STRANGER)
}

pub(crate) fn validator() -> Actor {
    actor(Role::Validator, Some(BIRO), STRANGER)
}
