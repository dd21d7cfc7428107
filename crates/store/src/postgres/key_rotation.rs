//! `aduan key rotate` in PostgreSQL: every sealed value re-sealed and every reporter key
//! given its counterpart under the new key (see [`KeyRotation`]), a page of rows at a time,
//! in one transaction.

use sqlx::{PgConnection, Row};

use super::db_error;
use super::rows::get;
use crate::identity::{KeyRotation, ReporterRow, RotationCounts};
use crate::{StoreError, StoreResult};

/// Rows read at once: memory stays bounded however many reports there are.
const PAGE: i64 = 1000;

/// Rotate everything the database holds inside the transaction `tx` is in.
pub(super) async fn rotate(
    tx: &mut PgConnection,
    rotation: &KeyRotation,
    at: i64,
) -> StoreResult<RotationCounts> {
    // Locked until the commit: a second rotation waits, then finds the new fingerprint.
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT fingerprint FROM identity_key WHERE id = 1 FOR UPDATE")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
    rotation.check_recorded(recorded.as_deref())?;
    let mut counts = RotationCounts {
        accounts: reseal_accounts(tx, rotation).await?,
        ..RotationCounts::default()
    };
    sqlx::query(
        "CREATE TEMP TABLE key_rotation (
             old TEXT PRIMARY KEY, new TEXT NOT NULL, recomputed BOOLEAN NOT NULL)
         ON COMMIT DROP",
    )
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    recompute_keys(tx, rotation).await?;
    rewrite_reporters(tx, rotation, &mut counts).await?;
    carry_other_keys(tx, rotation).await?;
    for sql in [
        "UPDATE stats_reporter_ids s SET key = m.new FROM key_rotation m
         WHERE s.key = m.old AND m.old <> m.new",
        "UPDATE stats_pending p SET reporter = m.new FROM key_rotation m
         WHERE p.reporter = m.old AND m.old <> m.new",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.map_err(db_error)?;
    }
    let (recomputed, carried): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE recomputed),
                COUNT(*) FILTER (WHERE NOT recomputed AND old <> new)
         FROM key_rotation",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    counts.keys_recomputed = u64::try_from(recomputed).unwrap_or(0);
    counts.keys_carried = u64::try_from(carried).unwrap_or(0);
    // The VAPID key is derived from the identity key: browsers subscribed under the old one
    // are refused by their push services now, and subscribe again on their next visit.
    sqlx::query("DELETE FROM push_subscriptions")
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    sqlx::query("UPDATE identity_key SET fingerprint = $1, recorded_at = $2 WHERE id = 1")
        .bind(rotation.new_fingerprint())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    Ok(counts)
}

async fn reseal_accounts(tx: &mut PgConnection, rotation: &KeyRotation) -> StoreResult<u64> {
    let (mut after, mut count) = (0i64, 0u64);
    loop {
        let page: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT i.user_id, u.username, i.sealed FROM identities i
             JOIN users u ON u.id = i.user_id
             WHERE i.user_id > $1 ORDER BY i.user_id LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(last) = page.last() else {
            return Ok(count);
        };
        after = last.0;
        let mut users = Vec::with_capacity(page.len());
        let mut sealed = Vec::with_capacity(page.len());
        for (user, username, old) in &page {
            users.push(*user);
            sealed.push(rotation.reseal_account(username, old)?);
        }
        sqlx::query(
            "UPDATE identities i SET sealed = u.sealed
             FROM UNNEST($1::bigint[], $2::bytea[]) AS u(user_id, sealed)
             WHERE i.user_id = u.user_id",
        )
        .bind(&users)
        .bind(&sealed)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        count += page.len() as u64;
    }
}

/// A page of reporters after `after`, with the new key already decided for theirs.
async fn reporters_page(
    tx: &mut PgConnection,
    after: i64,
) -> StoreResult<Vec<(i64, ReporterRow, Option<String>)>> {
    sqlx::query(
        "SELECT rr.report_id, r.channel, rr.reporter_key, rr.sealed_identity, rr.sealed_reply,
                m.new
         FROM report_reporters rr JOIN reports r ON r.id = rr.report_id
         LEFT JOIN key_rotation m ON m.old = rr.reporter_key
         WHERE rr.report_id > $1 ORDER BY rr.report_id LIMIT $2",
    )
    .bind(after)
    .bind(PAGE)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?
    .iter()
    .map(|row| {
        Ok((
            get(row, 0)?,
            ReporterRow {
                channel: get(row, 1)?,
                reporter_key: get(row, 2)?,
                sealed_identity: get(row, 3)?,
                sealed_reply: get(row, 4)?,
            },
            get(row, 5)?,
        ))
    })
    .collect()
}

