//! `aduan import FILE`: history from NDJSON into a store with the Jakarta pack and its
//! kelurahan; the figures `aduan stats` then shows, refused files changing nothing, and
//! importing twice.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use aduan_domain::{ActionKind, ReportState, Role, Ticket, Visibility};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{CatalogStore, ReportStore};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");
const KELURAHAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);
/// A fixed identity key, so reporter keys can be checked against their hash: bytes 0 to 31.
const IDENTITY_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// Another: bytes 32 to 63.
const OTHER_IDENTITY_KEY: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

/// The reporter keys `history()`'s reporters warga-001, warga-002 and warga-003 get under
/// `IDENTITY_KEY` and `OTHER_IDENTITY_KEY`, computed outside aduan by the derivation
/// crates/store/src/identity.rs documents: the hashing key is HKDF-SHA256 (no salt, info
/// "aduan v1 reporter key hashing key", 32 bytes) of the identity key, and the reporter
/// key is "import:" and the first 16 bytes, in hex, of HMAC-SHA256 under it of
/// "aduan reporter key\0import\0" and the trimmed, lower-cased address:
///
/// ```sh
/// python3 -c '
/// import base64, hashlib, hmac
/// for key in ["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
///             "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="]:
///     prk = hmac.new(b"\0" * 32, base64.b64decode(key), hashlib.sha256).digest()
///     hashing = hmac.new(prk, b"aduan v1 reporter key hashing key\x01", hashlib.sha256).digest()
///     for who in ["warga-001", "warga-002", "warga-003"]:
///         mac = hmac.new(hashing, b"aduan reporter key\0import\0" + who.encode(), hashlib.sha256)
///         print("import:" + mac.hexdigest()[:32])'
/// ```
///
/// (`openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:000102…1f -kdfopt
/// "info:aduan v1 reporter key hashing key" HKDF` gives the same hashing key.)
const REPORTER_KEYS: [&str; 3] = [
    "import:d0fbd2e0561ef2102ef9d7673202bbe8",
    "import:972245785c53e3d36f6df472eed2e324",
    "import:341a94ed80c78316ce4b0d871f90636c",
];
const OTHER_REPORTER_KEYS: [&str; 3] = [
    "import:5883809d08c2e28239b7ba7e8ef80326",
    "import:4da4b279aaeb36c33b20eea33b8f68f1",
    "import:31fb341570acdc0e1b20114cb507f415",
];

fn aduan(data_dir: &Path, args: &[&str]) -> Output {
    aduan_keyed(data_dir, IDENTITY_KEY, args)
}

fn aduan_keyed(data_dir: &Path, identity_key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .env("ADUAN_IDENTITY_KEY", identity_key)
        .output()
        .expect("run aduan")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A store with the Jakarta pack and its 267 kelurahan.
fn jakarta(data_dir: &Path) {
    stdout(&aduan(data_dir, &["jurisdiction", "import", PACK]));
    stdout(&aduan(data_dir, &["regions", "import", KELURAHAN]));
}

fn write(dir: &Path, name: &str, lines: &[serde_json::Value]) -> String {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Four reports whose figures are known; dates at Jakarta's month edges.
fn history() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        // 00:30 WIB on 1 February, given with its offset: February. Taken after 2 hours,
        // completed after 26.
        json!({"id": "CRM-2021-000001", "submitted_at": "2021-02-01T00:30:00+07:00",
               "coordinated_at": "2021-02-01T02:30:00+07:00",
               "completed_at": "2021-02-01T19:30:00Z", "channel": "jaki", "category": "Jalan",
               "reporter": "warga-001", "status": "completed", "kota": "Jakarta Selatan",
               "kecamatan": "Tebet", "kelurahan": "Tebet Timur"}),
        // The same instant given in UTC: February too. A category the pack lacks.
        json!({"id": "crm-2021-000002", "submitted_at": "2021-01-31T17:30:00Z",
               "coordinated_at": null, "completed_at": null, "channel": "twitter",
               "category": "Pohon Tumbang", "reporter": "warga-002", "status": "coordination",
               "kota": "Kota Administrasi Jakarta Timur", "description": "Pohon tumbang"}),
        // 23:59 WIB on 31 January: January. The new category again, in capitals; an id in
        // the format aduan issues.
        json!({"id": "JK2101310007", "submitted_at": "2021-01-31T16:59:00Z",
               "channel": "jaki", "category": "  POHON TUMBANG ", "reporter": "warga-001",
               "status": "waiting", "kota": "jakarta pusat", "kecamatan": "GAMBIR",
               "kelurahan": "Gambir", "old_system_field": {"x": 1}}),
        // A point in Tebet Barat under the kota's name only: placed in the kelurahan.
        json!({"id": "CRM-2021-000004", "submitted_at": "2021-03-10T08:00:00+07:00",
               "coordinated_at": "2021-03-10T12:00:00+07:00", "completed_at": null,
               "channel": "email", "category": "sampah", "reporter": "warga-003",
               "status": "in_progress", "kota": "Kota Jakarta Selatan",
               "lat": -6.23494, "lon": 106.84898, "visibility": "public"}),
    ]
}

