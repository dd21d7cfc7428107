//! How both stores keep domain values in columns, and turn what they read back into domain
//! types: instants as microseconds since the Unix epoch, codes and dates as text. Each store
//! only reads its own rows into these shapes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use aduan_domain::filing::FirstEntry;
use aduan_domain::report::{PhotoEvidence, Report};
use aduan_domain::stepping::StepEntry;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, Coordinates, RegionCode, ReportId, ReportState, Role,
    Ticket, UnitCode, UserId, Visibility,
};

use crate::{StoreError, StoreResult};

pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// An idle timeout in microseconds, as stored: at most a century, so that adding it to an
/// instant never overflows (a longer timeout is as good as none).
pub fn idle_micros(timeout: chrono::Duration) -> i64 {
    const CENTURY: i64 = 100 * 366 * 24 * 3_600_000_000;
    timeout
        .num_microseconds()
        .unwrap_or(i64::MAX)
        .clamp(0, CENTURY)
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

/// A documentation photo's camera-local capture time, as stored.
const CAPTURE_TIME: &str = "%Y-%m-%dT%H:%M:%S";

pub fn capture_time(at: NaiveDateTime) -> String {
    at.format(CAPTURE_TIME).to_string()
}

/// A photo's evidence from its stored capture time and place.
pub fn evidence(
    captured_at: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
) -> StoreResult<PhotoEvidence> {
    Ok(PhotoEvidence {
        captured_at: captured_at
            .map(|t| {
                NaiveDateTime::parse_from_str(&t, CAPTURE_TIME)
                    .map_err(|_| corrupt("capture time", &t))
            })
            .transpose()?,
        location: match (lat, lon) {
            (Some(lat), Some(lon)) => {
                Some(Coordinates::parse(lat, lon).map_err(|_| corrupt("evidence location", ""))?)
            }
            _ => None,
        },
    })
}

/// The payload of an outbox answer telling the reporter of `action`, which left the report
/// in `state`.
pub fn reply_payload(action: ActionKind, state: ReportState, note: Option<&str>) -> String {
    serde_json::json!({
        "action": action.code(),
        "state": state.code(),
        "note": note,
    })
    .to_string()
}

/// The outbox row of a Web Push: the step, the state it left the report in, and the
/// citizen account whose browsers are told (never a note: a push shows on a lock screen);
/// `supporter` when the account supports the report rather than filed it (it is then told
/// without the ticket: a private report's ticket is not theirs to know).
pub fn push_payload(
    action: ActionKind,
    state: ReportState,
    account: UserId,
    supporter: bool,
) -> String {
    let mut payload = serde_json::json!({
        "action": action.code(),
        "state": state.code(),
        "account": account.0,
    });
    if supporter {
        payload["supporter"] = serde_json::Value::Bool(true);
    }
    payload.to_string()
}

/// The payload of an answer of its own carrying a tracking code (sealed, opaque text): the
/// report's acknowledgement went out before the code could join it.
pub fn code_payload(state: ReportState, sealed_code: &str) -> String {
    serde_json::json!({
        "action": "tracking_code",
        "state": state.code(),
        "note": null,
        crate::tracking::SEALED_CODE_KEY: sealed_code,
    })
    .to_string()
}

/// One timeline row to append.
pub struct EventRow<'a> {
    pub report: ReportId,
    pub action: ActionKind,
    pub actor: Option<UserId>,
    pub role: &'a str,
    pub unit: Option<&'a str>,
    pub from: Option<ReportState>,
    pub to: ReportState,
    pub note: Option<&'a str>,
    pub target: Option<&'a str>,
    pub at: DateTime<Utc>,
}

impl<'a> EventRow<'a> {
    /// The first timeline entry of a report just filed, as [`aduan_domain::filing::plan`] decided it.
    pub fn first(report: ReportId, entry: &FirstEntry, at: DateTime<Utc>) -> Self {
        Self {
            report,
            action: entry.action,
            actor: entry.actor,
            role: entry.role.code(),
            unit: None,
            from: entry.from,
            to: entry.to,
            note: None,
            target: None,
            at,
        }
    }

