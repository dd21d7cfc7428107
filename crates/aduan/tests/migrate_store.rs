//! `aduan migrate-store --from sqlite:PATH --to postgres://...`: a running city with every
//! kind of row (jurisdiction, accounts with sealed identities, sessions, reports with photos
//! and steps, messages, an identity reveal, an API key, outbox rows, triage, statistics)
//! copied into an empty PostgreSQL database and checked there independently; targets with
//! data, unknown source tables and bad URLs refused with nothing written.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Row};

use aduan_domain::message::{MessageBody, NewMessage};
use aduan_domain::report::{
    FollowupPhotos, NewPhoto, NewReport, PhotoEvidence, Report, TriageMark,
};
use aduan_domain::search::SearchText;
use aduan_domain::stats::{Period, StatsCounts, StatsQuery};
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, Coordinates, RegionCode, ReportState, Role, TicketPrefix,
    UnitCode,
};
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{
    ActionRecord, NewUser, ReportQuery, ReportScope, Session, Store, TriageDecision, User,
};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");

/// Every table the tool copies, in its order.
const TABLES: [&str; 22] = [
    "settings",
    "regions",
    "units",
    "categories",
    "users",
    "identities",
    "sessions",
    "ticket_days",
    "reports",
    "report_reporters",
    "report_events",
    "photos",
    "report_messages",
    "identity_access_log",
    "api_keys",
    "channel_messages",
    "outbox",
    "triage",
    "triage_model",
    "stats_cells",
    "stats_reporter_ids",
    "stats_reporter_sets",
];

fn aduan(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run aduan")
}

