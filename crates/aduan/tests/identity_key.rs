//! The identity key belongs to the database (issue 16): the database records the key's
//! fingerprint on its first start, and every later start with another key (or, for a
//! shared PostgreSQL database, with none) refuses before writing anything. And upgrades: a
//! store made by the previous release (`tests/fixtures/upgrade`, made by commit ec060c5 with
//! `aduan serve --demo` and one desk report with a walk-in citizen's contact) migrates and
//! reads with this one, and `aduan migrate --check` lists what a store still needs.
//! Everything runs the real binary on real stores; PostgreSQL through scratch databases on
//! the server `ADUAN_TEST_POSTGRES_URL` names.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sqlx::Connection;

use aduan_store::identity::IdentityKey;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

#[path = "common/server.rs"]
mod server;

use server::{Exited, Server};

const PASSWORD: &str = "rahasia-kunci-identitas";
/// The demo password the fixture was made with.
const FIXTURE_PASSWORD: &str = "rahasia-fixture-lama";
/// The report the fixture's desk operator filed for a walk-in citizen.
const FIXTURE_DESK_TICKET: &str = "JK2612050013";

/// The migrations of `store` (`sqlite`, `postgres`) that came after the fixture's release,
/// whose last was `last`: every one in the source tree numbered above it, in order.
fn migrations_after(store: &str, last: u32) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/migrations")
        .join(store);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|file| file.strip_suffix(".sql").map(str::to_owned))
        .filter(|name| name[..4].parse::<u32>().unwrap() > last)
        .collect();
    names.sort();
    names
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade")
        .join(name)
}

/// `aduan` on `data_dir`, with the environment's store and key left out.
fn aduan(data_dir: &Path) -> Command {
    let mut command = server::aduan();
    command.arg("--data-dir").arg(data_dir);
    command
}

/// Start `aduan serve` with `command`'s global options and `extra` serve options: the
/// running server once it listens, or how it ended if it exits first.
fn serve(mut command: Command, extra: &[String]) -> Result<Server, Exited> {
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(extra)
        .stderr(Stdio::piped());
    Server::start(command)
}

fn refused(command: Command) -> Exited {
    match serve(command, &[]) {
        Ok(running) => panic!("started on {} though it must refuse", running.base),
        Err(refusal) => {
            assert!(!refusal.status.success(), "{refusal:?}");
            refusal
        }
    }
}

fn running(command: Command, extra: &[String]) -> Server {
    serve(command, extra).unwrap_or_else(|refusal| panic!("refused to start: {refusal:?}"))
}

async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{username} signs in through {base}");
    let body: Value = resp.json().await.unwrap();
    body["token"].as_str().expect("a token").to_owned()
}

