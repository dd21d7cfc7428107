//! Configuration in one file, as an operator uses it: `aduan --config FILE serve` takes
//! every option from the file, `ADUAN_*` variables override it and flags override both;
//! secrets given as files reach the server without being in its arguments or environment;
//! `aduan config check` validates a file and prints it with secrets redacted; the other
//! commands (here `backup`) find the store the file names.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use aduan_channels::signature::sign_sha256;

#[path = "common/server.rs"]
mod server;

use server::Server;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/aduan.toml");
const WEBHOOK_SECRET: &str = "rahasia-webhook-surat-9f3a71";
const DB_PASSWORD: &str = "kata-sandi-basis-data-5521";
const PASSWORD: &str = "rahasia-demo-123";
/// A store with a jurisdiction to serve.
/// The demo without its synthetic year: these tests are about the configuration.
const DEMO: [&str; 5] = ["--demo", "--demo-history", "0", "--demo-password", PASSWORD];
const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");

/// `aduan` with none of the caller's `ADUAN_*` variables: each test says what it sets.
fn aduan() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aduan"));
    for (name, _) in std::env::vars() {
        if name.starts_with("ADUAN_") {
            command.env_remove(name);
        }
    }
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn write(path: &Path, content: &str) -> PathBuf {
    std::fs::write(path, content).unwrap();
    path.to_owned()
}

/// A file readable by its owner only, as a secret file should be.
fn write_private(path: &Path, content: &str) -> PathBuf {
    write(path, content);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.to_owned()
}

/// Start `command` (an `aduan … serve`) and wait for the address it prints.
fn start(mut command: Command) -> Server {
    command.stderr(Stdio::inherit());
    Server::started(command)
}

/// `[server]` on `port`, the data dir `data`.
fn config_file(dir: &Path, data: &Path, port: u16) -> PathBuf {
    write(
        &dir.join("aduan.toml"),
        &format!(
            "data_dir = {data:?}\n\n[server]\nlisten = \"127.0.0.1:{port}\"\ninsecure_cookies = true\n\n[identity]\nkey_file = {:?}\n",
            dir.join("identity.key")
        ),
    )
}

#[test]
fn serve_takes_the_file_then_the_environment_then_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (file_data, env_data, flag_data) = (
        dir.path().join("file-data"),
        dir.path().join("env-data"),
        dir.path().join("flag-data"),
    );
    let (file_port, env_port, flag_port) = (free_port(), free_port(), free_port());
    let config = config_file(dir.path(), &file_data, file_port);

    // Only the file: its port and its data dir.
    let mut command = aduan();
    command.arg("--config").arg(&config).arg("serve").args(DEMO);
    let server = start(command);
    assert_eq!(server.address(), format!("127.0.0.1:{file_port}"));
    assert!(file_data.join("aduan.db").exists());
    drop(server);

    // The environment over the file; `--config` after the subcommand works as well.
    let mut command = aduan();
    command.arg("serve").arg("--config").arg(&config).args(DEMO);
    command.env("ADUAN_LISTEN", format!("127.0.0.1:{env_port}"));
    command.env("ADUAN_DATA_DIR", &env_data);
    let server = start(command);
    assert_eq!(server.address(), format!("127.0.0.1:{env_port}"));
    assert!(env_data.join("aduan.db").exists());
    drop(server);

    // Flags over both.
    let mut command = aduan();
    command.env("ADUAN_CONFIG", &config);
    command.env("ADUAN_SERVER_LISTEN", format!("127.0.0.1:{env_port}"));
    command.env("ADUAN_DATA_DIR", &env_data);
    command
        .arg("--data-dir")
        .arg(&flag_data)
        .arg("serve")
        .args(DEMO);
    command.args(["--listen", &format!("127.0.0.1:{flag_port}")]);
    let server = start(command);
    assert_eq!(server.address(), format!("127.0.0.1:{flag_port}"));
    assert!(flag_data.join("aduan.db").exists());
}

