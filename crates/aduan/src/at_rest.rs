//! Data at rest on this machine: what aduan creates is its owner's only (umask 077), the
//! data dir is 0700 (tightened when found looser), and the identity key is best kept
//! outside it.

use std::path::Path;

use anyhow::Context;

/// From now on every file and directory this process creates (the database, its `-wal`
/// and `-shm`, the key file, anything SQLite spills) is readable by its owner only.
pub fn restrict_umask() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Create the data dir 0700, or tighten an existing one others may read or enter (with a
/// warning): it holds the database and, by default, the identity key.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !dir.exists() {
            return std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .with_context(|| format!("cannot create the data dir {}", dir.display()));
        }
        let mode = std::fs::metadata(dir)
            .with_context(|| format!("cannot read the data dir {}", dir.display()))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot make the data dir {} private", dir.display()))?;
            tracing::warn!(
                dir = %dir.display(),
                was = format!("{mode:o}"),
                "the data dir was open to other users: now 700"
            );
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data dir {}", dir.display()))
}

/// Tighten a key file others may read (a warning when it cannot be, e.g. a read-only
/// mount).
pub fn private_key_file(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(file) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return;
        }
        match std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => tracing::warn!(
                file = %file.display(),
                was = format!("{mode:o}"),
                "the identity key file was readable by others: now 600"
            ),
            Err(e) => tracing::warn!(
                file = %file.display(),
                was = format!("{mode:o}"),
                error = %e,
                "the identity key file is readable by others and cannot be tightened"
            ),
        }
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// Whether `file` lies inside `dir` (both resolved, so `./data/../data/identity.key` and
/// symbolic links count).
pub fn is_inside(file: &Path, dir: &Path) -> bool {
    match (std::fs::canonicalize(file), std::fs::canonicalize(dir)) {
        (Ok(file), Ok(dir)) => file.starts_with(dir),
        _ => file.starts_with(dir),
    }
}

/// Set when the log is JSON (`--log-format json`): stderr then carries JSON lines only, so
/// the plain warnings below are left to the log.
static JSON_LOGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Stderr carries JSON log lines only from now on.
pub fn logs_are_json() {
    JSON_LOGS.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Say, in the log and on stderr (unless the log is JSON), that the identity key sits beside the database: one copy
/// of the data dir (a backup, a stolen disk image) then holds both the sealed identities
/// and the key that opens them.
pub fn warn_key_inside(file: &Path, dir: &Path) {
    tracing::warn!(
        file = %file.display(),
        data_dir = %dir.display(),
        "the identity key file is inside the data directory; keep it elsewhere \
         (--identity-key-file PATH or ADUAN_IDENTITY_KEY)"
    );
    if JSON_LOGS.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    eprintln!(
        "aduan: warning: the identity key file {} is inside the data directory {}: a copy \
         of the data directory then holds the key that opens the identities it seals. Keep \
         the key elsewhere (--identity-key-file PATH or ADUAN_IDENTITY_KEY).",
        file.display(),
        dir.display()
    );
}
