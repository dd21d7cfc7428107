//! The statistics' counts in PostgreSQL. A transaction that changes a report appends what
//! the report contributed before and after it to `stats_pending` (no row there is shared
//! by two writers, so intake never queues on the busiest counts); [`fold`] sums a batch of
//! those changes (`crate::counts::Delta`) into `stats_cells` and `stats_reporter_sets`.
//!
//! Folds run in several instances at once, so every row is changed under its lock, and
//! locks are taken in one order: the queued changes (by id), the cells in key order
//! (atomic upserts), the reporter numbers in key order, then the reporter sets in key order
//! (each read, changed and rewritten while locked).

use std::collections::BTreeMap;

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};

use super::db_error;
use super::rows::{column, get};
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

/// Queue the counting of newly stored reports (a submission, an import's batch).
pub(super) async fn count_new(conn: &mut PgConnection, reports: &[i64]) -> StoreResult<()> {
    if reports.is_empty() {
        return Ok(());
    }
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let queued = sqlx::query(
        "INSERT INTO stats_pending (sign, day, category, channel, region, state,
             coordination_ms, completion_ms, reporter)
         SELECT 1, r.local_day, r.category, r.channel, r.region, r.state,
                (r.coordinated_at - r.created_at) / 1000,
                CASE WHEN r.state = 'completed' THEN (r.completed_at - r.created_at) / 1000 END,
                rr.reporter_key
         FROM unnest($1::bigint[]) AS n(id)
         JOIN reports r ON r.id = n.id
         LEFT JOIN report_reporters rr ON rr.report_id = n.id",
    )
    .bind(&distinct)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?
    .rows_affected();
    if queued != distinct.len() as u64 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Queue replacing what a report contributed `before` a change by what it contributes