/// The citizen's own page opens their sealed identity.
async fn citizen_reads_self(http: &reqwest::Client, base: &str, password: &str) {
    let token = login(http, base, "warga", password).await;
    let resp = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

fn other_key() -> String {
    IdentityKey::generate().to_base64()
}

fn fingerprint_of(file: &Path) -> String {
    IdentityKey::from_base64(&std::fs::read_to_string(file).unwrap())
        .unwrap()
        .fingerprint()
}

#[tokio::test]
async fn postgres_instances_share_one_given_key_and_refuse_any_other() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("aduan-identity.key");
    let made = aduan(keys.path())
        .args(["key", "generate", "--out"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(made.status.success());
    let fingerprint = fingerprint_of(&key_file);
    assert!(String::from_utf8_lossy(&made.stdout).contains(&fingerprint));
    // A key file is never overwritten.
    let again = aduan(keys.path())
        .args(["key", "generate", "--out"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert_eq!(fingerprint_of(&key_file), fingerprint);

    let on_database = |data_dir: &Path| {
        let mut command = aduan(data_dir);
        command.args(["--database-url", database.url()]);
        command
    };
    let first_dir = tempfile::tempdir().unwrap();
    let first = running(
        on_database(first_dir.path()),
        &[
            "--identity-key-file".into(),
            key_file.display().to_string(),
            "--demo".into(),
            "--demo-history".into(),
            "0".into(),
            "--demo-password".into(),
            PASSWORD.into(),
        ],
    );
    let http = reqwest::Client::new();
    citizen_reads_self(&http, &first.base, PASSWORD).await;

    // A second instance without the key: refused, and no key made up.
    let second_dir = tempfile::tempdir().unwrap();
    let refusal = refused(on_database(second_dir.path()));
    assert!(
        refusal.stderr.contains("never creates"),
        "{}",
        refusal.stderr
    );
    assert!(refusal.stderr.contains("--identity-key-file"));
    assert!(refusal.stderr.contains(&fingerprint));
    assert!(!second_dir.path().join("identity.key").exists());

    // With another key: refused, saying which key the database expects.
    let mut wrong = on_database(second_dir.path());
    wrong.env("ADUAN_IDENTITY_KEY", other_key());
    let refusal = refused(wrong);
    assert!(
        refusal.stderr.contains("is not this database's key"),
        "{}",
        refusal.stderr
    );
    assert!(refusal.stderr.contains(&fingerprint));
    assert!(refusal.stderr.contains("nothing was changed"));

    // With the shared key: serves, and the citizen signs in through it.
    let mut shared = on_database(second_dir.path());
    shared.env("ADUAN_IDENTITY_KEY_FILE", &key_file);
    let second = running(shared, &[]);
    citizen_reads_self(&http, &second.base, PASSWORD).await;
    citizen_reads_self(&http, &first.base, PASSWORD).await;

    // `aduan key fingerprint` tells the right key file from another.
    let mut check = on_database(second_dir.path());
    check.args(["key", "fingerprint", "--identity-key-file"]);
    check.arg(&key_file);
    assert!(check.output().unwrap().status.success());
    let mut check = on_database(second_dir.path());
    check.args(["key", "fingerprint", "--identity-key", &other_key()]);
    assert!(!check.output().unwrap().status.success());
}

#[tokio::test]
async fn sqlite_refuses_a_wrong_or_missing_key_and_makes_no_new_one() {
    let data = tempfile::tempdir().unwrap();
    let key_file = data.path().join("identity.key");
    let http = reqwest::Client::new();
    {
        let server = running(
            aduan(data.path()),
            &[
                "--demo".into(),
                "--demo-history".into(),
                "0".into(),
                "--demo-password".into(),
                PASSWORD.into(),
            ],
        );
        citizen_reads_self(&http, &server.base, PASSWORD).await;
    }
    assert!(key_file.exists(), "a new SQLite store makes its key");
    let fingerprint = fingerprint_of(&key_file);

    let mut wrong = aduan(data.path());
    wrong.env("ADUAN_IDENTITY_KEY", other_key());
    let refusal = refused(wrong);
    assert!(refusal.stderr.contains("is not this database's key"));
    assert!(refusal.stderr.contains(&fingerprint));

    // The key file lost: refused, and not replaced by a new key.
    let kept = data.path().join("identity.key.kept");
    std::fs::rename(&key_file, &kept).unwrap();
    let refusal = refused(aduan(data.path()));
    assert!(refusal.stderr.contains("is missing"), "{}", refusal.stderr);
    assert!(refusal.stderr.contains(&fingerprint));
    assert!(!key_file.exists());

    // Every command that opens identities checks the key: the import too.
    let history = data.path().join("history.ndjson");
    std::fs::write(&history, "").unwrap();
    let mut import = aduan(data.path());
    import.env("ADUAN_IDENTITY_KEY", other_key());
    import.arg("import").arg(&history);
    let output = import.output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not this database's key"));

    std::fs::rename(&kept, &key_file).unwrap();
    let server = running(aduan(data.path()), &[]);
    citizen_reads_self(&http, &server.base, PASSWORD).await;
}

fn migrate(data_dir: &Path, database_url: Option<&str>, check: bool) -> (i32, String) {
    let mut command = aduan(data_dir);
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    command.arg("migrate");
    if check {
        command.arg("--check");
    }
    let output = command.output().unwrap();
    (
        output.status.code().expect("an exit status"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn migrate_check_lists_what_a_sqlite_store_needs_without_applying_it() {
    let data = tempfile::tempdir().unwrap();
    let (status, listed) = migrate(data.path(), None, true);
    assert_eq!(status, 3, "{listed}");
    assert!(listed.contains("0001_init"));
    assert!(listed.contains("0010_identity_key"));
    assert!(
        !data.path().join("aduan.db").exists(),
        "checking creates nothing"
    );

    let (status, applied) = migrate(data.path(), None, false);
    assert_eq!(status, 0);
    assert!(applied.contains("0010_identity_key"));
    let (status, none) = migrate(data.path(), None, true);
    assert_eq!(status, 0, "{none}");
    assert!(none.contains("up to date"));
}

/// Reports, accounts and identities of the previous release's store, read through `base`.
async fn reads_the_previous_release(base: &str) {
    let http = reqwest::Client::new();
    let admin = login(&http, base, "admin", FIXTURE_PASSWORD).await;
    let page: Value = http
        .get(format!("{base}/api/v1/reports?limit=200"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tickets: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["ticket"].as_str())
        .collect();
    assert_eq!(tickets.len(), 13, "{tickets:?}");
    assert!(tickets.contains(&FIXTURE_DESK_TICKET));
    let timeline = http
        .get(format!(
            "{base}/api/v1/reports/{FIXTURE_DESK_TICKET}/timeline"
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(timeline.status(), 200);
    // The walk-in citizen's sealed identity opens with the old key.
    let revealed = http
        .post(format!(
            "{base}/api/v1/reports/{FIXTURE_DESK_TICKET}/reporter"
        ))
        .bearer_auth(&admin)
        .json(&json!({"reason": "uji pemutakhiran versi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revealed.status(), 200);
    let revealed: Value = revealed.json().await.unwrap();
    assert_eq!(revealed["name"], "Siti Fixture");
    assert_eq!(
        revealed["phone"].as_str().map(|p| p.ends_with("4567801")),
        Some(true)
    );
    // And the citizen account's own.
    citizen_reads_self(&http, base, FIXTURE_PASSWORD).await;
}

#[tokio::test]
async fn a_sqlite_store_of_the_previous_release_migrates_and_reads() {
    let data = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("aduan.db"), data.path().join("aduan.db")).unwrap();
    std::fs::copy(fixture("identity.key"), data.path().join("identity.key")).unwrap();
    let (status, listed) = migrate(data.path(), None, true);
    assert_eq!(status, 3);
    // The migrations that came after the fixture's release, in order.
    let pending: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .collect();
    // The fixture's release had the SQLite migrations up to 0008.
    assert_eq!(pending, migrations_after("sqlite", 8), "{listed}");
    assert!(pending.starts_with(&["0009_unit_kind_roles"]), "{listed}");

    // The first start after the upgrade records the key: a wrong one is refused, as it
    // cannot open the identities already sealed, and records nothing.
    let mut wrong = aduan(data.path());
    wrong.env("ADUAN_IDENTITY_KEY", other_key());
    let refusal = refused(wrong);
    assert!(
        refusal.stderr.contains("cannot open the identities"),
        "{}",
        refusal.stderr
    );

    let server = running(aduan(data.path()), &[]);
    reads_the_previous_release(&server.base).await;
    drop(server);
    let (status, _) = migrate(data.path(), None, true);
    assert_eq!(status, 0);
    // The key it was made with is now the database's.
    let mut wrong = aduan(data.path());
    wrong.env("ADUAN_IDENTITY_KEY", other_key());
    refused(wrong);
}

#[tokio::test]
async fn a_postgres_dump_of_the_previous_release_migrates_and_reads() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let dump = std::fs::read_to_string(fixture("postgres.sql")).unwrap();
    let mut conn = sqlx::PgConnection::connect(database.url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(dump))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let (status, listed) = migrate(data.path(), Some(database.url()), true);
    assert_eq!(status, 3, "{listed}");
    let pending: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .collect();
    // The fixture's release had the PostgreSQL migrations up to 0006.
    assert_eq!(pending, migrations_after("postgres", 6), "{listed}");
    assert!(pending.starts_with(&["0007_unit_kind_roles"]), "{listed}");

    let mut command = aduan(data.path());
    command.args(["--database-url", database.url()]);
    command.env("ADUAN_IDENTITY_KEY_FILE", fixture("identity.key"));
    let server = running(command, &[]);
    reads_the_previous_release(&server.base).await;
    drop(server);
    let (status, _) = migrate(data.path(), Some(database.url()), true);
    assert_eq!(status, 0);
}
