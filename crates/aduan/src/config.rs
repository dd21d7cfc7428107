//! Where the data lives, from the command line and environment, decided once.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use aduan_store::identity::IdentityKey;
use aduan_store::photo_store::{PhotoLocation, PhotoStore};

use crate::at_rest;
use crate::cli::KeyArgs;

/// The store to open.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(PathBuf),
    /// A `postgres://` URL: a database several instances may share.
    Postgres(String),
}

impl Database {
    /// `--database-url` when given, else `aduan.db` in the data dir.
    pub fn resolve(data_dir: &Path, url: Option<&str>) -> anyhow::Result<Self> {
        let Some(url) = url else {
            at_rest::private_dir(data_dir)?;
            return Ok(Self::Sqlite(data_dir.join("aduan.db")));
        };
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = PathBuf::from(path);
            // Created private (umask 077); a directory the operator chose is left as it is.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            return Ok(Self::Sqlite(path));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        bail!("unsupported database URL (expected sqlite://PATH or postgres://...)")
    }
}

/// Where the photos' images are: `photos.location` when set, else `photos/` beside a SQLite
/// file, or in the data dir for PostgreSQL (one machine; instances on several machines
/// must share object storage).
pub fn photo_location(
    data_dir: &Path,
    database: &Database,
    configured: Option<&str>,
) -> anyhow::Result<PhotoLocation> {
    if let Some(raw) = configured {
        return PhotoLocation::parse(raw).map_err(|e| anyhow::anyhow!("photos.location: {e}"));
    }
    Ok(match database {
        Database::Sqlite(path) => PhotoLocation::beside(path),
        Database::Postgres(_) => PhotoLocation::Files(data_dir.join("photos")),
    })
}

/// The photo store `configured` (or the default, see [`photo_location`]) names, opened and
/// checked: a missing bucket or refused keys stop the command here rather than every photo
/// later.
pub async fn open_photos(
    data_dir: &Path,
    database: &Database,
    configured: Option<&str>,
) -> anyhow::Result<PhotoStore> {
    let location = photo_location(data_dir, database, configured)?;
    let photos = PhotoStore::open(&location)?;
    photos.check().await?;
    tracing::info!(location = %location.describe(), "photo store");
    Ok(photos)
}

/// Where an identity key was found, said for an operator (never the key itself).
pub struct FoundKey {
    pub key: IdentityKey,
    pub source: String,
}

/// The identity key: given in the configuration, else read from its file (by default
/// `identity.key` in the data dir), with a warning when that file is inside the data dir.
/// A missing file is created (readable by its owner only) only when `may_create`; else
/// `None`. The database holds only the key's fingerprint (see [`crate::identity_key`]).
pub fn identity_key(
    data_dir: &Path,
    given: &KeyArgs,
    may_create: bool,
) -> anyhow::Result<Option<FoundKey>> {
    if let Some(text) = &given.identity_key {
        let key = IdentityKey::from_base64(text)
            .map_err(|e| anyhow::anyhow!("ADUAN_IDENTITY_KEY: {e}"))?;
        return Ok(Some(FoundKey {
            key,
            source: "ADUAN_IDENTITY_KEY / --identity-key".to_owned(),
        }));
    }
    at_rest::private_dir(data_dir)?;
    let file = key_file(data_dir, given);
    let Some(key) = key_from_file(&file, may_create)? else {
        return Ok(None);
    };
    if at_rest::is_inside(&file, data_dir) {
        at_rest::warn_key_inside(&file, data_dir);
    }
    Ok(Some(FoundKey {
        key,
        source: format!("the file {}", file.display()),
    }))
}

/// The key file: `--identity-key-file`, else `identity.key` in the data dir.
pub fn key_file(data_dir: &Path, given: &KeyArgs) -> PathBuf {
    match &given.identity_key_file {
        Some(file) => file.clone(),
        None => data_dir.join("identity.key"),
    }
}

/// Read the key in `file`; a missing file is created with a new key when `may_create`.
pub fn key_from_file(file: &Path, may_create: bool) -> anyhow::Result<Option<IdentityKey>> {
    if file.exists() {
        at_rest::private_key_file(file);
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        return IdentityKey::from_base64(&text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
    }
    if !may_create {
        return Ok(None);
    }
    let key = IdentityKey::generate();
    write_private(file, &key.to_base64())?;
    tracing::warn!(
        file = %file.display(),
        "created a new identity key; back it up apart from the database, or set ADUAN_IDENTITY_KEY"
    );
    Ok(Some(key))
}

/// Write a new key to `file`, which must not exist (mode 600).
pub fn write_new_key(file: &Path, key: &IdentityKey) -> anyhow::Result<()> {
    write_private(file, &key.to_base64())
}

#[cfg(unix)]
fn write_private(file: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("cannot create {}", file.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(file: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(file, text).with_context(|| format!("cannot create {}", file.display()))
}