/// `after` it (read once the change is written); nothing when they are the same.
pub(super) async fn shift(
    conn: &mut PgConnection,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> StoreResult<()> {
    if before == after {
        return Ok(());
    }
    let changes: Vec<(i16, &Contribution)> = [(-1, before), (1, after)]
        .into_iter()
        .filter_map(|(sign, c)| Some((sign, c?)))
        .collect();
    queue(conn, &changes).await
}

/// Queue counting reports just filed, whose contributions the filing knows.
pub(super) async fn count_filed(
    conn: &mut PgConnection,
    filed: &[Contribution],
) -> StoreResult<()> {
    let changes: Vec<(i16, &Contribution)> = filed.iter().map(|c| (1, c)).collect();
    queue(conn, &changes).await
}

/// Queue `changes` (a sign and a contribution each) in one statement.
async fn queue(conn: &mut PgConnection, changes: &[(i16, &Contribution)]) -> StoreResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO stats_pending (sign, day, category, channel, region, state,
             coordination_ms, completion_ms, reporter)
         SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::bigint[], $8::bigint[], $9::text[])",
    )
    .bind(column(changes, |(sign, _)| *sign))
    .bind(column(changes, |(_, c)| c.day.as_str()))
    .bind(column(changes, |(_, c)| c.category.as_str()))
    .bind(column(changes, |(_, c)| c.channel.as_str()))
    .bind(column(changes, |(_, c)| c.region.as_str()))
    .bind(column(changes, |(_, c)| c.state.as_str()))
    .bind(column(changes, |(_, c)| c.coordination_ms))
    .bind(column(changes, |(_, c)| c.completion_ms))
    .bind(column(changes, |(_, c)| c.reporter.as_deref()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Changes folded per transaction.
const FOLD_BATCH: i64 = 5_000;

/// Whether a fold skips queued changes another fold holds, or waits for it to finish.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Others {
    /// The background folder: leave them to the fold that holds them.
    Skip,
    /// A statistics read: wait, so that every committed change is counted when it reads.
    Wait,
}

/// Dead rows of the statistics' queue past which it is vacuumed at once. Every change is
/// queued and deleted again when folded; a statistics read looks for what is queued through
/// the queue's index, and walks every dead entry in it until a vacuum clears them (measured:
/// 4.8 ms a read, over 2,949 pages, after a million imported reports were folded, which held
/// statistics reads to 490 a second). Autovacuum comes within a minute or more; this comes
/// within a second.
const VACUUM_PAST_DEAD: i64 = 20_000;

/// Vacuum the statistics' queue when it holds more than [`VACUUM_PAST_DEAD`] dead rows (as
/// PostgreSQL's statistics count them), unless another instance is vacuuming it.
pub(super) async fn vacuum_queue_if_dead(pool: &PgPool) -> StoreResult<()> {
    let dead: Option<i64> = sqlx::query_scalar(
        "SELECT n_dead_tup FROM pg_stat_user_tables
         WHERE relid = 'stats_pending'::regclass",
    )
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    if dead.unwrap_or(0) > VACUUM_PAST_DEAD {
        sqlx::query("VACUUM (SKIP_LOCKED) stats_pending")
            .execute(pool)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// The oldest queued changes, locked, leaving those another instance holds.
const CLAIM_SKIP_LOCKED: &str = "SELECT id, sign, day, category, channel, region, state,
         coordination_ms, completion_ms, reporter
     FROM stats_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
/// The oldest queued changes, locked, waiting for those another instance holds.
const CLAIM_WAIT: &str = "SELECT id, sign, day, category, channel, region, state,
         coordination_ms, completion_ms, reporter
     FROM stats_pending ORDER BY id LIMIT $1 FOR UPDATE";
/// The claimed changes, once folded, by id through the queue's index: set for the rest of
/// the fold's transaction first ([`INDEXES_ONLY`]), since 5,000 ids in a queue PostgreSQL
/// believes empty are otherwise planned as a scan of the whole queue, each batch.
const DELETE_CLAIMED: &str = "DELETE FROM stats_pending WHERE id = ANY($1)";
const INDEXES_ONLY: &str = "SET LOCAL enable_seqscan = off";

/// Fold queued changes into the counts until none is left, a batch per transaction; how
/// many were folded.
///
/// A batch is claimed (the oldest rows, locked) and then deleted by id, two statements whose
/// plans do not depend on the queue's statistics: deleted `WHERE id IN (SELECT ...
/// LIMIT ... FOR UPDATE)` in one statement, a queue PostgreSQL had last seen empty (a vacuum
/// leaves it with 0 rows over its pages) while a million imported reports waited in it was
/// planned as a nested loop over the whole queue for each row, and one batch ran for
/// minutes.
pub(super) async fn fold(pool: &PgPool, others: Others) -> StoreResult<u64> {
    let claim = match others {
        Others::Skip => CLAIM_SKIP_LOCKED,
        Others::Wait => CLAIM_WAIT,
    };
    let mut folded = 0;
    loop {
        let mut tx = pool.begin().await.map_err(db_error)?;
        let rows = sqlx::query(claim)
            .bind(FOLD_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        if rows.is_empty() {
            return Ok(folded);
        }
        let claimed = rows
            .iter()
            .map(|row| get::<i64>(row, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        sqlx::query(INDEXES_ONLY)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(DELETE_CLAIMED)
            .bind(&claimed)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let changes = rows
            .iter()
            .map(|row| {
                let sign: i16 = get(row, 1)?;
                let c = Contribution {
                    day: get(row, 2)?,
                    category: get(row, 3)?,
                    channel: get(row, 4)?,
                    region: get(row, 5)?,
                    state: get(row, 6)?,
                    coordination_ms: get(row, 7)?,
                    completion_ms: get(row, 8)?,
                    reporter: get(row, 9)?,
                };
                Ok((c, i64::from(sign)))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        write(
            &mut tx,
            &Delta::signed(changes.iter().map(|(c, s)| (c, *s))),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        folded += rows.len() as u64;
        if (rows.len() as i64) < FOLD_BATCH {
            return Ok(folded);
        }
    }
}

async fn write(conn: &mut PgConnection, delta: &Delta) -> StoreResult<()> {
    add_cells(conn, &delta.changed_cells().collect::<Vec<_>>()).await?;
    let numbers = reporter_ids(conn, &delta.joining_reporters()).await?;
    let mut changes = Vec::new();
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
        changes.push((set, joining, change.losing));
    }
    change_sets(conn, &changes).await
}

/// The columns of cell keys, for `UNNEST`.
#[derive(Default)]
struct CellColumns {
    grains: Vec<&'static str>,
    categories: Vec<String>,
    periods: Vec<String>,
    dims: Vec<&'static str>,
    values: Vec<String>,
}

impl CellColumns {
    fn push(&mut self, (grain, category, period, dim, value): &CellKey) {
        self.grains.push(grain);
        self.categories.push(category.clone());
        self.periods.push(period.clone());
        self.dims.push(dim);
        self.values.push(value.clone());
    }
}

/// Add to the cells' counts in one atomic upsert, cells in key order; cells left counting
/// no report go.
async fn add_cells(conn: &mut PgConnection, cells: &[(&CellKey, [i64; 5])]) -> StoreResult<()> {
    if cells.is_empty() {
        return Ok(());
    }
    let mut keys = CellColumns::default();
    let mut sums: [Vec<i64>; 5] = Default::default();
    for (key, change) in cells {
        keys.push(key);
        for (column, value) in sums.iter_mut().zip(change) {
            column.push(*value);
        }
    }
    sqlx::query(
        "INSERT INTO stats_cells AS t (grain, category, period, dim, value, reports,
             coordinated, coordination_ms, completed, completion_ms)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
             AS v(grain, category, period, dim, value, reports, coordinated, coordination_ms,
                 completed, completion_ms)
         ORDER BY v.grain COLLATE \"C\", v.category COLLATE \"C\", v.period COLLATE \"C\",
             v.dim COLLATE \"C\", v.value COLLATE \"C\"
         ON CONFLICT (grain, category, period, dim, value) DO UPDATE SET
             reports = t.reports + excluded.reports,
             coordinated = t.coordinated + excluded.coordinated,
             coordination_ms = t.coordination_ms + excluded.coordination_ms,
             completed = t.completed + excluded.completed,
             completion_ms = t.completion_ms + excluded.completion_ms",
    )
    .bind(&keys.grains)
    .bind(&keys.categories)
    .bind(&keys.periods)
    .bind(&keys.dims)
    .bind(&keys.values)
    .bind(&sums[0])
    .bind(&sums[1])
    .bind(&sums[2])
    .bind(&sums[3])
    .bind(&sums[4])
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if cells.iter().any(|(_, change)| change[0] < 0) {
        sqlx::query(
            "DELETE FROM stats_cells WHERE reports <= 0
                 AND (grain, category, period, dim, value) IN
                     (SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[],
                         $5::text[]))",
        )
        .bind(&keys.grains)
        .bind(&keys.categories)
        .bind(&keys.periods)
        .bind(&keys.dims)
        .bind(&keys.values)
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

/// The columns of reporter-set keys, for `UNNEST`.
#[derive(Default)]
struct SetColumns {
    grains: Vec<&'static str>,
    categories: Vec<String>,
    periods: Vec<String>,
    channels: Vec<String>,
}

impl SetColumns {
    fn of<'a>(sets: impl IntoIterator<Item = &'a SetKey>) -> Self {
        let mut columns = Self::default();
        for (grain, category, period, channel) in sets {
            columns.grains.push(grain);
            columns.categories.push(category.clone());
            columns.periods.push(period.clone());
            columns.channels.push(channel.clone());
        }
        columns
    }
}

/// Add each change's `joining` to its reporter set and take out those of `losing` with no
/// report left in it: the sets' rows are locked in key order (created empty where needed)
/// before they are read, so no concurrent change is lost, and each changed set is rewritten
/// once; all of it in a few statements, whatever the number of sets.
async fn change_sets(
    conn: &mut PgConnection,
    changes: &[(&SetKey, Vec<u32>, Vec<&str>)],
) -> StoreResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut stored = lock_sets(conn, changes.iter().map(|(set, ..)| *set)).await?;
    let mut rewritten = Vec::new();
    let mut emptied = Vec::new();
    for (set, joining, losing) in changes {
        let bytes = stored.remove(*set).unwrap_or_default();
        let mut members = decode_reporter_set(&bytes)?;
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
            emptied.push(*set);
        } else if members != before {
            rewritten.push((*set, encode_reporter_set(&members)?));
        }
    }
    if !rewritten.is_empty() {
        let keys = SetColumns::of(rewritten.iter().map(|(set, _)| *set));
        let members: Vec<&[u8]> = rewritten.iter().map(|(_, m)| m.as_slice()).collect();
        sqlx::query(
            "UPDATE stats_reporter_sets AS s SET members = v.members
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
                 AS v(grain, category, period, channel, members)
             WHERE s.grain = v.grain AND s.category = v.category AND s.period = v.period
               AND s.channel = v.channel",
        )
        .bind(&keys.grains)
        .bind(&keys.categories)
        .bind(&keys.periods)
        .bind(&keys.channels)
        .bind(&members)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    if !emptied.is_empty() {
        let keys = SetColumns::of(emptied);
        sqlx::query(
            "DELETE FROM stats_reporter_sets
             WHERE (grain, category, period, channel) IN
                 (SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]))",
        )
        .bind(&keys.grains)
        .bind(&keys.categories)
        .bind(&keys.periods)
        .bind(&keys.channels)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// Lock the reporter sets' rows in key order, creating the missing ones empty, and return
/// their members as stored. Rows deleted by a writer this one waited for are created again.
async fn lock_sets<'a>(
    conn: &mut PgConnection,
    sets: impl Iterator<Item = &'a SetKey>,
) -> StoreResult<BTreeMap<SetKey, Vec<u8>>> {
    let wanted: Vec<&SetKey> = sets.collect();
    let keys = SetColumns::of(wanted.iter().copied());
    let empty = encode_reporter_set(&roaring::RoaringBitmap::new())?;
    for _ in 0..LOCK_ATTEMPTS {
        sqlx::query(
            "INSERT INTO stats_reporter_sets (grain, category, period, channel, members)
             SELECT grain, category, period, channel, $5
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])
                 AS v(grain, category, period, channel)
             ORDER BY v.grain COLLATE \"C\", v.category COLLATE \"C\",
                 v.period COLLATE \"C\", v.channel COLLATE \"C\"
             ON CONFLICT (grain, category, period, channel) DO NOTHING",
        )
        .bind(&keys.grains)
        .bind(&keys.categories)
        .bind(&keys.periods)
        .bind(&keys.channels)
        .bind(&empty)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        let rows = sqlx::query(
            "SELECT grain, category, period, channel, members FROM stats_reporter_sets
             WHERE (grain, category, period, channel) IN
                 (SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]))
             ORDER BY grain COLLATE \"C\", category COLLATE \"C\", period COLLATE \"C\",
                 channel COLLATE \"C\"
             FOR UPDATE",
        )
        .bind(&keys.grains)
        .bind(&keys.categories)
        .bind(&keys.periods)
        .bind(&keys.channels)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut found = BTreeMap::new();
        for row in &rows {
            let (grain, category, period, channel): (String, String, String, String) =
                (get(row, 0)?, get(row, 1)?, get(row, 2)?, get(row, 3)?);
            if let Some(set) = wanted.iter().find(|(g, c, p, ch)| {
                *g == grain && *c == category && *p == period && *ch == channel
            }) {
                found.insert((*set).clone(), get(row, 4)?);
            }
        }
        if found.len() == wanted.len() {
            return Ok(found);
        }
    }
    Err(StoreError::Other(
        "reporter sets kept vanishing while being locked".into(),
    ))
}

/// How many times a reporter set deleted under a writer's feet is created again.
const LOCK_ATTEMPTS: usize = 100;

#[cfg(test)]
#[path = "aggregates_tests.rs"]
mod tests;
