//! `aduan api-key create`: the key it prints once lets a third-party app file through the
//! Open311 API of `aduan serve` on the same data dir (and a key it did not print does not);
//! refused invocations exit non-zero, say why, and issue nothing.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use server::serve;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");
/// Real kelurahan boundaries, shared with CI beside the checkout: Open311 places a report by
/// its coordinates.
const KELURAHAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

/// Run `aduan --data-dir DIR ARGS...` with nothing on its standard input.
fn aduan(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run aduan")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

/// A data dir with the Jakarta jurisdiction loaded.
fn city() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&aduan(dir.path(), &["jurisdiction", "import", PACK]));
    dir
}

/// As [`city`], with the kelurahan boundaries.
fn city_with_boundaries() -> tempfile::TempDir {
    let dir = city();
    ok(&aduan(dir.path(), &["regions", "import", KELURAHAN]));
    dir
}

/// The key in `aduan api-key create`'s output: the word after "API key for NAME:".
fn printed_key(stdout: &str, name: &str) -> String {
    let prefix = format!("API key for {name}: ");
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no key for {name} in {stdout:?}"));
    line.trim().to_owned()
}

/// File a pothole at Monas through Open311 with `key`: the status and the answer.
async fn file_with(base: &str, key: &str, description: &str) -> (u16, Value) {
    let form = [
        ("api_key", key),
        ("service_code", "jalan"),
        ("lat", "-6.1754"),
        ("long", "106.8272"),
        ("description", description),
    ];
    let resp = reqwest::Client::new()
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn a_printed_key_lets_an_app_file_through_open311() {
    let dir = city_with_boundaries();
    let out = aduan(dir.path(), &["api-key", "create", "qlue"]);
    let stdout = ok(&out);
    let key = printed_key(&stdout, "qlue");
    assert!(key.len() >= 32, "{stdout}");
    assert!(stdout.contains("cannot show it again"), "{stdout}");
    // Each key is new.
    let other = printed_key(
        &ok(&aduan(dir.path(), &["api-key", "create", "jaki"])),
        "jaki",
    );
    assert_ne!(key, other);

    let server = serve(dir.path());
    let (status, body) = file_with(
        &server.base,
        &key,
        "Jalan berlubang besar di depan halte Monas",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let ticket = body[0]["service_request_id"].as_str().unwrap().to_owned();
    let (status, body) =
        file_with(&server.base, &other, "Trotoar rusak di Jl. Medan Merdeka").await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body[0]["service_request_id"].as_str().unwrap(), ticket);

    // A key that was not printed is refused, and files nothing.
    let mut forged = key.clone();
    forged.replace_range(..1, if key.starts_with('A') { "B" } else { "A" });
    for wrong in [forged.as_str(), "kunci-tebakan"] {
        let (status, body) = file_with(&server.base, wrong, "Lampu jalan mati").await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body[0]["code"], 403, "{body}");
    }
    drop(server);
    let reports: i64 = rusqlite::Connection::open(dir.path().join("aduan.db"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM reports WHERE channel = 'open311'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reports, 2);
}

#[tokio::test]
async fn refused_invocations_exit_non_zero_and_issue_nothing() {
    let dir = city();
    ok(&aduan(dir.path(), &["api-key", "create", "qlue"]));
    let keys = || -> i64 {
        rusqlite::Connection::open(dir.path().join("aduan.db"))
            .unwrap()
            .query_row("SELECT COUNT(*) FROM api_keys", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(keys(), 1);
    let long = "k".repeat(101);
    for (args, says) in [
        (vec!["api-key", "create", "qlue"], "exists already"),
        (vec!["api-key", "create", ""], "1 to 100 characters"),
        (vec!["api-key", "create", "   "], "1 to 100 characters"),
        (
            vec!["api-key", "create", long.as_str()],
            "1 to 100 characters",
        ),
        (vec!["api-key", "create"], "<NAME>"),
        (vec!["api-key", "revoke", "qlue"], "revoke"),
    ] {
        let out = aduan(dir.path(), &args);
        let stderr = text(&out.stderr);
        assert!(
            !out.status.success() && out.status.code().is_some(),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(
            stderr.contains(says),
            "{args:?}: {stderr:?} should say {says:?}"
        );
        assert!(!text(&out.stdout).contains("API key for"), "{args:?}");
    }
    assert_eq!(keys(), 1);
}
