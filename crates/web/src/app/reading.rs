//! Reading reports: which a reader may list, which one they may open, and all of it they
//! may see. What may not be read answers as if it did not exist.

use aduan_domain::access::{self, TriageReach, VALIDATOR_STATES};
use aduan_domain::report::Report;
use aduan_domain::search::SearchText;
use aduan_domain::{Actor, Role, Ticket};
use aduan_store::{ReportScope, StoreError};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A ticket as written; one that cannot be a ticket names no report (404).
pub fn parse_ticket(raw: &str) -> ApiResult<Ticket> {
    Ticket::parse(raw).map_err(|_| ApiError::not_found("no report has this ticket"))
}

/// The report, if the caller may read it; otherwise 404 (its existence is not revealed).
pub async fn readable_report(
    state: &AppState,
    ticket: &str,
    viewer: Option<&Actor>,
) -> ApiResult<Report> {
    let ticket = parse_ticket(ticket)?;
    let report = match state.store.report(&ticket).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("no report has this ticket")),
        Err(e) => return Err(e.into()),
    };
    if !access::may_read(&report, viewer) {
        return Err(ApiError::not_found("no report has this ticket"));
    }
    Ok(report)
}

/// What a reader may list at all.
pub fn scope_for(actor: &Actor) -> ApiResult<ReportScope> {
    Ok(match actor.role {
        Role::Citizen => ReportScope::ReportedBy(actor.user),
        Role::Operator => ReportScope::EnteredBy(actor.user),
        Role::Officer => match &actor.unit {
            Some(unit) => ReportScope::HeldBy(unit.clone()),
            None => return Err(ApiError::forbidden("this officer account has no unit")),
        },
        Role::Coordinator => match &actor.unit {
            Some(unit) => ReportScope::HeldBy(unit.clone()),
            None => ReportScope::All,
        },
        Role::Validator => ReportScope::InStates(VALIDATOR_STATES.to_vec()),
        Role::Admin => ReportScope::All,
    })
}

/// A list's `q`: absent or blank is no search; otherwise a [`SearchText`] or a 422 on `q`.
pub fn parse_search(raw: Option<&str>) -> ApiResult<Option<SearchText>> {
    match raw {
        Some(raw) if !raw.trim().is_empty() => SearchText::parse(raw)
            .map(Some)
            .map_err(|e| ApiError::invalid("q", e.to_string())),
        _ => Ok(None),
    }
}

/// Who may work the triage queue, and over which reports.
pub(crate) fn triage_scope(actor: &Actor) -> ApiResult<ReportScope> {
    match access::triage_reach(actor) {
        Some(TriageReach::HeldBy(unit)) => Ok(ReportScope::HeldBy(unit)),
        Some(TriageReach::All) => Ok(ReportScope::All),
        None => Err(ApiError::forbidden(
            "only coordinators work the triage queue",
        )),
    }
}
