//! `map.tiles_url` and `map.tiles_attribution` as an operator sets them: checked by
//! `aduan config check` (https only, `{z}`, `{x}` and `{y}`, nothing that could bend the
//! CSP), refused by `serve` before it listens, and once accepted the served pages' CSP
//! admits that tile server for images and nothing else.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

#[path = "common/server.rs"]
mod server;

use server::Server;

const PASSWORD: &str = "rahasia-demo-123";

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

/// `aduan config check` on a file holding `content`: exit status, stdout, stderr.
fn check(dir: &Path, content: &str, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let file = dir.join("aduan.toml");
    std::fs::write(&file, content).unwrap();
    let mut command = aduan();
    command.arg("--config").arg(&file).args(["config", "check"]);
    command.env("ADUAN_DATA_DIR", dir.join("data"));
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn config_check_takes_a_city_tile_server_and_refuses_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    // None: the boundaries alone, with the default attribution ready.
    let (status, stdout, stderr) = check(dir.path(), "", &[]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.contains("[map]"), "{stdout}");
    assert!(
        stdout.contains("tiles_attribution = \"© OpenStreetMap contributors\""),
        "{stdout}"
    );

    let (status, stdout, stderr) = check(
        dir.path(),
        "[map]\ntiles_url = \"https://tiles.kota.go.id/{z}/{x}/{y}.png\"\n",
        &[("ADUAN_MAP_TILES_ATTRIBUTION", "© Kontributor OpenStreetMap")],
    );
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stdout.contains("tiles_url = \"https://tiles.kota.go.id/{z}/{x}/{y}.png\"  # "),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "tiles_attribution = \"© Kontributor OpenStreetMap\"  # ADUAN_MAP_TILES_ATTRIBUTION"
        ),
        "{stdout}"
    );

    for (bad, why) in [
        ("http://tiles.kota.go.id/{z}/{x}/{y}.png", "plain http"),
        ("https://tiles.kota.go.id/{z}/{x}.png", "{y}"),
        (
            "https://tiles.kota.go.id/{z}/{x}/{y}.png; script-src *",
            "not allowed",
        ),
        (
            "https://user@tiles.kota.go.id/{z}/{x}/{y}.png",
            "not allowed",
        ),
        ("tiles.kota.go.id/{z}/{x}/{y}.png", "https"),
    ] {
        let (status, _, stderr) = check(dir.path(), "", &[("ADUAN_MAP_TILES_URL", bad)]);
        assert_eq!(status, Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("map.tiles_url (in ADUAN_MAP_TILES_URL)"),
            "{bad}: {stderr}"
        );
        assert!(stderr.contains(why), "{bad}: {stderr}");
    }
    let (status, _, stderr) = check(
        dir.path(),
        "[map]\ntiles_attribution = \"satu\\ndua\"\n",
        &[],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("map.tiles_attribution"), "{stderr}");
    assert!(!dir.path().join("data").exists());
}

#[tokio::test]
async fn serve_refuses_a_bad_tile_server_and_admits_a_good_one_for_images() {
    let dir = tempfile::tempdir().unwrap();
    let output = aduan()
        .arg("serve")
        .args(["--demo", "--demo-password", PASSWORD])
        .args(["--map-tiles-url", "https://tiles.kota.go.id/{z}/{x}.png"])
        .env("ADUAN_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("map.tiles_url (in --map-tiles-url)"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists());

    let mut command = aduan();
    command
        .arg("serve")
        .args(["--demo", "--demo-password", PASSWORD])
        .args(["--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args([
            "--map-tiles-url",
            "https://tiles.kota.go.id/{z}/{x}/{y}.png",
        ])
        .env("ADUAN_DATA_DIR", dir.path().join("data"))
        .stderr(Stdio::inherit());
    let server = Server::started(command);
    let resp = reqwest::get(format!("{}/", server.base)).await.unwrap();
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("img-src 'self' https://tiles.kota.go.id;"),
        "{csp}"
    );
    assert_eq!(csp.matches("tiles.kota.go.id").count(), 1, "{csp}");
}