fn migrate(data_dir: &Path, from: &str, to: &str) -> Output {
    aduan(data_dir, &["migrate-store", "--from", from, "--to", to])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A store with the Jakarta pack, at `dir/aduan.db`.
fn jakarta(dir: &Path) -> PathBuf {
    let out = aduan(dir, &["jurisdiction", "import", PACK]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir.join("aduan.db")
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
}

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

async fn user(store: &dyn Store, name: &str, role: Role, unit_code: Option<&str>) -> User {
    store
        .create_user(NewUser {
            username: name.into(),
            password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
            display_name: Some(format!("Bu {name}")),
            role,
            unit: unit_code.map(unit),
            can_view_identity: role == Role::Admin,
            sealed_identity: (role == Role::Citizen)
                .then(|| format!("sealed:{name}\0\u{ff}").into_bytes()),
            created_at: now(),
        })
        .await
        .unwrap()
}

/// Bytes no text column would keep: NULs, 0xFF, every byte value.
fn photo(seed: u8, len: usize) -> NewPhoto {
    NewPhoto {
        content_type: "image/jpeg",
        bytes: (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect(),
        evidence: PhotoEvidence {
            captured_at: NaiveDate::from_ymd_opt(2026, 3, 5).and_then(|d| d.and_hms_opt(9, 15, 7)),
            location: Some(Coordinates::parse(-6.1754, 106.8272).unwrap()),
        },
    }
}

fn report(reporter: Option<&User>, description: &str) -> NewReport {
    NewReport {
        category: CategoryCode::parse("jalan").unwrap(),
        description: description.into(),
        location: Some(Coordinates::parse(-6.2297, 106.8532).unwrap()),
        region: RegionCode::parse("31.74.01.1001").unwrap(),
        address: Some("Jl. Tebet Raya No. 1".into()),
        channel: Channel::Jaki,
        first_receiver: unit("kel-31.74.01.1001"),
        reporter: reporter.map(|u| u.id),
        entered_by: None,
        submitted_by_role: Role::Citizen,
        photos: vec![],
        reporter_identity: None,
        channel_message_id: None,
        reply_route: None,
        reporter_key: reporter.map(|u| format!("account:{}", u.id.0)),
        fetch_media: Vec::new(),
        triage: None,
    }
}

fn step(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
    Transition {
        action,
        from,
        to,
        new_holding_unit: None,
        marks_coordinated: false,
        marks_completed: false,
        new_visibility: None,
        estimated_completion: None,
    }
}

fn by(actor: &User, note: &str) -> ActionRecord {
    ActionRecord {
        actor: actor.id,
        actor_role: actor.role,
        actor_unit: actor.unit.clone(),
        at: now(),
        note: Some(note.into()),
        target: None,
        photos: FollowupPhotos::default(),
    }
}

/// A city with every kind of row, built through the SQLite store as aduan builds it; the
/// store is returned open, as a running city's is.
async fn city(dir: &Path) -> (SqliteStore, PathBuf) {
    let db = jakarta(dir);
    let store = SqliteStore::open(&db).unwrap();
    let s: &dyn Store = &store;
    let siti = user(s, "siti", Role::Citizen, None).await;
    let budi = user(s, "budi", Role::Citizen, None).await;
    let lurah = user(s, "lurah", Role::Coordinator, Some("kel-31.74.01.1001")).await;
    let petugas = user(s, "petugas", Role::Officer, Some("sudin-bina-marga-31.74")).await;
    let auditor = user(s, "auditor", Role::Admin, None).await;
    s.create_session(Session {
        token_hash: [7; 32],
        user: siti.id,
        created_at: now(),
        expires_at: now() + chrono::Duration::days(30),
    })
    .await
    .unwrap();

    let prefix = TicketPrefix::parse("JK").unwrap();
    let mut first = report(
        Some(&siti),
        "Jalan berlubang — bahaya 🚧\nDekat tiang no. 12",
    );
    first.photos = vec![photo(1, 70_000), photo(2, 3)];
    let first = s
        .submit_report(first, prefix.clone(), day(), now())
        .await
        .unwrap();
    let mut forward = step(
        ActionKind::Forward,
        ReportState::Waiting,
        ReportState::Coordination,
    );
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    forward.marks_coordinated = true;
    let forwarded = s
        .apply_transition(first.id, first.version, forward, by(&lurah, "Diteruskan"))
        .await
        .unwrap();
    let mut followup = by(&petugas, "Sudah ditambal");
    followup.photos.after = vec![photo(3, 5_000)];
    s.apply_transition(
        forwarded.id,
        forwarded.version,
        step(
            ActionKind::SubmitFollowup,
            ReportState::Coordination,
            ReportState::AwaitingValidation,
        ),
        followup,
    )
    .await
    .unwrap();

    for (author, body) in [(&siti, "Kapan ditambal?"), (&petugas, "Minggu ini, Bu.")] {
        s.post_message(NewMessage {
            report: first.id,
            at: now(),
            author: author.id,
            author_role: author.role,
            author_unit: author.unit.clone(),
            body: MessageBody::parse(body).unwrap(),
        })
        .await
        .unwrap();
    }
    s.reveal_reporter(
        first.id,
        auditor.id,
        "Perintah pengadilan No. 12/2026".into(),
        now(),
    )
    .await
    .unwrap();
    s.create_api_key("qlue".into(), [9; 32], now())
        .await
        .unwrap();

    // From an SMS: answered through the outbox, triaged, then confirmed.
    let mut sms = report(None, "sampah menumpuk di pasar");
    sms.channel = Channel::Sms;
    sms.reply_route = Some(b"sealed reply route".to_vec());
    sms.reporter_key = Some("sms:5f2a".into());
    sms.reporter_identity = Some(b"sealed sms identity".to_vec());
    sms.channel_message_id = Some("SM0001".into());
    sms.triage = Some(TriageMark {
        category: Some(CategoryCode::parse("sampah").unwrap()),
        confidence: 0.42,
        region: Some(RegionCode::parse("31.74.01.1001").unwrap()),
    });
    let sms = s
        .submit_report(sms, prefix.clone(), day(), now())
        .await
        .unwrap();
    s.confirm_triage(
        sms.id,
        sms.version,
        TriageDecision {
            category: CategoryCode::parse("sampah").unwrap(),
            region: RegionCode::parse("31.74.01.1001").unwrap(),
            holding_unit: unit("kel-31.74.01.1001"),
            by: lurah.id,
            at: now(),
            learning: vec![
                (CategoryCode::parse("sampah").unwrap(), String::new(), 1),
                (CategoryCode::parse("sampah").unwrap(), "sampah".into(), 2),
            ],
        },
    )
    .await
    .unwrap();

    // Enough reports for several batches of events and statistics.
    let mut last: Option<Report> = None;
    for i in 0..40 {
        let reporter = if i % 2 == 0 { &siti } else { &budi };
        last = Some(
            s.submit_report(
                report(Some(reporter), &format!("Laporan nomor {i}")),
                prefix.clone(),
                day() + chrono::Duration::days(i % 3),
                now(),
            )
            .await
            .unwrap(),
        );
    }
    assert!(last.is_some());
    (store, db)
}

/// Each table's row count in the SQLite file.
fn sqlite_counts(db: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    TABLES
        .iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            ((*t).to_string(), n)
        })
        .collect()
}

async fn pg_counts(pool: &PgPool) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for t in TABLES {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
        counts.insert(t.to_string(), n);
    }
    counts
}

