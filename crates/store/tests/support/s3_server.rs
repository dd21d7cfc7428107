//! A real S3-compatible server for tests: `s3s-fs` (crates.io), which keeps a bucket as a
//! directory. Each [`S3Server`] runs on a kernel-chosen port, with its own directory and
//! random keys, so the objects' files show what the server stored.
//!
//! The server is `$ADUAN_S3S_FS`, else `s3s-fs` on PATH; scripts/test installs it. A
//! missing server fails the tests: they are never skipped.
//!
//! Included by path from the tests of more than one crate: not every item is used by each.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rand::Rng;
use rand::distr::Alphanumeric;
use tempfile::TempDir;

use aduan_domain::report::ImageObject;
use aduan_store::photo_store::{PhotoLocation, PhotoStore, S3Settings};

const INSTALL: &str = "install it with `cargo install s3s-fs@0.14.1 --features binary \
    --locked --root DIR` and set ADUAN_S3S_FS=DIR/bin/s3s-fs (scripts/test does both)";
/// The one bucket every server has.
pub const BUCKET: &str = "aduan-photos";
pub const REGION: &str = "us-east-1";
/// The longest the server may take to listen (or to exit, refusing to start).
const DEADLINE: Duration = Duration::from_secs(30);
/// What s3s-fs logs (at info) once its listener is bound: `... server is running at
/// http://127.0.0.1:PORT`.
const LISTENING: &str = "server is running at ";

/// A running s3s-fs with one empty bucket; killed when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Holds `root/` (the server's data) and the server's stderr.
    dir: TempDir,
}

impl S3Server {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        // A bucket is a directory of the root (what s3s-fs's CreateBucket makes); object_store
        // cannot create buckets.
        std::fs::create_dir_all(root.join(BUCKET)).unwrap();
        let stderr_path = dir.path().join("stderr");
        let access_key_id = random_key(20);
        let secret_access_key = random_key(40);
        let binary = binary();
        // Port 0: the kernel picks a free port, which the listening line names.
        let mut child = Command::new(&binary)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .args([
                "--access-key",
                &access_key_id,
                "--secret-key",
                &secret_access_key,
            ])
            .arg(&root)
            // The listening line is logged at info.
            .env("RUST_LOG", "s3s_fs=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", binary.display()));

        // Read stdout up to the listening line, then drain it so the server never blocks on
        // a full pipe; what it printed when it closes first (the server exited).
        let stdout = child.stdout.take().unwrap();
        let (seen, listening) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = Some(seen);
            let mut before = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find(LISTENING)
                    && let Some(seen) = seen.take()
                {
                    let endpoint = line[at + LISTENING.len()..].trim().to_owned();
                    let _ = seen.send(Ok(endpoint));
                } else if seen.is_some() {
                    before.push(line);
                }
            }
            if let Some(seen) = seen {
                let _ = seen.send(Err(before.join("\n")));
            }
        });
        let endpoint = match listening.recv_timeout(DEADLINE) {
            Ok(Ok(endpoint)) => endpoint,
            outcome => {
                let _ = child.kill();
                let status = child.wait();
                let stdout = match outcome {
                    Ok(Err(stdout)) => stdout,
                    _ => format!("(still silent after {DEADLINE:?})"),
                };
                let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!(
                    "{} did not start listening ({status:?})\nstdout: {stdout}\nstderr: {stderr}",
                    binary.display()
                );
            }
        };
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        Self {
            child,
            endpoint,
            access_key_id,
            secret_access_key,
            dir,
        }
    }

    /// The server's directory of the bucket.
    pub fn bucket_dir(&self) -> PathBuf {
        self.dir.path().join("root").join(BUCKET)
    }

    /// The file holding the bucket's object `key` (e.g. `city/sha256/ab/abcd…`).
    pub fn object_path(&self, key: &str) -> PathBuf {
        self.bucket_dir().join(key)
    }

    pub fn settings(&self, prefix: &str) -> S3Settings {
        S3Settings {
            bucket: BUCKET.into(),
            prefix: prefix.into(),
            endpoint: Some(self.endpoint.clone()),
            region: REGION.into(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
        }
    }

    /// The photo store on this server's bucket, under `prefix`.
    pub fn store(&self, prefix: &str) -> PhotoStore {
        PhotoStore::open(&PhotoLocation::S3(self.settings(prefix))).unwrap()
    }

    /// `s3://BUCKET/PREFIX`, as given to `aduan --photos`.
    pub fn url(&self, prefix: &str) -> String {
        format!("s3://{BUCKET}/{prefix}")
    }

    /// The environment a process (`aduan`) needs to reach this server with an `s3://` URL.
    pub fn env(&self) -> [(&'static str, String); 4] {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", REGION.to_owned()),
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.clone()),
        ]
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$ADUAN_S3S_FS`, else `s3s-fs` on PATH; a failed test when there is neither.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("ADUAN_S3S_FS").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "ADUAN_S3S_FS={} is not a file: the S3 photo tests need the s3s-fs server; {INSTALL}",
            path.display()
        );
        return path;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("s3s-fs"))
                .find(|path| path.is_file())
        })
        .unwrap_or_else(|| {
            panic!("s3s-fs is not installed: the S3 photo tests need this S3 server; {INSTALL}")
        })
}

pub fn random_key(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Where the server keeps `image` stored under `prefix`.
pub fn object_file(bucket: &Path, prefix: &str, image: &ImageObject) -> PathBuf {
    let hex = image.hex();
    bucket.join(prefix).join("sha256").join(&hex[..2]).join(hex)
}

/// The regular files under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}
