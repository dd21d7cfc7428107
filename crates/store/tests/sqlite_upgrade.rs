//! Upgrading a city's database made by an older version: opening it counts every existing
//! report by its local day once (from before the statistics' counts), indexes them for
//! search (from before search), and sets its photos' bytes aside to be moved out to the
//! photo store (from before photos left the database).

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aduan_domain::stats::{Period, StatsQuery};
use aduan_domain::{CategoryCode, Channel, RegionCode, ReportState};
use aduan_store::StatsStore;
use aduan_store::sqlite::SqliteStore;
use rusqlite::{Connection, params};

/// A database at `path` as an older version left it: each of `migrations` applied and
/// recorded (version N is the N-th; migration 15 was never released).
fn older_database(path: &std::path::Path, migrations: &[&str]) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
    )
    .unwrap();
    let versions = (1..=14).chain(16..);
    for (version, sql) in versions.zip(migrations) {
        conn.execute_batch(sql).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 0)",
            [version],
        )
        .unwrap();
    }
    conn
}

/// The schema as version 3 left it.
const BEFORE_STATISTICS: [&str; 3] = [
    include_str!("../migrations/sqlite/0001_init.sql"),
    include_str!("../migrations/sqlite/0002_channels.sql"),
    include_str!("../migrations/sqlite/0003_admin.sql"),
];

/// Microseconds of a UTC instant.
fn at(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_micros()
}

#[tokio::test]
async fn opening_an_older_database_counts_its_reports_by_local_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    {
        let conn = older_database(&path, &BEFORE_STATISTICS);
        conn.execute(
            "INSERT INTO settings (id, data) VALUES (1, ?1)",
            [r#"{"name":"Jakarta","time_zone":"Asia/Jakarta"}"#],
        )
        .unwrap();
        // (ticket, created, coordinated, completed, state, category, reporter)
        let reports = [
            // 23:30 WIB on 31 January: January.
            (
                "JK2101310001",
                "2021-01-31T16:30:00Z",
                None,
                None,
                "waiting",
                "jalan",
                "a",
            ),
            // 00:30 WIB on 1 February: February, though still January in UTC.
            (
                "JK2102010001",
                "2021-01-31T17:30:00Z",
                Some("2021-01-31T19:30:00Z"),
                Some("2021-02-01T05:30:00Z"),
                "completed",
                "pohon",
                "a",
            ),
            (
                "JK2102150001",
                "2021-02-15T03:00:00Z",
                None,
                None,
                "rejected",
                "pohon",
                "b",
            ),
        ];
        for (i, (ticket, created, coordinated, completed, state, category, key)) in
            reports.into_iter().enumerate()
        {
            conn.execute(
                "INSERT INTO reports (id, ticket, state, category, description, region, channel,
                     first_receiver, holding_unit, visibility, created_at, updated_at,
                     coordinated_at, completed_at, version)
                 VALUES (?1, ?2, ?3, ?4, '', '31.74.01', 'jaki', 'kec-31.74.01', 'kec-31.74.01',
                     'private', ?5, ?5, ?6, ?7, 1)",
                params![
                    i as i64 + 1,
                    ticket,
                    state,
                    category,
                    at(created),
                    coordinated.map(at),
                    completed.map(at)
                ],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO report_reporters (report_id, reporter_key) VALUES (?1, ?2)",
                params![i as i64 + 1, key],
            )
            .unwrap();
        }
    }

    let store = SqliteStore::open(&path).unwrap();
    let counts = |from: &str, to: &str| {
        let query = StatsQuery::new(Period::parse(from, to).unwrap(), vec![]);
        let store = store.clone();
        async move { store.stats_counts(query).await.unwrap() }
    };
    let january = counts("2021-01-01", "2021-02-01").await;
    assert_eq!((january.reports, january.reporters), (1, 1));
    assert_eq!(january.by_state, vec![(ReportState::Waiting, 1)]);
    let february = counts("2021-02-01", "2021-03-01").await;
    assert_eq!((february.reports, february.reporters), (2, 2));
    assert_eq!(
        february.by_category,
        vec![(CategoryCode::parse("pohon").unwrap(), 2)]
    );
    assert_eq!(
        february.by_channel,
        vec![(Channel::parse("jaki").unwrap(), 2, 2)]
    );
    assert_eq!(
        february.by_region,
        vec![(RegionCode::parse("31.74.01").unwrap(), 2)]
    );
    assert_eq!(february.mean_coordination_secs, Some(2.0 * 3600.0));
    assert_eq!(february.mean_completion_secs, Some(12.0 * 3600.0));
    // Both months at once (a period of days), and opening again counts nothing twice.
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    let both = store
        .stats_counts(StatsQuery::new(
            Period::parse("2021-01-20", "2021-02-20").unwrap(),
            vec![],
        ))
        .await
        .unwrap();
    assert_eq!(
        (both.reports, both.reporters, both.by_month),
        (3, 2, vec![1, 2])
    );
}

/// The schema as version 4 left it, before search.
const BEFORE_SEARCH: [&str; 4] = [
    include_str!("../migrations/sqlite/0001_init.sql"),
    include_str!("../migrations/sqlite/0002_channels.sql"),
    include_str!("../migrations/sqlite/0003_admin.sql"),
    include_str!("../migrations/sqlite/0004_stats.sql"),
];

