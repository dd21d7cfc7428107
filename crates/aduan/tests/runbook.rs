//! README "Running aduan for a city", followed command by command: every command of the
//! section's `sh` blocks, in order, on a machine laid out under a temporary directory
//! (`/etc/aduan`, `/var/lib/aduan`, `/var/backups/aduan`, `/usr/local` inside it). The few
//! that need root or a real machine (a system user, systemd, the proxy's package) are
//! stood in for or skipped by name; a command the test does not know fails it, so the
//! section and the test cannot drift apart.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

#[path = "common/server.rs"]
mod server;

use server::Server;

const ADMIN_PASSWORD: &str = "runbook-admin-2026";
const CITIZEN_PASSWORD: &str = "runbook-warga-2026";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The command lines of the section's `sh` blocks, continuation lines joined.
fn runbook_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## Running aduan for a city\n")
        .expect("README has the section \"Running aduan for a city\"");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in section.lines() {
        let line = line.trim();
        if line.starts_with("```") {
            in_sh = !in_sh && line == "```sh";
            continue;
        }
        if !in_sh || line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(line);
                commands.push(std::mem::take(&mut pending));
            }
        }
    }
    commands
}

/// What the test does with a command of the runbook.
#[derive(Debug, PartialEq)]
enum Step {
    /// Run it (after the paths are moved under the temporary root).
    Run(String),
    /// `systemctl enable --now aduan` or `start`: run the unit's `ExecStart`.
    StartService,
    /// `systemctl stop aduan`: SIGTERM, as systemd sends.
    StopService,
    /// Needs root or a real machine, and changes nothing the test checks.
    Skip(&'static str),
}

fn step_of(command: &str) -> Step {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["cargo", "build", ..] => Step::Skip("the test runs the binary cargo built for it"),
        ["useradd", ..] | ["chown", ..] => Step::Skip("system users: the test runs as itself"),
        ["apt-get", ..] => Step::Skip("no packages are installed by the test"),
        ["systemctl", "daemon-reload"] => Step::Skip("no systemd"),
        ["systemctl", "reload", "caddy"] => Step::Skip("the proxy is not run"),
        ["install", .., target] if target.starts_with("/etc/systemd/") => {
            Step::Skip("the unit's ExecStart is run directly")
        }
        ["install", .., target] if target.starts_with("/etc/caddy/") => {
            Step::Skip("the proxy is not run")
        }
        ["systemctl", "enable", "--now", "aduan"] | ["systemctl", "start", "aduan"] => {
            Step::StartService
        }
        ["systemctl", "stop", "aduan"] => Step::StopService,
        ["install" | "cp" | "aduan" | "sudo" | "printf" | "curl", ..] => {
            Step::Run(command.to_owned())
        }
        _ => panic!("the runbook has a command this test does not know: {command}"),
    }
}

/// The machine: its root, and how README paths map into it.
struct Machine {
    root: tempfile::TempDir,
    server: Option<Server>,
}

impl Machine {
    /// A machine's directories before aduan: what a Debian install has.
    fn new() -> Self {
        let root = tempfile::tempdir().expect("a temporary root");
        for dir in [
            "etc",
            "usr/local/bin",
            "usr/local/share",
            "var/lib",
            "var/backups",
        ] {
            std::fs::create_dir_all(root.path().join(dir)).expect("the machine's layout");
        }
        Self { root, server: None }
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root.path().join(path.trim_start_matches('/'))
    }

    /// Move the README's absolute paths under the root; users and groups go (the test
    /// runs as itself).
    fn localize(&self, text: &str) -> String {
        let root = self.root.path().display().to_string();
        let regions = repo().join("../shared/regions").display().to_string();
        text.replace("sudo -u aduan ", "")
            .replace("-o root -g aduan ", "")
            .replace("-o aduan -g aduan ", "")
            .replace("/srv/aduan/regions", &regions)
            .replace("/etc/aduan", &format!("{root}/etc/aduan"))
            .replace("/var/lib/aduan", &format!("{root}/var/lib/aduan"))
            .replace("/var/backups/aduan", &format!("{root}/var/backups/aduan"))
            .replace("/usr/local/", &format!("{root}/usr/local/"))
            .replace("target/release/aduan", env!("CARGO_BIN_EXE_aduan"))
            .replace("deploy/aduan.toml", &format!("{root}/deploy-aduan.toml"))
    }

    /// The example configuration as the operator would have it: its paths under the root.
    fn write_configuration(&self) {
        let example =
            std::fs::read_to_string(repo().join("deploy/aduan.toml")).expect("deploy/aduan.toml");
        std::fs::write(self.path("deploy-aduan.toml"), self.localize(&example))
            .expect("the localized configuration");
    }

