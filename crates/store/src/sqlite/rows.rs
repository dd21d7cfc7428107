//! Conversions between SQLite values and domain types.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;

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

fn opt_instant(micros: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
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

pub const REPORT_COLUMNS: &str = "r.id, r.ticket, r.state, r.category, r.description, r.lat, r.lon, \
    r.region, r.address, r.channel, r.first_receiver, r.holding_unit, r.visibility, rr.user_id, rr.entered_by, \
    r.created_at, r.updated_at, r.coordinated_at, r.completed_at, r.estimated_completion, \
    r.duplicate_of, r.referred_to, r.version";

pub const REPORT_FROM: &str = "reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id";

/// A row selected with [`REPORT_COLUMNS`].
pub fn report(row: &Row<'_>) -> StoreResult<Report> {
    let get = |e: rusqlite::Error| StoreError::other(e);
    let text = |i: usize| -> StoreResult<String> { row.get::<_, String>(i).map_err(get) };
    let lat: Option<f64> = row.get(5).map_err(get)?;
    let lon: Option<f64> = row.get(6).map_err(get)?;
    let location = match (lat, lon) {
        (Some(lat), Some(lon)) => {
            Some(Coordinates::parse(lat, lon).map_err(|_| corrupt("coordinates", ""))?)
        }
        _ => None,
    };
    let ticket = text(1)?;
    let category = text(3)?;
    let region = text(7)?;
    let channel = text(9)?;
    let visibility = text(12)?;
    let estimated: Option<String> = row.get(19).map_err(get)?;
    let duplicate_of: Option<String> = row.get(20).map_err(get)?;
    Ok(Report {
        id: ReportId(row.get(0).map_err(get)?),
        ticket: Ticket::parse(&ticket).map_err(|_| corrupt("ticket", &ticket))?,
        state: parse_state(&text(2)?)?,
        category: CategoryCode::parse(&category).map_err(|_| corrupt("category", &category))?,
        description: text(4)?,
        location,
        region: RegionCode::parse(&region).map_err(|_| corrupt("region", &region))?,
        address: row.get(8).map_err(get)?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        first_receiver: parse_unit(Some(text(10)?))?.ok_or_else(|| corrupt("unit", ""))?,
        holding_unit: parse_unit(Some(text(11)?))?.ok_or_else(|| corrupt("unit", ""))?,
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| corrupt("visibility", &visibility))?,
        reporter: row.get::<_, Option<i64>>(13).map_err(get)?.map(UserId),
        entered_by: row.get::<_, Option<i64>>(14).map_err(get)?.map(UserId),
        created_at: instant(row.get(15).map_err(get)?)?,
        updated_at: instant(row.get(16).map_err(get)?)?,
        coordinated_at: opt_instant(row.get(17).map_err(get)?)?,
        completed_at: opt_instant(row.get(18).map_err(get)?)?,
        estimated_completion: estimated
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("date", &d)))
            .transpose()?,
        duplicate_of: duplicate_of
            .map(|t| Ticket::parse(&t).map_err(|_| corrupt("ticket", &t)))
            .transpose()?,
        referred_to: row.get(21).map_err(get)?,
        version: row.get(22).map_err(get)?,
    })
}

pub const USER_COLUMNS: &str =
    "id, username, display_name, role, unit, created_at, can_view_identity";

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
    })
}

/// Map "no rows" to `NotFound` and anything else to `Other`.
pub fn query_error(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        other => StoreError::other(other),
    }
}
