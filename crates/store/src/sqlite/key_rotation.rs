//! `aduan key rotate` in SQLite: every sealed value re-sealed and every reporter key given
//! its counterpart under the new key (see [`KeyRotation`]), a page of rows at a time, in
//! the one write transaction the caller runs this in.

use rusqlite::{Connection, OptionalExtension, params};

use crate::identity::{KeyRotation, ReporterRow, RotationCounts};
use crate::{StoreError, StoreResult};

/// Rows read at once: memory stays bounded however many reports there are.
const PAGE: i64 = 1000;

/// Rotate everything `conn` holds; the caller's transaction makes it all or nothing.
pub(super) fn rotate(
    conn: &Connection,
    rotation: &KeyRotation,
    at: i64,
) -> StoreResult<RotationCounts> {
    check_fingerprint(conn, rotation)?;
    let mut counts = RotationCounts {
        accounts: reseal_accounts(conn, rotation)?,
        ..RotationCounts::default()
    };
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.key_rotation;
         CREATE TEMP TABLE key_rotation (
             old TEXT PRIMARY KEY, new TEXT NOT NULL, recomputed INTEGER NOT NULL);",
    )
    .map_err(StoreError::other)?;
    recompute_keys(conn, rotation)?;
    rewrite_reporters(conn, rotation, &mut counts)?;
    rewrite_reporter_ids(conn, rotation)?;
    let (recomputed, carried): (i64, i64) = conn
        .query_row(
            "SELECT COALESCE(SUM(recomputed), 0),
                    COALESCE(SUM(1 - recomputed), 0) - COALESCE(SUM(old = new), 0)
             FROM temp.key_rotation",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(StoreError::other)?;
    counts.keys_recomputed = u64::try_from(recomputed).unwrap_or(0);
    counts.keys_carried = u64::try_from(carried).unwrap_or(0);
    conn.execute_batch("DROP TABLE temp.key_rotation")
        .map_err(StoreError::other)?;
    // The VAPID key is derived from the identity key: browsers subscribed under the old one
    // are refused by their push services now, and subscribe again on their next visit.
    conn.execute("DELETE FROM push_subscriptions", [])
        .map_err(StoreError::other)?;
    conn.execute(
        "UPDATE identity_key SET fingerprint = ?1, recorded_at = ?2 WHERE id = 1",
        params![rotation.new_fingerprint(), at],
    )
    .map_err(StoreError::other)?;
    Ok(counts)
}

/// Refuse a store whose recorded key is not the old key.
fn check_fingerprint(conn: &Connection, rotation: &KeyRotation) -> StoreResult<()> {
    let recorded: Option<String> = conn
        .query_row(
            "SELECT fingerprint FROM identity_key WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::other)?;
    rotation.check_recorded(recorded.as_deref())
}

fn reseal_accounts(conn: &Connection, rotation: &KeyRotation) -> StoreResult<u64> {
    let (mut after, mut count) = (0i64, 0u64);
    loop {
        let page: Vec<(i64, String, Vec<u8>)> = conn
            .prepare_cached(
                "SELECT i.user_id, u.username, i.sealed FROM identities i
                 JOIN users u ON u.id = i.user_id
                 WHERE i.user_id > ?1 ORDER BY i.user_id LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![after, PAGE], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect()
            })
            .map_err(StoreError::other)?;
        let Some(last) = page.last() else {
            return Ok(count);
        };
        after = last.0;
        for (user, username, sealed) in page {
            let sealed = rotation.reseal_account(&username, &sealed)?;
            conn.prepare_cached("UPDATE identities SET sealed = ?1 WHERE user_id = ?2")
                .and_then(|mut s| s.execute(params![sealed, user]))
                .map_err(StoreError::other)?;
            count += 1;
        }
    }
}

