//! `aduan backup` and `aduan restore`, as processes on real stores: a backup taken while a
//! running `aduan serve` keeps filing reports holds every report acknowledged before it
//! began, with its timeline and photos; damaged and truncated backups, and restores into a
//! directory holding anything, are refused with nothing left behind; a PostgreSQL store
//! goes round trip (and into SQLite); `aduan serve --backup-dir` backs up on its own and
//! keeps only the newest; a restore checks the identity key the backup needs.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use sqlx::{PgPool, Row};

use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use server::{Citizen, Server};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");
/// Longest wait for anything a test waits on.
const DEADLINE: Duration = Duration::from_secs(120);

/// `aduan` with the key every instance here uses (restores check it).
fn aduan(args: &[&str], database: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .args(database)
        .args(args)
        .env("RUST_LOG", "warn")
        .env("ADUAN_IDENTITY_KEY", server::key())
        .env_remove("ADUAN_IDENTITY_KEY_FILE")
        .env_remove("ADUAN_DATABASE_URL")
        .env_remove("ADUAN_DATA_DIR")
        .output()
        .expect("run aduan")
}

fn dir_arg(dir: &Path) -> [String; 2] {
    ["--data-dir".into(), dir.display().to_string()]
}

fn on_dir(dir: &Path, args: &[&str]) -> Output {
    let d = dir_arg(dir);
    aduan(args, &[d[0].as_str(), d[1].as_str()])
}

fn on_url(url: &str, args: &[&str]) -> Output {
    aduan(args, &["--database-url", url])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// A data dir with the Jakarta pack loaded.
fn jakarta(dir: &Path) {
    ok(&on_dir(dir, &["jurisdiction", "import", PACK]));
}

/// Poll `done` until it holds, failing after the deadline.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One report's rows: the report, its timeline and its photos (bytes included).
#[derive(Debug, PartialEq)]
struct Filed {
    report: Vec<String>,
    events: Vec<Vec<String>>,
    photos: Vec<(i64, String, Vec<u8>)>,
}

fn read_filed(db: &Path, ticket: &str) -> Option<Filed> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let as_text = |r: &rusqlite::Row<'_>, n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                format!("{v:?}")
            })
            .collect()
    };
    let (id, report): (i64, Vec<String>) = conn
        .query_row(
            "SELECT id, ticket, state, category, description, region, created_at, version \
             FROM reports WHERE ticket = ?1",
            [ticket],
            |r| Ok((r.get(0)?, as_text(r, 8))),
        )
        .ok()?;
    let events = conn
        .prepare("SELECT id, at, action, actor_id, from_state, to_state, note FROM report_events WHERE report_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| Ok(as_text(r, 7)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let photos = conn
        .prepare(
            "SELECT id, content_type, image_sha256 FROM photos WHERE report_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    Some(Filed {
        report,
        events,
        photos,
    })
}

fn sqlite_counts(db: &Path) -> BTreeMap<String, i64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    aduan_store::schema::TABLES
        .iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM \"{}\"", t.name), [], |r| {
                    r.get(0)
                })
                .unwrap();
            (t.name.to_owned(), n)
        })
        .collect()
}

fn without_statistics(mut counts: BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    counts.retain(|table, _| !table.starts_with("stats_"));
    counts
}

async fn pg_counts(pool: &PgPool) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for t in aduan_store::schema::TABLES {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{}\"",
            t.name
        )))
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
        out.insert(t.name.to_owned(), n);
    }
    out
}

/// Filers posting reports with a photo, one after another, until told to stop; every
/// acknowledged ticket, in order.
struct Filing {
    acknowledged: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Filing {
    fn start(citizens: Vec<Citizen>) -> Self {
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = citizens
            .into_iter()
            .enumerate()
            .map(|(i, citizen)| {
                let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
                tokio::spawn(async move {
                    let mut n = 0u32;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let ticket = citizen
                            .file(&format!("Lampu jalan mati nomor {i}-{n} di gang sempit"))
                            .await;
                        acknowledged.lock().unwrap().push(ticket);
                    }
                })
            })
            .collect();
        Self {
            acknowledged,
            stop,
            tasks,
        }
    }

    fn count(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }

    fn tickets(&self) -> Vec<String> {
        self.acknowledged.lock().unwrap().clone()
    }

    async fn stop(self) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        let tickets = Arc::clone(&self.acknowledged);
        for task in self.tasks {
            task.await.unwrap();
        }
        tickets.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_reports_are_filed_holds_every_report_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    jakarta(&data);
    let server = Server::start(&data, &[]).await;
    let mut citizens = Vec::new();
    for name in ["warga.satu", "warga.dua"] {
        citizens.push(server.citizen(name).await);
    }
    let filing = Filing::start(citizens);
    until("reports filed before the backup", || filing.count() >= 20).await;