/// `aduan config check` on the example file, its paths pointed into `dir` by the
/// environment (as an operator trying it would).
fn check_example(dir: &Path, extra_env: &[(&str, &Path)]) -> Output {
    let channels = write_private(
        &dir.join("channels.json"),
        r#"{"lapor": {"status_url": "https://lapor.example/status", "secret": "lapor-rahasia-0123456789"}}"#,
    );
    let secret = write_private(&dir.join("webhook-secret"), &format!("{WEBHOOK_SECRET}\n"));
    let mut command = aduan();
    command.args(["config", "check", "--config", EXAMPLE]);
    command.env("ADUAN_DATA_DIR", dir.join("data"));
    command.env("ADUAN_IDENTITY_KEY_FILE", dir.join("identity.key"));
    command.env("ADUAN_CHANNELS", &channels);
    command.env("ADUAN_EMAIL_WEBHOOK_SECRET_FILE", &secret);
    command.env("ADUAN_BACKUP_DIR", dir.join("backups"));
    for (name, value) in extra_env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn config_check_validates_the_example_and_never_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let output = check_example(dir.path(), &[]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    // The effective configuration: the file's values, the environment's over them.
    assert!(stdout.contains("listen = \"127.0.0.1:8080\""), "{stdout}");
    assert!(
        stdout.contains("public_url = \"https://aduan.jakarta.go.id\""),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("data_dir = {:?}", dir.path().join("data"))),
        "{stdout}"
    );
    assert!(
        stdout.contains("keep = 7") && stdout.contains("every = \"1d\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("email_webhook_secret = \"<redacted>\""),
        "{stdout}"
    );
    // Each value says where it came from, unless it is the built-in default.
    assert!(stdout.contains("keep = 7  # "), "{stdout}");
    assert!(stdout.contains("  # ADUAN_BACKUP_DIR"), "{stdout}");
    assert!(stdout.contains("staff_hours = 12\n"), "{stdout}");
    assert!(!stdout.contains(WEBHOOK_SECRET) && !stderr.contains(WEBHOOK_SECRET));
    assert!(!stdout.contains("lapor-rahasia"));
    // Checked, not opened: no data dir, no database, no key, no backup dir.
    assert!(!dir.path().join("data").exists());
    assert!(!dir.path().join("identity.key").exists());
    assert!(!dir.path().join("backups").exists());

    // A PostgreSQL URL from a file: shown without its password, and never connected to.
    let url = write_private(
        &dir.path().join("database-url"),
        &format!("postgres://aduan:{DB_PASSWORD}@127.0.0.1:1/aduan\n"),
    );
    let key = write_private(
        &dir.path().join("identity.key"),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
    );
    let output = check_example(
        dir.path(),
        &[
            ("ADUAN_DATABASE_URL_FILE", &url),
            ("ADUAN_IDENTITY_KEY_FILE", &key),
        ],
    );
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("url = \"postgres://aduan:<redacted>@127.0.0.1:1/aduan\""),
        "{stdout}"
    );
    assert!(!stdout.contains(DB_PASSWORD) && !stderr.contains(DB_PASSWORD));
}

/// `aduan config check` on a file holding `content`: its exit status and stderr.
fn check(dir: &Path, content: &str, env: &[(&str, &str)]) -> (Option<i32>, String, PathBuf) {
    let file = write(&dir.join("aduan.toml"), content);
    let mut command = aduan();
    command.arg("--config").arg(&file).args(["config", "check"]);
    command.env("ADUAN_DATA_DIR", dir.join("data"));
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    if !output.status.success() {
        assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    }
    (output.status.code(), text(&output.stderr), file)
}

#[test]
fn a_bad_configuration_exits_2_naming_every_key_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let shown = |file: &Path| file.display().to_string();

    // A typo is an error, not ignored.
    let (status, stderr, file) = check(dir.path(), "[server]\nlisen = \"0.0.0.0:80\"\n", &[]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("server.lisen: unknown key"), "{stderr}");
    assert!(stderr.contains(&shown(&file)), "{stderr}");
    let (status, stderr, _) = check(dir.path(), "[sever]\nlisten = \"0.0.0.0:80\"\n", &[]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("sever: unknown key"), "{stderr}");

    // Bad values, every one listed.
    let (status, stderr, file) = check(
        dir.path(),
        "[limits]\nregistrations_per_hour = \"banyak\"\n[database]\npool = 0\n[backup]\nevery = \"sekali\"\n",
        &[],
    );
    assert_eq!(status, Some(2), "{stderr}");
    for key in [
        "limits.registrations_per_hour",
        "database.pool",
        "backup.every",
    ] {
        assert!(
            stderr.contains(&format!("{key}: ")) || stderr.contains(&format!("{key} (in ")),
            "{key}: {stderr}"
        );
    }
    assert!(stderr.contains(&shown(&file)), "{stderr}");

    // A bad value from the environment names the variable.
    let (status, stderr, _) = check(dir.path(), "", &[("ADUAN_BACKUP_KEEP", "0")]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("backup.keep (in ADUAN_BACKUP_KEEP)"),
        "{stderr}"
    );

    // A secret and its file both given.
    let secret = write_private(&dir.path().join("url"), "sqlite:///tmp/x.db\n");
    let (status, stderr, _) = check(
        dir.path(),
        &format!("[database]\nurl = \"sqlite:///tmp/y.db\"\nurl_file = {secret:?}\n"),
        &[],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("database.url") && stderr.contains("database.url_file"),
        "{stderr}"
    );
    assert!(stderr.contains("both given"), "{stderr}");
    // In different layers, the higher one wins: the environment's URL replaces the file's
    // url_file.
    let (status, stderr, _) = check(
        dir.path(),
        &format!("[database]\nurl_file = {secret:?}\n"),
        &[("ADUAN_DATABASE_URL", "sqlite:///tmp/z.db")],
    );
    assert_eq!(status, Some(0), "{stderr}");

    // A short secret, a missing channels file: refused as `serve` would refuse them.
    let short = write_private(&dir.path().join("short"), "pendek\n");
    let (status, stderr, _) = check(
        dir.path(),
        &format!(
            "[channels]\nfile = {:?}\nemail_webhook_secret_file = {short:?}\n",
            dir.path().join("none.json")
        ),
        &[],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("channels.email_webhook_secret"), "{stderr}");
    assert!(stderr.contains("channels.file"), "{stderr}");
    assert!(!dir.path().join("data").exists());

    // `serve` refuses the same, before it listens or opens anything.
    let output = aduan()
        .arg("--config")
        .arg(dir.path().join("aduan.toml"))
        .arg("serve")
        .env("ADUAN_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("channels.file"));
    assert!(!dir.path().join("data").exists());
}

