//! Embedded schema migrations, applied in order on open.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::{PendingMigration, StoreError, StoreResult};

/// `(version, name, sql)`, oldest first. Never edit a released migration; add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "0002_channels",
        include_str!("../../migrations/sqlite/0002_channels.sql"),
    ),
    (
        3,
        "0003_admin",
        include_str!("../../migrations/sqlite/0003_admin.sql"),
    ),
    (
        4,
        "0004_stats",
        include_str!("../../migrations/sqlite/0004_stats.sql"),
    ),
    (
        5,
        "0005_search",
        include_str!("../../migrations/sqlite/0005_search.sql"),
    ),
    (
        6,
        "0006_catalog_revision",
        include_str!("../../migrations/sqlite/0006_catalog_revision.sql"),
    ),
    (
        7,
        "0007_accounts",
        include_str!("../../migrations/sqlite/0007_accounts.sql"),
    ),
    (
        8,
        "0008_privacy",
        include_str!("../../migrations/sqlite/0008_privacy.sql"),
    ),
    (
        9,
        "0009_unit_kind_roles",
        include_str!("../../migrations/sqlite/0009_unit_kind_roles.sql"),
    ),
    (
        10,
        "0010_identity_key",
        include_str!("../../migrations/sqlite/0010_identity_key.sql"),
    ),
    (
        11,
        "0011_personal_data",
        include_str!("../../migrations/sqlite/0011_personal_data.sql"),
    ),
    (
        12,
        "0012_tracking_codes",
        include_str!("../../migrations/sqlite/0012_tracking_codes.sql"),
    ),
    (
        13,
        "0013_supporters",
        include_str!("../../migrations/sqlite/0013_supporters.sql"),
    ),
    (
        14,
        "0014_push_subscriptions",
        include_str!("../../migrations/sqlite/0014_push_subscriptions.sql"),
    ),
    (
        16,
        "0016_category_icon",
        include_str!("../../migrations/sqlite/0016_category_icon.sql"),
    ),
    (
        17,
        "0017_queue_filters",
        include_str!("../../migrations/sqlite/0017_queue_filters.sql"),
    ),
    (
        18,
        "0018_photo_objects",
        include_str!("../../migrations/sqlite/0018_photo_objects.sql"),
    ),
];

/// The migration that starts the statistics' counts; existing reports are counted after it.
const STATS_MIGRATION: i64 = 4;

/// The migration that creates the search index; existing reports are indexed after it.
const SEARCH_MIGRATION: i64 = 5;

/// The migrations the database at `path` still needs, oldest first, found without changing
/// anything (a missing file is not created: it needs them all).
pub fn pending(path: &Path) -> StoreResult<Vec<PendingMigration>> {
    let current = if path.exists() {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::Other(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(StoreError::other)?;
        let tracked: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master
                 WHERE type = 'table' AND name = 'schema_migrations')",
                [],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::Other(format!("{} is not a database: {e}", path.display())))?;
        if tracked {
            conn.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(StoreError::other)?
        } else {
            0
        }
    } else {
        0
    };
    Ok(past(current)
        .map(|(version, name, _)| PendingMigration {
            version: *version,
            name: (*name).to_owned(),
        })
        .collect())
}

/// The migrations this build holds past `applied`, the highest version a database recorded.
fn past(applied: i64) -> impl Iterator<Item = &'static (i64, &'static str, &'static str)> {
    MIGRATIONS
        .iter()
        .filter(move |(version, _, _)| *version > applied)
}

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
    for (version, _, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
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

/// How many migrations this build holds past `applied` (what `/readyz` reports on an open
/// store; [`pending`] names them for a file not yet opened).
pub fn pending_after(applied: i64) -> u32 {
    u32::try_from(past(applied).count()).unwrap_or(u32::MAX)
}
