//! `aduan serve` as the tests run it: started from a command, up to its "listening" line
//! (and its metrics address when it prints one); stdout and a piped stderr drained from
//! then on, so the server never blocks on a full pipe; killed when dropped, or stopped with
//! SIGTERM as systemd stops it.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest a server may take to listen (or to exit, refusing to start).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A running server.
pub struct Server {
    child: Child,
    /// Its standard error, once it exits, when the command piped it.
    stderr: Option<mpsc::Receiver<String>>,
    /// `http://ADDRESS` of the public listener.
    pub base: String,
    /// `http://ADDRESS` of the metrics listener, when it has one.
    pub metrics: Option<String>,
    /// What it printed before it listened (the demo's accounts, ...).
    pub banner: Vec<String>,
}

/// How a server that never listened ended.
#[derive(Debug)]
pub struct Exited {
    pub status: ExitStatus,
    /// Its standard error, when the command piped it.
    pub stderr: String,
}

/// What the reader of stdout saw first.
enum Seen {
    Listening {
        base: String,
        metrics: Option<String>,
        banner: Vec<String>,
    },
    Closed,
}

impl Server {
    /// Start `command` (an `aduan ... serve ...`). Its stdout is the server's to read; its
    /// stderr is as the caller set it (piped: given back in [`Exited`] when it refuses).
    pub fn start(mut command: Command) -> Result<Self, Exited> {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("start aduan");
        let stdout = child.stdout.take().expect("stdout");
        let (seen, first) = mpsc::channel();
        std::thread::spawn(move || {
            let mut metrics = None;
            let mut banner = Vec::new();
            let mut seen = Some(seen);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("aduan metrics on ") {
                    metrics = Some(address.trim().to_owned());
                }
                if let Some(base) = line.strip_prefix("aduan listening on ")
                    && let Some(seen) = seen.take()
                {
                    let _ = seen.send(Seen::Listening {
                        base: base.trim().to_owned(),
                        metrics: metrics.take(),
                        banner: std::mem::take(&mut banner),
                    });
                } else if seen.is_some() {
                    banner.push(line);
                }
            }
            if let Some(seen) = seen {
                let _ = seen.send(Seen::Closed);
            }
        });
        let stderr = child.stderr.take().map(|mut stderr| {
            let (text, said) = mpsc::channel();
            std::thread::spawn(move || {
                let mut all = String::new();
                let _ = stderr.read_to_string(&mut all);
                let _ = text.send(all);
            });
            said
        });
        match first
            .recv_timeout(DEADLINE)
            .expect("listens or exits in time")
        {
            Seen::Listening {
                base,
                metrics,
                banner,
            } => Ok(Self {
                child,
                stderr,
                base,
                metrics,
                banner,
            }),
            Seen::Closed => {
                let status = child.wait().expect("aduan exits");
                let stderr = stderr
                    .and_then(|said| said.recv_timeout(DEADLINE).ok())
                    .unwrap_or_default();
                Err(Exited { status, stderr })
            }
        }
    }

    /// Start `command`, which must listen.
    pub fn started(command: Command) -> Self {
        Self::start(command).unwrap_or_else(|exited| panic!("aduan did not start: {exited:?}"))
    }

    /// The public listener's address, without the scheme.
    pub fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, as `systemctl stop` sends; how the server ended.
    pub fn stop(mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was sent");
        self.child.wait().expect("aduan exits")
    }

    /// Kill it; what it wrote to its standard error, when the command piped it.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|said| said.recv_timeout(DEADLINE).ok())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `aduan` binary with none of the environment's store, key or configuration.
pub fn aduan() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aduan"));
    for name in [
        "ADUAN_CONFIG",
        "ADUAN_DATABASE_URL",
        "ADUAN_IDENTITY_KEY",
        "ADUAN_IDENTITY_KEY_FILE",
    ] {
        command.env_remove(name);
    }
    command
}

/// `aduan serve` on the data dir, port 0, no `--demo`.
pub fn serve(data_dir: &Path) -> Server {
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .stderr(Stdio::null());
    Server::started(command)
}
