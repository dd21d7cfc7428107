//! `aduan migrate-store --from sqlite:PATH --to postgres://...`: a running city with every
//! kind of row (jurisdiction, accounts with sealed identities, sessions, reports with photos
//! and steps, messages, an identity reveal, an API key, outbox rows, triage, statistics)
//! copied into an empty PostgreSQL database and checked there independently; targets with
//! data or a newer schema, targets that do not keep the rows, unknown source tables and bad
//! URLs refused with nothing written.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod city;

use city::*;

use sqlx::{PgPool, Row};

use aduan_domain::search::SearchText;
use aduan_domain::stats::{Period, StatsCounts, StatsQuery};
use aduan_domain::{Role, TicketPrefix};
use aduan_store::photo_store::{PhotoLocation, PhotoStore};
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{ReportQuery, ReportScope, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_city_is_copied_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let (running, db) = city(dir.path()).await;
    let target = ScratchDatabase::create(&server_url()).await.unwrap();

    let moved_photos = tempfile::tempdir().unwrap();
    let out = migrate_with_photos(
        dir.path(),
        &format!("sqlite:{}", db.display()),
        target.url(),
        moved_photos.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    drop(running);

    let stdout = text(&out.stdout);
    let expected = sqlite_counts(&db);
    assert_eq!(printed_counts(&stdout), expected, "{stdout}");
    assert!(
        stdout.contains("27 tables") && stdout.contains("checksums match"),
        "{stdout}"
    );
    for t in [
        "users",
        "identities",
        "sessions",
        "reports",
        "report_events",
        "photos",
        "report_messages",
        "identity_access_log",
        "api_keys",
        "channel_messages",
        "push_subscriptions",
        "outbox",
        "triage",
        "triage_model",
        "stats_cells",
        "stats_reporter_sets",
        "identity_key",
    ] {
        assert!(expected[t] > 0, "the fixture fills {t}");
    }

    let pool = PgPool::connect(target.url()).await.unwrap();
    assert_eq!(pg_counts(&pool).await, expected);
    // The key's fingerprint comes along: PostgreSQL instances need the SQLite store's key.
    let fingerprint: String = sqlx::query_scalar("SELECT fingerprint FROM identity_key")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(fingerprint, city::FINGERPRINT);

    // Photos under the same ids, naming the same images; every image copied to the new
    // photo store, byte for byte.
    let photos = sqlite_pairs(&db, "SELECT id, image_sha256 FROM photos ORDER BY id");
    assert_eq!(photos.len(), 3);
    assert_eq!(
        pg_pairs(&pool, "SELECT id, image_sha256 FROM photos ORDER BY id").await,
        photos
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("copied 6 photo images"), "{stderr}");
    let (from, to) = (
        PhotoStore::open(&PhotoLocation::beside(&db)).unwrap(),
        PhotoStore::open(&PhotoLocation::Files(moved_photos.path().to_owned())).unwrap(),
    );
    let original: &dyn Store = &SqliteStore::open(&db).unwrap();
    let reports = original
        .list_reports(ReportQuery::new(ReportScope::All, 200))
        .await
        .unwrap();
    for report in reports.reports {
        for photo in original.photos(report.id).await.unwrap() {
            for image in [photo.image, photo.thumbnail] {
                let copied = to.get(&image).await.unwrap();
                assert!(image.holds(&copied));
                assert_eq!(copied, from.get(&image).await.unwrap());
            }
        }
    }
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
        "INSERT INTO photos (report_id, event_id, kind, content_type, created_at, \
             image_sha256, image_size, thumbnail_sha256, thumbnail_size) \
         SELECT report_id, event_id, kind, content_type, created_at, \
             image_sha256, image_size, thumbnail_sha256, thumbnail_size FROM photos \
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
    counts
        .by_channel
        .sort_by(|(a, ..), (b, ..)| a.code().cmp(b.code()));
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

/// The copy is read back before it is committed: a target that does not keep what it is
/// given (here a trigger of its own that drops the settings row, or one that rewrites the
/// region names) fails the count or checksum comparison, the command exits 1 naming the
/// table, and the transaction is rolled back: every table is as empty as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_does_not_keep_the_rows_fails_the_comparison_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    let source = sqlite_counts(&db);
    assert!(
        source["settings"] > 0 && source["regions"] > 0,
        "{source:?}"
    );
    for (table, trigger, written_rows) in [
        ("settings", "BEGIN RETURN NULL; END;", 0),
        (
            "regions",
            "BEGIN NEW.name := upper(NEW.name) || '!'; RETURN NEW; END;",
            source["regions"],
        ),
    ] {
        let target = ScratchDatabase::create(&server_url()).await.unwrap();
        let store = PgStore::connect(target.url()).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$ {trigger} $$;
             CREATE TRIGGER tamper BEFORE INSERT ON {table}
             FOR EACH ROW EXECUTE FUNCTION tamper();"
        )))
        .execute(store.pool())
        .await
        .unwrap();
        let before = pg_counts(store.pool()).await;
        assert!(before.values().all(|n| *n == 0), "{before:?}");

        let out = migrate(
            dir.path(),
            &format!("sqlite:{}", db.display()),
            target.url(),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{table}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "table {table}: the source has {} rows",
                source[table]
            )) && stderr.contains(&format!("PostgreSQL {written_rows} rows")),
            "{table}: {stderr}"
        );
        assert!(stderr.contains("nothing was written"), "{table}: {stderr}");
        assert!(out.stdout.is_empty(), "{table}");
        assert_eq!(pg_counts(store.pool()).await, before, "{table}");
        store.pool().close().await;
    }
}

/// A target whose schema is newer than this aduan's (a migration it does not know) is
/// refused before anything is copied, with exit status 1 and the reason, and left as it
/// was: no row written, its migrations table untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_with_a_newer_schema_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = jakarta(dir.path());
    let target = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(target.url()).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from a newer aduan', TRUE, '\\x00', 1)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let migrations = || async {
        sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get::<i64, _>(0), row.get::<String, _>(1)))
            .collect::<Vec<_>>()
    };
    let applied = migrations().await;
    let before = pg_counts(store.pool()).await;

    let out = migrate(
        dir.path(),
        &format!("sqlite:{}", db.display()),
        target.url(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot open the PostgreSQL store")
            && stderr.contains("99999")
            && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(pg_counts(store.pool()).await, before);
    assert!(before.values().all(|n| *n == 0), "{before:?}");
    assert_eq!(migrations().await, applied);
    store.pool().close().await;
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
        let photos = PhotoStore::open(&PhotoLocation::beside(&db)).unwrap();
        tokio::spawn(async move {
            let mut filed = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let mut new = report(Some(&siti), &format!("Laporan selama migrasi {filed}"));
                new.photos = vec![photo(&photos, filed as u8, 2_000).await];
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
