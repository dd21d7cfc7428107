//! The CRM 2.0 workflow as a pure function: `(report, action, actor) -> transition`.
//!
//! Every rule about who may do what, and from which state, lives here and nowhere else.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{UnitCode, UserId};
use crate::role::{Actor, Role};
use crate::state::ReportState;
use crate::ticket::Ticket;
use crate::unit::{Unit, UnitRole};

/// Who can see a report's public face. Every report starts private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Private,
    Public,
}

impl Visibility {
    pub fn code(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Public => "public",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Private, Self::Public]
            .into_iter()
            .find(|v| v.code() == raw)
    }
}

/// An action on a report, with what it carries. Parsed at the edge from `{action, ...}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Accept,
    Forward {
        to: UnitCode,
    },
    Dispose {
        to: UnitCode,
    },
    Schedule {
        estimated_completion: NaiveDate,
    },
    SubmitFollowup {
        note: String,
    },
    Validate,
    RejectFollowup {
        reason: String,
    },
    Reject {
        reason: String,
    },
    MarkDuplicate {
        of: Ticket,
    },
    Refer {
        to: String,
        reason: String,
    },
    MakePublic,
    MakePrivate,
    /// The reporter is satisfied with the completed work (an optional comment).
    ReviewSatisfied {
        comment: Option<String>,
    },
    /// The reporter is not satisfied: the report goes back to the validator, with why.
    ReviewUnsatisfied {
        comment: String,
    },
}

/// The name of an action, without its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Submit,
    Accept,
    Forward,
    Dispose,
    Schedule,
    SubmitFollowup,
    Validate,
    RejectFollowup,
    Reject,
    MarkDuplicate,
    Refer,
    MakePublic,
    MakePrivate,
    ReviewSatisfied,
    ReviewUnsatisfied,
}

impl ActionKind {
    /// Every action that can be taken on an existing report (`Submit` creates one).
    pub const ON_REPORT: [ActionKind; 14] = [
        Self::Accept,
        Self::Forward,
        Self::Dispose,
        Self::Schedule,
        Self::SubmitFollowup,
        Self::Validate,
        Self::RejectFollowup,
        Self::Reject,
        Self::MarkDuplicate,
        Self::Refer,
        Self::MakePublic,
        Self::MakePrivate,
        Self::ReviewSatisfied,
        Self::ReviewUnsatisfied,
    ];

