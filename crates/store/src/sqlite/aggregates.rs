//! The statistics' counts, kept up to date inside every transaction that changes a report:
//! what a report contributes is read before the change and after it, and the difference
//! applied to `stats_cells` and `stats_reporters` (see migration 0004).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, params};

use crate::{StoreError, StoreResult};

/// What one report adds to the statistics, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Contribution {
    day: String,
    category: String,
    channel: String,
    region: String,
    state: String,
    coordination_ms: Option<i64>,
    /// Only for a completed report with a completion instant.
    completion_ms: Option<i64>,
    reporter: Option<String>,
}

/// A stored report's contribution; `None` when there is no such report.
pub(super) fn read(conn: &Connection, report: i64) -> StoreResult<Option<Contribution>> {
    conn.prepare_cached(
        "SELECT r.local_day, r.category, r.channel, r.region, r.state,
                r.coordinated_at - r.created_at,
                CASE WHEN r.state = 'completed' THEN r.completed_at - r.created_at END,
                rr.reporter_key
         FROM reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id
         WHERE r.id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([report], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                Contribution {
                    day: String::new(),
                    category: r.get(1)?,
                    channel: r.get(2)?,
                    region: r.get(3)?,
                    state: r.get(4)?,
                    coordination_ms: r.get::<_, Option<i64>>(5)?.map(|us| us / 1000),
                    completion_ms: r.get::<_, Option<i64>>(6)?.map(|us| us / 1000),
                    reporter: r.get(7)?,
                },
            ))
        })
        .optional()
    })
    .map_err(StoreError::other)?
    .map(|(day, c)| match day {
        Some(day) => Ok(Contribution { day, ..c }),
        None => Err(StoreError::Other(format!(
            "report {report} has no local day: the statistics cannot count it"
        ))),
    })
    .transpose()
}

/// Add (`sign` 1) or remove (-1) a stored report's contribution.
pub(super) fn count(conn: &Connection, report: i64, sign: i64) -> StoreResult<()> {
    let c = read(conn, report)?.ok_or(StoreError::NotFound)?;
    if sign >= 0 {
        shift(conn, None, Some(&c))
    } else {
        shift(conn, Some(&c), None)
    }
}