/// The reporter key of each report in the store, in the order of the reports' ids.
fn reporter_keys(data_dir: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(data_dir.join("aduan.db")).unwrap();
    conn.prepare(
        "SELECT rr.reporter_key FROM report_reporters rr JOIN reports r ON r.id = rr.report_id \
         ORDER BY r.ticket",
    )
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn stats(data_dir: &Path) -> serde_json::Value {
    let out = stdout(&aduan(
        data_dir,
        &[
            "stats",
            "--json",
            "--from",
            "2021-01-01",
            "--to",
            "2022-01-01",
        ],
    ));
    serde_json::from_str(&out).unwrap()
}

fn months(counts: &[(u32, u64)]) -> serde_json::Value {
    (1..=12)
        .map(|m| {
            let reports = counts.iter().find(|(n, _)| *n == m).map_or(0, |(_, r)| *r);
            serde_json::json!({"month": format!("2021-{m:02}"), "reports": reports})
        })
        .collect()
}

#[test]
fn a_good_file_imports_and_stats_show_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    jakarta(dir.path());
    let file = write(dir.path(), "history.ndjson", &history());
    let out = aduan(dir.path(), &["import", &file]);
    assert_eq!(
        stdout(&out),
        "4 laporan diimpor, 0 sudah ada, 1 kategori baru\n"
    );
    let figures = stats(dir.path());
    assert_eq!(figures["reports"], 4);
    assert_eq!(figures["reporters"], 3);
    assert_eq!(
        figures["by_status"],
        serde_json::json!({"waiting": 1, "coordination": 1, "disposition": 0,
            "in_progress": 1, "scheduled": 0, "awaiting_validation": 0,
            "followup_rejected": 0, "completed": 1, "rejected": 0, "duplicate": 0,
            "referred": 0})
    );
    assert_eq!(figures["completed_pct"], 25.0);
    assert_eq!(figures["coordination_pct"], 25.0);
    assert_eq!(figures["avg_coordination_hours"], 3.0);
    assert_eq!(figures["avg_completion_hours"], 26.0);
    assert_eq!(
        figures["by_category"],
        serde_json::json!([{"category": "Pohon Tumbang", "reports": 2},
            {"category": "Jalan", "reports": 1}, {"category": "Sampah", "reports": 1}])
    );
    assert_eq!(
        figures["by_channel"],
        serde_json::json!([{"channel": "jaki", "reports": 2, "reporters": 1},
            {"channel": "email", "reports": 1, "reporters": 1},
            {"channel": "twitter", "reports": 1, "reporters": 1}])
    );
    assert_eq!(figures["by_month"], months(&[(1, 1), (2, 2), (3, 1)]));
    assert_eq!(
        figures["by_kota"],
        serde_json::json!([{"kota": "Kota Administrasi Jakarta Selatan", "reports": 2},
            {"kota": "Kota Administrasi Jakarta Pusat", "reports": 1},
            {"kota": "Kota Administrasi Jakarta Timur", "reports": 1}])
    );
    // The new category is counted by its name, as first written.
    let by_name = stdout(&aduan(
        dir.path(),
        &[
            "stats",
            "--json",
            "--from",
            "2021-01-01",
            "--to",
            "2022-01-01",
            "--category",
            "pohon tumbang",
        ],
    ));
    let by_name: serde_json::Value = serde_json::from_str(&by_name).unwrap();
    assert_eq!(by_name["reports"], 2);
    assert_eq!(by_name["by_month"], months(&[(1, 1), (2, 1)]));
}