#[tokio::test]
async fn opening_a_database_from_before_search_indexes_its_reports() {
    use aduan_domain::search::SearchText;
    use aduan_store::{ReportQuery, ReportScope, ReportStore};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    {
        let conn = older_database(&path, &BEFORE_SEARCH);
        // (ticket, description, address)
        let reports = [
            ("JK2101310001", "Jalan rusak belum diperbaiki", None),
            ("JK2101310002", "Sampah menumpuk", Some("Pasar Minggu")),
        ];
        for (i, (ticket, description, address)) in reports.into_iter().enumerate() {
            conn.execute(
                "INSERT INTO reports (id, ticket, state, category, description, address, region,
                     channel, first_receiver, holding_unit, visibility, created_at, updated_at,
                     version)
                 VALUES (?1, ?2, 'waiting', 'jalan', ?3, ?4, '31.74.01', 'jaki', 'kec-31.74.01',
                     'kec-31.74.01', 'private', ?5, ?5, 1)",
                params![
                    i as i64 + 1,
                    ticket,
                    description,
                    address,
                    at("2021-01-31T16:30:00Z")
                ],
            )
            .unwrap();
        }
    }

    let found = |text: &str| {
        let mut query = ReportQuery::new(ReportScope::All, 10);
        query.text = Some(SearchText::parse(text).unwrap());
        query
    };
    for _ in 0..2 {
        // Opening twice indexes nothing twice.
        let store = SqliteStore::open(&path).unwrap();
        let tickets = |page: aduan_store::ReportPage| {
            page.reports
                .into_iter()
                .map(|r| r.ticket.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        let perbaikan = store.list_reports(found("perbaikan")).await.unwrap();
        assert_eq!(tickets(perbaikan), ["JK2101310001"]);
        let pasar = store.list_reports(found("pasar sampah")).await.unwrap();
        assert_eq!(tickets(pasar), ["JK2101310002"]);
        drop(store);
    }
    let conn = Connection::open(&path).unwrap();
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM reports_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

/// The schema as version 17 left it: photos kept their bytes in the database.
const BEFORE_PHOTO_OBJECTS: [&str; 16] = [
    include_str!("../migrations/sqlite/0001_init.sql"),
    include_str!("../migrations/sqlite/0002_channels.sql"),
    include_str!("../migrations/sqlite/0003_admin.sql"),
    include_str!("../migrations/sqlite/0004_stats.sql"),
    include_str!("../migrations/sqlite/0005_search.sql"),
    include_str!("../migrations/sqlite/0006_catalog_revision.sql"),
    include_str!("../migrations/sqlite/0007_accounts.sql"),
    include_str!("../migrations/sqlite/0008_privacy.sql"),
    include_str!("../migrations/sqlite/0009_unit_kind_roles.sql"),
    include_str!("../migrations/sqlite/0010_identity_key.sql"),
    include_str!("../migrations/sqlite/0011_personal_data.sql"),
    include_str!("../migrations/sqlite/0012_tracking_codes.sql"),
    include_str!("../migrations/sqlite/0013_supporters.sql"),
    include_str!("../migrations/sqlite/0014_push_subscriptions.sql"),
    include_str!("../migrations/sqlite/0016_category_icon.sql"),
    include_str!("../migrations/sqlite/0017_queue_filters.sql"),
];

#[tokio::test]
async fn photos_stored_in_the_database_wait_to_be_moved_out_with_their_bytes() {
    use aduan_domain::ReportId;
    use aduan_domain::report::{ImageObject, NewPhoto, PhotoKind};
    use aduan_store::{PhotoToMove, ReportStore, StoreError};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    {
        let conn = older_database(&path, &BEFORE_PHOTO_OBJECTS);
        // Only the photos matter here; their report rows are not needed to read them.
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for (id, kind, bytes) in [
            (1, "report", &b"jpeg one"[..]),
            (2, "followup", b"jpeg two"),
        ] {
            conn.execute(
                "INSERT INTO photos (id, report_id, event_id, kind, content_type, bytes,
                     created_at, captured_at, evidence_lat, evidence_lon)
                 VALUES (?1, 7, 1, ?2, 'image/png', ?3, 0, '2021-01-31T09:00:00', -6.2, 106.8)",
                params![id, kind, bytes],
            )
            .unwrap();
        }
    }

    let store = SqliteStore::open(&path).unwrap();
    let waiting = store.photos_to_move(10).await.unwrap();
    assert_eq!(
        waiting,
        [
            PhotoToMove {
                photo: 1,
                bytes: b"jpeg one".to_vec()
            },
            PhotoToMove {
                photo: 2,
                bytes: b"jpeg two".to_vec()
            }
        ]
    );
    assert_eq!(store.photos_to_move(1).await.unwrap().len(), 1);
    // Not shown until its images are in the photo store.
    assert!(store.photos(ReportId(7)).await.unwrap().is_empty());
    assert!(matches!(
        store.photo(ReportId(7), 1).await,
        Err(StoreError::NotFound)
    ));

    let moved = NewPhoto {
        content_type: "image/jpeg",
        image: ImageObject::of(b"display"),
        thumbnail: ImageObject::of(b"thumb"),
        evidence: Default::default(),
    };
    store.photo_moved(1, moved.clone()).await.unwrap();
    // Moved once: a second time finds nothing waiting.
    assert!(matches!(
        store.photo_moved(1, moved.clone()).await,
        Err(StoreError::NotFound)
    ));
    let photos = store.photos(ReportId(7)).await.unwrap();
    assert_eq!(photos.len(), 1);
    let photo = &photos[0];
    assert_eq!(
        (photo.id, photo.kind, photo.content_type.as_str()),
        (1, PhotoKind::Report, "image/jpeg")
    );
    assert_eq!(
        (photo.image, photo.thumbnail),
        (moved.image, moved.thumbnail)
    );
    // The evidence read before stays.
    assert!(photo.evidence.captured_at.is_some() && photo.evidence.location.is_some());
    assert_eq!(
        store.photos_to_move(10).await.unwrap(),
        [PhotoToMove {
            photo: 2,
            bytes: b"jpeg two".to_vec()
        }]
    );
}
