//! Each table's row count and checksum in a SQLite database, with migrate-store's reader
//! and checksum (the same canonical encoding whichever store the rows came from).

use std::path::Path;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

use crate::migrate_store::checksum::{Checksum, TableDigest};
use crate::migrate_store::source::Snapshot;
use crate::migrate_store::tables::TABLES;

/// Every table of the store, in copy order, with its checksum; a database whose tables or
/// columns are not the store's is refused.
pub fn checksums(db: &Path) -> anyhow::Result<Vec<(&'static str, Checksum)>> {
    let snapshot = Snapshot::open(db)?;
    snapshot.check_schema()?;
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let mut rows = snapshot.rows(table)?;
        let mut cursor = rows.query()?;
        let mut digest = TableDigest::default();
        while let Some(row) = cursor.next_row()? {
            digest.add_row(&row);
        }
        out.push((table.name, digest.finish()));
    }
    snapshot.close()?;
    Ok(out)
}

/// The database's last applied migration.
pub fn schema_version(db: &Path) -> anyhow::Result<i64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", db.display()))?;
    let version = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .context("the database has no migration log")?;
    Ok(version)
}

/// Each table's row count.
pub fn row_counts(db: &Path) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", db.display()))?;
    TABLES
        .iter()
        .map(|t| {
            let n: i64 = conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM {}",
                    crate::migrate_store::tables::quoted(t.name)
                ),
                [],
                |r| r.get(0),
            )?;
            Ok((t.name, u64::try_from(n)?))
        })
        .collect()
}

/// The fingerprint of the identity key the database was made with, as it records it;
/// `None` when none is recorded (a store never started, or made before it was recorded).
pub fn identity_key_fingerprint(db: &Path) -> anyhow::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", db.display()))?;
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'identity_key')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT fingerprint FROM identity_key WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}
