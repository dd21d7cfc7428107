//! The counts behind the published statistics, with SQL GROUP BY over the reports of a
//! period (the `reports_created_at` index finds them).

use rusqlite::{Connection, Params, Row, params};

use aduan_domain::stats::{StatsCounts, StatsQuery};
use aduan_domain::{CategoryCode, Channel, RegionCode, ReportState};

use super::rows::{corrupt, micros};
use crate::{StoreError, StoreResult};

/// The reports counted: `?1` <= created_at < `?2`, and of the categories in the JSON array
/// `?3` unless it is NULL.
const PERIOD: &str = "r.created_at >= ?1 AND r.created_at < ?2
     AND (?3 IS NULL OR r.category IN (SELECT value FROM json_each(?3)))";

/// Everything in one read transaction, so the figures agree with each other.
pub fn stats_counts(conn: &Connection, query: &StatsQuery) -> StoreResult<StatsCounts> {
    let tx = conn.unchecked_transaction().map_err(StoreError::other)?;
    let categories = if query.categories.is_empty() {
        None
    } else {
        let codes: Vec<&str> = query.categories.iter().map(CategoryCode::as_str).collect();
        Some(serde_json::to_string(&codes).map_err(StoreError::other)?)
    };
    let (from, to) = (micros(query.from), micros(query.to));

    let (reports, reporters, coordination, completion) = tx
        .query_row(
            &format!(
                "SELECT COUNT(*), COUNT(DISTINCT rr.reporter_key),
                    AVG(CAST(r.coordinated_at - r.created_at AS REAL)),
                    AVG(CASE WHEN r.state = 'completed'
                        THEN CAST(r.completed_at - r.created_at AS REAL) END)
                 FROM reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id
                 WHERE {PERIOD}"
            ),
            params![from, to, categories],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<f64>>(2)?,
                    r.get::<_, Option<f64>>(3)?,
                ))
            },
        )
        .map_err(StoreError::other)?;

    let by_state = grouped(&tx, "r.state", params![from, to, categories], |raw| {
        ReportState::parse(raw).ok_or_else(|| corrupt("state", raw))
    })?;
    let by_category = grouped(&tx, "r.category", params![from, to, categories], |raw| {
        CategoryCode::parse(raw).map_err(|_| corrupt("category", raw))
    })?;
    let by_region = grouped(&tx, "r.region", params![from, to, categories], |raw| {
        RegionCode::parse(raw).map_err(|_| corrupt("region", raw))
    })?;
    let by_channel = channels(&tx, params![from, to, categories])?;

    let mut edges = vec![from];
    edges.extend(query.boundaries.iter().map(|b| micros(*b)));
    edges.push(to);
    let mut by_bucket = Vec::with_capacity(edges.len() - 1);
    let mut stmt = tx
        .prepare_cached(&format!("SELECT COUNT(*) FROM reports r WHERE {PERIOD}"))
        .map_err(StoreError::other)?;
    for pair in edges.windows(2) {
        let n: i64 = stmt
            .query_row(params![pair[0], pair[1], categories], |r| r.get(0))
            .map_err(StoreError::other)?;
        by_bucket.push(count(n));
    }
    drop(stmt);
    tx.finish().map_err(StoreError::other)?;

    Ok(StatsCounts {
        reports: count(reports),
        reporters: count(reporters),
        by_state,
        mean_coordination_secs: coordination.map(|us| us / 1e6),
        mean_completion_secs: completion.map(|us| us / 1e6),
        by_category,
        by_channel,
        by_bucket,
        by_region,
    })
}

/// Reports per value of `column`, each value parsed by `parse`.
fn grouped<K>(
    conn: &Connection,
    column: &str,
    params: impl Params,
    parse: impl Fn(&str) -> StoreResult<K>,
) -> StoreResult<Vec<(K, u64)>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {column}, COUNT(*) FROM reports r WHERE {PERIOD} GROUP BY {column}"
        ))
        .map_err(StoreError::other)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(StoreError::other)?;
    rows.map(|row| {
        let (raw, n) = row.map_err(StoreError::other)?;
        Ok((parse(&raw)?, count(n)))
    })
    .collect()
}

/// Reports and distinct reporters per channel.
fn channels(conn: &Connection, params: impl Params) -> StoreResult<Vec<(Channel, u64, u64)>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT r.channel, COUNT(*), COUNT(DISTINCT rr.reporter_key)
             FROM reports r LEFT JOIN report_reporters rr ON rr.report_id = r.id
             WHERE {PERIOD} GROUP BY r.channel"
        ))
        .map_err(StoreError::other)?;
    let rows = stmt
        .query_map(params, channel_row)
        .map_err(StoreError::other)?;
    rows.map(|row| {
        let (raw, reports, reporters) = row.map_err(StoreError::other)?;
        let channel = Channel::parse(&raw).ok_or_else(|| corrupt("channel", &raw))?;
        Ok((channel, count(reports), count(reporters)))
    })
    .collect()
}

fn channel_row(r: &Row<'_>) -> rusqlite::Result<(String, i64, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}
