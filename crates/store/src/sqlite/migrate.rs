//! Embedded schema migrations, applied in order on open.

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::{StoreError, StoreResult};

/// `(version, sql)`, oldest first. Never edit a released migration; add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../../migrations/sqlite/0002_channels.sql")),
    (3, include_str!("../../migrations/sqlite/0003_admin.sql")),
    (4, include_str!("../../migrations/sqlite/0004_stats.sql")),
    (5, include_str!("../../migrations/sqlite/0005_search.sql")),
    (
        6,
        include_str!("../../migrations/sqlite/0006_catalog_revision.sql"),
    ),
    (7, include_str!("../../migrations/sqlite/0007_accounts.sql")),
    (8, include_str!("../../migrations/sqlite/0008_privacy.sql")),
    (
        9,
        include_str!("../../migrations/sqlite/0009_unit_kind_roles.sql"),
    ),
];

/// The migration that starts the statistics' counts; existing reports are counted after it.
const STATS_MIGRATION: i64 = 4;

/// The migration that creates the search index; existing reports are indexed after it.
const SEARCH_MIGRATION: i64 = 5;

/// Bring the schema up to date. The version is read and every pending migration applied in
/// one write transaction, so two processes opening a new file at once cannot both apply the
/// same migration; the loser of the race retries and finds the work done.
pub fn apply(conn: &mut Connection) -> StoreResult<()> {
    let mut attempt = 0;
    loop {
        match apply_once(conn) {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "migration raced another opener; retrying");
                std::thread::sleep(Duration::from_millis(20 * attempt));
            }
            Err(e) => return Err(e),
        }
    }
}

fn apply_once(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::other)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )
    .map_err(StoreError::other)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::other)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Other(format!("migration {version}: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            (version, chrono::Utc::now().timestamp_micros()),
        )
        .map_err(StoreError::other)?;
        if *version == STATS_MIGRATION {
            super::aggregates::backfill(&tx)?;
        }
        if *version == SEARCH_MIGRATION {
            super::search::backfill(&tx)?;
        }
    }
    tx.commit().map_err(StoreError::other)
}
