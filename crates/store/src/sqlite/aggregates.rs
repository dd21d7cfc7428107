//! The statistics' counts, kept up to date inside every transaction that changes a report:
//! what a report contributes is read before the change and after it, and the difference
//! applied to `stats_cells` and `stats_reporter_sets` (see migration 0004).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) use crate::counts::Contribution;
use crate::counts::{
    CellKey, Delta, SetKey, decode_reporter_set, encode_reporter_set, small_reporter_id,
};
use crate::{StoreError, StoreResult};

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

/// Count newly stored reports (a submission, an import's batch): every cell and reporter
/// set they touch is written once, however many of them it counts.
pub(super) fn count_new(conn: &Connection, reports: &[i64]) -> StoreResult<()> {
    let mut counted = Vec::with_capacity(reports.len());
    for &report in reports {
        counted.push(read(conn, report)?.ok_or(StoreError::NotFound)?);
    }
    write(conn, &Delta::counting(&counted))
}

/// Replace what a report contributed `before` a change by what it contributes `after` it
/// (read once the change is written), touching only the rows whose counts change.
pub(super) fn shift(
    conn: &Connection,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> StoreResult<()> {
    match Delta::shifting(before, after) {
        Some(delta) => write(conn, &delta),
        None => Ok(()),
    }
}

/// Apply a summed change to the counts: each cell and reporter set it touches is written
/// once.
pub(super) fn write(conn: &Connection, delta: &Delta) -> StoreResult<()> {
    for (key, change) in delta.changed_cells() {
        add_cell(conn, key, change)?;
    }
    // A reporter joins several sets (each grain, category row and channel): their number
    // is looked up once.
    let mut ids = HashMap::new();
    for reporter in delta.joining_reporters() {
        ids.insert(reporter, reporter_id(conn, reporter)?);
    }
    for (set, change) in delta.set_changes() {
        let mut joining = Vec::new();
        let mut leaving = Vec::new();
        for reporter in change.joining {
            joining.push(match ids.get(reporter) {
                Some(id) => *id,
                None => reporter_id(conn, reporter)?,
            });
        }
        for reporter in change.losing {
            if !still_reports(conn, set, reporter)? {
                leaving.extend(known_reporter_id(conn, reporter)?);
            }
        }
        if !joining.is_empty() || !leaving.is_empty() {
            change_set(conn, set, &joining, &leaving)?;
        }
    }
    Ok(())
}

fn add_cell(conn: &Connection, key: &CellKey, d: [i64; 5]) -> StoreResult<()> {
    let (grain, category, period, dim, value) = key;
    conn.prepare_cached(
        "INSERT INTO stats_cells (grain, category, period, dim, value, reports, coordinated,
             coordination_ms, completed, completion_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (grain, category, period, dim, value) DO UPDATE SET
             reports = reports + excluded.reports,
             coordinated = coordinated + excluded.coordinated,
             coordination_ms = coordination_ms + excluded.coordination_ms,
             completed = completed + excluded.completed,
             completion_ms = completion_ms + excluded.completion_ms",
    )
    .and_then(|mut s| {
        s.execute(params![
            grain, category, period, dim, value, d[0], d[1], d[2], d[3], d[4]
        ])
    })
    .map_err(StoreError::other)?;
    if d[0] < 0 {
        conn.prepare_cached(
            "DELETE FROM stats_cells WHERE grain = ?1 AND category = ?2 AND period = ?3
                 AND dim = ?4 AND value = ?5 AND reports <= 0",
        )
        .and_then(|mut s| s.execute(params![grain, category, period, dim, value]))
        .map_err(StoreError::other)?;
    }
    Ok(())
}

/// Whether a reporter still has a report in a set's period, category and channel (asked
/// after the change that may have taken their last one away).
fn still_reports(conn: &Connection, set: &SetKey, reporter: &str) -> StoreResult<bool> {
    let (grain, category, period, channel) = set;
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM report_reporters rr JOIN reports r ON r.id = rr.report_id
             WHERE rr.reporter_key = ?1 AND r.channel = ?2 AND (?3 = '*' OR r.category = ?3)
               AND (CASE ?4 WHEN 'd' THEN r.local_day ELSE substr(r.local_day, 1, 7) END) = ?5)",
    )
    .and_then(|mut s| {
        s.query_row(params![reporter, channel, category, grain, period], |r| {
            r.get(0)
        })
    })
    .map_err(StoreError::other)
}

/// The small number of a reporter key, given one the first time it is seen.
fn reporter_id(conn: &Connection, key: &str) -> StoreResult<u32> {
    let id = match known_reporter_id(conn, key)? {
        Some(id) => return Ok(id),
        None => conn
            .prepare_cached("INSERT INTO stats_reporter_ids (key) VALUES (?1) RETURNING id")
            .and_then(|mut s| s.query_row([key], |r| r.get::<_, i64>(0)))
            .map_err(StoreError::other)?,
    };
    small_reporter_id(id)
}

fn known_reporter_id(conn: &Connection, key: &str) -> StoreResult<Option<u32>> {
    conn.prepare_cached("SELECT id FROM stats_reporter_ids WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get::<_, i64>(0)).optional())
        .map_err(StoreError::other)?
        .map(small_reporter_id)
        .transpose()
}

/// Add and remove members of one reporter set, rewriting it once.
fn change_set(
    conn: &Connection,
    set: &SetKey,
    joining: &[u32],
    leaving: &[u32],
) -> StoreResult<()> {
    let (grain, category, period, channel) = set;
    let stored: Option<Vec<u8>> = conn
        .prepare_cached(
            "SELECT members FROM stats_reporter_sets
             WHERE grain = ?1 AND category = ?2 AND period = ?3 AND channel = ?4",
        )
        .and_then(|mut s| {
            s.query_row(params![grain, category, period, channel], |r| r.get(0))
                .optional()
        })
        .map_err(StoreError::other)?;
    let mut members = match stored {
        Some(bytes) => decode_reporter_set(&bytes)?,
        None => roaring::RoaringBitmap::new(),
    };
    members.extend(joining.iter().copied());
    for id in leaving {
        members.remove(*id);
    }
    if members.is_empty() {
        conn.prepare_cached(
            "DELETE FROM stats_reporter_sets
             WHERE grain = ?1 AND category = ?2 AND period = ?3 AND channel = ?4",
        )
        .and_then(|mut s| s.execute(params![grain, category, period, channel]))
        .map_err(StoreError::other)?;
        return Ok(());
    }
    let bytes = encode_reporter_set(&members)?;
    conn.prepare_cached(
        "INSERT INTO stats_reporter_sets (grain, category, period, channel, members)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (grain, category, period, channel) DO UPDATE SET members = excluded.members",
    )
    .and_then(|mut s| s.execute(params![grain, category, period, channel, bytes]))
    .map_err(StoreError::other)?;
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
    for (id, created_at) in &pending {
        let day = local_day(*created_at, tz)?;
        conn.execute(
            "UPDATE reports SET local_day = ?1 WHERE id = ?2",
            params![day.format("%Y-%m-%d").to_string(), id],
        )
        .map_err(StoreError::other)?;
    }
    let ids: Vec<i64> = pending.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(1000) {
        count_new(conn, chunk)?;
    }
    Ok(())
}

/// Count every report into the statistics afresh, in the caller's transaction.
pub(super) fn recount(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(
        "DELETE FROM stats_reporter_sets; DELETE FROM stats_reporter_ids; DELETE FROM stats_cells;",
    )
    .map_err(StoreError::other)?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM reports ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(StoreError::other)?;
    for chunk in ids.chunks(1000) {
        count_new(conn, chunk)?;
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
