//! The statistics' counts in PostgreSQL, kept inside every transaction that changes a
//! report: what a report contributes is read before the change and after it, and the
//! difference (`crate::counts::Delta`) applied to `stats_cells` and `stats_reporter_sets`.
//!
//! Several instances write at once, so every row is changed under its lock, and locks are
//! taken in one order by every writer: the cells in key order (atomic upserts), then the
//! reporter numbers in key order, then the reporter sets in key order (each read, changed
//! and rewritten while locked).

use std::collections::BTreeMap;

use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use super::db_error;
use super::rows::get;
pub(super) use crate::counts::Contribution;
use crate::counts::{
    CellKey, Delta, SetKey, decode_reporter_set, encode_reporter_set, small_reporter_id,
};
use crate::{StoreError, StoreResult};

const CONTRIBUTION: &str = "SELECT r.id, r.local_day, r.category, r.channel, r.region, r.state,
        r.coordinated_at - r.created_at,
        CASE WHEN r.state = 'completed' THEN r.completed_at - r.created_at END,
        rr.reporter_key
     FROM reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id";

/// A stored report's contribution; `None` when there is no such report.
pub(super) async fn read(
    conn: &mut PgConnection,
    report: i64,
) -> StoreResult<Option<Contribution>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CONTRIBUTION} WHERE r.id = $1"
    )))
    .bind(report)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(contribution).transpose()
}

fn contribution(row: &PgRow) -> StoreResult<Contribution> {
    let id: i64 = get(row, 0)?;
    let day: Option<String> = get(row, 1)?;
    let day = day.ok_or_else(|| {
        StoreError::Other(format!(
            "report {id} has no local day: the statistics cannot count it"
        ))
    })?;
    Ok(Contribution {
        day,
        category: get(row, 2)?,
        channel: get(row, 3)?,
        region: get(row, 4)?,
        state: get(row, 5)?,
        coordination_ms: get::<Option<i64>>(row, 6)?.map(|us| us / 1000),
        completion_ms: get::<Option<i64>>(row, 7)?.map(|us| us / 1000),
        reporter: get(row, 8)?,
    })
}

/// Count newly stored reports (a submission, an import's batch): every cell and reporter
/// set they touch is written once, however many of them it counts.
pub(super) async fn count_new(conn: &mut PgConnection, reports: &[i64]) -> StoreResult<()> {
    if reports.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CONTRIBUTION} WHERE r.id = ANY($1) ORDER BY r.id"
    )))
    .bind(reports)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if rows.len() != distinct.len() {
        return Err(StoreError::NotFound);
    }
    let counted = rows
        .iter()
        .map(contribution)
        .collect::<StoreResult<Vec<_>>>()?;
    write(conn, &Delta::counting(&counted)).await
}

