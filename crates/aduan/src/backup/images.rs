//! The photos' images in a backup. The database names them (hash and size); the photo store
//! holds them. A backup carries every image its database names in one more table of its
//! SQLite copy, `backup_images` (not a table of the store: migrate-store and the checksums
//! leave it aside), each checked against its hash as it is read from the photo store and
//! again as it is restored into one.

use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags, params};
use serde::{Deserialize, Serialize};

use aduan_domain::report::ImageObject;
use aduan_store::StoreError;
use aduan_store::photo_store::PhotoStore;

/// The table of images inside a backup's database.
pub const TABLE: &str = "backup_images";

/// Bytes of images read from the photo store before they are written to the copy.
const BATCH_BYTES: u64 = 64 * 1024 * 1024;

/// What the manifest says of the images: how many, and their bytes.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImagesEntry {
    pub count: u64,
    pub bytes: u64,
}

/// Every image the photos of the SQLite database `db` name (display and thumbnail), once
/// each, in hash order.
pub fn named(db: &Path) -> anyhow::Result<Vec<ImageObject>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", db.display()))?;
    let mut stmt = conn.prepare(
        "SELECT image_sha256, image_size FROM photos WHERE image_sha256 IS NOT NULL
         UNION
         SELECT thumbnail_sha256, thumbnail_size FROM photos WHERE thumbnail_sha256 IS NOT NULL
         ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?;
    let mut images = Vec::new();
    for row in rows {
        let (hash, size) = row?;
        images.push(image(hash, size)?);
    }
    Ok(images)
}

fn image(hash: Vec<u8>, size: i64) -> anyhow::Result<ImageObject> {
    Ok(ImageObject {
        sha256: hash
            .try_into()
            .map_err(|_| anyhow::anyhow!("an image hash is not 32 bytes"))?,
        size: u64::try_from(size).context("an image size is negative")?,
    })
}

/// Read every image `copy` names from `photos` and write it into `copy`'s
/// [`TABLE`]. An image missing from the photo store, or whose bytes are not what its hash
/// says, fails the backup.
pub async fn add(copy: &Path, photos: &PhotoStore) -> anyhow::Result<ImagesEntry> {
    let path = copy.to_owned();
    let images = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let conn = Connection::open(&path)?;
        conn.execute_batch(&format!(
            "CREATE TABLE {TABLE} (sha256 BLOB PRIMARY KEY, bytes BLOB NOT NULL)"
        ))?;
        named(&path)
    })
    .await??;
    let mut entry = ImagesEntry::default();
    let mut batch: Vec<(ImageObject, Vec<u8>)> = Vec::new();
    let mut batch_bytes = 0;
    for image in images {
        let bytes = read_checked(photos, &image).await?;
        entry.count += 1;
        entry.bytes += image.size;
        batch_bytes += image.size;
        batch.push((image, bytes));
        if batch_bytes >= BATCH_BYTES {
            write(copy, std::mem::take(&mut batch)).await?;
            batch_bytes = 0;
        }
    }
    write(copy, batch).await?;
    Ok(entry)
}

async fn write(copy: &Path, batch: Vec<(ImageObject, Vec<u8>)>) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let path = copy.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = Connection::open(&path)?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(&format!(
                "INSERT INTO {TABLE} (sha256, bytes) VALUES (?1, ?2)"
            ))?;
            for (image, bytes) in &batch {
                insert.execute(params![image.sha256, bytes])?;
            }
        }
        tx.commit()?;
        Ok(())
    })
    .await?
}

/// The bytes of `image` in `photos`, which must be there and be what its hash says.
async fn read_checked(photos: &PhotoStore, image: &ImageObject) -> anyhow::Result<Vec<u8>> {
    let at = || photos.location().describe();
    let bytes = photos.get(image).await.map_err(|e| match e {
        StoreError::NotFound => anyhow::anyhow!(
            "image {} is named by a photo but missing from the photo store at {}",
            image.hex(),
            at()
        ),
        other => other.into(),
    })?;
    if !image.holds(&bytes) {
        bail!(
            "image {} in {} is not what its hash says",
            image.hex(),
            at()
        );
    }
    Ok(bytes)
}

/// Copy every image the photos of the SQLite database `db` name from `from` to `to`, each
/// checked against its hash; one `to` holds already is not copied again. Returns what was
/// copied.
pub async fn copy(db: &Path, from: &PhotoStore, to: &PhotoStore) -> anyhow::Result<ImagesEntry> {
    let path = db.to_owned();
    let named = tokio::task::spawn_blocking(move || named(&path)).await??;
    let mut entry = ImagesEntry::default();
    for image in named {
        if to.contains(&image).await? {
            continue;
        }
        let bytes = read_checked(from, &image).await?;
        to.put(bytes).await?;
        entry.count += 1;
        entry.bytes += image.size;
    }
    Ok(entry)
}

/// Check the images of an unpacked backup `db` and put them in `photos`: every image its
/// photos name must be there, with the bytes its hash says. Returns what was restored.
pub async fn restore(db: &Path, photos: &PhotoStore) -> anyhow::Result<ImagesEntry> {
    let path = db.to_owned();
    let named = tokio::task::spawn_blocking(move || named(&path)).await??;
    let mut entry = ImagesEntry::default();
    for chunk in named.chunks(RESTORE_CHUNK) {
        let (path, chunk) = (db.to_owned(), chunk.to_vec());
        let found = tokio::task::spawn_blocking(move || stored(&path, chunk)).await??;
        for (image, bytes) in found {
            let Some(bytes) = bytes else {
                bail!(
                    "the backup lacks image {}, which one of its photos names",
                    image.hex()
                );
            };
            if !image.holds(&bytes) {
                bail!(
                    "the backup is damaged: image {} is not what its hash says",
                    image.hex()
                );
            }
            photos.put(bytes).await?;
            entry.count += 1;
            entry.bytes += image.size;
        }
    }
    Ok(entry)
}

/// Images read from a backup at a time.
const RESTORE_CHUNK: usize = 32;

/// The bytes of each of `images` in the backup's table, where it has them.
fn stored(
    db: &Path,
    images: Vec<ImageObject>,
) -> anyhow::Result<Vec<(ImageObject, Option<Vec<u8>>)>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare(&format!("SELECT bytes FROM {TABLE} WHERE sha256 = ?1"))?;
    images
        .into_iter()
        .map(|image| {
            let mut rows = stmt.query([image.sha256])?;
            let bytes = match rows.next()? {
                Some(row) => Some(row.get(0)?),
                None => None,
            };
            Ok((image, bytes))
        })
        .collect()
}

/// Remove the images' table from an unpacked backup once they are in the photo store, and
/// give its space back, so the restored database holds no photo.
pub fn drop_table(db: &Path) -> anyhow::Result<()> {
    let conn = Connection::open(db)?;
    conn.execute_batch(&format!("DROP TABLE IF EXISTS {TABLE}; VACUUM;"))?;
    Ok(())
}
