//! Conversions between PostgreSQL rows and domain types; the same encodings as the SQLite
//! store's (instants in microseconds, codes as text).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;

use aduan_domain::report::Report;
use aduan_domain::{
    CategoryCode, Channel, Coordinates, RegionCode, ReportId, ReportState, Role, Ticket, UnitCode,
    UserId, Visibility,
};

use crate::{StoreError, StoreResult, User};

pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub fn instant(micros: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Other(format!("bad timestamp {micros}")))
}

pub fn opt_instant(micros: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    micros.map(instant).transpose()
}

pub fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Other(format!("stored {what} {value:?} is not valid"))
}

pub fn parse_role(raw: &str) -> StoreResult<Role> {
    Role::parse(raw).ok_or_else(|| corrupt("role", raw))
}

pub fn parse_unit(raw: Option<String>) -> StoreResult<Option<UnitCode>> {
    raw.map(|u| UnitCode::parse(&u).map_err(|_| corrupt("unit", &u)))
        .transpose()
}

pub fn parse_state(raw: &str) -> StoreResult<ReportState> {
    ReportState::parse(raw).ok_or_else(|| corrupt("state", raw))
}

/// Read column `index` of `row`.
pub fn get<'r, T>(row: &'r PgRow, index: usize) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(index).map_err(StoreError::other)
}

pub const REPORT_COLUMNS: &str = "r.id, r.ticket, r.state, r.category, r.description, r.lat, r.lon, \
    r.region, r.address, r.channel, r.first_receiver, r.holding_unit, r.visibility, rr.user_id, rr.entered_by, \
    r.created_at, r.updated_at, r.coordinated_at, r.completed_at, r.estimated_completion, \
    r.duplicate_of, r.referred_to, r.version";

pub const REPORT_FROM: &str = "reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id";

/// A row selected with [`REPORT_COLUMNS`].
pub fn report(row: &PgRow) -> StoreResult<Report> {
    let lat: Option<f64> = get(row, 5)?;
    let lon: Option<f64> = get(row, 6)?;
    let location = match (lat, lon) {
        (Some(lat), Some(lon)) => {
            Some(Coordinates::parse(lat, lon).map_err(|_| corrupt("coordinates", ""))?)
        }
        _ => None,
    };
    let ticket: String = get(row, 1)?;
    let state: String = get(row, 2)?;
    let category: String = get(row, 3)?;
    let region: String = get(row, 7)?;
    let channel: String = get(row, 9)?;
    let first_receiver: String = get(row, 10)?;
    let holding_unit: String = get(row, 11)?;
    let visibility: String = get(row, 12)?;
    let estimated: Option<String> = get(row, 19)?;
    let duplicate_of: Option<String> = get(row, 20)?;
    Ok(Report {
        id: ReportId(get(row, 0)?),
        ticket: Ticket::parse(&ticket).map_err(|_| corrupt("ticket", &ticket))?,
        state: parse_state(&state)?,
        category: CategoryCode::parse(&category).map_err(|_| corrupt("category", &category))?,
        description: get(row, 4)?,
        location,
        region: RegionCode::parse(&region).map_err(|_| corrupt("region", &region))?,
        address: get(row, 8)?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        first_receiver: parse_unit(Some(first_receiver))?.ok_or_else(|| corrupt("unit", ""))?,
        holding_unit: parse_unit(Some(holding_unit))?.ok_or_else(|| corrupt("unit", ""))?,
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| corrupt("visibility", &visibility))?,
        reporter: get::<Option<i64>>(row, 13)?.map(UserId),
        entered_by: get::<Option<i64>>(row, 14)?.map(UserId),
        created_at: instant(get(row, 15)?)?,
        updated_at: instant(get(row, 16)?)?,
        coordinated_at: opt_instant(get(row, 17)?)?,
        completed_at: opt_instant(get(row, 18)?)?,
        estimated_completion: estimated
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("date", &d)))
            .transpose()?,
        duplicate_of: duplicate_of
            .map(|t| Ticket::parse(&t).map_err(|_| corrupt("ticket", &t)))
            .transpose()?,
        referred_to: get(row, 21)?,
        version: get(row, 22)?,
    })
}

pub const USER_COLUMNS: &str =
    "id, username, display_name, role, unit, created_at, can_view_identity";

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
    })
}
