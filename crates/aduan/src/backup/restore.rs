//! Restoring a backup into an empty data dir, or an empty PostgreSQL database. The whole
//! file is checked first (its manifest, the compressed bytes, the database, every table's
//! rows and checksum) in a temporary file; only then is the database put in place, and its
//! row counts are read again there. A refusal leaves nothing behind.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use aduan_store::photo_store::{PhotoLocation, PhotoStore};

use super::container::{self, Hashing};
use super::images;
use super::manifest::Manifest;
use super::tables;
use super::take::sync_dir;
use crate::cli::MigrateStoreArgs;
use crate::config::Database;

/// Restore `file` into `database`, which must be empty, and its photos' images into
/// `photos` (which may hold images already: each is named by its content).
pub async fn restore(
    file: &Path,
    database: &Database,
    photos: &PhotoLocation,
) -> anyhow::Result<Manifest> {
    match database {
        Database::Sqlite(db) => into_sqlite(file, db, photos).await,
        Database::Postgres(url) => into_postgres(file, url, photos).await,
    }
}

/// Put the images of the unpacked backup `db` in the photo store and take their table out
/// of it (a backup from before photos left the database has none: its photos are moved
/// out when the restored store is first migrated).
async fn restore_images(
    db: &Path,
    manifest: &Manifest,
    photos: &PhotoLocation,
) -> anyhow::Result<()> {
    let Some(recorded) = manifest.images else {
        return Ok(());
    };
    let store = PhotoStore::open(photos)?;
    store.check().await?;
    let restored = images::restore(db, &store).await?;
    if restored != recorded {
        bail!(
            "the backup is damaged: its photos name {} images ({} bytes), its manifest records \
             {} ({} bytes)",
            restored.count,
            restored.bytes,
            recorded.count,
            recorded.bytes
        );
    }
    let db = db.to_owned();
    tokio::task::spawn_blocking(move || images::drop_table(&db)).await?
}

/// Unpack `file` into `db` (a new file) and check it against its manifest.
fn unpack(file: &Path, db: &Path) -> anyhow::Result<Manifest> {
    let mut input = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let manifest = container::read_header(&mut input)?;
    let mut payload = Hashing::new(input);
    {
        let mut out = Hashing::new(BufWriter::new(File::create_new(db)?));
        let mut decoder = zstd::Decoder::new(&mut payload)
            .context("the backup is damaged: its database cannot be read")?;
        std::io::copy(&mut decoder, &mut out)
            .context("the backup is truncated or damaged: its database cannot be decompressed")?;
        let (written, database) = out.finish();
        written
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        if database != manifest.database {
            bail!("the backup is damaged: the database does not match its checksum");
        }
    }
    // Whatever follows the compressed database is counted too: nothing may.
    std::io::copy(&mut payload, &mut std::io::sink())?;
    let (_, payload) = payload.finish();
    if payload != manifest.payload {
        bail!(
            "the backup is damaged or truncated: {} bytes of database where the manifest \
             records {} (or their checksum differs)",
            payload.bytes,
            manifest.payload.bytes
        );
    }
    check_tables(db, &manifest)?;
    Ok(manifest)
}

/// Every table's row count and checksum, as the manifest records them.
fn check_tables(db: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let found = tables::checksums(db)?;
    if found.len() != manifest.tables.len() {
        bail!(
            "the backup's database has {} tables, its manifest {}",
            found.len(),
            manifest.tables.len()
        );
    }
    for ((name, checksum), entry) in found.iter().zip(&manifest.tables) {
        if *name != entry.name || !entry.matches(checksum) {
            bail!(
                "the backup is damaged: table {name} has {} rows (sha256 {}), the manifest \
                 records {} rows for {}",
                checksum.rows,
                checksum.short(),
                entry.rows,
                entry.name
            );
        }
    }
    Ok(())
}

/// What the restore created, removed again unless it completes.
struct Created {
    dir: Option<PathBuf>,
    db: Option<PathBuf>,
    /// A photo directory that did not exist before.
    photos: Option<PathBuf>,
}

impl Drop for Created {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = db.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(path));
            }
        }
        if let Some(photos) = self.photos.take() {
            let _ = std::fs::remove_dir_all(photos);
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

async fn into_sqlite(file: &Path, db: &Path, photos: &PhotoLocation) -> anyhow::Result<Manifest> {
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut created = Created {
        dir: None,
        db: None,
        photos: None,
    };
    // Dropped (removing what it names) wherever the restore stops short.
    if dir.exists() {
        refuse_non_empty(&dir)?;
    } else {
        crate::at_rest::private_dir(&dir)?;
        created.dir = Some(dir.clone());
    }
    if let PhotoLocation::Files(photos_dir) = photos
        && !photos_dir.exists()
    {
        created.photos = Some(photos_dir.clone());
    }
    let staging = tempfile::Builder::new()
        .prefix(".aduan-restore-")
        .tempdir_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let unpacked = staging.path().join("aduan.db");
    let (file_owned, path) = (file.to_owned(), unpacked.clone());
    let manifest = tokio::task::spawn_blocking(move || unpack(&file_owned, &path)).await??;
    restore_images(&unpacked, &manifest, photos).await?;

    let db = db.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut created = created;
        std::fs::rename(&unpacked, &db)
            .with_context(|| format!("cannot put the database at {}", db.display()))?;
        created.db = Some(db.clone());
        sync_dir(&dir);
        drop(staging);
        // Open it as the server will (later migrations apply), then count every table again.
        drop(
            aduan_store::sqlite::SqliteStore::open(&db)
                .with_context(|| format!("cannot open the restored {}", db.display()))?,
        );
        let counts = tables::row_counts(&db)?;
        for ((name, rows), entry) in counts.iter().zip(&manifest.tables) {
            if *rows != entry.rows {
                bail!(
                    "after restoring, table {name} has {rows} rows; the manifest records {}",
                    entry.rows
                );
            }
        }
        created.db = None;
        created.dir = None;
        created.photos = None;
        Ok(manifest)
    })
    .await?
}

/// Refuse a directory holding anything: a restore never mixes with or replaces data.
fn refuse_non_empty(dir: &Path) -> anyhow::Result<()> {
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if let Some(entry) = entries.next() {
        let name = entry?.file_name();
        bail!(
            "{} is not empty (it holds {}): restore into an empty or new directory",
            dir.display(),
            name.to_string_lossy()
        );
    }
    Ok(())
}

/// Check the backup in a temporary SQLite file, then copy it into the empty PostgreSQL
/// database with migrate-store, which compares every table's count and checksum there
/// before committing.
async fn into_postgres(file: &Path, url: &str, photos: &PhotoLocation) -> anyhow::Result<Manifest> {
    let staging = tempfile::Builder::new()
        .prefix("aduan-restore-")
        .tempdir()
        .context("cannot create a temporary directory (TMPDIR)")?;
    let unpacked = staging.path().join("aduan.db");
    let (file_owned, path) = (file.to_owned(), unpacked.clone());
    let manifest = tokio::task::spawn_blocking(move || unpack(&file_owned, &path)).await??;
    crate::migrate_store::target::refuse_unless_empty(url).await?;
    restore_images(&unpacked, &manifest, photos).await?;
    let summary = crate::migrate_store::run(MigrateStoreArgs {
        from: format!("sqlite:{}", unpacked.display()),
        to: url.to_owned(),
        photos_from: None,
        photos_to: None,
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!("{summary}");
    Ok(manifest)
}
