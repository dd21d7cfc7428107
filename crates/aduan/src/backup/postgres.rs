//! A PostgreSQL store's logical copy into the backup's portable form, a SQLite database:
//! every table read in primary-key order inside one REPEATABLE READ, READ ONLY transaction
//! (one snapshot; instances keep writing), written into a new SQLite store of the same
//! schema, then its search index built. Each table's checksum as read from PostgreSQL must
//! equal the one read back from the copy.

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, bail};
use rusqlite::{Connection, params_from_iter};
use sqlx::{Connection as _, PgConnection, Row};

use crate::migrate_store::checksum::{Checksum, TableDigest, Value};
use crate::migrate_store::tables::{TABLES, Table, quoted};
use crate::migrate_store::target::read_row;

use super::tables;

/// The statistics' tables: made again from the reports when changes are queued for them.
const STATISTICS: [&str; 3] = ["stats_cells", "stats_reporter_ids", "stats_reporter_sets"];

/// Rows fetched from PostgreSQL at a time (fewer for tables holding photos).
const FETCH: usize = 2_000;
const FETCH_BYTES: usize = 64;

/// Copy the database at `url` into the new SQLite file `into`; the source's last migration.
pub async fn copy(url: &str, into: &Path) -> anyhow::Result<i64> {
    // The copy's schema: a new, empty SQLite store.
    drop(
        aduan_store::sqlite::SqliteStore::open(into)
            .with_context(|| format!("cannot create {}", into.display()))?,
    );
    // Behind a mutex, locked only between awaits: the copy runs on any worker thread.
    let sqlite = Mutex::new(Connection::open(into)?);
    let mut pg = PgConnection::connect(url)
        .await
        .context("cannot connect to the PostgreSQL store")?;
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut pg)
        .await?;
    let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(&mut pg)
        .await
        .context("the PostgreSQL database has no migration log: is it an aduan store?")?
        .try_get(0)?;

    // Changes queued for the statistics in this snapshot are not in its counts yet: then
    // the counts are not copied but made again from the copied reports.
    let queued: bool = sqlx::query("SELECT EXISTS (SELECT 1 FROM stats_pending)")
        .fetch_one(&mut pg)
        .await?
        .try_get(0)?;
    with(&sqlite, |c| Ok(c.execute_batch("BEGIN")?))?;
    let mut read = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        if queued && STATISTICS.contains(&table.name) {
            continue;
        }
        read.push((table.name, copy_table(&mut pg, &sqlite, table).await?));
    }
    with(&sqlite, |c| {
        if queued {
            aduan_store::sqlite::recount_statistics(c)?;
        }
        aduan_store::sqlite::index_reports_for_search(c)?;
        Ok(c.execute_batch("COMMIT")?)
    })?;
    sqlx::query("COMMIT").execute(&mut pg).await?;
    drop(sqlite);

    let copied = tables::checksums(into)?;
    for (name, from_pg) in &read {
        let in_copy = copied.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
        if in_copy != Some(*from_pg) {
            let in_copy = in_copy.unwrap_or(Checksum {
                rows: 0,
                sha256: [0; 32],
            });
            bail!(
                "table {name}: PostgreSQL gave {} rows (sha256 {}), the copy holds {} (sha256 {})",
                from_pg.rows,
                from_pg.short(),
                in_copy.rows,
                in_copy.short()
            );
        }
    }
    Ok(version)
}

/// One table through a cursor, in primary-key order (text byte by byte, as SQLite orders it).
async fn copy_table(
    pg: &mut PgConnection,
    sqlite: &Mutex<Connection>,
    table: &Table,
) -> anyhow::Result<Checksum> {
    let cursor = format!("backup_read_{}", table.name);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DECLARE {cursor} NO SCROLL CURSOR FOR {}",
        table.select_in_key_order(" COLLATE \"C\"")
    )))
    .execute(&mut *pg)
    .await
    .with_context(|| format!("cannot read {}", table.name))?;
    let fetch = if table.has_bytes() {
        FETCH_BYTES
    } else {
        FETCH
    };
    let placeholders = vec!["?"; table.columns.len()].join(", ");
    let insert = format!(
        "INSERT INTO {} ({}) VALUES ({placeholders})",
        quoted(table.name),
        table.column_list()
    );
    let mut digest = TableDigest::default();
    loop {
        // Not kept prepared: a prepared FETCH keeps the row shape of the first table it read.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "FETCH FORWARD {fetch} FROM {cursor}"
        )))
        .persistent(false)
        .fetch_all(&mut *pg)
        .await
        .with_context(|| format!("cannot read {}", table.name))?;
        with(sqlite, |c| {
            write_rows(c, &insert, table, &rows, &mut digest)
        })?;
        if rows.len() < fetch {
            break;
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("CLOSE {cursor}")))
        .persistent(false)
        .execute(&mut *pg)
        .await?;
    Ok(digest.finish())
}

/// Run `f` on the copy's connection.
fn with<T>(
    sqlite: &Mutex<Connection>,
    f: impl FnOnce(&Connection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let conn = sqlite
        .lock()
        .map_err(|_| anyhow::anyhow!("the copy's connection was poisoned"))?;
    f(&conn)
}

fn write_rows(
    sqlite: &Connection,
    insert: &str,
    table: &Table,
    rows: &[sqlx::postgres::PgRow],
    digest: &mut TableDigest,
) -> anyhow::Result<()> {
    let mut stmt = sqlite.prepare_cached(insert)?;
    for row in rows {
        let values = read_row(table, row)?;
        digest.add_row(&values);
        stmt.execute(params_from_iter(values.iter().map(sqlite_value)))
            .with_context(|| format!("cannot write {} into the copy", table.name))?;
    }
    Ok(())
}

/// A value as SQLite keeps it (booleans as 0/1, single-precision numbers as their double).
fn sqlite_value(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match value {
        Value::Null => V::Null,
        Value::Int(i) => V::Integer(*i),
        Value::Bool(b) => V::Integer(i64::from(*b)),
        Value::Real(f) => V::Real(*f),
        Value::F32(f) => V::Real(f64::from(*f)),
        Value::Text(s) => V::Text(s.clone()),
        Value::Bytes(b) => V::Blob(b.clone()),
    }
}
