//! `aduan migrate-store --from sqlite:PATH --to postgres://...`: copy a city's SQLite store
//! into an empty PostgreSQL database, table by table in foreign-key order, in one
//! PostgreSQL transaction; then read every table back and compare its row count and
//! checksum with the source's before committing. Any difference, or any failure, leaves
//! the target as it was.

pub(crate) mod checksum;
pub(crate) mod source;
pub(crate) mod tables;
pub(crate) mod target;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;

use aduan_store::photo_store::{PhotoLocation, PhotoStore};
use aduan_store::postgres::PgStore;
use aduan_store::sqlite::SqliteStore;

use crate::cli::MigrateStoreArgs;
use checksum::{Checksum, TableDigest};
use source::Snapshot;
use tables::{TABLES, Table};

/// Why the migration did not happen.
#[derive(Debug)]
pub enum Failure {
    /// The arguments are wrong (exit status 2).
    Usage(String),
    /// Refused or failed; nothing was written (exit status 1).
    Failed(anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => f.write_str(message),
            Failure::Failed(e) => write!(f, "{e:#}; nothing was written"),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Failed(e)
    }
}

/// What was copied: each table's checksum, in copy order.
pub struct Summary {
    tables: Vec<(&'static str, Checksum)>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, checksum) in &self.tables {
            writeln!(
                f,
                "{name:<22} {:>10} rows  sha256 {}",
                checksum.rows,
                checksum.short()
            )?;
        }
        let rows: u64 = self.tables.iter().map(|(_, c)| c.rows).sum();
        write!(
            f,
            "{} tables, {rows} rows copied; counts and checksums match",
            self.tables.len()
        )
    }
}

/// The SQLite file named by `--from`: `sqlite:PATH` or `sqlite://PATH`, which must exist.
fn source_path(url: &str) -> Result<PathBuf, Failure> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--from {url}: expected sqlite:PATH or sqlite://PATH"
            ))
        })?;
    let path = PathBuf::from(path);
    if !path.is_file() {
        return Err(Failure::Usage(format!(
            "--from {url}: there is no SQLite database at {}",
            path.display()
        )));
    }
    Ok(path)
}

/// The PostgreSQL URL named by `--to`: `postgres://` or `postgresql://`, well formed.
fn target_url(url: &str) -> Result<&str, Failure> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Failure::Usage(format!(
            "--to {url}: expected postgres://USER@HOST:PORT/DATABASE"
        )));
    }
    PgConnectOptions::from_str(url)
        .map_err(|e| Failure::Usage(format!("--to: not a PostgreSQL URL: {e}")))?;
    Ok(url)
}

/// The photo stores to copy from and to, when `--photos-to` asks for a copy.
fn photo_stores(
    from: &std::path::Path,
    args: &MigrateStoreArgs,
) -> Result<Option<(PhotoStore, PhotoStore)>, Failure> {
    let Some(to) = &args.photos_to else {
        return Ok(None);
    };
    let usage = |flag: &str, e: aduan_store::StoreError| Failure::Usage(format!("{flag}: {e}"));
    let source = match &args.photos_from {
        Some(raw) => PhotoLocation::parse(raw).map_err(|e| usage("--photos-from", e))?,
        None => PhotoLocation::beside(from),
    };
    let target = PhotoLocation::parse(to).map_err(|e| usage("--photos-to", e))?;
    Ok(Some((
        PhotoStore::open(&source).map_err(|e| usage("--photos-from", e))?,
        PhotoStore::open(&target).map_err(|e| usage("--photos-to", e))?,
    )))
}

pub async fn run(args: MigrateStoreArgs) -> Result<Summary, Failure> {
    let from = source_path(&args.from)?;
    let to = target_url(&args.to)?;
    let photos = photo_stores(&from, &args)?;

    // Bring the source's schema up to date the way aduan itself does, then let it go.
    drop(
        SqliteStore::open(&from)
            .with_context(|| format!("cannot open the SQLite store {}", from.display()))?,
    );
    let snapshot = Snapshot::open(&from)?;
    snapshot.check_schema()?;

    let target = PgStore::connect(to)
        .await
        .context("cannot open the PostgreSQL store")?;
    let mut tx = target.pool().begin().await.context("cannot begin")?;
    target::lock_tables(&mut tx).await?;
    target::refuse_if_full(&target::tables_with_rows(&mut tx).await?)?;

    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let source = copy_table(&snapshot, table, &mut tx).await?;
        eprintln!("copied {}: {} rows", table.name, source.rows);
        copied.push((table, source));
    }
    snapshot.close()?;
    target::advance_sequences(&mut tx).await?;
    let indexed = target::index_public_search(&mut tx).await?;
    eprintln!("indexed {indexed} reports for the public search");

    eprintln!("reading every table back to compare checksums");
    for (table, source) in &copied {
        let written = target::checksum(&mut tx, table).await?;
        if written != *source {
            return Err(Failure::Failed(anyhow::anyhow!(
                "table {}: the source has {} rows (sha256 {}), PostgreSQL {} rows (sha256 {})",
                table.name,
                source.rows,
                source.short(),
                written.rows,
                written.short()
            )));
        }
    }
    // The images before the rows that name them are committed.
    if let Some((source, target)) = &photos {
        target.check().await.context("the photo store to copy to")?;
        let copied = crate::backup::images::copy(&from, source, target).await?;
        eprintln!(
            "copied {} photo images ({} bytes) to {}",
            copied.count,
            copied.bytes,
            target.location().describe()
        );
    }
    tx.commit().await.context("cannot commit")?;
    Ok(Summary {
        tables: copied.into_iter().map(|(t, c)| (t.name, c)).collect(),
    })
}

/// Copy one table in batches; the checksum of what was read from the source.
async fn copy_table(
    snapshot: &Snapshot,
    table: &Table,
    tx: &mut sqlx::PgConnection,
) -> anyhow::Result<Checksum> {
    let mut rows = snapshot.rows(table)?;
    let mut cursor = rows.query()?;
    let mut digest = TableDigest::default();
    let max_rows = target::batch_rows(table);
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    while let Some(row) = cursor.next_row()? {
        digest.add_row(&row);
        batch_bytes += row.iter().map(checksum::Value::size).sum::<usize>();
        batch.push(row);
        if batch.len() >= max_rows || batch_bytes >= target::MAX_BATCH_BYTES {
            target::insert(tx, table, std::mem::take(&mut batch)).await?;
            batch_bytes = 0;
        }
    }
    target::insert(tx, table, batch).await?;
    Ok(digest.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_sqlite_urls_of_existing_files() {
        assert!(matches!(
            source_path("postgres://x/y"),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(source_path("sqlite:"), Err(Failure::Usage(_))));
        assert!(matches!(
            source_path("sqlite:/nonexistent/aduan.db"),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn targets_are_postgres_urls() {
        assert!(target_url("postgres://postgres@127.0.0.1:5432/x").is_ok());
        assert!(target_url("postgresql://postgres@127.0.0.1/x").is_ok());
        assert!(matches!(target_url("mysql://x/y"), Err(Failure::Usage(_))));
        assert!(matches!(target_url("sqlite:x"), Err(Failure::Usage(_))));
    }
}
