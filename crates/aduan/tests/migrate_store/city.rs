//! The city `migrate_store` copies: a SQLite store with every kind of row, and readers of
//! both databases' rows and counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Row};

use aduan_domain::message::{MessageBody, NewMessage};
use aduan_domain::report::{
    FollowupPhotos, NewPhoto, NewReport, PhotoEvidence, Report, TriageMark,
};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, Coordinates, RegionCode, ReportState, Role, TicketPrefix,
    UnitCode,
};
use aduan_store::photo_store::{PhotoLocation, PhotoStore};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{NewUser, Session, Store, TriageDecision, User};

pub const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");

/// The identity key fingerprint the city recorded.
pub const FINGERPRINT: &str = "0123456789abcdef0123456789abcdef";

/// Every table the tool copies, in its order.
pub const TABLES: [&str; 27] = [
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
    "push_subscriptions",
    "tracking_codes",
    "report_supporters",
    "report_events",
    "photos",
    "photos_to_move",
    "report_messages",
    "identity_access_log",
    "api_keys",
    "identity_key",
    "channel_messages",
    "outbox",
    "triage",
    "triage_model",
    "stats_cells",
    "stats_reporter_ids",
    "stats_reporter_sets",
];

pub fn aduan(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run aduan")
}

pub fn migrate(data_dir: &Path, from: &str, to: &str) -> Output {
    aduan(data_dir, &["migrate-store", "--from", from, "--to", to])
}

/// As [`migrate`], copying the photos' images to `photos_to`.
pub fn migrate_with_photos(data_dir: &Path, from: &str, to: &str, photos_to: &Path) -> Output {
    let photos_to = photos_to.to_str().unwrap();
    aduan(
        data_dir,
        &[
            "migrate-store",
            "--from",
            from,
            "--to",
            to,
            "--photos-to",
            photos_to,
        ],
    )
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A store with the Jakarta pack, at `dir/aduan.db`.
pub fn jakarta(dir: &Path) -> PathBuf {
    let out = aduan(dir, &["jurisdiction", "import", PACK]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir.join("aduan.db")
}

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap()
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
}

pub fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

pub async fn user(store: &dyn Store, name: &str, role: Role, unit_code: Option<&str>) -> User {
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

/// A photo whose images (bytes no text column would keep: NULs, 0xFF, every byte value)
/// are in the city's photo store, `photos/` beside its database.
pub async fn photo(photos: &PhotoStore, seed: u8, len: usize) -> NewPhoto {
    let bytes = |seed: u8, len: usize| -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    };
    NewPhoto {
        content_type: "image/jpeg",
        image: photos.put(bytes(seed, len)).await.unwrap(),
        thumbnail: photos.put(bytes(seed ^ 0x55, len / 10 + 1)).await.unwrap(),
        evidence: PhotoEvidence {
            captured_at: NaiveDate::from_ymd_opt(2026, 3, 5).and_then(|d| d.and_hms_opt(9, 15, 7)),
            location: Some(Coordinates::parse(-6.1754, 106.8272).unwrap()),
        },
    }
}

pub fn report(reporter: Option<&User>, description: &str) -> NewReport {
    NewReport {
        category: CategoryCode::parse("jalan").unwrap(),
        description: description.into(),
        staff_description: None,
        location: Some(Coordinates::parse(-6.2297, 106.8532).unwrap()),
        region: RegionCode::parse("31.74.01.1001").unwrap(),
        address: Some("Jl. Tebet Raya No. 1".into()),
        channel: Channel::parse("jaki").unwrap(),
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

pub fn step(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
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

pub fn by(actor: &User, note: &str) -> ActionRecord {
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
pub async fn city(dir: &Path) -> (SqliteStore, PathBuf) {
    let db = jakarta(dir);
    let store = SqliteStore::open(&db).unwrap();
    let photos = PhotoStore::open(&PhotoLocation::beside(&db)).unwrap();
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
        idle_timeout: Some(chrono::Duration::hours(2)),
    })
    .await
    .unwrap();
    // A browser siti asked to be told on (sealed as the web seals it; any bytes here).
    s.add_push_subscription(siti.id, "push:0f1e".into(), vec![1, 2, 3], now())
        .await
        .unwrap();

    let prefix = TicketPrefix::parse("JK").unwrap();
    let mut first = report(
        Some(&siti),
        "Jalan berlubang — bahaya 🚧\nDekat tiang no. 12",
    );
    first.photos = vec![photo(&photos, 1, 70_000).await, photo(&photos, 2, 3).await];
    let first = s
        .submit_report(first, prefix.clone(), day(), now())
        .await
        .unwrap();
    // Budi has the same pothole: his support moves with the city.
    s.support_report(first.id, budi.id, now()).await.unwrap();
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
    followup.photos.after = vec![photo(&photos, 3, 5_000).await];
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
    // The identity key's fingerprint moves with the identities it opens.
    s.record_identity_key_fingerprint(FINGERPRINT.into(), now())
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
pub fn sqlite_counts(db: &Path) -> BTreeMap<String, i64> {
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

pub async fn pg_counts(pool: &PgPool) -> BTreeMap<String, i64> {
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
pub fn printed_counts(stdout: &str) -> BTreeMap<String, i64> {
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
pub fn sqlite_pairs(db: &Path, sql: &str) -> Vec<(i64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub async fn pg_pairs(pool: &PgPool, sql: &'static str) -> Vec<(i64, Vec<u8>)> {
    sqlx::query(sql)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}
