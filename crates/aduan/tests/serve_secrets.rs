//! `aduan serve` refuses to start with a secret anyone could guess: an empty or short
//! channel secret in the channels file, or a short `--email-webhook-secret`; and with the
//! Governor's accounts configured for a city whose pack has no channel to file them as. It
//! exits non-zero naming the field, before it listens.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::json;

#[path = "common/server.rs"]
mod server;

use server::{Server, aduan};

/// Run `aduan serve` with `extra` and return its exit success and stderr. A server that
/// starts listening is stopped and the test fails.
fn serve(extra: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    serve_in(dir.path(), &["--demo", "--demo-history", "0"], extra)
}

/// [`serve`] on the store in `data_dir`.
fn serve_in(data_dir: &Path, demo: &[&str], extra: &[&str]) -> (bool, String) {
    let mut command = aduan();
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(demo)
        .env("ADUAN_DEMO_PASSWORD", "rahasia-demo-123")
        .args(extra)
        .env_remove("ADUAN_EMAIL_WEBHOOK_SECRET")
        .env_remove("ADUAN_CHANNELS")
        .stderr(Stdio::piped());
    match Server::start(command) {
        Ok(_) => panic!("aduan started with a weak secret or a bad channel: {extra:?}"),
        Err(exited) => (exited.status.success(), exited.stderr),
    }
}

fn channels_file(dir: &tempfile::TempDir, meta_secret: &str) -> String {
    let path = dir.path().join("channels.json");
    let config = json!({
        "meta": {"page_access_token": "EAAGm0PX4ZCpsBAKZB", "app_secret": meta_secret,
                 "verify_token": "langganan-aduan-3b9f-77c1"},
    });
    std::fs::write(&path, config.to_string()).expect("write the channels file");
    path.display().to_string()
}

#[test]
fn an_empty_meta_app_secret_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = channels_file(&dir, "");
    let (ok, stderr) = serve(&["--channels", &file]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("meta.app_secret is empty"), "{stderr}");
}

#[test]
fn a_short_email_webhook_secret_is_refused_at_start() {
    let (ok, stderr) = serve(&["--email-webhook-secret", "rahasia"]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("--email-webhook-secret"), "{stderr}");
    assert!(
        !stderr.contains("rahasia"),
        "the secret is not quoted: {stderr}"
    );
}

/// What arrives on the Governor's own accounts files as the pack's channel of kind `meta`:
/// Kota Bogor's pack has none, so it cannot take such accounts.
#[test]
fn governor_accounts_without_a_meta_channel_in_the_pack_are_refused_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/bogor.json");
    let imported = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["jurisdiction", "import", pack])
        .output()
        .expect("run aduan");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let path = dir.path().join("channels.json");
    let config = json!({
        "meta": {"page_access_token": "EAAGm0PX4ZCpsBAKZB",
                 "app_secret": "rahasia-aplikasi-meta-3b9f-77c1",
                 "verify_token": "langganan-aduan-3b9f-77c1",
                 "governor_account_ids": ["100200300400500"]},
    });
    std::fs::write(&path, config.to_string()).expect("write the channels file");
    let (ok, stderr) = serve_in(dir.path(), &[], &["--channels", path.to_str().unwrap()]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("governor_account_ids"), "{stderr}");
    assert!(stderr.contains("channel of kind \"meta\""), "{stderr}");
}
