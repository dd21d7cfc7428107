//! Acting on a report: an action as a client sends it, read into the workflow's terms.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::workflow::Action;
use aduan_domain::{ActionKind, Ticket, UnitCode};

use crate::app_error::{AppError, AppResult};

/// An action and what it carries. JSON, or multipart/form-data with an `action` JSON part
/// (or plain fields) and the photos documenting a follow-up: `photo` parts (the work done)
/// and `photo_before` parts (the scene before it).
#[derive(Deserialize, ToSchema)]
pub struct ActionRequest {
    /// accept, forward, dispose, schedule, submit_followup, validate, reject_followup,
    /// reject, mark_duplicate, refer, make_public, make_private, review_satisfied,
    /// review_unsatisfied.
    pub action: String,
    /// forward, dispose: the unit code.
    pub unit: Option<String>,
    /// schedule: the estimated completion date (YYYY-MM-DD).
    pub estimated_completion: Option<String>,
    /// submit_followup: what was done.
    pub note: Option<String>,
    /// reject_followup, reject, refer: why.
    pub reason: Option<String>,
    /// mark_duplicate: the original report's ticket.
    pub of: Option<String>,
    /// refer: the body it is referred to (e.g. LAPOR! for a national agency).
    pub to: Option<String>,
    /// review_unsatisfied: what is still wrong (required); review_satisfied: optional.
    pub comment: Option<String>,
    /// Optional: the `version` the client saw; a mismatch is a `Conflict`.
    pub version: Option<i64>,
}

pub(crate) fn required<'a>(field: &str, value: &'a Option<String>) -> AppResult<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| AppError::invalid(field, "is required for this action"))
}

pub(crate) fn unit(req: &ActionRequest) -> AppResult<UnitCode> {
    UnitCode::parse(required("unit", &req.unit)?.trim())
        .map_err(|e| AppError::invalid("unit", e.to_string()))
}

/// Parse the request into a domain action.
pub(crate) fn parse_action(req: &ActionRequest) -> AppResult<Action> {
    let kind = ActionKind::parse(req.action.trim())
        .filter(|k| *k != ActionKind::Submit)
        .ok_or_else(|| AppError::invalid("action", "no such action"))?;
    Ok(match kind {
        ActionKind::Accept => Action::Accept,
        ActionKind::Forward => Action::Forward { to: unit(req)? },
        ActionKind::Dispose => Action::Dispose { to: unit(req)? },
        ActionKind::Schedule => Action::Schedule {
            estimated_completion: NaiveDate::parse_from_str(
                required("estimated_completion", &req.estimated_completion)?.trim(),
                "%Y-%m-%d",
            )
            .map_err(|_| AppError::invalid("estimated_completion", "a date as YYYY-MM-DD"))?,
        },
        ActionKind::SubmitFollowup => Action::SubmitFollowup {
            note: required("note", &req.note)?.to_owned(),
        },
        ActionKind::Validate => Action::Validate,
        ActionKind::RejectFollowup => Action::RejectFollowup {
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::Reject => Action::Reject {
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::MarkDuplicate => Action::MarkDuplicate {
            of: Ticket::parse(required("of", &req.of)?)
                .map_err(|e| AppError::invalid("of", e.to_string()))?,
        },
        ActionKind::Refer => Action::Refer {
            to: required("to", &req.to)?.to_owned(),
            reason: required("reason", &req.reason)?.to_owned(),
        },
        ActionKind::MakePublic => Action::MakePublic,
        ActionKind::MakePrivate => Action::MakePrivate,
        ActionKind::ReviewSatisfied => Action::ReviewSatisfied {
            comment: req.comment.clone(),
        },
        ActionKind::ReviewUnsatisfied => Action::ReviewUnsatisfied {
            comment: required("comment", &req.comment)?.to_owned(),
        },
        ActionKind::Submit => return Err(AppError::invalid("action", "no such action")),
    })
}
