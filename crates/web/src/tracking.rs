//! Issuing and checking the secret tracking code of a report filed without an account
//! (`aduan_domain::tracking`): random, shown or sent once, stored only as its hash. A code
//! on its way to the reporter through the outbox travels sealed, bound to its ticket.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use rand::RngCore;

use aduan_domain::Ticket;
use aduan_domain::report::Report;
use aduan_domain::tracking::TrackingCode;
use aduan_store::identity::{Binding, Sealer};

use crate::app_error::AppResult;
use crate::state::AppState;

fn new_code() -> TrackingCode {
    let mut random = [0u8; 8];
    rand::rng().fill_bytes(&mut random);
    TrackingCode::from_random(random)
}

/// The report's first code, or `None` when it has one already (the same form or message
/// came twice: the code went out the first time, and is never shown again). With `send`,
/// the code also goes sealed with the reporter's acknowledgement in the outbox.
pub async fn issue_once(
    state: &AppState,
    report: &Report,
    send: bool,
) -> AppResult<Option<TrackingCode>> {
    let code = new_code();
    let sealed = if send {
        Some(seal(&state.sealer, &report.ticket, &code)?)
    } else {
        None
    };
    let issued = state
        .store
        .issue_tracking_code(report.id, code.hash(&report.ticket), sealed, Utc::now())
        .await?;
    Ok(issued.then_some(code))
}

/// The code sealed for the report `ticket`'s answer (base64): copied to another report's
/// answer, it does not open.
pub fn seal(sealer: &Sealer, ticket: &Ticket, code: &TrackingCode) -> AppResult<String> {
    let sealed = sealer.seal_bytes(
        code.display().as_bytes(),
        Binding::TrackingCode(ticket.as_str()),
    )?;
    Ok(STANDARD.encode(sealed))
}

/// The code sealed by [`seal`] for the report `ticket`.
pub fn open(sealer: &Sealer, ticket: &Ticket, sealed: &str) -> Result<TrackingCode, String> {
    let bytes = STANDARD
        .decode(sealed.trim())
        .map_err(|e| format!("a sealed tracking code is not base64: {e}"))?;
    let plain = sealer
        .open_bytes(&bytes, Binding::TrackingCode(ticket.as_str()))
        .map_err(|e| e.to_string())?;
    std::str::from_utf8(&plain)
        .ok()
        .and_then(TrackingCode::parse)
        .ok_or_else(|| "a sealed tracking code is unreadable".to_owned())
}

/// Whether `code` is the report's tracking code (constant-time comparison of the hashes).
pub async fn holds(state: &AppState, report: &Report, code: &TrackingCode) -> AppResult<bool> {
    Ok(state
        .store
        .tracking_code(report.id)
        .await?
        .is_some_and(|stored| code.matches(&report.ticket, &stored)))
}
