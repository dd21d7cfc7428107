//! The server the bench starts for itself: a child process on a fresh data dir (and, for
//! `--channel`, a channels file beside it), its address read from its stdout, killed with
//! SIGKILL for the durability check.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// How long the started server may take to print its listening line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);

/// A PostgreSQL database the bench's servers share, and the identity key they all need to
/// read each other's sealed data.
pub(super) struct SharedDatabase<'a> {
    pub(super) url: &'a str,
    pub(super) identity_key: &'a str,
    /// The first instance loads the demo city and the boundaries; the others join it.
    pub(super) first: bool,
}

/// The server the bench started: killed when dropped, whatever happened.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) base: String,
    pub(super) data_dir: PathBuf,
    pub(super) log: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Start `serve --demo` on a fresh data dir; `channels` is the JSON of a channels file
    /// (`--channels`) written beside it, else the server runs with no channel configured.
    /// With `shared`, the data is in that PostgreSQL database instead of the data dir.
    pub(super) async fn start(
        regions: &[PathBuf],
        channels: Option<&str>,
        shared: Option<&SharedDatabase<'_>>,
    ) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("aduan-bench-")
            .tempdir()
            .context("creating a temporary directory")?;
        let data_dir = dir.path().join("data");
        let mut command = serve(&data_dir)?;
        if shared.is_none_or(|s| s.first) {
            command
                .arg("--demo")
                // The figures stay comparable with earlier runs: no synthetic year.
                .args(["--demo-history", "0"])
                .arg("--demo-password")
                .arg(crate::demo::demo_password(None));
            for file in regions {
                command.arg("--regions").arg(file);
            }
        }
        if let Some(shared) = shared {
            command
                .args(["--database-url", shared.url])
                .env("ADUAN_IDENTITY_KEY", shared.identity_key);
        }
        if let Some(json) = channels {
            // Holds the gateway's secrets: in the private temporary directory.
            let file = dir.path().join("channels.json");
            std::fs::write(&file, json).with_context(|| format!("writing {}", file.display()))?;
            command.arg("--channels").arg(file);
        }
        // The server must use the fresh data dir and only the channels given, whatever the
        // environment says.
        if shared.is_none() {
            command
                .env_remove("ADUAN_DATABASE_URL")
                .env_remove("ADUAN_IDENTITY_KEY");
        }
        command.env_remove("ADUAN_CHANNELS");
        Self::launch(command, dir, data_dir).await
    }

    /// Start `serve` (not the demo) on the data a bench prepared: the data dir `data` in
    /// `dir`, or the PostgreSQL database at `database_url`, its identities sealed under
    /// `identity_key`.
    pub(super) async fn start_prepared(
        dir: tempfile::TempDir,
        database_url: Option<&str>,
        identity_key: &str,
    ) -> anyhow::Result<Self> {
        let data_dir = dir.path().join("data");
        let mut command = serve(&data_dir)?;
        command
            .env("ADUAN_IDENTITY_KEY", identity_key)
            .env_remove("ADUAN_CHANNELS");
        match database_url {
            Some(url) => command.args(["--database-url", url]),
            None => command.env_remove("ADUAN_DATABASE_URL"),
        };
        Self::launch(command, dir, data_dir).await
    }

    /// Run `command` with its log in `dir` and wait for its listening line.
    async fn launch(
        mut command: std::process::Command,
        dir: tempfile::TempDir,
        data_dir: PathBuf,
    ) -> anyhow::Result<Self> {
        let log = dir.path().join("server.log");
        let log_file =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut child = command.spawn().context("starting the server")?;
        let stdout = child
            .stdout
            .take()
            .context("the server's stdout is not piped")?;
        let mut server = Self {
            child,
            base: String::new(),
            data_dir,
            log,
            dir: Some(dir),
        };
        // Read the pipe on a thread until the listening line, then keep draining it so the
        // server never blocks (or fails) writing to stdout.
        let (found, listening) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("aduan-bench-server-stdout".into())
            .spawn(move || {
                let mut found = Some(found);
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(address) = line.strip_prefix("aduan listening on ")
                        && let Some(found) = found.take()
                    {
                        let _ = found.send(address.trim().to_owned());
                    }
                }
            })
            .context("starting the stdout reader")?;
        server.base = match tokio::time::timeout(STARTUP_TIMEOUT, listening).await {
            Ok(Ok(base)) => base,
            Ok(Err(_)) => bail!(
                "the server exited before listening; its log:\n{}",
                log_tail(&server.log)
            ),
            Err(_) => bail!(
                "the server did not listen within {STARTUP_TIMEOUT:?}; its log:\n{}",
                log_tail(&server.log)
            ),
        };
        Ok(server)
    }

    /// SIGKILL, as a crash would: no graceful shutdown, no final checkpoint.
    pub(super) fn crash(&mut self) -> anyhow::Result<()> {
        self.child.kill().context("killing the server")?;
        self.child.wait().context("waiting for the server")?;
        Ok(())
    }

    pub(super) fn keep_data(&mut self) -> Option<PathBuf> {
        self.dir.take().map(tempfile::TempDir::keep)
    }
}

/// `aduan serve` on a port of its choosing over `data_dir`.
fn serve(data_dir: &Path) -> anyhow::Result<std::process::Command> {
    let exe = std::env::current_exe().context("finding the aduan binary")?;
    let mut command = std::process::Command::new(exe);
    command
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--insecure-cookies"])
        // One address registers every client and files every report: no limits on those
        // (the sign-in throttle stays, and the bench signs in no one twice).
        .args(["--rate-limits", "off"])
        .arg("--data-dir")
        .arg(data_dir);
    Ok(command)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
