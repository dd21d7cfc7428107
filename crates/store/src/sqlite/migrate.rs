//! Embedded schema migrations, applied in order on open.

use rusqlite::Connection;

use crate::{StoreError, StoreResult};

/// `(version, sql)`, oldest first. Never edit a released migration; add a new one.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../../migrations/sqlite/0001_init.sql"))];

pub fn apply(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )
    .map_err(StoreError::other)?;
    let current: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::other)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction().map_err(StoreError::other)?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Other(format!("migration {version}: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            (version, chrono::Utc::now().timestamp_micros()),
        )
        .map_err(StoreError::other)?;
        tx.commit().map_err(StoreError::other)?;
    }
    Ok(())
}