/// The counts `migrate-store` printed, one line per table.
fn printed_counts(stdout: &str) -> BTreeMap<String, i64> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let rows = words.next()?.parse().ok()?;
            (words.next() == Some("rows")).then(|| (name.to_string(), rows))
        })
        .collect()
}

/// `SELECT id, bytes FROM photos` and the like, as (id, bytes) on both sides.
fn sqlite_pairs(db: &Path, sql: &str) -> Vec<(i64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

async fn pg_pairs(pool: &PgPool, sql: &'static str) -> Vec<(i64, Vec<u8>)> {
    sqlx::query(sql)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_city_is_copied_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let (running, db) = city(dir.path()).await;
    let target = ScratchDatabase::create(&server_url()).await.unwrap();

    let out = migrate(
        dir.path(),
        &format!("sqlite:{}", db.display()),
        target.url(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    drop(running);

    let stdout = text(&out.stdout);
    let expected = sqlite_counts(&db);
    assert_eq!(printed_counts(&stdout), expected, "{stdout}");
    assert!(
        stdout.contains("22 tables") && stdout.contains("checksums match"),
        "{stdout}"
    );
    for t in [
        "users",
        "identities",
        "sessions",
        "reports",
        "report_events",
        "photos",
    ] {
        assert!(expected[t] > 0, "the fixture fills {t}");
    }
    for t in [
        "report_messages",
        "identity_access_log",
        "api_keys",
        "channel_messages",
    ] {
        assert!(expected[t] > 0, "the fixture fills {t}");
    }
    for t in [
        "outbox",
        "triage",
        "triage_model",
        "stats_cells",
        "stats_reporter_sets",
    ] {
        assert!(expected[t] > 0, "the fixture fills {t}");
    }

    let pool = PgPool::connect(target.url()).await.unwrap();
    assert_eq!(pg_counts(&pool).await, expected);

    // Photos byte for byte, under the same ids.
    let photos = sqlite_pairs(&db, "SELECT id, bytes FROM photos ORDER BY id");
    assert_eq!(photos.len(), 3);
    assert_eq!(
        pg_pairs(&pool, "SELECT id, bytes FROM photos ORDER BY id").await,
        photos
    );
    // Sealed identities, likewise.
    assert_eq!(
        pg_pairs(
            &pool,
            "SELECT user_id, sealed FROM identities ORDER BY user_id"
        )
        .await,
        sqlite_pairs(
            &db,
            "SELECT user_id, sealed FROM identities ORDER BY user_id"
        )
    );

    // The audit log, row for row.
    type Access = (i64, i64, i64, i64, String);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let sqlite_log: Vec<Access> = conn
        .prepare("SELECT id, at, actor_id, report_id, reason FROM identity_access_log ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pg_log: Vec<Access> = sqlx::query(
        "SELECT id, at, actor_id, report_id, reason FROM identity_access_log ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
    .collect();
    assert_eq!(pg_log, sqlite_log);
    assert_eq!(pg_log[0].4, "Perintah pengadilan No. 12/2026");

    // Ids, tickets and descriptions; accounts' ids and identity rights.
    let sqlite_reports: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, ticket, description FROM reports ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pg_reports: Vec<(i64, String, String)> =
        sqlx::query("SELECT id, ticket, description FROM reports ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
    assert_eq!(pg_reports, sqlite_reports);
    let sqlite_users: Vec<(i64, String, bool)> = conn
        .prepare("SELECT id, username, can_view_identity FROM users ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? == 1)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pg_users: Vec<(i64, String, bool)> =
        sqlx::query("SELECT id, username, can_view_identity FROM users ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
    assert_eq!(pg_users, sqlite_users);
    assert!(
        pg_users
            .iter()
            .any(|(_, name, reveal)| name == "auditor" && *reveal)
    );

    // The triage confidence is the same f32.
    let confidence: f32 = sqlx::query("SELECT confidence FROM triage")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(confidence, 0.42f32);

    // Read through the stores themselves, the copy answers as the original does: every
    // report with its timeline, photos and messages, the statistics, and a search.
    let original = SqliteStore::open(&db).unwrap();
    let moved = PgStore::connect(target.url()).await.unwrap();
    assert_same_answers(&original, &moved).await;

    // New rows get ids past the copied ones.
    let max_report = sqlite_reports.iter().map(|r| r.0).max().unwrap();
    let new_report: i64 = sqlx::query(
        "INSERT INTO reports (ticket, state, category, description, region, channel, \
         first_receiver, holding_unit, visibility, created_at, updated_at, version) \
         VALUES ('JK2603059999', 'waiting', 'jalan', 'baru', '31.74.01.1001', 'jaki', \
         'kel-31.74.01.1001', 'kel-31.74.01.1001', 'private', 0, 0, 1) RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(new_report, max_report + 1);
    let max_photo = photos.iter().map(|p| p.0).max().unwrap();
    let new_photo: i64 = sqlx::query(
        "INSERT INTO photos (report_id, event_id, kind, content_type, bytes, created_at) \
         SELECT report_id, event_id, kind, content_type, bytes, created_at FROM photos \
         ORDER BY id LIMIT 1 RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(new_photo, max_photo + 1);
    pool.close().await;
}

/// Counts in a fixed order, to compare two stores' answers.
fn normalised(mut counts: StatsCounts) -> StatsCounts {
    counts.by_state.sort_by_key(|(s, _)| s.code());
    counts.by_category.sort();
    counts.by_channel.sort_by_key(|(c, ..)| c.code());
    counts.by_region.sort();
    counts
}

async fn assert_same_answers(original: &dyn Store, moved: &dyn Store) {
    let all = |text: Option<&str>| {
        let mut q = ReportQuery::new(ReportScope::All, 200);
        q.text = text.map(|t| SearchText::parse(t).unwrap());
        q
    };
    let reports = original.list_reports(all(None)).await.unwrap().reports;
    assert!(reports.len() > 40);
    assert_eq!(
        moved.list_reports(all(None)).await.unwrap().reports,
        reports
    );
    for report in &reports {
        assert_eq!(moved.report(&report.ticket).await.unwrap(), *report);
        assert_eq!(
            moved.timeline(report.id).await.unwrap(),
            original.timeline(report.id).await.unwrap()
        );
        assert_eq!(
            moved.photos(report.id).await.unwrap(),
            original.photos(report.id).await.unwrap()
        );
        assert_eq!(
            moved.messages(report.id).await.unwrap(),
            original.messages(report.id).await.unwrap()
        );
    }
    let found = original
        .list_reports(all(Some("jalan berlubang")))
        .await
        .unwrap();
    assert!(
        !found.reports.is_empty(),
        "the fixture has a report to find"
    );
    assert_eq!(
        moved
            .list_reports(all(Some("jalan berlubang")))
            .await
            .unwrap()
            .reports,
        found.reports
    );
    let mut public = ReportQuery::new(ReportScope::Public, 200);
    public.text = Some(SearchText::parse("jalan").unwrap());
    assert_eq!(
        moved.list_reports(public.clone()).await.unwrap().reports,
        original.list_reports(public).await.unwrap().reports
    );
    let query = StatsQuery::new(
        Period::parse("2025-01-01", "2027-01-01").unwrap(),
        Vec::new(),
    );
    let counted = normalised(original.stats_counts(query.clone()).await.unwrap());
    assert!(counted.reports > 40);
    assert_eq!(
        normalised(moved.stats_counts(query).await.unwrap()),
        counted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_holding_data_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    let target = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(target.url()).await.unwrap();
    sqlx::query("INSERT INTO regions (code, name, level) VALUES ('99', 'Kota Lain', 'province')")
        .execute(store.pool())
        .await
        .unwrap();
    let before = pg_counts(store.pool()).await;

    let out = migrate(
        dir.path(),
        &format!("sqlite://{}", db.display()),
        target.url(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("already holds data") && stderr.contains("regions"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(pg_counts(store.pool()).await, before);
    assert_eq!(before["regions"], 1);
    store.pool().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_table_the_tool_does_not_know_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE complaints_notes (id INTEGER PRIMARY KEY, note TEXT);")
        .unwrap();
    let target = ScratchDatabase::create(&server_url()).await.unwrap();

    let out = migrate(
        dir.path(),
        &format!("sqlite:{}", db.display()),
        target.url(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("complaints_notes"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
}

#[test]
fn bad_urls_are_refused_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aduan.db");
    let missing = format!("sqlite:{}", dir.path().join("missing.db").display());
    let pg = "postgres://postgres@127.0.0.1:5432/never_used";
    std::fs::write(&db, b"").unwrap();
    let sqlite = format!("sqlite:{}", db.display());
    for (from, to) in [
        ("mysql://root@localhost/aduan", pg),
        ("/var/lib/aduan/aduan.db", pg),
        ("sqlite:", pg),
        (missing.as_str(), pg),
        (sqlite.as_str(), "sqlite:/tmp/other.db"),
        (sqlite.as_str(), "http://127.0.0.1:5432/aduan"),
        (
            sqlite.as_str(),
            "postgres://postgres@127.0.0.1:notaport/aduan",
        ),
    ] {
        let out = migrate(dir.path(), from, to);
        assert_eq!(out.status.code(), Some(2), "--from {from} --to {to}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("aduan migrate-store: --"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(std::fs::read(&db).unwrap(), b"", "the source is untouched");
    assert!(!dir.path().join("missing.db").exists());
}

/// Text keys are read back byte by byte, as SQLite orders them, even where PostgreSQL's
/// collation is a linguistic one (case-insensitive first, accents after): else the same
/// rows would checksum differently and every migration to such a database would fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_keys_keep_their_order_under_a_linguistic_collation() {
    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "INSERT INTO triage_model (category, token, count) VALUES
                 ('sampah', 'Zebra', 1), ('sampah', 'apel', 2), ('sampah', 'Apel', 3),
                 ('sampah', 'ébène', 4), ('Sampah', 'x', 5), ('sampah', 'zebra', 6);",
        )
        .unwrap();
    let target = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(target.url()).await.unwrap();
    sqlx::query(
        "ALTER TABLE triage_model ALTER COLUMN category TYPE TEXT COLLATE \"en-x-icu\", \
         ALTER COLUMN token TYPE TEXT COLLATE \"en-x-icu\"",
    )
    .execute(store.pool())
    .await
    .unwrap();

    let out = migrate(
        dir.path(),
        &format!("sqlite:{}", db.display()),
        target.url(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(printed_counts(&text(&out.stdout))["triage_model"], 6);
    let tokens: Vec<String> =
        sqlx::query("SELECT token FROM triage_model ORDER BY category, token")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(
        tokens,
        ["apel", "Apel", "ébène", "zebra", "Zebra", "x"],
        "collated"
    );
    store.pool().close().await;
}

/// Reports keep arriving while the city is copied: the copy is one consistent moment of it,
/// every copied report with its photo and its timeline, and a checksum that matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_taking_reports_during_the_copy_is_copied_as_of_one_moment() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use aduan_store::ReportStore;

    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let siti = user(store.as_ref(), "siti", Role::Citizen, None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let (started, mut first_filed) = tokio::sync::watch::channel(0u32);
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        tokio::spawn(async move {
            let mut filed = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let mut new = report(Some(&siti), &format!("Laporan selama migrasi {filed}"));
                new.photos = vec![photo(filed as u8, 2_000)];
                let prefix = TicketPrefix::parse("JK").unwrap();
                store
                    .submit_report(new, prefix, day(), now())
                    .await
                    .unwrap();
                filed += 1;
                started.send_replace(filed);
            }
            filed
        })
    };
    first_filed.wait_for(|n| *n >= 5).await.unwrap();
    let target = ScratchDatabase::create(&server_url()).await.unwrap();
    let (data_dir, url) = (dir.path().to_owned(), target.url().to_owned());
    let from = format!("sqlite:{}", db.display());
    let out = tokio::task::spawn_blocking(move || migrate(&data_dir, &from, &url))
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let filed = writer.await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let pool = PgPool::connect(target.url()).await.unwrap();
    let copied = pg_counts(&pool).await;
    assert_eq!(printed_counts(&text(&out.stdout)), copied);
    assert!(
        (5..=i64::from(filed)).contains(&copied["reports"]),
        "{copied:?}"
    );
    assert_eq!(copied["photos"], copied["reports"]);
    assert_eq!(copied["report_events"], copied["reports"]);
    let orphans: i64 = sqlx::query(
        "SELECT COUNT(*) FROM reports r WHERE NOT EXISTS \
         (SELECT 1 FROM photos p WHERE p.report_id = r.id) \
         OR NOT EXISTS (SELECT 1 FROM report_reporters rr WHERE rr.report_id = r.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(orphans, 0);
    pool.close().await;
}
