//! The database files readable by their owner only: a stolen backup aside, a reporter's
//! sealed identity, reporter keys and every report stay out of other local users' reach.

use std::path::{Path, PathBuf};

use crate::{StoreError, StoreResult};

/// Owner read and write, nothing for anyone else.
#[cfg(unix)]
const PRIVATE: u32 = 0o600;

/// Create the database file 0600 before SQLite opens it (SQLite gives its `-wal` and
/// `-shm` files the database file's mode), and tighten an existing database and its
/// companions that others may read, saying so.
pub(super) fn prepare(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(PRIVATE)
                .open(path)
                .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", path.display())))?;
        }
        for file in [
            path.to_path_buf(),
            companion(path, "-wal"),
            companion(path, "-shm"),
        ] {
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 == 0 {
                continue;
            }
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(PRIVATE)) {
                Ok(()) => tracing::warn!(
                    file = %file.display(),
                    was = format!("{mode:o}"),
                    "the database file was readable by others: now 600"
                ),
                Err(e) => tracing::warn!(
                    file = %file.display(),
                    was = format!("{mode:o}"),
                    error = %e,
                    "the database file is readable by others and cannot be tightened"
                ),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `aduan.db-wal` beside `aduan.db`.
fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
