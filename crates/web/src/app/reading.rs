//! Reading reports: which a reader may list, which one they may open, and all of it they
//! may see. What may not be read answers as if it did not exist.

use aduan_domain::access::{self, TriageReach, VALIDATOR_STATES};
use aduan_domain::report::Report;
use aduan_domain::search::SearchText;
use aduan_domain::{Actor, Role, Ticket};
use aduan_store::{ReportScope, StoreError};

use crate::app_error::{AppError, AppResult};
use crate::state::AppState;

/// A ticket as written; one that cannot be a ticket names no report (`NotFound`).
pub fn parse_ticket(raw: &str) -> AppResult<Ticket> {
    Ticket::parse(raw).map_err(|_| AppError::not_found("no report has this ticket"))
}

/// The report, if the caller may read it; otherwise `NotFound` (its existence is not revealed).
pub async fn readable_report(
    state: &AppState,
    ticket: &str,
    viewer: Option<&Actor>,
) -> AppResult<Report> {
    let ticket = parse_ticket(ticket)?;
    let report = match state.store.report(&ticket).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(AppError::not_found("no report has this ticket")),
        Err(e) => return Err(e.into()),
    };
    if !access::may_read(&report, viewer) {
        return Err(AppError::not_found("no report has this ticket"));
    }
    Ok(report)
}

/// What a reader may list at all.
pub fn scope_for(actor: &Actor) -> AppResult<ReportScope> {
    Ok(match actor.role {
        Role::Citizen => ReportScope::ReportedBy(actor.user),
        Role::Operator => ReportScope::EnteredBy(actor.user),
        Role::Officer => match &actor.unit {
            Some(unit) => ReportScope::HeldBy(unit.clone()),
            None => return Err(AppError::not_allowed("this officer account has no unit")),
        },
        Role::Coordinator => match &actor.unit {
            Some(unit) => ReportScope::HeldBy(unit.clone()),
            None => ReportScope::All,
        },
        Role::Validator => ReportScope::InStates(VALIDATOR_STATES.to_vec()),
        Role::Admin => ReportScope::All,
    })
}

/// A list's `q`: absent or blank is no search; otherwise a [`SearchText`] or `q` is refused.
pub fn parse_search(raw: Option<&str>) -> AppResult<Option<SearchText>> {
    match raw {
        Some(raw) if !raw.trim().is_empty() => SearchText::parse(raw)
            .map(Some)
            .map_err(|e| AppError::invalid("q", e.to_string())),
        _ => Ok(None),
    }
}

/// Who may work the triage queue, and over which reports.
pub(crate) fn triage_scope(actor: &Actor) -> AppResult<ReportScope> {
    match access::triage_reach(actor) {
        Some(TriageReach::HeldBy(unit)) => Ok(ReportScope::HeldBy(unit)),
        Some(TriageReach::All) => Ok(ReportScope::All),
        None => Err(AppError::not_allowed(
            "only coordinators work the triage queue",
        )),
    }
}