/// Remember old keys' new keys (the first decision for a key stands).
async fn remember(
    tx: &mut PgConnection,
    pairs: &[(String, String)],
    recomputed: bool,
) -> StoreResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let (old, new): (Vec<&str>, Vec<&str>) =
        pairs.iter().map(|(o, n)| (o.as_str(), n.as_str())).unzip();
    sqlx::query(
        "INSERT INTO key_rotation (old, new, recomputed)
         SELECT old, new, $3 FROM UNNEST($1::text[], $2::text[]) AS u(old, new)
         ON CONFLICT (old) DO NOTHING",
    )
    .bind(&old)
    .bind(&new)
    .bind(recomputed)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// First pass: every row opens with the old key, and each key that any of its rows
/// recomputes gets its new key, before any row is rewritten.
async fn recompute_keys(tx: &mut PgConnection, rotation: &KeyRotation) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let page = reporters_page(tx, after).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        let mut pairs = Vec::new();
        for (report, row, _) in &page {
            let opened = rotation.open_reporter(*report, row)?;
            if let (Some(old), Some(new)) = (
                row.reporter_key.as_deref(),
                rotation.recomputed_key(row, &opened),
            ) {
                pairs.push((old.to_owned(), new));
            }
        }
        remember(tx, &pairs, true).await?;
    }
}

/// Second pass: each row re-sealed for its new key (recomputed, else carried).
async fn rewrite_reporters(
    tx: &mut PgConnection,
    rotation: &KeyRotation,
    counts: &mut RotationCounts,
) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let page = reporters_page(tx, after).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        let (mut reports, mut identities, mut replies, mut keys, mut carried) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (report, row, decided) in page {
            let new_key = match (decided, row.reporter_key.as_deref()) {
                (Some(new), _) => Some(new),
                (None, Some(old)) => {
                    let new = rotation.carried_key(old);
                    carried.push((old.to_owned(), new.clone()));
                    Some(new)
                }
                (None, None) => None,
            };
            let opened = rotation.open_reporter(report, &row)?;
            let crate::identity::Resealed { identity, reply } =
                rotation.reseal_reporter(&opened, new_key.as_deref())?;
            counts.reporter_identities += u64::from(identity.is_some());
            counts.reply_routes += u64::from(reply.is_some());
            reports.push(report);
            identities.push(identity);
            replies.push(reply);
            keys.push(new_key);
        }
        remember(tx, &carried, false).await?;
        sqlx::query(
            "UPDATE report_reporters rr
             SET sealed_identity = u.identity, sealed_reply = u.reply, reporter_key = u.key
             FROM UNNEST($1::bigint[], $2::bytea[], $3::bytea[], $4::text[])
                 AS u(report_id, identity, reply, key)
             WHERE rr.report_id = u.report_id",
        )
        .bind(&reports)
        .bind(&identities)
        .bind(&replies)
        .bind(&keys)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
}

/// Keys only the statistics still hold (of reports since deleted, or waiting to be
/// folded) are carried too.
async fn carry_other_keys(tx: &mut PgConnection, rotation: &KeyRotation) -> StoreResult<()> {
    for sql in [
        "SELECT key FROM stats_reporter_ids WHERE key > $1
           AND NOT EXISTS (SELECT 1 FROM key_rotation m WHERE m.old = key)
         ORDER BY key LIMIT $2",
        "SELECT DISTINCT reporter FROM stats_pending WHERE reporter > $1
           AND NOT EXISTS (SELECT 1 FROM key_rotation m WHERE m.old = reporter)
         ORDER BY reporter LIMIT $2",
    ] {
        let mut after = String::new();
        loop {
            let keys: Vec<String> = sqlx::query(sql)
                .bind(&after)
                .bind(PAGE)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?
                .iter()
                .map(|row| row.try_get(0).map_err(StoreError::other))
                .collect::<StoreResult<_>>()?;
            let Some(last) = keys.last() else {
                break;
            };
            after.clone_from(last);
            let pairs: Vec<(String, String)> = keys
                .iter()
                .map(|old| (old.clone(), rotation.carried_key(old)))
                .collect();
            remember(tx, &pairs, false).await?;
        }
    }
    Ok(())
}
