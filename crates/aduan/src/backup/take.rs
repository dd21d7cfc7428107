//! Taking a backup of a running store: a consistent copy into a SQLite file beside the
//! target (SQLite's `VACUUM INTO`, one read transaction, writers carry on; PostgreSQL: one
//! REPEATABLE READ snapshot), each table checksummed, the file compressed, and the backup
//! written under a temporary name, fsynced and only then renamed to its name.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags};

use super::container::{self, Hashing};
use super::images::{self, ImagesEntry};
use super::manifest::{FORMAT, KEY_NOTE, Manifest, TableEntry};
use super::{postgres, tables};
use crate::config::Database;
use aduan_store::photo_store::PhotoStore;

/// zstd's level: fast, and most of a city's bytes (photos) are compressed already.
const LEVEL: i32 = 3;

/// Back `database` up into the new file `to`, with every image its photos name, read from
/// `photos`.
pub async fn take(database: &Database, photos: &PhotoStore, to: &Path) -> anyhow::Result<Manifest> {
    if to.exists() {
        bail!("{} exists already; back up into a new file", to.display());
    }
    let dir = parent(to);
    let work = tempfile::Builder::new()
        .prefix(".aduan-backup-")
        .tempdir_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let copy = work.path().join("aduan.db");
    let (source, source_version) = match database {
        Database::Sqlite(path) => {
            let (path, into) = (path.clone(), copy.clone());
            let version = tokio::task::spawn_blocking(move || copy_sqlite(&path, &into)).await??;
            ("sqlite", version)
        }
        Database::Postgres(url) => ("postgres", postgres::copy(url, &copy).await?),
    };
    let images = images::add(&copy, photos).await?;
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || {
        let manifest = seal(&copy, work.path(), &to, source, source_version, images)?;
        drop(work);
        Ok(manifest)
    })
    .await?
}

fn parent(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// `VACUUM INTO` a new file: a consistent, compact copy of the store as of one moment,
/// taken inside one read transaction, while the server keeps writing (WAL mode).
fn copy_sqlite(source: &Path, into: &Path) -> anyhow::Result<i64> {
    if !source.is_file() {
        bail!("there is no SQLite store at {}", source.display());
    }
    let conn = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {}", source.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let into_text = into.to_str().context("the backup's path is not UTF-8")?;
    conn.execute("VACUUM INTO ?1", [into_text])
        .with_context(|| format!("cannot copy {}", source.display()))?;
    tables::schema_version(into)
}

/// Checksum the copy, compress it, and write the backup file.
fn seal(
    copy: &Path,
    work: &Path,
    to: &Path,
    source: &str,
    source_schema_version: i64,
    images: ImagesEntry,
) -> anyhow::Result<Manifest> {
    let checksums = tables::checksums(copy)?;
    let schema_version = tables::schema_version(copy)?;

    let payload = work.join("aduan.db.zst");
    let mut encoder =
        zstd::Encoder::new(Hashing::new(BufWriter::new(File::create(&payload)?)), LEVEL)?;
    encoder.include_checksum(true)?;
    let mut database = Hashing::new(BufReader::new(File::open(copy)?));
    std::io::copy(&mut database, &mut encoder).context("cannot compress the copy")?;
    let (_, database) = database.finish();
    let (written, payload_blob) = encoder.finish()?.finish();
    written.into_inner().map_err(|e| e.into_error())?.flush()?;

    let manifest = Manifest {
        format: FORMAT,
        aduan_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: source.to_owned(),
        source_schema_version,
        schema_version,
        identity_key_required: true,
        identity_key_note: KEY_NOTE.to_owned(),
        identity_key_fingerprint: tables::identity_key_fingerprint(copy)?,
        database,
        payload: payload_blob,
        tables: checksums
            .iter()
            .map(|(name, checksum)| TableEntry::new(name, checksum))
            .collect(),
        images: Some(images),
    };

    let dir = parent(to);
    let mut out = tempfile::Builder::new()
        .prefix(".aduan-backup-")
        .suffix(".partial")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut writer = BufWriter::new(out.as_file_mut());
        container::write_header(&mut writer, &manifest)?;
        std::io::copy(&mut BufReader::new(File::open(&payload)?), &mut writer)?;
        writer.flush()?;
    }
    out.as_file()
        .sync_all()
        .context("cannot flush the backup to disk")?;
    out.persist_noclobber(to)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot name the backup {}", to.display()))?;
    sync_dir(&dir);
    Ok(manifest)
}

/// Make a rename durable (best effort where directories cannot be opened).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir)
        && let Err(e) = d.sync_all()
    {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot flush the directory");
    }
}