/// Replace what a report contributed `before` a change by what it contributes `after` it
/// (read once the change is written), touching only the rows whose counts change.
pub(super) async fn shift(
    conn: &mut PgConnection,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> StoreResult<()> {
    match Delta::shifting(before, after) {
        Some(delta) => write(conn, &delta).await,
        None => Ok(()),
    }
}

async fn write(conn: &mut PgConnection, delta: &Delta) -> StoreResult<()> {
    for (key, change) in delta.changed_cells() {
        add_cell(conn, key, change).await?;
    }
    let numbers = reporter_ids(conn, &delta.joining_reporters()).await?;
    for (set, change) in delta.set_changes() {
        let joining = change
            .joining
            .iter()
            .map(|key| {
                numbers.get(*key).copied().ok_or_else(|| {
                    StoreError::Other(format!("reporter {key:?} was given no number"))
                })
            })
            .collect::<StoreResult<Vec<u32>>>()?;
        change_set(conn, set, &joining, &change.losing).await?;
    }
    Ok(())
}

/// Add to a cell's counts in one atomic upsert; a cell left counting no report goes.
async fn add_cell(conn: &mut PgConnection, key: &CellKey, d: [i64; 5]) -> StoreResult<()> {
    let (grain, category, period, dim, value) = key;
    sqlx::query(
        "INSERT INTO stats_cells AS t (grain, category, period, dim, value, reports,
             coordinated, coordination_ms, completed, completion_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (grain, category, period, dim, value) DO UPDATE SET
             reports = t.reports + excluded.reports,
             coordinated = t.coordinated + excluded.coordinated,
             coordination_ms = t.coordination_ms + excluded.coordination_ms,
             completed = t.completed + excluded.completed,
             completion_ms = t.completion_ms + excluded.completion_ms",
    )
    .bind(*grain)
    .bind(category)
    .bind(period)
    .bind(*dim)
    .bind(value)
    .bind(d[0])
    .bind(d[1])
    .bind(d[2])
    .bind(d[3])
    .bind(d[4])
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if d[0] < 0 {
        sqlx::query(
            "DELETE FROM stats_cells WHERE grain = $1 AND category = $2 AND period = $3
                 AND dim = $4 AND value = $5 AND reports <= 0",
        )
        .bind(*grain)
        .bind(category)
        .bind(period)
        .bind(*dim)
        .bind(value)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// The small numbers of reporter keys (sorted, distinct), giving one to each key seen for
/// the first time.
async fn reporter_ids(
    conn: &mut PgConnection,
    keys: &[&str],
) -> StoreResult<BTreeMap<String, u32>> {
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut known = known_reporter_ids(conn, keys).await?;
    if known.len() < keys.len() {
        let missing: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| !known.contains_key(*k))
            .collect();
        sqlx::query(
            "INSERT INTO stats_reporter_ids (key)
             SELECT k FROM unnest($1::text[]) AS k ORDER BY k
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(&missing)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        known = known_reporter_ids(conn, keys).await?;
    }
    Ok(known)
}

async fn known_reporter_ids(
    conn: &mut PgConnection,
    keys: &[&str],
) -> StoreResult<BTreeMap<String, u32>> {
    let rows = sqlx::query("SELECT key, id FROM stats_reporter_ids WHERE key = ANY($1)")
        .bind(keys)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((get(row, 0)?, small_reporter_id(get(row, 1)?)?)))
        .collect()
}

/// Whether a reporter still has a report in a set's period, category and channel (asked
/// after the change that may have taken their last one away, with the set locked).
async fn still_reports(conn: &mut PgConnection, set: &SetKey, reporter: &str) -> StoreResult<bool> {
    let (grain, category, period, channel) = set;
    let row = sqlx::query(
        "SELECT EXISTS (SELECT 1 FROM report_reporters rr JOIN reports r ON r.id = rr.report_id
             WHERE rr.reporter_key = $1 AND r.channel = $2
               AND ($3::text = '*' OR r.category = $3::text)
               AND (CASE $4::text WHEN 'd' THEN r.local_day
                    ELSE substr(r.local_day, 1, 7) END) = $5)",
    )
    .bind(reporter)
    .bind(channel)
    .bind(category)
    .bind(*grain)
    .bind(period)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    get(&row, 0)
}

/// Add `joining` to one reporter set and take out those of `losing` with no report left
/// in it: the set's row is locked (created empty if needed) before it is read, so no
/// concurrent change is lost, and rewritten once.
async fn change_set(
    conn: &mut PgConnection,
    set: &SetKey,
    joining: &[u32],
    losing: &[&str],
) -> StoreResult<()> {
    let (grain, category, period, channel) = set;
    let stored = lock_set(conn, set).await?;
    let mut members = decode_reporter_set(&stored)?;
    let before = members.clone();
    members.extend(joining.iter().copied());
    let mut leaving = Vec::new();
    for reporter in losing {
        if !still_reports(conn, set, reporter).await? {
            leaving.push(*reporter);
        }
    }
    if !leaving.is_empty() {
        for id in known_reporter_ids(conn, &leaving).await?.values() {
            members.remove(*id);
        }
    }
    if members.is_empty() {
        sqlx::query(
            "DELETE FROM stats_reporter_sets
             WHERE grain = $1 AND category = $2 AND period = $3 AND channel = $4",
        )
        .bind(*grain)
        .bind(category)
        .bind(period)
        .bind(channel)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    } else if members != before {
        sqlx::query(
            "UPDATE stats_reporter_sets SET members = $5
             WHERE grain = $1 AND category = $2 AND period = $3 AND channel = $4",
        )
        .bind(*grain)
        .bind(category)
        .bind(period)
        .bind(channel)
        .bind(encode_reporter_set(&members)?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// Lock a reporter set's row, creating it empty when there is none, and return its
/// members as stored. A row deleted by a writer this one waited for is created again.
async fn lock_set(conn: &mut PgConnection, set: &SetKey) -> StoreResult<Vec<u8>> {
    let (grain, category, period, channel) = set;
    let empty = encode_reporter_set(&roaring::RoaringBitmap::new())?;
    for _ in 0..LOCK_ATTEMPTS {
        sqlx::query(
            "INSERT INTO stats_reporter_sets (grain, category, period, channel, members)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (grain, category, period, channel) DO NOTHING",
        )
        .bind(*grain)
        .bind(category)
        .bind(period)
        .bind(channel)
        .bind(&empty)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        let row = sqlx::query(
            "SELECT members FROM stats_reporter_sets
             WHERE grain = $1 AND category = $2 AND period = $3 AND channel = $4
             FOR UPDATE",
        )
        .bind(*grain)
        .bind(category)
        .bind(period)
        .bind(channel)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        if let Some(row) = row {
            return get(&row, 0);
        }
    }
    Err(StoreError::Other(format!(
        "the reporter set {set:?} kept vanishing while being locked"
    )))
}

/// How many times a reporter set deleted under a writer's feet is created again.
const LOCK_ATTEMPTS: usize = 100;
