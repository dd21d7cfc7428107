//! Issuing and checking the secret tracking code of a report filed without an account
//! (`aduan_domain::tracking`): random, shown or sent once, stored only as its hash.

use rand::RngCore;

use aduan_domain::report::Report;
use aduan_domain::tracking::TrackingCode;

use crate::app_error::AppResult;
use crate::state::AppState;

/// A new code for `report`, replacing any earlier one: the caller shows or sends it once.
pub async fn issue(state: &AppState, report: &Report) -> AppResult<TrackingCode> {
    let mut random = [0u8; 8];
    rand::rng().fill_bytes(&mut random);
    let code = TrackingCode::from_random(random);
    state
        .store
        .set_tracking_code(report.id, code.hash(&report.ticket))
        .await?;
    Ok(code)
}

/// Whether the report has a tracking code yet.
pub async fn has_code(state: &AppState, report: &Report) -> AppResult<bool> {
    Ok(state.store.tracking_code(report.id).await?.is_some())
}

/// Whether `code` is the report's tracking code (constant-time comparison of the hashes).
pub async fn holds(state: &AppState, report: &Report, code: &TrackingCode) -> AppResult<bool> {
    Ok(state
        .store
        .tracking_code(report.id)
        .await?
        .is_some_and(|stored| code.matches(&report.ticket, &stored)))
}