    /// Whether a reporter who filed through a channel (SMS, WhatsApp, X, e-mail, LAPOR!) is
    /// told of this step on that channel: the receipt with the ticket, and each change a
    /// citizen cares about. Internal routing and the validation loop are not sent (they
    /// show in the app's history); nor are visibility flips, which the reporter makes.
    pub fn tells_reporter(self) -> bool {
        matches!(
            self,
            Self::Submit
                | Self::Accept
                | Self::Dispose
                | Self::Schedule
                | Self::Validate
                | Self::Reject
                | Self::MarkDuplicate
                | Self::Refer
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Accept => "accept",
            Self::Forward => "forward",
            Self::Dispose => "dispose",
            Self::Schedule => "schedule",
            Self::SubmitFollowup => "submit_followup",
            Self::Validate => "validate",
            Self::RejectFollowup => "reject_followup",
            Self::Reject => "reject",
            Self::MarkDuplicate => "mark_duplicate",
            Self::Refer => "refer",
            Self::MakePublic => "make_public",
            Self::MakePrivate => "make_private",
            Self::ReviewSatisfied => "review_satisfied",
            Self::ReviewUnsatisfied => "review_unsatisfied",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        std::iter::once(Self::Submit)
            .chain(Self::ON_REPORT)
            .find(|k| k.code() == raw)
    }

    /// The states an action may be taken from, and the state it leads to.
    /// Visibility changes keep the state; `None` for them means "unchanged".
    pub fn edge(self) -> (&'static [ReportState], Option<ReportState>) {
        use ReportState::*;
        match self {
            Self::Submit => (&[], Some(Waiting)),
            Self::Accept => (
                &[Waiting, Coordination, Disposition, FollowupRejected],
                Some(InProgress),
            ),
            Self::Forward => (
                &[Waiting, Coordination, Disposition, InProgress],
                Some(Coordination),
            ),
            Self::Dispose => (&[Coordination, InProgress], Some(Disposition)),
            Self::Schedule => (
                &[
                    Waiting,
                    Coordination,
                    Disposition,
                    InProgress,
                    Scheduled,
                    FollowupRejected,
                ],
                Some(Scheduled),
            ),
            Self::SubmitFollowup => (
                &[InProgress, Scheduled, FollowupRejected],
                Some(AwaitingValidation),
            ),
            Self::Validate => (&[AwaitingValidation], Some(Completed)),
            Self::RejectFollowup => (&[AwaitingValidation], Some(FollowupRejected)),
            Self::Reject => (&[Waiting, Coordination], Some(Rejected)),
            Self::MarkDuplicate => (
                &[Waiting, Coordination, Disposition, InProgress, Scheduled],
                Some(Duplicate),
            ),
            Self::Refer => (&[Waiting, Coordination, Disposition], Some(Referred)),
            Self::MakePublic | Self::MakePrivate => (&ReportState::ALL, None),
            // A satisfied reporter leaves the report completed (its completion time stays).
            Self::ReviewSatisfied => (&[Completed], None),
            // "Not satisfied" reopens it for validation.
            Self::ReviewUnsatisfied => (&[Completed], Some(AwaitingValidation)),
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Accept => ActionKind::Accept,
            Self::Forward { .. } => ActionKind::Forward,
            Self::Dispose { .. } => ActionKind::Dispose,
            Self::Schedule { .. } => ActionKind::Schedule,
            Self::SubmitFollowup { .. } => ActionKind::SubmitFollowup,
            Self::Validate => ActionKind::Validate,
            Self::RejectFollowup { .. } => ActionKind::RejectFollowup,
            Self::Reject { .. } => ActionKind::Reject,
            Self::MarkDuplicate { .. } => ActionKind::MarkDuplicate,
            Self::Refer { .. } => ActionKind::Refer,
            Self::MakePublic => ActionKind::MakePublic,
            Self::MakePrivate => ActionKind::MakePrivate,
            Self::ReviewSatisfied { .. } => ActionKind::ReviewSatisfied,
            Self::ReviewUnsatisfied { .. } => ActionKind::ReviewUnsatisfied,
        }
    }

    /// The free text the action carries into the timeline.
    pub fn note(&self) -> Option<&str> {
        match self {
            Self::SubmitFollowup { note } => Some(note),
            Self::RejectFollowup { reason }
            | Self::Reject { reason }
            | Self::Refer { reason, .. } => Some(reason),
            Self::ReviewUnsatisfied { comment } => Some(comment),
            Self::ReviewSatisfied { comment } => comment.as_deref(),
            _ => None,
        }
    }
}

/// What the workflow needs to know about a report.
#[derive(Debug, Clone)]
pub struct ReportFacts<'a> {
    pub ticket: &'a Ticket,
    pub state: ReportState,
    pub holding_unit: &'a UnitCode,
    pub reporter: Option<UserId>,
    pub visibility: Visibility,
    pub coordinated: bool,
}

/// Lookups the workflow needs, answered from jurisdiction data.
pub trait UnitDirectory {
    fn unit(&self, code: &UnitCode) -> Option<&Unit>;
    /// The role `unit`'s kind plays in routing.
    fn unit_role(&self, unit: &Unit) -> UnitRole;
}

/// The world around a decision.
pub struct Context<'a> {
    /// Today in the jurisdiction's time zone.
    pub today: NaiveDate,
    pub units: &'a dyn UnitDirectory,
}