fn proc_file(pid: u32, name: &str) -> Vec<u8> {
    std::fs::read(format!("/proc/{pid}/{name}")).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_given_as_a_file_reaches_the_server_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write_private(
        &dir.path().join("webhook-secret"),
        &format!("{WEBHOOK_SECRET}\n"),
    );
    let config = config_file(dir.path(), &dir.path().join("data"), 0);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&config)
        .unwrap();
    writeln!(file, "\n[channels]\nemail_webhook_secret_file = {secret:?}").unwrap();
    let mut command = aduan();
    command.arg("--config").arg(&config);
    command.arg("serve").args(DEMO);
    let server = start(command);
    let pid = server.pid();
    if cfg!(target_os = "linux") {
        assert!(!contains(&proc_file(pid, "cmdline"), WEBHOOK_SECRET));
        assert!(!contains(&proc_file(pid, "environ"), WEBHOOK_SECRET));
    }

    let body = "From: Budi Hartono <budi.hartono@contoh.id>\r\n\
To: dki@jakarta.go.id\r\n\
Subject: Sampah menumpuk di Gambir\r\n\
Message-ID: <config-file-1@contoh.id>\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Sampah belum diangkut tiga hari di depan pasar.\r\n"
        .as_bytes()
        .to_vec();
    let http = reqwest::Client::new();
    let deliver = |signature: String| {
        http.post(format!("{}/channels/email/inbound", server.base))
            .header("content-type", "message/rfc822")
            .header("x-aduan-signature", signature)
            .body(body.clone())
            .send()
    };
    // Signed with the file's secret (its trailing newline not part of it): filed.
    let signed = deliver(sign_sha256(WEBHOOK_SECRET.as_bytes(), &body))
        .await
        .unwrap();
    assert_eq!(signed.status(), 201);
    // Signed with anything else (the file's bytes as they are included): refused.
    let with_newline = format!("{WEBHOOK_SECRET}\n");
    let forged = deliver(sign_sha256(with_newline.as_bytes(), &body))
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[test]
fn backup_backs_up_the_store_the_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), &dir.path().join("data"), 0);
    let create = |data_dir: Option<&Path>| {
        let mut command = aduan();
        command.arg("--config").arg(&config);
        if let Some(data_dir) = data_dir {
            command.arg("--data-dir").arg(data_dir);
        }
        let mut child = command
            .args(["user", "create", "kepala", "--role", "admin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "Kata-Sandi-Kuat-2026!").unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    };
    let loaded = aduan()
        .arg("--config")
        .arg(&config)
        .args(["jurisdiction", "import", PACK])
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    let made = create(None);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(dir.path().join("data").join("aduan.db").exists());

    let backup = dir.path().join("kota.backup");
    let output = aduan()
        .arg("--config")
        .arg(&config)
        .args(["backup", "--to"])
        .arg(&backup)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(backup.exists());

    // Restored elsewhere, the file's store holds the account made through the file.
    let restored = dir.path().join("restored");
    let output = aduan()
        .arg("--data-dir")
        .arg(&restored)
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let again = create(Some(&restored));
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("kepala"),
        "{}",
        text(&again.stderr)
    );
}