#[tokio::test]
async fn imported_reports_read_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    jakarta(dir.path());
    let file = write(dir.path(), "history.ndjson", &history());
    stdout(&aduan(dir.path(), &["import", &file]));
    let db = dir.path().join("aduan.db");
    let store = SqliteStore::open(&db).unwrap();

    // An id that is not an issued ticket is found as typed, in any case.
    let kept = store
        .report(&Ticket::parse("CRM-2021-000002").unwrap())
        .await
        .unwrap();
    assert_eq!(kept.ticket.as_str(), "CRM-2021-000002");
    assert_eq!(kept.category.as_str(), "pohon-tumbang");
    assert_eq!(kept.region.as_str(), "31.75");
    assert_eq!(kept.first_receiver.as_str(), "walikota-31.75");
    assert_eq!(kept.holding_unit.as_str(), "walikota-31.75");
    assert_eq!(kept.state, ReportState::Coordination);
    assert_eq!(kept.visibility, Visibility::Private);
    assert_eq!(kept.description, "Pohon tumbang");
    let timeline = store.timeline(kept.id).await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].action, ActionKind::Submit);
    assert_eq!(timeline[0].actor, None);
    assert_eq!(timeline[0].actor_role, Role::Admin);
    assert_eq!(timeline[0].to_state, ReportState::Coordination);
    assert_eq!(
        timeline[0].note.as_deref(),
        Some("Diimpor dari sistem sebelumnya")
    );

    // Region names down to the kelurahan; a point inside the named kota places it.
    let named = store
        .report(&Ticket::parse("jk2101310007").unwrap())
        .await
        .unwrap();
    assert_eq!(named.region.as_str(), "31.71.01.1001");
    assert_eq!(named.first_receiver.as_str(), "kelurahan-31.71.01.1001");
    let placed = store
        .report(&Ticket::parse("CRM-2021-000004").unwrap())
        .await
        .unwrap();
    assert_eq!(placed.region.as_str(), "31.74.01.1002");
    assert_eq!(placed.visibility, Visibility::Public);
    assert_eq!(placed.category.as_str(), "sampah");

    // The new category is in the catalog, held by the unit of the pack's default category.
    let data = store.jurisdiction().await.unwrap().unwrap();
    let created = data
        .categories
        .iter()
        .find(|c| c.code.as_str() == "pohon-tumbang")
        .unwrap();
    assert_eq!(created.name, "Pohon Tumbang");
    assert_eq!(created.responsible_unit.as_str(), "dinas-citata");

    // The old system's reporter keys are not in the database: only their keyed hashes, as
    // computed outside aduan. By ticket: CRM-2021-000001 (warga-001), CRM-2021-000002
    // (warga-002), CRM-2021-000004 (warga-003), JK2101310007 (warga-001).
    let keys = reporter_keys(dir.path());
    let [warga_001, warga_002, warga_003] = REPORTER_KEYS;
    assert_eq!(keys, [warga_001, warga_002, warga_003, warga_001]);
    assert!(keys.iter().all(|k| !k.contains("warga")), "{keys:?}");

    // The issued-format id moves that day's ticket sequence past it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let last: i64 = conn
        .query_row(
            "SELECT last FROM ticket_days WHERE day = '2021-01-31'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last, 7);
}

/// The same history imported under two identity keys: each key gives its own reporter keys
/// (so they cannot be matched across installations, nor computed without the key), and the
/// same key gives the same ones again (so a reporter is counted once across imports).
#[test]
fn reporter_keys_depend_on_the_identity_key() {
    let import_under = |identity_key: &str| {
        let dir = tempfile::tempdir().unwrap();
        jakarta(dir.path());
        let file = write(dir.path(), "history.ndjson", &history());
        stdout(&aduan_keyed(dir.path(), identity_key, &["import", &file]));
        reporter_keys(dir.path())
    };
    let first = import_under(IDENTITY_KEY);
    let other = import_under(OTHER_IDENTITY_KEY);
    let again = import_under(IDENTITY_KEY);

    let [warga_001, warga_002, warga_003] = REPORTER_KEYS;
    assert_eq!(first, [warga_001, warga_002, warga_003, warga_001]);
    let [warga_001, warga_002, warga_003] = OTHER_REPORTER_KEYS;
    assert_eq!(other, [warga_001, warga_002, warga_003, warga_001]);
    assert_eq!(again, first);
    assert!(
        first.iter().all(|key| !other.contains(key)),
        "{first:?} {other:?}"
    );
}

