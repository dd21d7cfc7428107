//! Data at rest as `aduan serve` leaves it: the data dir 0700, the database, its `-wal` and
//! `-shm` and the identity key 0600, and a warning when the key sits in the data dir.

#![cfg(unix)]
// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;

#[path = "common/server.rs"]
mod server;

use server::{Server, aduan};

const WARNING: &str = "is inside the data directory";

/// Start the demo on port 0 with `extra` arguments; return once it listens. Stopped (and its
/// stderr collected) by [`Server::kill`], or killed when a failing test drops it.
fn start(data_dir: &Path, extra: &[&str]) -> Server {
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(["--demo", "--demo-history", "0"])
        .args(["--demo-password", "rahasia-demo-123"])
        .args(extra)
        .stderr(Stdio::piped());
    Server::started(command)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn a_fresh_data_dir_is_private_and_the_key_beside_the_database_is_warned_of() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let server = start(&data, &[]);
    // While it runs: SQLite's -wal and -shm exist.
    assert_eq!(mode(&data), 0o700, "the data dir");
    for name in ["aduan.db", "aduan.db-wal", "aduan.db-shm", "identity.key"] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    let stderr = server.kill();
    assert!(
        stderr.contains(WARNING) && stderr.contains("--identity-key-file"),
        "{stderr}"
    );
    // Printed plainly too, not only as a log line.
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("aduan: warning:") && l.contains(WARNING)),
        "{stderr}"
    );
}

#[test]
fn a_key_file_elsewhere_is_created_private_and_not_warned_of() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let keys = root.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let key = keys.join("aduan.key");
    let server = start(&data, &["--identity-key-file", key.to_str().unwrap()]);
    assert_eq!(mode(&key), 0o600);
    assert!(
        !data.join("identity.key").exists(),
        "no key in the data dir"
    );
    let stderr = server.kill();
    assert!(!stderr.contains(WARNING), "{stderr}");
    // The same key on the next start: the demo's sealed identities still open.
    let first = std::fs::read_to_string(&key).unwrap();
    let again = start(&data, &["--identity-key-file", key.to_str().unwrap()]);
    again.kill();
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first);
}

#[test]
fn an_existing_data_dir_open_to_others_is_tightened() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = start(&data, &[]);
    assert_eq!(mode(&data), 0o700);
    let stderr = server.kill();
    assert!(stderr.contains("now 700"), "{stderr}");
}