/// Replace what `before` contributed by what `after` does (either may be absent), touching
/// only the rows whose counts change.
pub(super) fn shift(
    conn: &Connection,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> StoreResult<()> {
    if before == after {
        return Ok(());
    }
    let mut cells: BTreeMap<CellKey, [i64; 5]> = BTreeMap::new();
    let mut reporters: BTreeMap<[String; 4], i64> = BTreeMap::new();
    for (c, sign) in [(before, -1), (after, 1)] {
        let Some(c) = c else { continue };
        for (key, delta) in cells_of(c) {
            let sum = cells.entry(key).or_default();
            for (s, d) in sum.iter_mut().zip(delta) {
                *s += sign * d;
            }
        }
        if let Some(reporter) = &c.reporter {
            let key = [
                c.day.clone(),
                c.category.clone(),
                c.channel.clone(),
                reporter.clone(),
            ];
            *reporters.entry(key).or_default() += sign;
        }
    }
    for (key, delta) in cells.into_iter().filter(|(_, d)| d.iter().any(|v| *v != 0)) {
        add_cell(conn, &key, delta)?;
    }
    for (key, delta) in reporters.into_iter().filter(|(_, d)| *d != 0) {
        add_reporter(conn, &key, delta)?;
    }
    Ok(())
}

/// `(grain, period, category, dim, value)`.
type CellKey = (&'static str, String, String, &'static str, String);

/// The cells a contribution counts in: each dimension at day and month grain, with
/// `[reports, coordinated, coordination_ms, completed, completion_ms]`.
fn cells_of(c: &Contribution) -> Vec<(CellKey, [i64; 5])> {
    let month = c.day.get(..7).unwrap_or(&c.day).to_owned();
    let times = [
        1,
        i64::from(c.coordination_ms.is_some()),
        c.coordination_ms.unwrap_or(0),
        i64::from(c.completion_ms.is_some()),
        c.completion_ms.unwrap_or(0),
    ];
    let dims: [(&'static str, &String, [i64; 5]); 3] = [
        ("state", &c.state, times),
        ("channel", &c.channel, [1, 0, 0, 0, 0]),
        ("region", &c.region, [1, 0, 0, 0, 0]),
    ];
    let mut out = Vec::with_capacity(6);
    for (grain, period) in [("d", &c.day), ("m", &month)] {
        for (dim, value, delta) in &dims {
            let key = (
                grain,
                period.clone(),
                c.category.clone(),
                *dim,
                (*value).clone(),
            );
            out.push((key, *delta));
        }
    }
    out
}

fn add_cell(conn: &Connection, key: &CellKey, d: [i64; 5]) -> StoreResult<()> {
    let (grain, period, category, dim, value) = key;
    conn.prepare_cached(
        "INSERT INTO stats_cells (grain, period, category, dim, value, reports, coordinated,
             coordination_ms, completed, completion_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (grain, period, category, dim, value) DO UPDATE SET
             reports = reports + excluded.reports,
             coordinated = coordinated + excluded.coordinated,
             coordination_ms = coordination_ms + excluded.coordination_ms,
             completed = completed + excluded.completed,
             completion_ms = completion_ms + excluded.completion_ms",
    )
    .and_then(|mut s| {
        s.execute(params![
            grain, period, category, dim, value, d[0], d[1], d[2], d[3], d[4]
        ])
    })
    .map_err(StoreError::other)?;
    if d[0] < 0 {
        conn.prepare_cached(
            "DELETE FROM stats_cells WHERE grain = ?1 AND period = ?2 AND category = ?3
                 AND dim = ?4 AND value = ?5 AND reports <= 0",
        )
        .and_then(|mut s| s.execute(params![grain, period, category, dim, value]))
        .map_err(StoreError::other)?;
    }
    Ok(())
}

fn add_reporter(conn: &Connection, key: &[String; 4], delta: i64) -> StoreResult<()> {
    let [day, category, channel, reporter] = key;
    conn.prepare_cached(
        "INSERT INTO stats_reporters (day, category, channel, reporter, reports)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (day, category, channel, reporter) DO UPDATE SET
             reports = reports + excluded.reports",
    )
    .and_then(|mut s| s.execute(params![day, category, channel, reporter, delta]))
    .map_err(StoreError::other)?;
    if delta < 0 {
        conn.prepare_cached(
            "DELETE FROM stats_reporters WHERE day = ?1 AND category = ?2 AND channel = ?3
                 AND reporter = ?4 AND reports <= 0",
        )
        .and_then(|mut s| s.execute(params![day, category, channel, reporter]))
        .map_err(StoreError::other)?;
    }
    Ok(())
}

/// Give every report filed before the statistics existed its local day (in the
/// jurisdiction's time zone) and count it. Run once, inside the migration's transaction.
pub(super) fn backfill(conn: &Connection) -> StoreResult<()> {
    let pending: Vec<(i64, i64)> = conn
        .prepare("SELECT id, created_at FROM reports WHERE local_day IS NULL")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(StoreError::other)?;
    if pending.is_empty() {
        return Ok(());
    }
    let tz = time_zone(conn)?;
    for (id, created_at) in pending {
        let day = local_day(created_at, tz)?;
        conn.execute(
            "UPDATE reports SET local_day = ?1 WHERE id = ?2",
            params![day.format("%Y-%m-%d").to_string(), id],
        )
        .map_err(StoreError::other)?;
        count(conn, id, 1)?;
    }
    Ok(())
}

/// The jurisdiction's time zone, from its stored settings.
fn time_zone(conn: &Connection) -> StoreResult<Tz> {
    let data: String = conn
        .query_row("SELECT data FROM settings WHERE id = 1", [], |r| r.get(0))
        .optional()
        .map_err(StoreError::other)?
        .ok_or_else(|| StoreError::Other("reports exist but no jurisdiction settings".into()))?;
    let settings: serde_json::Value = serde_json::from_str(&data).map_err(StoreError::other)?;
    settings
        .get("time_zone")
        .and_then(|tz| tz.as_str())
        .and_then(|tz| tz.parse().ok())
        .ok_or_else(|| StoreError::Other("the stored settings have no valid time_zone".into()))
}

fn local_day(created_at_micros: i64, tz: Tz) -> StoreResult<NaiveDate> {
    DateTime::from_timestamp_micros(created_at_micros)
        .map(|at| at.with_timezone(&tz).date_naive())
        .ok_or_else(|| StoreError::Other(format!("bad timestamp {created_at_micros}")))
}
