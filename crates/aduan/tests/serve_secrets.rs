//! `aduan serve` refuses to start with a secret anyone could guess: an empty or short
//! channel secret in the channels file, or a short `--email-webhook-secret`. It exits
//! non-zero naming the field, before it listens.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::json;

/// Run `aduan serve` with `extra` and return its exit success and stderr. A server that
/// starts listening is stopped and the test fails.
fn serve(extra: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--insecure-cookies",
        ])
        .env("ADUAN_DEMO_PASSWORD", "rahasia-demo-123")
        .args(extra)
        .env_remove("ADUAN_EMAIL_WEBHOOK_SECRET")
        .env_remove("ADUAN_CHANNELS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aduan");
    let stdout = child.stdout.take().expect("stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read stdout");
        if line.starts_with("aduan listening on ") {
            let _ = child.kill();
            let _ = child.wait();
            panic!("aduan started with a weak secret: {extra:?}");
        }
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    (status.success(), stderr)
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
