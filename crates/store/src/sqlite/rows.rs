//! Reading SQLite rows into domain types; the encodings are `crate::values`.

use rusqlite::Row;

use aduan_domain::UserId;
use aduan_domain::report::Report;

pub use crate::values::{
    ReportColumns, corrupt, instant, micros, parse_role, parse_state, parse_unit,
};
use crate::{StoreError, StoreResult, User};

pub use crate::values::{REPORT_COLUMNS, REPORT_FROM};

/// A row selected with [`REPORT_COLUMNS`].
pub fn report(row: &Row<'_>) -> StoreResult<Report> {
    let get = |e: rusqlite::Error| StoreError::other(e);
    ReportColumns {
        id: row.get(0).map_err(get)?,
        ticket: row.get(1).map_err(get)?,
        state: row.get(2).map_err(get)?,
        category: row.get(3).map_err(get)?,
        description: row.get(4).map_err(get)?,
        lat: row.get(5).map_err(get)?,
        lon: row.get(6).map_err(get)?,
        region: row.get(7).map_err(get)?,
        address: row.get(8).map_err(get)?,
        channel: row.get(9).map_err(get)?,
        first_receiver: row.get(10).map_err(get)?,
        holding_unit: row.get(11).map_err(get)?,
        visibility: row.get(12).map_err(get)?,
        reporter: row.get(13).map_err(get)?,
        entered_by: row.get(14).map_err(get)?,
        created_at: row.get(15).map_err(get)?,
        updated_at: row.get(16).map_err(get)?,
        coordinated_at: row.get(17).map_err(get)?,
        completed_at: row.get(18).map_err(get)?,
        estimated_completion: row.get(19).map_err(get)?,
        duplicate_of: row.get(20).map_err(get)?,
        referred_to: row.get(21).map_err(get)?,
        version: row.get(22).map_err(get)?,
        staff_description: row.get(23).map_err(get)?,
    }
    .into_report()
}

pub const USER_COLUMNS: &str = "id, username, display_name, role, unit, created_at, can_view_identity, disabled, \
    must_change_password";

pub fn user(row: &Row<'_>) -> StoreResult<User> {
    let get = |e: rusqlite::Error| StoreError::other(e);
    Ok(User {
        id: UserId(row.get(0).map_err(get)?),
        username: row.get(1).map_err(get)?,
        display_name: row.get(2).map_err(get)?,
        role: parse_role(&row.get::<_, String>(3).map_err(get)?)?,
        unit: parse_unit(row.get(4).map_err(get)?)?,
        created_at: instant(row.get(5).map_err(get)?)?,
        can_view_identity: row.get(6).map_err(get)?,
        disabled: row.get(7).map_err(get)?,
        must_change_password: row.get(8).map_err(get)?,
    })
}

/// Map "no rows" to `NotFound` and anything else to `Other`.
pub fn query_error(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        other => StoreError::other(other),
    }
}

/// `NotFound` unless a report with this id exists (in the caller's transaction).
pub(super) fn require_report(
    conn: &rusqlite::Connection,
    report: aduan_domain::ReportId,
) -> StoreResult<()> {
    use rusqlite::OptionalExtension as _;
    let exists: Option<i64> = conn
        .prepare_cached("SELECT id FROM reports WHERE id = ?1")
        .and_then(|mut s| s.query_row([report.0], |r| r.get(0)).optional())
        .map_err(StoreError::other)?;
    exists.map(|_| ()).ok_or(StoreError::NotFound)
}
