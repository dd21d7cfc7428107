//! Data at rest as `aduan serve` leaves it: the data dir 0700, the database, its `-wal` and
//! `-shm` and the identity key 0600, and a warning when the key sits in the data dir.

#![cfg(unix)]
// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

const WARNING: &str = "is inside the data directory";

/// A running `aduan serve`; stopped (and its stderr collected) by [`Server::stop`], or
/// killed when a failing test drops it.
struct Server {
    child: Child,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    /// Start the demo on port 0 with `extra` arguments; return once it listens.
    fn start(data_dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aduan"))
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
            .args(["--demo", "--demo-password", "rahasia-demo-123"])
            .args(extra)
            .env_remove("ADUAN_IDENTITY_KEY")
            .env_remove("ADUAN_IDENTITY_KEY_FILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start aduan");
        // Drained all along, so the server never blocks on a full pipe.
        let mut stderr = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut server = Self {
            child,
            stderr: Some(stderr),
        };
        let stdout = server.child.stdout.take().expect("stdout");
        for line in BufReader::new(stdout).lines() {
            if line
                .expect("read stdout")
                .starts_with("aduan listening on ")
            {
                return server;
            }
        }
        panic!("aduan exited before listening: {}", server.stop());
    }

    /// Stop the server; everything it wrote to stderr.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .map(|t| t.join().expect("stderr reader"))
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    let mut server = Server::start(&data, &[]);
    // While it runs: SQLite's -wal and -shm exist.
    assert_eq!(mode(&data), 0o700, "the data dir");
    for name in ["aduan.db", "aduan.db-wal", "aduan.db-shm", "identity.key"] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    let stderr = server.stop();
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
    let mut server = Server::start(&data, &["--identity-key-file", key.to_str().unwrap()]);
    assert_eq!(mode(&key), 0o600);
    assert!(
        !data.join("identity.key").exists(),
        "no key in the data dir"
    );
    let stderr = server.stop();
    assert!(!stderr.contains(WARNING), "{stderr}");
    // The same key on the next start: the demo's sealed identities still open.
    let first = std::fs::read_to_string(&key).unwrap();
    let mut again = Server::start(&data, &["--identity-key-file", key.to_str().unwrap()]);
    again.stop();
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first);
}

#[test]
fn an_existing_data_dir_open_to_others_is_tightened() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut server = Server::start(&data, &[]);
    assert_eq!(mode(&data), 0o700);
    let stderr = server.stop();
    assert!(stderr.contains("now 700"), "{stderr}");
}