/// What a permitted action does to the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub action: ActionKind,
    pub from: ReportState,
    pub to: ReportState,
    /// The unit holding the report afterwards, when it changes.
    pub new_holding_unit: Option<UnitCode>,
    /// The responsible unit takes the report for the first time: stamp `coordinated_at`.
    pub marks_coordinated: bool,
    /// The report is completed: stamp `completed_at`.
    pub marks_completed: bool,
    pub new_visibility: Option<Visibility>,
    pub estimated_completion: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The actor's role or unit may not take this action on this report.
    #[error("{role:?} may not {action:?} this report")]
    Forbidden { role: Role, action: ActionKind },
    /// The report's state does not allow the action (it may have just changed).
    #[error("cannot {action:?} a report in state {state:?}")]
    WrongState {
        action: ActionKind,
        state: ReportState,
    },
    /// The action's own content is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

/// The roles that may ever take an action, before unit scope is considered.
pub fn roles_for(kind: ActionKind) -> &'static [Role] {
    use Role::*;
    match kind {
        ActionKind::Submit => &[Citizen, Operator],
        ActionKind::Accept => &[Officer, Coordinator],
        ActionKind::Forward => &[Officer, Coordinator],
        ActionKind::Dispose | ActionKind::Schedule | ActionKind::SubmitFollowup => &[Officer],
        ActionKind::Validate | ActionKind::RejectFollowup => &[Validator],
        ActionKind::Reject | ActionKind::MarkDuplicate | ActionKind::Refer => &[Coordinator],
        ActionKind::MakePublic
        | ActionKind::MakePrivate
        | ActionKind::ReviewSatisfied
        | ActionKind::ReviewUnsatisfied => &[Citizen],
    }
}

/// The states in which `role` has some step to take (on reports within their reach): what
/// their "to do" list holds.
pub fn states_acted_on(role: Role) -> Vec<ReportState> {
    ReportState::ALL
        .into_iter()
        .filter(|state| {
            ActionKind::ON_REPORT.into_iter().any(|kind| {
                roles_for(kind).contains(&role)
                    && !matches!(kind, ActionKind::MakePublic | ActionKind::MakePrivate)
                    && kind.edge().0.contains(state)
            })
        })
        .collect()
}

/// Whether the actor's unit (or reporter relation) puts this report within their reach.
fn in_scope(actor: &Actor, kind: ActionKind, report: &ReportFacts<'_>) -> bool {
    match actor.role {
        Role::Citizen => report.reporter == Some(actor.user),
        Role::Officer => actor.belongs_to(report.holding_unit),
        // A coordinator of a unit acts on what that unit holds; one without a unit is
        // jurisdiction-wide, but only a unit can take a report on (accept) itself.
        Role::Coordinator => match &actor.unit {
            Some(unit) => unit == report.holding_unit,
            None => kind != ActionKind::Accept,
        },
        Role::Validator => true,
        Role::Operator | Role::Admin => false,
    }
}

fn required_text(field: &'static str, text: &str) -> Result<(), WorkflowError> {
    const MAX: usize = 4000;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(WorkflowError::Invalid {
            field,
            message: "must not be empty".into(),
        });
    }
    if trimmed.chars().count() > MAX {
        return Err(WorkflowError::Invalid {
            field,
            message: format!("must be at most {MAX} characters"),
        });
    }
    Ok(())
}

fn target_unit<'u>(ctx: &'u Context<'_>, to: &UnitCode) -> Result<&'u Unit, WorkflowError> {
    ctx.units.unit(to).ok_or_else(|| WorkflowError::Invalid {
        field: "unit",
        message: format!("no unit has the code {to}"),
    })
}

/// The actions `actor` could take on `report` now, payload aside: what a client should offer.
pub fn available_actions(report: &ReportFacts<'_>, actor: &Actor) -> Vec<ActionKind> {
    ActionKind::ON_REPORT
        .into_iter()
        .filter(|&kind| roles_for(kind).contains(&actor.role) && in_scope(actor, kind, report))
        .filter(|&kind| kind.edge().0.contains(&report.state))
        .filter(|&kind| match kind {
            ActionKind::MakePublic => report.visibility == Visibility::Private,
            ActionKind::MakePrivate => report.visibility == Visibility::Public,
            _ => true,
        })
        .collect()
}

