//! Where the data lives, from the command line and environment, decided once.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use aduan_store::identity::IdentityKey;

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

/// The identity key: given in the configuration, else read from its file (by default
/// `identity.key` in the data dir; created on first start, readable by its owner only), with
/// a warning when that file is inside the data dir. Never in the database.
pub fn identity_key(data_dir: &Path, given: &KeyArgs) -> anyhow::Result<IdentityKey> {
    if let Some(text) = &given.identity_key {
        return IdentityKey::from_base64(text)
            .map_err(|e| anyhow::anyhow!("ADUAN_IDENTITY_KEY: {e}"));
    }
    at_rest::private_dir(data_dir)?;
    let file = match &given.identity_key_file {
        Some(file) => file.clone(),
        None => data_dir.join("identity.key"),
    };
    let key = key_from_file(&file)?;
    if at_rest::is_inside(&file, data_dir) {
        at_rest::warn_key_inside(&file, data_dir);
    }
    Ok(key)
}

fn key_from_file(file: &Path) -> anyhow::Result<IdentityKey> {
    if file.exists() {
        at_rest::private_key_file(file);
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        return IdentityKey::from_base64(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
    }
    let key = IdentityKey::generate();
    write_private(file, &key.to_base64())?;
    tracing::warn!(
        file = %file.display(),
        "created a new identity key; back it up apart from the database, or set ADUAN_IDENTITY_KEY"
    );
    Ok(key)
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