    /// The timeline entry of a workflow step, as [`aduan_domain::stepping::plan`] decided it.
    pub fn step(report: ReportId, entry: &StepEntry<'a>, at: DateTime<Utc>) -> Self {
        Self {
            report,
            action: entry.action,
            actor: Some(entry.actor),
            role: entry.role.code(),
            unit: entry.unit.map(|u| u.as_str()),
            from: Some(entry.from),
            to: entry.to,
            note: entry.note,
            target: entry.target,
            at,
        }
    }
}

/// The columns both stores select a report by, read into [`ReportColumns`].
pub const REPORT_COLUMNS: &str = "r.id, r.ticket, r.state, r.category, r.description, r.lat, r.lon, \
    r.region, r.address, r.channel, r.first_receiver, r.holding_unit, r.visibility, rr.user_id, rr.entered_by, \
    r.created_at, r.updated_at, r.coordinated_at, r.completed_at, r.estimated_completion, \
    r.duplicate_of, r.referred_to, r.version, r.staff_description";

/// The tables [`REPORT_COLUMNS`] come from.
pub const REPORT_FROM: &str = "reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id";

/// A report's columns as read (both stores select the same ones, in the same order).
pub struct ReportColumns {
    pub id: i64,
    pub ticket: String,
    pub state: String,
    pub category: String,
    pub description: String,
    pub staff_description: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub region: String,
    pub address: Option<String>,
    pub channel: String,
    pub first_receiver: String,
    pub holding_unit: String,
    pub visibility: String,
    pub reporter: Option<i64>,
    pub entered_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub coordinated_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub estimated_completion: Option<String>,
    pub duplicate_of: Option<String>,
    pub referred_to: Option<String>,
    pub version: i64,
}

impl ReportColumns {
    /// The report they hold; `Other` when a stored value is not valid.
    pub fn into_report(self) -> StoreResult<Report> {
        let location = match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                Some(Coordinates::parse(lat, lon).map_err(|_| corrupt("coordinates", ""))?)
            }
            _ => None,
        };
        let ticket = |t: &str| Ticket::parse(t).map_err(|_| corrupt("ticket", t));
        let unit = |u: String| parse_unit(Some(u))?.ok_or_else(|| corrupt("unit", ""));
        Ok(Report {
            id: ReportId(self.id),
            ticket: ticket(&self.ticket)?,
            state: parse_state(&self.state)?,
            category: CategoryCode::parse(&self.category)
                .map_err(|_| corrupt("category", &self.category))?,
            description: self.description,
            staff_description: self.staff_description,
            location,
            region: RegionCode::parse(&self.region).map_err(|_| corrupt("region", &self.region))?,
            address: self.address,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| corrupt("channel", &self.channel))?,
            first_receiver: unit(self.first_receiver)?,
            holding_unit: unit(self.holding_unit)?,
            visibility: Visibility::parse(&self.visibility)
                .ok_or_else(|| corrupt("visibility", &self.visibility))?,
            reporter: self.reporter.map(UserId),
            entered_by: self.entered_by.map(UserId),
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
            coordinated_at: opt_instant(self.coordinated_at)?,
            completed_at: opt_instant(self.completed_at)?,
            estimated_completion: self
                .estimated_completion
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("date", &d)))
                .transpose()?,
            duplicate_of: self.duplicate_of.as_deref().map(ticket).transpose()?,
            referred_to: self.referred_to,
            version: self.version,
        })
    }
}

/// An identity access log entry's columns as read (both stores select the same ones).
pub struct AccessColumns {
    pub id: i64,
    pub at: i64,
    pub actor: Option<i64>,
    pub actor_username: Option<String>,
    pub ticket: Option<String>,
    pub reason: String,
    pub action: String,
    pub detail: Option<String>,
}

impl AccessColumns {
    pub fn into_entry(self) -> StoreResult<crate::IdentityAccess> {
        Ok(crate::IdentityAccess {
            id: self.id,
            at: instant(self.at)?,
            actor: self.actor.map(aduan_domain::UserId),
            actor_username: self.actor_username,
            ticket: self
                .ticket
                .map(|t| aduan_domain::Ticket::parse(&t).map_err(|_| corrupt("ticket", &t)))
                .transpose()?,
            reason: self.reason,
            action: crate::AuditAction::parse(&self.action)
                .ok_or_else(|| corrupt("audit action", &self.action))?,
            detail: self.detail,
        })
    }
}
