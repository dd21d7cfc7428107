//! Where the data lives, from the command line and environment, decided once.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The store to open.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(PathBuf),
}

impl Database {
    /// `--database-url` when given, else `aduan.db` in the data dir.
    pub fn resolve(data_dir: &Path, url: Option<&str>) -> anyhow::Result<Self> {
        let Some(url) = url else {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("cannot create the data dir {}", data_dir.display()))?;
            return Ok(Self::Sqlite(data_dir.join("aduan.db")));
        };
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = PathBuf::from(path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            return Ok(Self::Sqlite(path));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            bail!("the PostgreSQL store is not available in this build yet; use sqlite://PATH");
        }
        bail!("unsupported database URL (expected sqlite://PATH)")
    }
}
