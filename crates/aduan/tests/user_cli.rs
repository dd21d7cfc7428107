//! `aduan user`: a city's first admin without `--demo` (password from standard input), who
//! then signs in through the API; disabling, enabling and setting passwords; refused input
//! with its exit status, changing nothing.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/server.rs"]
mod server;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use server::serve;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");
const PASSWORD: &str = "gerbang-monas-sore";

/// Run `aduan --data-dir DIR ARGS...` with `stdin` as its standard input.
fn aduan(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aduan");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("wait for aduan")
}

fn refused(output: &Output, code: i32, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(says), "{stderr:?} should say {says:?}");
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A data dir with the Jakarta jurisdiction loaded, and nothing else: no account at all.
fn city() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&aduan(dir.path(), &["jurisdiction", "import", PACK], ""));
    dir
}

async fn login(base: &str, username: &str, password: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn a_city_gets_its_first_admin_without_the_demo() {
    let dir = city();
    let said = ok(&aduan(
        dir.path(),
        &[
            "user",
            "create",
            "walikota",
            "--role",
            "admin",
            "--display-name",
            "Wali Kota",
        ],
        &format!("{PASSWORD}\n"),
    ));
    assert!(said.contains("walikota"), "{said}");
    ok(&aduan(
        dir.path(),
        &[
            "user",
            "create",
            "petugas-tebet",
            "--role",
            "officer",
            "--unit",
            "kecamatan-31.74.01",
        ],
        "jembatan-kali-ciliwung\n",
    ));

    let server = serve(dir.path());
    let (status, body) = login(&server.base, "walikota", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["display_name"], "Wali Kota");
    // Only the accounts the operator created exist: no demo account.
    let (status, _) = login(&server.base, "admin", "aduan-demo").await;
    assert_eq!(status, 401);
    let (status, body) = login(&server.base, "petugas-tebet", "jembatan-kali-ciliwung").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["unit"]["code"], "kecamatan-31.74.01");
}

#[tokio::test]
async fn refused_input_creates_nothing() {
    let dir = city();
    let create = |args: &[&str], stdin: &str| {
        let mut all = vec!["user", "create"];
        all.extend_from_slice(args);
        aduan(dir.path(), &all, stdin)
    };
    refused(
        &create(&["budi", "--role", "admin"], "pendek\n"),
        2,
        "password",
    );
    refused(
        &create(&["budi", "--role", "admin"], ""),
        2,
        "standard input",
    );
    refused(
        &create(&["budi", "--role", "raja"], "lampu-merah-tebet\n"),
        2,
        "no such role",
    );
    refused(
        &create(&["budi", "--role", "officer"], "lampu-merah-tebet\n"),
        2,
        "needs a unit",
    );
    refused(
        &create(
            &["budi", "--role", "officer", "--unit", "dinas-tidak-ada"],
            "lampu-merah-tebet\n",
        ),
        2,
        "no such unit",
    );
    refused(
        &create(&["budi", "--role", "citizen"], "lampu-merah-tebet\n"),
        2,
        "citizens",
    );
    refused(
        &create(&["Budi Baik", "--role", "admin"], "lampu-merah-tebet\n"),
        2,
        "username",
    );
    ok(&create(&["budi", "--role", "admin"], "lampu-merah-tebet\n"));
    refused(
        &create(&["budi", "--role", "admin"], "lampu-merah-tebet\n"),
        2,
        "taken",
    );
    refused(
        &aduan(dir.path(), &["user", "disable", "siapa"], ""),
        2,
        "no account",
    );
    refused(
        &aduan(
            dir.path(),
            &["user", "passwd", "siapa"],
            "kata-sandi-baru\n",
        ),
        2,
        "no account",
    );

    // A data dir without a jurisdiction says what to do first.
    let empty = tempfile::tempdir().unwrap();
    refused(
        &aduan(
            empty.path(),
            &["user", "create", "budi", "--role", "admin"],
            "lampu-merah-tebet\n",
        ),
        2,
        "aduan init --pack",
    );

    let server = serve(dir.path());
    let (status, _) = login(&server.base, "budi", "lampu-merah-tebet").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn disable_enable_and_passwd() {
    let dir = city();
    ok(&aduan(
        dir.path(),
        &["user", "create", "lurah", "--role", "coordinator"],
        "pohon-asam-kemang\n",
    ));
    let server = serve(dir.path());
    let (status, body) = login(&server.base, "lurah", "pohon-asam-kemang").await;
    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap().to_owned();
    let me = || async {
        reqwest::Client::new()
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(me().await, 200);

    // Disabled from the command line: the running server refuses its session at once.
    ok(&aduan(dir.path(), &["user", "disable", "lurah"], ""));
    assert_eq!(me().await, 401);
    assert_eq!(
        login(&server.base, "lurah", "pohon-asam-kemang").await.0,
        401
    );
    ok(&aduan(dir.path(), &["user", "enable", "lurah"], ""));
    assert_eq!(
        login(&server.base, "lurah", "pohon-asam-kemang").await.0,
        200
    );

    refused(
        &aduan(dir.path(), &["user", "passwd", "lurah"], "pendek\n"),
        2,
        "password",
    );
    ok(&aduan(
        dir.path(),
        &["user", "passwd", "lurah"],
        "hujan-deras-cikini\n",
    ));
    assert_eq!(
        login(&server.base, "lurah", "pohon-asam-kemang").await.0,
        401
    );
    let (status, body) = login(&server.base, "lurah", "hujan-deras-cikini").await;
    assert_eq!(status, 200);
    // Set by the operator for themself: no change is required.
    let token = body["token"].as_str().unwrap();
    let reports = reqwest::Client::new()
        .get(format!("{}/api/v1/reports", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reports.status(), 200);
}

#[tokio::test]
async fn the_commands_work_on_postgresql_too() {
    use aduan_store::AccountStore;
    use aduan_store::postgres::PgStore;
    use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let url = database.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let on_pg = |args: &[&str], stdin: &str| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        aduan(dir.path(), &all, stdin)
    };
    ok(&on_pg(&["jurisdiction", "import", PACK], ""));
    ok(&on_pg(
        &["user", "create", "walikota", "--role", "admin"],
        "gerbang-monas-sore\n",
    ));
    ok(&on_pg(&["user", "disable", "walikota"], ""));
    let store = PgStore::connect(&url).await.unwrap();
    assert!(store.credentials("walikota").await.unwrap().user.disabled);
    ok(&on_pg(&["user", "enable", "walikota"], ""));
    ok(&on_pg(
        &["user", "passwd", "walikota", "--temporary"],
        "sementara-saja-ya\n",
    ));
    let account = store.credentials("walikota").await.unwrap().user;
    assert!(!account.disabled);
    assert!(account.must_change_password);
    refused(&on_pg(&["user", "disable", "siapa"], ""), 2, "no account");
}