/// A page of reporters after `after`, with the new key already decided for theirs.
fn reporters_page(
    conn: &Connection,
    after: i64,
) -> StoreResult<Vec<(i64, ReporterRow, Option<String>)>> {
    conn.prepare_cached(
        "SELECT rr.report_id, r.channel, rr.reporter_key, rr.sealed_identity, rr.sealed_reply,
                m.new
         FROM report_reporters rr JOIN reports r ON r.id = rr.report_id
         LEFT JOIN temp.key_rotation m ON m.old = rr.reporter_key
         WHERE rr.report_id > ?1 ORDER BY rr.report_id LIMIT ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![after, PAGE], |r| {
            Ok((
                r.get(0)?,
                ReporterRow {
                    channel: r.get(1)?,
                    reporter_key: r.get(2)?,
                    sealed_identity: r.get(3)?,
                    sealed_reply: r.get(4)?,
                },
                r.get(5)?,
            ))
        })?
        .collect()
    })
    .map_err(StoreError::other)
}

fn remember(conn: &Connection, old: &str, new: &str, recomputed: bool) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO temp.key_rotation (old, new, recomputed) VALUES (?1, ?2, ?3)
         ON CONFLICT (old) DO NOTHING",
    )
    .and_then(|mut s| s.execute(params![old, new, recomputed]))
    .map_err(StoreError::other)?;
    Ok(())
}

/// First pass: every row opens with the old key, and each key that any of its rows
/// recomputes gets its new key, before any row is rewritten.
fn recompute_keys(conn: &Connection, rotation: &KeyRotation) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let page = reporters_page(conn, after)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        for (report, row, _) in page {
            let opened = rotation.open_reporter(report, &row)?;
            if let (Some(old), Some(new)) = (
                row.reporter_key.as_deref(),
                rotation.recomputed_key(&row, &opened),
            ) {
                remember(conn, old, &new, true)?;
            }
        }
    }
}

/// Second pass: each row re-sealed for its new key (recomputed, else carried).
fn rewrite_reporters(
    conn: &Connection,
    rotation: &KeyRotation,
    counts: &mut RotationCounts,
) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let page = reporters_page(conn, after)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        for (report, row, decided) in page {
            let new_key = match (decided, row.reporter_key.as_deref()) {
                (Some(new), _) => Some(new),
                (None, Some(old)) => {
                    let new = rotation.carried_key(old);
                    remember(conn, old, &new, false)?;
                    Some(new)
                }
                (None, None) => None,
            };
            let opened = rotation.open_reporter(report, &row)?;
            let crate::identity::Resealed { identity, reply } =
                rotation.reseal_reporter(&opened, new_key.as_deref())?;
            counts.reporter_identities += u64::from(identity.is_some());
            counts.reply_routes += u64::from(reply.is_some());
            conn.prepare_cached(
                "UPDATE report_reporters SET sealed_identity = ?1, sealed_reply = ?2,
                     reporter_key = ?3 WHERE report_id = ?4",
            )
            .and_then(|mut s| s.execute(params![identity, reply, new_key, report]))
            .map_err(StoreError::other)?;
        }
    }
}

/// The statistics' reporter numbers follow their keys (a key only they still hold, of a
/// report since deleted, is carried too).
fn rewrite_reporter_ids(conn: &Connection, rotation: &KeyRotation) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let page: Vec<(i64, String, Option<String>)> = conn
            .prepare_cached(
                "SELECT s.id, s.key, m.new FROM stats_reporter_ids s
                 LEFT JOIN temp.key_rotation m ON m.old = s.key
                 WHERE s.id > ?1 ORDER BY s.id LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![after, PAGE], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect()
            })
            .map_err(StoreError::other)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        for (id, old, decided) in page {
            let new = match decided {
                Some(new) => new,
                None => {
                    let new = rotation.carried_key(&old);
                    remember(conn, &old, &new, false)?;
                    new
                }
            };
            conn.prepare_cached("UPDATE stats_reporter_ids SET key = ?1 WHERE id = ?2")
                .and_then(|mut s| s.execute(params![new, id]))
                .map_err(StoreError::other)?;
        }
    }
}