#[test]
fn every_bad_line_is_printed_and_nothing_changes() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    jakarta(dir.path());
    let mut lines = history();
    lines.push(
        json!({"id": "CRM-2021-000001", "submitted_at": "2021-04-01T08:00:00+07:00",
        "channel": "jaki", "category": "Kategori Baru Sekali", "reporter": "w",
        "status": "waiting", "kota": "Jakarta Selatan"}),
    );
    lines.push(
        json!({"id": "CRM-6", "submitted_at": "2021-04-01T08:00:00+07:00",
        "completed_at": "2021-03-31T23:00:00+07:00",
        "channel": "fax", "category": "Jalan", "reporter": "w",
        "status": "completed", "kota": "Jakarta Tengah"}),
    );
    lines.push(
        json!({"id": "CRM-7", "submitted_at": "2021-04-01T08:00:00+07:00",
        "channel": "jaki", "category": "Jalan", "reporter": "w", "status": "waiting",
        "kota": "Jakarta Barat", "kecamatan": "Tebet"}),
    );
    let mut file = write(dir.path(), "bad.ndjson", &lines);
    // A broken last line.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file).unwrap() + "{\"id\": \"CRM-8\"\n",
    )
    .unwrap();
    let out = aduan(dir.path(), &["import", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let channels = [
        "jaki",
        "web",
        "email",
        "sms",
        "whatsapp",
        "twitter",
        "facebook",
        "instagram",
        "governor_social",
        "lapor",
        "balai_kota",
        "inspektorat",
        "walikota",
        "kecamatan",
        "kelurahan",
        "media",
        "qlue",
        "open311",
    ]
    .join(", ");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "line 5: id CRM-2021-000001 already on line 1\n\
             line 6: completed_at is before submitted_at\n\
             line 6: channel \"fax\" is not one of {channels}\n\
             line 6: kota \"Jakarta Tengah\" is not a kota of the jurisdiction\n\
             line 7: kecamatan \"Tebet\" is not in Kota Administrasi Jakarta Barat\n\
             line 8: not a valid record: EOF while parsing an object\n\
             aduan import: nothing was imported\n"
        )
    );
    // Nothing stored: no reports, no new category (not even from the good lines).
    let figures = stats(dir.path());
    assert_eq!(figures["reports"], 0);
    let pack: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(PACK).unwrap()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("aduan.db")).unwrap();
        store.jurisdiction().await.unwrap().unwrap()
    });
    assert_eq!(
        data.categories.len(),
        pack["categories"].as_array().unwrap().len()
    );

    // Only the first hundred reasons are printed, then how many more.
    let many: Vec<serde_json::Value> = (0..150)
        .map(|i| {
            json!({"id": format!("X-{i}"), "submitted_at": "kemarin", "channel": "jaki",
            "category": "Jalan", "reporter": "w", "status": "waiting", "kota": "Jakarta Pusat"})
        })
        .collect();
    file = write(dir.path(), "many.ndjson", &many);
    let out = aduan(dir.path(), &["import", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let printed: Vec<&str> = stderr.lines().collect();
    assert_eq!(printed.len(), 102, "{stderr}");
    assert_eq!(
        printed[0],
        "line 1: submitted_at \"kemarin\" is not an RFC 3339 time (2021-02-01T00:30:00+07:00)"
    );
    assert!(printed[99].starts_with("line 100: "), "{}", printed[99]);
    assert_eq!(printed[100], "… and 50 more");
}

#[test]
fn importing_twice_changes_nothing_and_a_dry_run_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    jakarta(dir.path());
    let file = write(dir.path(), "history.ndjson", &history());
    assert_eq!(
        stdout(&aduan(dir.path(), &["import", "--dry-run", &file])),
        "4 laporan siap diimpor, 1 kategori baru (uji coba: tidak ada yang disimpan)\n"
    );
    assert_eq!(stats(dir.path())["reports"], 0);
    stdout(&aduan(dir.path(), &["import", &file]));
    let first = stats(dir.path());
    assert_eq!(
        stdout(&aduan(dir.path(), &["import", &file])),
        "0 laporan diimpor, 4 sudah ada, 0 kategori baru\n"
    );
    assert_eq!(stats(dir.path()), first);
    assert_eq!(first["reports"], 4);
}