    let before = filing.tickets();
    let file = dir.path().join("city.backup");
    let (f, d) = (file.clone(), data.clone());
    let backup =
        tokio::task::spawn_blocking(move || on_dir(&d, &["backup", "--to", f.to_str().unwrap()]))
            .await
            .unwrap();
    let stdout = ok(&backup);
    assert!(stdout.contains("27 tables"), "{stdout}");
    assert!(stdout.contains("photo images"), "{stdout}");
    assert!(
        stdout.contains("identity key is not in this backup"),
        "{stdout}"
    );
    let at_backup_end = filing.count();
    // Intake never stopped: reports keep being acknowledged after the backup.
    until("reports filed after the backup", || {
        filing.count() >= at_backup_end + 10
    })
    .await;
    let all = filing.stop().await;
    assert!(all.len() > before.len());
    drop(server);

    let restored = dir.path().join("restored");
    let out = on_dir(&restored, &["restore", file.to_str().unwrap()]);
    let stdout = ok(&out);
    assert!(
        stdout.contains("identity key is not in this backup"),
        "{stdout}"
    );
    let original_db = data.join("aduan.db");
    let restored_db = restored.join("aduan.db");
    for ticket in &before {
        let there = read_filed(&restored_db, ticket)
            .unwrap_or_else(|| panic!("{ticket}, acknowledged before the backup, is missing"));
        assert!(!there.events.is_empty(), "{ticket} has its timeline");
        assert_eq!(there.photos.len(), 1, "{ticket} has its photo");
        assert_eq!(Some(there), read_filed(&original_db, ticket), "{ticket}");
    }
    // Every image the restored photos name is in the restored photo store, byte for byte
    // as in the original one; the restored database holds none.
    assert_images_restored(&restored_db, &data.join("photos"), &restored.join("photos"));
    // The restored store is a consistent moment: every table's checksum held (the restore
    // checked them), and the store serves its reports with the same key.
    let server = Server::start(&restored, &[]).await;
    // Its reporter reads it (the other citizen may not).
    let mut statuses = Vec::new();
    for name in ["warga.satu", "warga.dua"] {
        let citizen = server.sign_in(name).await;
        statuses.push(citizen.status(&format!("/reports/{}", before[0])).await);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 404]);
}

/// Every image the photos of `db` name is in the photo directory `restored`, with the bytes
/// `original` has; `db` keeps no image bytes.
#[track_caller]
fn assert_images_restored(db: &Path, original: &Path, restored: &Path) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn
        .prepare("SELECT image_sha256 FROM photos UNION SELECT thumbnail_sha256 FROM photos")
        .unwrap();
    let hashes: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!hashes.is_empty());
    for hash in hashes {
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        let at = |dir: &Path| dir.join("sha256").join(&hex[..2]).join(&hex);
        let bytes = std::fs::read(at(restored)).unwrap_or_else(|e| panic!("{hex}: {e}"));
        assert_eq!(bytes, std::fs::read(at(original)).unwrap(), "{hex}");
        let digest: [u8; 32] = sha2::Digest::finalize(sha2::Digest::chain_update(
            <sha2::Sha256 as sha2::Digest>::new(),
            &bytes,
        ))
        .into();
        assert_eq!(digest.to_vec(), hash, "{hex} holds what its name says");
    }
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'backup_images'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the images' table is dropped after the restore");
}

/// A small city's backup: the pack and a few reports with photos.
async fn small_city(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    jakarta(&data);
    let server = Server::start(&data, &[]).await;
    let citizen = server.citizen("warga.kecil").await;
    for n in 0..3 {
        citizen
            .file(&format!("Saluran air tersumbat nomor {n} dekat pasar"))
            .await;
    }
    drop(server);
    let file = dir.join("small.backup");
    ok(&on_dir(&data, &["backup", "--to", file.to_str().unwrap()]));
    (data, file)
}