/// Decide whether `actor` may take `action` on `report`, and what it does.
pub fn decide(
    report: &ReportFacts<'_>,
    action: &Action,
    actor: &Actor,
    ctx: &Context<'_>,
) -> Result<Transition, WorkflowError> {
    let kind = action.kind();
    if !roles_for(kind).contains(&actor.role) || !in_scope(actor, kind, report) {
        return Err(WorkflowError::Forbidden {
            role: actor.role,
            action: kind,
        });
    }
    let (from_states, to_state) = kind.edge();
    if !from_states.contains(&report.state) {
        return Err(WorkflowError::WrongState {
            action: kind,
            state: report.state,
        });
    }
    let to = to_state.unwrap_or(report.state);
    let mut transition = Transition {
        action: kind,
        from: report.state,
        to,
        new_holding_unit: None,
        // Only a move between states stamps times: making a completed report public must
        // not move its completion time.
        marks_coordinated: to_state.is_some() && to.counts_as_coordinated() && !report.coordinated,
        marks_completed: to_state.is_some() && to == ReportState::Completed,
        new_visibility: None,
        estimated_completion: None,
    };
    match action {
        Action::Forward { to } => {
            let unit = target_unit(ctx, to)?;
            if to == report.holding_unit {
                return Err(WorkflowError::Invalid {
                    field: "unit",
                    message: "the report is already at this unit".into(),
                });
            }
            if ctx.units.unit_role(unit) == UnitRole::Validation {
                return Err(WorkflowError::Invalid {
                    field: "unit",
                    message: "reports are not forwarded to the validation team".into(),
                });
            }
            transition.new_holding_unit = Some(to.clone());
        }
        Action::Dispose { to } => {
            let unit = target_unit(ctx, to)?;
            if unit.parent.as_ref() != Some(report.holding_unit) {
                return Err(WorkflowError::Invalid {
                    field: "unit",
                    message: format!("{to} is not a Suku Dinas of {}", report.holding_unit),
                });
            }
            transition.new_holding_unit = Some(to.clone());
        }
        Action::Schedule {
            estimated_completion,
        } => {
            if *estimated_completion < ctx.today {
                return Err(WorkflowError::Invalid {
                    field: "estimated_completion",
                    message: "must not be in the past".into(),
                });
            }
            transition.estimated_completion = Some(*estimated_completion);
        }
        Action::SubmitFollowup { note } => required_text("note", note)?,
        Action::ReviewUnsatisfied { comment } => required_text("comment", comment)?,
        Action::ReviewSatisfied {
            comment: Some(comment),
        } if !comment.trim().is_empty() => required_text("comment", comment)?,
        Action::RejectFollowup { reason } | Action::Reject { reason } => {
            required_text("reason", reason)?
        }
        Action::Refer { to, reason } => {
            required_text("to", to)?;
            required_text("reason", reason)?;
        }
        Action::MarkDuplicate { of } => {
            if of == report.ticket {
                return Err(WorkflowError::Invalid {
                    field: "of",
                    message: "a report cannot duplicate itself".into(),
                });
            }
        }
        Action::MakePublic | Action::MakePrivate => {
            let wanted = if kind == ActionKind::MakePublic {
                Visibility::Public
            } else {
                Visibility::Private
            };
            if report.visibility == wanted {
                return Err(WorkflowError::Invalid {
                    field: "action",
                    message: format!("the report is already {}", wanted.code()),
                });
            }
            transition.new_visibility = Some(wanted);
        }
        Action::Accept | Action::Validate | Action::ReviewSatisfied { .. } => {}
    }
    Ok(transition)
}
