//! Reading PostgreSQL rows into domain types; the encodings, the same as the SQLite
//! store's, are `crate::values`.

use sqlx::Row;
use sqlx::postgres::PgRow;

use aduan_domain::UserId;
use aduan_domain::report::Report;

pub use crate::values::{
    ReportColumns, corrupt, instant, micros, opt_instant, parse_role, parse_state, parse_unit,
};
use crate::{StoreError, StoreResult, User};

/// Read column `index` of `row`.
pub fn get<'r, T>(row: &'r PgRow, index: usize) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(index).map_err(StoreError::other)
}

pub use crate::values::{REPORT_COLUMNS, REPORT_FROM};

/// One column of a batch bound as an array (`unnest($n::type[])`): `value` of each item, in
/// order.
pub fn column<'b, T, U>(items: &'b [T], value: impl Fn(&'b T) -> U) -> Vec<U> {
    items.iter().map(value).collect()
}

/// A row selected with [`REPORT_COLUMNS`].
pub fn report(row: &PgRow) -> StoreResult<Report> {
    ReportColumns {
        id: get(row, 0)?,
        ticket: get(row, 1)?,
        state: get(row, 2)?,
        category: get(row, 3)?,
        description: get(row, 4)?,
        lat: get(row, 5)?,
        lon: get(row, 6)?,
        region: get(row, 7)?,
        address: get(row, 8)?,
        channel: get(row, 9)?,
        first_receiver: get(row, 10)?,
        holding_unit: get(row, 11)?,
        visibility: get(row, 12)?,
        reporter: get(row, 13)?,
        entered_by: get(row, 14)?,
        created_at: get(row, 15)?,
        updated_at: get(row, 16)?,
        coordinated_at: get(row, 17)?,
        completed_at: get(row, 18)?,
        estimated_completion: get(row, 19)?,
        duplicate_of: get(row, 20)?,
        referred_to: get(row, 21)?,
        version: get(row, 22)?,
        staff_description: get(row, 23)?,
    }
    .into_report()
}

pub const USER_COLUMNS: &str = "id, username, display_name, role, unit, created_at, can_view_identity, disabled, \
    must_change_password";

/// A row selected with [`USER_COLUMNS`].
pub fn user(row: &PgRow) -> StoreResult<User> {
    let role: String = get(row, 3)?;
    Ok(User {
        id: UserId(get(row, 0)?),
        username: get(row, 1)?,
        display_name: get(row, 2)?,
        role: parse_role(&role)?,
        unit: parse_unit(get(row, 4)?)?,
        created_at: instant(get(row, 5)?)?,
        can_view_identity: get(row, 6)?,
        disabled: get(row, 7)?,
        must_change_password: get(row, 8)?,
    })
}