#[track_caller]
fn refused(out: &Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing was restored"), "{what}: {stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_and_truncated_backups_are_refused_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = small_city(dir.path()).await;
    let good = std::fs::read(&file).unwrap();
    let bad = dir.path().join("bad.backup");
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for at in [0, 10, 200, good.len() / 2, good.len() - 40, good.len() - 1] {
        let mut flipped = good.clone();
        flipped[at] ^= 0x20;
        cases.push((format!("byte {at} flipped"), flipped));
    }
    for len in [0, 11, 300, good.len() / 2, good.len() - 1] {
        cases.push((format!("cut to {len} bytes"), good[..len].to_vec()));
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"tail");
    cases.push(("bytes appended".into(), longer));
    for (what, bytes) in cases {
        std::fs::write(&bad, &bytes).unwrap();
        let target = dir.path().join("target");
        let stderr = refused(&on_dir(&target, &["restore", bad.to_str().unwrap()]), &what);
        assert!(
            ["damaged", "truncated", "not an aduan backup"]
                .iter()
                .any(|w| stderr.contains(w)),
            "{what}: {stderr}"
        );
        assert!(
            !target.exists(),
            "{what}: the new data dir is removed again"
        );
        // Into an existing empty directory: it stays empty.
        std::fs::create_dir(&target).unwrap();
        refused(&on_dir(&target, &["restore", bad.to_str().unwrap()]), &what);
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0, "{what}");
        std::fs::remove_dir(&target).unwrap();
    }
    // The good file restores.
    ok(&on_dir(
        &dir.path().join("target"),
        &["restore", file.to_str().unwrap()],
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_into_a_directory_holding_anything_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = small_city(dir.path()).await;
    let target = dir.path().join("busy");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), b"keep me").unwrap();
    let stderr = refused(
        &on_dir(&target, &["restore", file.to_str().unwrap()]),
        "busy",
    );
    assert!(stderr.contains("is not empty"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&target).unwrap().collect();
    assert_eq!(left.len(), 1);
    assert_eq!(std::fs::read(target.join("notes.txt")).unwrap(), b"keep me");
    // Nor over the running city's own store.
    let before = sqlite_counts(&data.join("aduan.db"));
    refused(
        &on_dir(&data, &["restore", file.to_str().unwrap()]),
        "own store",
    );
    assert_eq!(sqlite_counts(&data.join("aduan.db")), before);
    // Nor over an existing backup file.
    let again = on_dir(&data, &["backup", "--to", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("exists already"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_checks_the_identity_key_the_backup_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = small_city(dir.path()).await;
    let needed = aduan_store::identity::IdentityKey::from_base64(server::key())
        .unwrap()
        .fingerprint();
    let file = dir.path().join("keyed.backup");
    let stdout = ok(&on_dir(&data, &["backup", "--to", file.to_str().unwrap()]));
    assert!(
        stdout.contains(&format!("identity key needed: fingerprint {needed}")),
        "{stdout}"
    );
    let restore = |target: &Path, key: Option<&str>, extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aduan"));
        command
            .arg("--data-dir")
            .arg(target)
            .args(["restore", file.to_str().unwrap()])
            .args(extra)
            .env("RUST_LOG", "warn")
            .env_remove("ADUAN_IDENTITY_KEY")
            .env_remove("ADUAN_IDENTITY_KEY_FILE")
            .env_remove("ADUAN_DATABASE_URL");
        if let Some(key) = key {
            command.env("ADUAN_IDENTITY_KEY", key);
        }
        command.output().unwrap()
    };
    let target = dir.path().join("target");

    // Another key: refused, naming both fingerprints; nothing written.
    let other = aduan_store::identity::IdentityKey::generate();
    let stderr = refused(
        &restore(&target, Some(&other.to_base64()), &[]),
        "another key",
    );
    assert!(stderr.contains(&needed), "{stderr}");
    assert!(stderr.contains(&other.fingerprint()), "{stderr}");
    assert!(!target.exists());
    // No key: refused, saying which key and how to give it.
    let stderr = refused(&restore(&target, None, &[]), "no key");
    assert!(stderr.contains(&needed), "{stderr}");
    assert!(stderr.contains("--identity-key-file"), "{stderr}");
    assert!(stderr.contains("--without-key-check"), "{stderr}");
    assert!(!target.exists());

    // The right key, from a file: restored, and the restore says which key it needs.
    let key_file = dir.path().join("city.key");
    std::fs::write(&key_file, server::key()).unwrap();
    let stdout = ok(&restore(
        &target,
        None,
        &["--identity-key-file", key_file.to_str().unwrap()],
    ));
    assert!(stdout.contains(&needed), "{stdout}");
    // Without the key at hand, only when asked for explicitly.
    ok(&restore(
        &dir.path().join("unchecked"),
        None,
        &["--without-key-check"],
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_store_goes_round_trip_and_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let source = ScratchDatabase::create(&server_url()).await.unwrap();
    ok(&on_url(source.url(), &["jurisdiction", "import", PACK]));
    let server = Server::start_on(dir.path(), Some(source.url()), &[]).await;
    let citizen = server.citizen("warga.pg").await;
    for n in 0..4 {
        citizen
            .file(&format!("Pohon tumbang nomor {n} menutup jalan"))
            .await;
    }
    drop(server);
    let file = dir.path().join("pg.backup");
    // The server kept its photos in its data dir's photos/ (the default).
    let source_photos = dir.path().join("photos");
    let with_photos = |url: &str, photos: &Path, args: &[&str]| {
        aduan(
            args,
            &["--database-url", url, "--photos", photos.to_str().unwrap()],
        )
    };
    let stdout = ok(&with_photos(
        source.url(),
        &source_photos,
        &["backup", "--to", file.to_str().unwrap()],
    ));
    assert!(stdout.contains("27 tables"), "{stdout}");
    assert!(stdout.contains(" photo images"), "{stdout}");

    let target = ScratchDatabase::create(&server_url()).await.unwrap();
    let target_photos = dir.path().join("target-photos");
    ok(&with_photos(
        target.url(),
        &target_photos,
        &["restore", file.to_str().unwrap()],
    ));
    let from = PgPool::connect(source.url()).await.unwrap();
    let to = PgPool::connect(target.url()).await.unwrap();
    // The statistics' tables are made again from the reports when changes were still queued
    // for them: compared below by the figures they give.
    let counts = without_statistics(pg_counts(&from).await);
    assert_eq!(counts["reports"], 4);
    assert_eq!(counts["photos"], 4);
    assert_eq!(without_statistics(pg_counts(&to).await), counts);
    let photos = "SELECT id, report_id, image_sha256 FROM photos ORDER BY id";
    let read = |pool: PgPool| async move {
        sqlx::query(photos)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.get::<i64, _>(0),
                    r.get::<i64, _>(1),
                    r.get::<Vec<u8>, _>(2),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(read(to.clone()).await, read(from.clone()).await);
    // A restore into a database holding data is refused and changes nothing.
    let elsewhere = dir.path().join("refused-photos");
    let again = with_photos(
        target.url(),
        &elsewhere,
        &["restore", file.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(without_statistics(pg_counts(&to).await), counts);
    assert!(
        !elsewhere.exists(),
        "no photo is written for a refused restore"
    );

    // The same file restores into SQLite, its photos beside it.
    let restored = dir.path().join("sqlite");
    ok(&on_dir(&restored, &["restore", file.to_str().unwrap()]));
    assert_eq!(
        without_statistics(sqlite_counts(&restored.join("aduan.db"))),
        counts
    );
    assert_images_restored(
        &restored.join("aduan.db"),
        &source_photos,
        &restored.join("photos"),
    );
    assert_images_restored(&restored.join("aduan.db"), &source_photos, &target_photos);
    // The figures are the same in all three, and searches find the reports.
    let stats = [
        "stats",
        "--from",
        "2026-01-01",
        "--to",
        "2028-01-01",
        "--json",
    ];
    let figures = ok(&on_url(source.url(), &stats));
    assert!(figures.trim_start().starts_with('{'), "{figures}");
    assert_eq!(ok(&on_url(target.url(), &stats)), figures);
    assert_eq!(ok(&on_dir(&restored, &stats)), figures);
    let conn = Connection::open(restored.join("aduan.db")).unwrap();
    let indexed: i64 = conn
        .query_row("SELECT COUNT(*) FROM reports_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexed, 4);
    from.close().await;
    to.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_backs_up_on_schedule_and_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    jakarta(&data);
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // Two old backups, the newest two days old: one is due at once.
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 86_400);
    for name in [
        "aduan-20200101T000000Z.backup",
        "aduan-20200102T000000Z.backup",
    ] {
        let f = std::fs::File::create(backups.join(name)).unwrap();
        f.set_modified(two_days_ago).unwrap();
    }
    let dir_text = backups.display().to_string();
    let server = Server::start(
        &data,
        &[
            "--backup-dir",
            &dir_text,
            "--backup-every",
            "24h",
            "--backup-keep",
            "1",
        ],
    )
    .await;
    let names = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    until("the scheduled backup, the old ones pruned", || {
        let n = names();
        n.len() == 1 && n[0].as_str() > "aduan-2021"
    })
    .await;
    // The server still serves, and the backup restores.
    server.citizen("warga.jadwal").await;
    drop(server);
    let file = backups.join(&names()[0]);
    ok(&on_dir(
        &dir.path().join("restored"),
        &["restore", file.to_str().unwrap()],
    ));
}
