//! `aduan serve --identity-retention-months`: 1 to 120 months; anything else is refused
//! before the store is opened, naming the option (exit status 2, as for every bad argument).

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn serve_with(months: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--identity-retention-months",
            months,
        ])
        .env_remove("ADUAN_IDENTITY_RETENTION_MONTHS")
        .output()
        .expect("run aduan")
}

#[test]
fn a_retention_period_outside_one_to_120_months_is_refused() {
    for months in ["0", "121", "dua", ""] {
        let out = serve_with(months);
        assert_eq!(out.status.code(), Some(2), "{months:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--identity-retention-months"),
            "{months:?}: {stderr}"
        );
    }
}
