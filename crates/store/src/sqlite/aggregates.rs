//! The statistics' counts, kept up to date inside every transaction that changes a report:
//! what a report contributes is read before the change and after it, and the difference
//! applied to `stats_cells` and `stats_reporters` (see migration 0004).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use roaring::RoaringBitmap;
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

/// The category row that counts every category.
pub(super) const ALL_CATEGORIES: &str = "*";

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
    let mut reporters: BTreeMap<ReporterKey, i64> = BTreeMap::new();
    for (c, sign) in [(before, -1), (after, 1)] {
        let Some(c) = c else { continue };
        for (key, delta) in cells_of(c) {
            let sum = cells.entry(key).or_default();
            for (s, d) in sum.iter_mut().zip(delta) {
                *s += sign * d;
            }
        }
        for key in reporters_of(c) {
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

/// `(grain, category, period, dim, value)`.
type CellKey = (&'static str, String, String, &'static str, String);

/// The cells a contribution counts in: each dimension at day and month grain, under its
/// category and under all categories, with
/// `[reports, coordinated, coordination_ms, completed, completion_ms]`.
fn cells_of(c: &Contribution) -> Vec<(CellKey, [i64; 5])> {
    let times = [
        1,
        i64::from(c.coordination_ms.is_some()),
        c.coordination_ms.unwrap_or(0),
        i64::from(c.completion_ms.is_some()),
        c.completion_ms.unwrap_or(0),
    ];
    let one = [1, 0, 0, 0, 0];
    let mut out = Vec::with_capacity(14);
    for (grain, period) in periods_of(c) {
        for category in [c.category.as_str(), ALL_CATEGORIES] {
            let mut dims = vec![
                ("state", &c.state, times),
                ("channel", &c.channel, one),
                ("region", &c.region, one),
            ];
            if category == ALL_CATEGORIES {
                dims.push(("category", &c.category, one));
            }
            for (dim, value, delta) in dims {
                let key = (
                    grain,
                    category.to_owned(),
                    period.clone(),
                    dim,
                    value.clone(),
                );
                out.push((key, delta));
            }
        }
    }
    out
}

/// `(grain, category, period, channel, reporter key)`.
type ReporterKey = (&'static str, String, String, String, String);

fn reporters_of(c: &Contribution) -> Vec<ReporterKey> {
    let Some(reporter) = &c.reporter else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(4);
    for (grain, period) in periods_of(c) {
        for category in [c.category.as_str(), ALL_CATEGORIES] {
            out.push((
                grain,
                category.to_owned(),
                period.clone(),
                c.channel.clone(),
                reporter.clone(),
            ));
        }
    }
    out
}

/// The day and the month a contribution counts in.
fn periods_of(c: &Contribution) -> [(&'static str, String); 2] {
    let month = c.day.get(..7).unwrap_or(&c.day).to_owned();
    [("d", c.day.clone()), ("m", month)]
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

/// Count `delta` more reports by a reporter; when that makes them appear in (or leave) the
/// period's set, update the set.
/// Add `delta` to a reporter's reports in one set's period; returns the count after.
fn bump_reporter(conn: &Connection, key: &ReporterKey, id: u32, delta: i64) -> StoreResult<i64> {
    let (grain, category, period, channel, _) = key;
    conn.prepare_cached(
        "INSERT INTO stats_reporter_counts (grain, category, period, channel, reporter, reports)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (grain, category, period, channel, reporter) DO UPDATE SET
             reports = reports + excluded.reports
         RETURNING reports",
    )
    .and_then(|mut s| {
        s.query_row(params![grain, category, period, channel, id, delta], |r| {
            r.get(0)
        })
    })
    .map_err(StoreError::other)
}

/// Add many newly stored reports at once (an import's batch): the same counts as
/// `count(conn, id, 1)` for each, but every cell and every reporter set is written once
/// per call instead of once per report (a month's set is rewritten whole on each change).
pub(super) fn count_new(conn: &Connection, reports: &[i64]) -> StoreResult<()> {
    let mut cells: BTreeMap<CellKey, [i64; 5]> = BTreeMap::new();
    let mut reporters: BTreeMap<ReporterKey, i64> = BTreeMap::new();
    for &report in reports {
        let c = read(conn, report)?.ok_or(StoreError::NotFound)?;
        for (key, delta) in cells_of(&c) {
            let sum = cells.entry(key).or_default();
            for (s, d) in sum.iter_mut().zip(delta) {
                *s += d;
            }
        }
        for key in reporters_of(&c) {
            *reporters.entry(key).or_default() += 1;
        }
    }
    for (key, delta) in &cells {
        add_cell(conn, key, *delta)?;
    }
    let mut joining: BTreeMap<ReporterKey, Vec<u32>> = BTreeMap::new();
    for (key, delta) in reporters {
        let id = reporter_id(conn, &key.4)?;
        let now = bump_reporter(conn, &key, id, delta)?;
        if now - delta <= 0 && now > 0 {
            let (grain, category, period, channel, _) = key;
            joining
                .entry((grain, category, period, channel, String::new()))
                .or_default()
                .push(id);
        }
    }
    for (key, ids) in joining {
        let (grain, category, period, channel, _) = &key;
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
        let mut set = match stored {
            Some(bytes) => reporter_set(&bytes)?,
            None => RoaringBitmap::new(),
        };
        set.extend(ids);
        let mut bytes = Vec::with_capacity(set.serialized_size());
        set.serialize_into(&mut bytes).map_err(StoreError::other)?;
        conn.prepare_cached(
            "INSERT INTO stats_reporter_sets (grain, category, period, channel, members)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (grain, category, period, channel) DO UPDATE SET
                 members = excluded.members",
        )
        .and_then(|mut s| s.execute(params![grain, category, period, channel, bytes]))
        .map_err(StoreError::other)?;
    }
    Ok(())
}

fn add_reporter(conn: &Connection, key: &ReporterKey, delta: i64) -> StoreResult<()> {
    let (grain, category, period, channel, reporter) = key;
    let id = reporter_id(conn, reporter)?;
    let now = bump_reporter(conn, key, id, delta)?;
    let before = now - delta;
    if now <= 0 {
        conn.prepare_cached(
            "DELETE FROM stats_reporter_counts WHERE grain = ?1 AND category = ?2
                 AND period = ?3 AND channel = ?4 AND reporter = ?5",
        )
        .and_then(|mut s| s.execute(params![grain, category, period, channel, id]))
        .map_err(StoreError::other)?;
    }
    match (before > 0, now > 0) {
        (false, true) => change_set(conn, key, id, true),
        (true, false) => change_set(conn, key, id, false),
        _ => Ok(()),
    }
}

/// The small number of a reporter key, given one the first time it is seen.
fn reporter_id(conn: &Connection, key: &str) -> StoreResult<u32> {
    let known: Option<i64> = conn
        .prepare_cached("SELECT id FROM stats_reporter_ids WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(StoreError::other)?;
    let id = match known {
        Some(id) => id,
        None => conn
            .prepare_cached("INSERT INTO stats_reporter_ids (key) VALUES (?1) RETURNING id")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)))
            .map_err(StoreError::other)?,
    };
    u32::try_from(id).map_err(|_| StoreError::Other(format!("reporter number {id} overflows")))
}

fn change_set(conn: &Connection, key: &ReporterKey, id: u32, member: bool) -> StoreResult<()> {
    let (grain, category, period, channel, _) = key;
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
    let mut set = match stored {
        Some(bytes) => reporter_set(&bytes)?,
        None => RoaringBitmap::new(),
    };
    if member {
        set.insert(id);
    } else {
        set.remove(id);
    }
    if set.is_empty() {
        conn.prepare_cached(
            "DELETE FROM stats_reporter_sets
             WHERE grain = ?1 AND category = ?2 AND period = ?3 AND channel = ?4",
        )
        .and_then(|mut s| s.execute(params![grain, category, period, channel]))
        .map_err(StoreError::other)?;
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(set.serialized_size());
    set.serialize_into(&mut bytes).map_err(StoreError::other)?;
    conn.prepare_cached(
        "INSERT INTO stats_reporter_sets (grain, category, period, channel, members)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (grain, category, period, channel) DO UPDATE SET members = excluded.members",
    )
    .and_then(|mut s| s.execute(params![grain, category, period, channel, bytes]))
    .map_err(StoreError::other)?;
    Ok(())
}

/// A stored set of reporter numbers.
pub(super) fn reporter_set(bytes: &[u8]) -> StoreResult<RoaringBitmap> {
    RoaringBitmap::deserialize_from(bytes)
        .map_err(|e| StoreError::Other(format!("a stored reporter set is damaged: {e}")))
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
