//! `aduan init` through the binary: a city from an empty store, input checked in full
//! before anything is created, a store in use left alone, PostgreSQL only with a given key.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use aduan_domain::RegionCode;
use aduan_store::CatalogStore;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::sqlite::SqliteStore;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const REGIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/regions");

fn pack(name: &str) -> String {
    format!("{REPO}/packs/{name}.json")
}

fn regions(level: &str) -> String {
    format!("{REGIONS}/jakarta_{level}.geojson")
}

fn aduan(global: &[&str], args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .args(global)
        .args(args)
        .env_remove("ADUAN_IDENTITY_KEY")
        .env_remove("ADUAN_IDENTITY_KEY_FILE")
        .env_remove("ADUAN_DATABASE_URL")
        .env_remove("ADUAN_CONFIG")
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
    child.wait_with_output().unwrap()
}

fn in_dir(dir: &Path, args: &[&str]) -> Output {
    aduan(&["--data-dir", dir.to_str().unwrap()], args, "")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "aduan failed: {}", stderr(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "refused: {}", stderr(out));
    assert!(
        stderr(out).contains(needle),
        "the refusal says {needle:?}: {}",
        stderr(out)
    );
}

#[tokio::test]
async fn init_sets_up_a_city_with_its_boundaries_in_any_order_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("identity.key");
    let said = ok(&in_dir(
        &data,
        &[
            "init",
            "--pack",
            &pack("jakarta"),
            // The smallest first: init orders them itself.
            "--regions",
            &regions("kelurahan"),
            "--regions",
            &regions("kota"),
            "--regions",
            &regions("kecamatan"),
            "--identity-key-file",
            key.to_str().unwrap(),
        ],
    ));
    assert!(said.contains("Provinsi DKI Jakarta: 317 regions"), "{said}");
    assert!(
        said.contains("user create"),
        "it says what comes next: {said}"
    );
    assert!(
        key.exists(),
        "a new SQLite store gets its key where it was told"
    );
    let store = SqliteStore::open(&data.join("aduan.db")).unwrap();
    let city = store.jurisdiction().await.unwrap().unwrap();
    assert_eq!(city.regions.len(), 317);
    let gambir = RegionCode::parse("31.71.01.1001").unwrap();
    assert!(
        city.units
            .iter()
            .any(|u| u.region.as_ref() == Some(&gambir)),
        "each kelurahan brings its office"
    );
    assert_eq!(store.boundaries().await.unwrap().len(), 317);
    let rusqlite = rusqlite::Connection::open(data.join("aduan.db")).unwrap();
    let count = |table: &str| -> i64 {
        rusqlite
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("users"), 0, "no demo account");
    assert_eq!(count("reports"), 0, "no sample report");
    assert_eq!(
        count("identity_key"),
        1,
        "the key's fingerprint is recorded"
    );
}

#[test]
fn bad_input_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    refused(
        &in_dir(&data, &["init", "--pack", &format!("{REPO}/README.md")]),
        "not a jurisdiction pack",
    );
    refused(
        &in_dir(&data, &["init", "--pack", &pack("missing")]),
        "cannot read",
    );
    // Bogor's pack has no Jakarta kota or kecamatan for these kelurahan to lie in.
    refused(
        &in_dir(
            &data,
            &[
                "init",
                "--pack",
                &pack("bogor"),
                "--regions",
                &regions("kelurahan"),
            ],
        ),
        "which is not loaded",
    );
    assert!(!data.exists(), "no data dir was created");
}

#[test]
fn a_store_in_use_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let init = |p: &str| in_dir(&data, &["init", "--pack", &pack(p)]);
    ok(&init("jakarta"));
    // Before the first account, running it again (an interrupted init) applies it again.
    ok(&init("jakarta"));
    refused(
        &init("bogor"),
        "another jurisdiction (Provinsi DKI Jakarta)",
    );
    let created = aduan(
        &["--data-dir", data.to_str().unwrap()],
        &["user", "create", "walikota", "--role", "admin"],
        "gerbang-monas-sore\n",
    );
    ok(&created);
    refused(&init("jakarta"), "in use already");
}

#[tokio::test]
async fn on_postgresql_init_needs_the_key_it_is_given_and_records_it() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let url = database.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let on_pg = |args: &[&str]| {
        aduan(
            &[
                "--data-dir",
                dir.path().to_str().unwrap(),
                "--database-url",
                &url,
            ],
            args,
            "",
        )
    };
    let init = ["init", "--pack", &pack("jakarta")];
    refused(&on_pg(&init), "never creates the identity key");
    let store = PgStore::connect(&url).await.unwrap();
    assert!(
        store.jurisdiction().await.unwrap().is_none(),
        "nothing stored without a key"
    );
    let key = dir.path().join("identity.key");
    ok(&on_pg(&["key", "generate", "--out", key.to_str().unwrap()]));
    let with_key = [&init[..], &["--identity-key-file", key.to_str().unwrap()]].concat();
    ok(&on_pg(&with_key));
    let city = store.jurisdiction().await.unwrap().unwrap();
    assert_eq!(city.settings.name, "Provinsi DKI Jakarta");
}
