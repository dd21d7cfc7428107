//! `aduan key rotate` and `aduan audit export` through the real binary, on SQLite and on
//! PostgreSQL: a walk-in citizen who asked for SMS updates is filed and revealed under the
//! old key; a wrong old key and the same key are refused with nothing changed; after the
//! rotation the statistics are the same, `serve` refuses the old key and serves with the
//! new one, the citizen's next report counts as the same reporter, every identity opens,
//! and the audit log of every reveal comes out as JSON lines and as CSV.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use aduan_store::identity::IdentityKey;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

#[path = "common/server.rs"]
mod server;

use server::Server;

const PASSWORD: &str = "rahasia-rotasi-kunci";
/// Wide enough for any day the test runs on.
const PERIOD: [&str; 4] = ["--from", "2025-01-01", "--to", "2100-01-01"];

/// `aduan` on the data dir (and the database, when given), the environment's store and key
/// left out.
fn aduan(data_dir: &Path, database: Option<&str>) -> Command {
    let mut command = server::aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn");
    if let Some(url) = database {
        command.args(["--database-url", url]);
    }
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Start `aduan serve`: the server once it listens, or its stderr if it exits first.
fn serve(mut command: Command, extra: &[&str]) -> Result<Server, String> {
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(["--rate-limits", "off"])
        .args(extra)
        .stderr(Stdio::piped());
    Server::start(command).map_err(|exited| exited.stderr)
}

async fn login(http: &reqwest::Client, base: &str, username: &str) -> String {
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{username} signs in");
    let body: Value = resp.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// The operator files a walk-in citizen's report, who asked for updates by SMS.
async fn file_walk_in(http: &reqwest::Client, base: &str) -> String {
    let operator = login(http, base, "operator").await;
    let resp = http
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(&operator)
        .json(&json!({
            "category": "jalan",
            "description": "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.",
            "location": {"region": "31.74.01"},
            "channel": "balai_kota",
            "citizen": {"name": "Siti Aminah", "phone": "0812-3456-7002", "notify_by": "sms"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let view: Value = resp.json().await.unwrap();
    view["ticket"].as_str().unwrap().to_owned()
}

/// The admin reveals who filed `ticket` (the sealed identity opens), with a reason.
async fn reveal(http: &reqwest::Client, base: &str, ticket: &str, reason: &str) {
    let admin = login(http, base, "admin").await;
    let resp = http
        .post(format!("{base}/api/v1/reports/{ticket}/reporter"))
        .bearer_auth(&admin)
        .json(&json!({ "reason": reason }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{ticket}");
    let who: Value = resp.json().await.unwrap();
    assert_eq!(who["name"], "Siti Aminah");
}

fn stats(data: &Path, database: Option<&str>) -> Value {
    let mut command = aduan(data, database);
    command.arg("stats").args(PERIOD).arg("--json");
    serde_json::from_str(&ok(&command.output().unwrap())).unwrap()
}

fn desk_channel(figures: &Value) -> (u64, u64) {
    let channel = figures["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "balai_kota")
        .unwrap_or_else(|| panic!("no balai_kota in {figures}"));
    (
        channel["reports"].as_u64().unwrap(),
        channel["reporters"].as_u64().unwrap(),
    )
}

fn generate(keys: &Path, name: &str) -> std::path::PathBuf {
    let file = keys.join(name);
    let out = aduan(keys, None)
        .args(["key", "generate", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    ok(&out);
    file
}

async fn rotation_through_the_binary(database: Option<&str>) {
    let keys = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (data, keys) = (data.path(), keys.path());
    let (old_key, new_key) = (generate(keys, "old.key"), generate(keys, "new.key"));
    let old_arg = old_key.to_str().unwrap();
    let new_arg = new_key.to_str().unwrap();
    let http = reqwest::Client::new();

    let first = {
        let server = serve(
            aduan(data, database),
            &[
                "--demo",
                "--demo-history",
                "0",
                "--demo-password",
                PASSWORD,
                "--identity-key-file",
                old_arg,
            ],
        )
        .unwrap();
        let ticket = file_walk_in(&http, &server.base).await;
        reveal(
            &http,
            &server.base,
            &ticket,
            "Perintah pengadilan No. 1/2026",
        )
        .await;
        ticket
    };
    let before = stats(data, database);
    assert_eq!(desk_channel(&before), (1, 1));

    // A wrong old key, and the new key equal to the old: refused, nothing changed.
    let wrong = IdentityKey::generate().to_base64();
    let refused = aduan(data, database)
        .args([
            "key",
            "rotate",
            "--new-key-file",
            new_arg,
            "--identity-key",
            &wrong,
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("is not this database's key"));
    let same = aduan(data, database)
        .args(["key", "rotate", "--new-key-file", old_arg])
        .args(["--identity-key-file", old_arg])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(1));
    assert!(
        text(&same.stderr).contains("is the old one"),
        "{}",
        text(&same.stderr)
    );
    let still_old = aduan(data, database)
        .args(["key", "fingerprint", "--identity-key-file", old_arg])
        .output()
        .unwrap();
    assert!(still_old.status.success(), "{}", text(&still_old.stdout));

    let rotated = ok(&aduan(data, database)
        .args(["key", "rotate", "--new-key-file", new_arg])
        .args(["--identity-key-file", old_arg])
        .output()
        .unwrap());
    let new_fingerprint = IdentityKey::from_base64(&std::fs::read_to_string(&new_key).unwrap())
        .unwrap()
        .fingerprint();
    assert!(rotated.contains(&new_fingerprint), "{rotated}");
    assert!(rotated.contains("every instance"), "{rotated}");
    assert!(rotated.contains("reporter identities"), "{rotated}");
    assert_eq!(
        stats(data, database),
        before,
        "the statistics are unchanged"
    );

    // The old key is refused now; the new one serves.
    let refusal = serve(aduan(data, database), &["--identity-key-file", old_arg])
        .err()
        .expect("the old key is refused");
    assert!(refusal.contains("is not this database's key"), "{refusal}");
    let server = serve(aduan(data, database), &["--identity-key-file", new_arg]).unwrap();
    let second = file_walk_in(&http, &server.base).await;
    reveal(&http, &server.base, &first, "Banding atas putusan").await;
    reveal(&http, &server.base, &second, "Banding, laporan kedua").await;
    // The citizen account's own identity opens too.
    let citizen = login(&http, &server.base, "warga").await;
    let me = http
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    drop(server);
    // The same number, filed after the rotation: the same reporter as before it.
    assert_eq!(desk_channel(&stats(data, database)), (2, 1));

    // The audit log: every reveal, oldest first.
    let mut export = aduan(data, database);
    export.args(["audit", "export"]).args(PERIOD);
    let lines: Vec<Value> = ok(&export.output().unwrap())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.iter().all(|l| l["action"] == "reveal"),
        "every entry is a reveal: {lines:?}"
    );
    let seen: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["actor"].as_str().unwrap(),
                l["ticket"].as_str().unwrap(),
                l["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("admin", first.as_str(), "Perintah pengadilan No. 1/2026"),
            ("admin", first.as_str(), "Banding atas putusan"),
            ("admin", second.as_str(), "Banding, laporan kedua"),
        ]
    );
    let mut csv = aduan(data, database);
    csv.args(["audit", "export", "--format", "csv"])
        .args(PERIOD);
    let csv = ok(&csv.output().unwrap());
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "id,at,action,actor_id,actor,ticket,reason,detail");
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[3].ends_with(&format!(",admin,{second},\"Banding, laporan kedua\",")),
        "{csv}"
    );
    assert!(rows[3].contains(",reveal,"), "{csv}");
    // A period before any reveal: nothing. A bad day: exit status 2.
    let mut empty = aduan(data, database);
    empty.args([
        "audit",
        "export",
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-02",
    ]);
    assert_eq!(ok(&empty.output().unwrap()), "");
    let mut bad = aduan(data, database);
    bad.args([
        "audit",
        "export",
        "--from",
        "2025-13-01",
        "--to",
        "2025-01-02",
    ]);
    assert_eq!(bad.output().unwrap().status.code(), Some(2));
}

#[tokio::test]
async fn sqlite_rotates_the_identity_key_and_exports_the_audit_log() {
    rotation_through_the_binary(None).await;
}

#[tokio::test]
async fn postgres_rotates_the_identity_key_and_exports_the_audit_log() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    rotation_through_the_binary(Some(database.url())).await;
}