    /// A command as the machine's shell would run it: the installed binary first on the
    /// PATH, nothing of the test's own aduan environment.
    fn shell(&self, command: &str) -> Command {
        let mut shell = Command::new("sh");
        shell
            .arg("-c")
            .arg(command)
            .current_dir(repo())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.path("usr/local/bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("ADMIN_PASSWORD", ADMIN_PASSWORD);
        for (name, _) in std::env::vars() {
            if name.starts_with("ADUAN_") {
                shell.env_remove(name);
            }
        }
        shell
    }

    fn run(&self, command: &str) -> String {
        let mut command_line = self.localize(command);
        if let Some(server) = &self.server {
            command_line = command_line.replace("127.0.0.1:8080", server.address());
        }
        let out = self.shell(&command_line).output().expect("the shell runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "`{command}` failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// The unit's `ExecStart`, on port 0 (the test's only departure from the file: tests
    /// run side by side), up to its "listening" line.
    fn start_service(&mut self, data_dir: Option<&Path>) -> Server {
        let unit = std::fs::read_to_string(repo().join("deploy/aduan.service"))
            .expect("deploy/aduan.service");
        let exec = unit
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("the unit has an ExecStart");
        let mut command = self.shell(&format!("exec {}", self.localize(exec)));
        command
            .env("ADUAN_LISTEN", "127.0.0.1:0")
            .env("ADUAN_METRICS_LISTEN", "127.0.0.1:0");
        if let Some(dir) = data_dir {
            command.env("ADUAN_DATA_DIR", dir);
        }
        // The journal: kept beside the machine, read when something fails.
        let journal = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path("journal.log"))
            .expect("the journal");
        command.stderr(journal);
        Server::started(command)
    }
}

/// SIGTERM, as `systemctl stop` sends, and wait for a clean exit.
fn stop(server: Server) {
    let exit = server.stop();
    assert!(exit.success(), "aduan stopped cleanly on SIGTERM: {exit}");
}

async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("login answers");
    assert_eq!(resp.status(), 200, "{username} signs in");
    let body: Value = resp.json().await.expect("json");
    body["token"].as_str().expect("a token").to_owned()
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the store");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

/// The first start: the city is there, with its one admin and nothing else; a citizen
/// registers and files a report, which later backups must hold.
async fn first_start(machine: &Machine, server: &Server) -> String {
    let db = machine.path("var/lib/aduan/aduan.db");
    assert_eq!(
        count(&db, "users"),
        1,
        "the first admin is the only account"
    );
    assert_eq!(count(&db, "reports"), 0, "no sample report");
    assert_eq!(
        count(&db, "regions"),
        317,
        "6 kota, 44 kecamatan, 267 kelurahan"
    );
    let http = reqwest::Client::new();
    let base = server.base.clone();
    login(&http, &base, "admin-crm", ADMIN_PASSWORD).await;
    let resp = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"username": "warga-runbook", "password": CITIZEN_PASSWORD}))
        .send()
        .await
        .expect("register answers");
    assert_eq!(resp.status(), 201, "a citizen registers");
    let token = login(&http, &base, "warga-runbook", CITIZEN_PASSWORD).await;
    let resp = http
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(&token)
        .json(&json!({
            "category": "jalan",
            "description": "Jalan berlubang di depan halte Monas",
            "location": {"lat": -6.1754, "lon": 106.8272}
        }))
        .send()
        .await
        .expect("the report is filed");
    assert_eq!(resp.status(), 201, "the citizen files a report");
    let report: Value = resp.json().await.expect("json");
    report["ticket"].as_str().expect("a ticket").to_owned()
}

/// The restored store serves the city as it was: the admin signs in, the citizen finds the
/// report filed before the backup.
async fn restored_serves(server: &Server, ticket: &str) {
    let http = reqwest::Client::new();
    let base = server.base.clone();
    login(&http, &base, "admin-crm", ADMIN_PASSWORD).await;
    let token = login(&http, &base, "warga-runbook", CITIZEN_PASSWORD).await;
    let resp = http
        .get(format!("{base}/api/v1/reports/{ticket}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the report answers");
    assert_eq!(resp.status(), 200, "the restored store has {ticket}");
}

#[tokio::test]
async fn the_readme_runbook_takes_an_empty_machine_to_a_running_city() {
    let commands = runbook_commands();
    let steps: Vec<Step> = commands.iter().map(|c| step_of(c)).collect();
    for needed in [
        "init --pack",
        "user create",
        "config check",
        "backup --to",
        "restore",
    ] {
        assert!(
            commands.iter().any(|c| c.contains(needed)),
            "the runbook shows `{needed}`"
        );
    }
    let mut machine = Machine::new();
    machine.write_configuration();
    let mut ticket = None;
    for (command, step) in commands.iter().zip(steps) {
        match step {
            Step::Run(_) => {
                machine.run(command);
            }
            Step::StartService => {
                let server = machine.start_service(None);
                if ticket.is_none() {
                    ticket = Some(first_start(&machine, &server).await);
                }
                machine.server = Some(server);
            }
            Step::StopService => {
                stop(machine.server.take().expect("aduan runs"));
            }
            Step::Skip(_) => {}
        }
    }
    drop(machine.server.take());
    let ticket = ticket.expect("the runbook starts aduan");
    let restored = machine.path("var/lib/aduan-restored");
    assert!(
        restored.join("aduan.db").exists(),
        "the runbook's restore made a data dir"
    );
    let server = machine.start_service(Some(&restored));
    restored_serves(&server, &ticket).await;
    stop(server);
}

#[test]
fn every_runbook_command_is_known() {
    let commands = runbook_commands();
    assert!(
        commands.len() >= 15,
        "the runbook has its commands: {commands:?}"
    );
    let started = commands
        .iter()
        .filter(|c| step_of(c) == Step::StartService)
        .count();
    assert!(
        started >= 2,
        "the runbook starts aduan, and again after an upgrade"
    );
}
