//! The proof of "privacy by default" (issue 3, item 8): canaries planted in every identity
//! field and in the EXIF of the reporters' photos are searched for in every response body
//! and header of every endpoint, as every role, in the log output, and in the database file
//! at rest. None may appear where the rules forbid; the few places they are allowed are
//! checked to show them, so that the search can fail.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod sweep;
mod world;

use aduan_domain::scrub::{MASK_EMAIL, MASK_PHONE};
use common::canary::{self, Needle, contains, found_in, response_bytes};
use common::{PICTURE_SIZE, dimensions};
use world::{Seen, Who, World};

/// The staff who handle R2 (and so read its text unmasked), and its reporter.
fn handles_r2(who: Who) -> bool {
    matches!(
        who,
        Who::ReporterB
            | Who::CoordinatorAll
            | Who::CoordinatorKecamatan
            | Who::OfficerDinas
            | Who::Admin
            | Who::IdentityAdmin
    )
}

/// Who may see R1's documentation photos: its reporter and the staff who handle it.
fn sees_r1_documentation(who: Who) -> bool {
    matches!(
        who,
        Who::ReporterA
            | Who::CoordinatorAll
            | Who::CoordinatorKecamatan
            | Who::OfficerSudin
            | Who::Validator
            | Who::Admin
            | Who::IdentityAdmin
    )
}

/// What `seen` must not contain, by the rules of DESIGN.md.
fn forbidden(world: &World, seen: &Seen) -> Vec<Needle> {
    let own_profile = seen.what == "GET /api/v1/me";
    let mut needles = Vec::new();
    if !(seen.who == Who::ReporterA && own_profile) {
        needles.extend(world.a.all("A"));
    }
    if !(seen.who == Who::ReporterB && own_profile) {
        needles.extend(world.b.all("B"));
    }
    needles.extend(world.reporter_exif.iter().cloned());
    needles.extend(world.doc_exif.iter().cloned());
    if seen.who != Who::Validator {
        needles.extend(world.doc_evidence.iter().cloned());
    }
    if !handles_r2(seen.who) {
        needles.extend(world.contacts.iter().cloned());
    }
    needles
}

fn leaks(world: &World, seen: &[Seen]) -> Vec<String> {
    seen.iter()
        .flat_map(|s| {
            let needles = forbidden(world, s);
            found_in(&needles, &response_bytes(&s.resp))
                .into_iter()
                .map(|label| format!("{:?}: {} reveals {label}: {:?}", s.who, s.what, s.resp))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn answer<'a>(seen: &'a [Seen], who: Who, what: &str) -> &'a common::Resp {
    &seen
        .iter()
        .find(|s| s.who == who && s.what == what)
        .unwrap_or_else(|| panic!("{who:?} never asked {what}"))
        .resp
}

/// Photos are served to exactly those who may see them.
fn photo_access(world: &World, seen: &[Seen]) -> Vec<String> {
    let mut problems = Vec::new();
    for viewer in &world.viewers {
        let who = viewer.who;
        let mut expect = vec![
            (&world.a_photo_url, who == Who::ReporterA),
            (&world.b_photo_url, who != Who::BadToken),
        ];
        for url in &world.doc_photo_urls {
            expect.push((url, sees_r1_documentation(who)));
        }
        for (url, allowed) in expect {
            let resp = answer(seen, who, &format!("GET {url}"));
            if (resp.status == 200) != allowed {
                problems.push(format!(
                    "{who:?} {url}: HTTP {} (allowed: {allowed})",
                    resp.status
                ));
            }
            if resp.status == 200 && dimensions(&resp.body) != PICTURE_SIZE {
                problems.push(format!("{who:?} {url}: not the picture"));
            }
        }
    }
    problems
}

/// The canaries are where they are allowed to be: the search can find them.
fn controls(world: &World, seen: &[Seen]) {
    let text = |who, what: &str| answer(seen, who, what).text().to_lowercase();
    let me = text(Who::ReporterA, "GET /api/v1/me");
    for secret in [
        &world.a.username,
        &world.a.name,
        &world.a.phone,
        &world.a.email,
    ] {
        assert!(
            me.contains(&secret.to_lowercase()),
            "A sees {secret} in {me}"
        );
    }
    assert!(
        found_in(&world.a.all("A"), me.as_bytes()).len() >= 4,
        "the needles find A in {me}"
    );
    let me = text(Who::ReporterB, "GET /api/v1/me");
    for secret in [&world.b.name, &world.b.phone, &world.b.email] {
        assert!(
            me.contains(&secret.to_lowercase()),
            "B sees {secret} in {me}"
        );
    }
    let r2 = format!("GET /api/v1/reports/{}", world.r2);
    let handled = answer(seen, Who::OfficerDinas, &r2);
    assert!(
        !found_in(&world.contacts, &handled.body).is_empty(),
        "the Dinas handles R2 and reads its text as written: {handled:?}"
    );
    for what in [r2.clone(), "GET /api/v1/public/reports".to_owned()] {
        let public = answer(seen, Who::Public, &what).text();
        assert!(
            public.contains(MASK_PHONE) && public.contains(MASK_EMAIL),
            "{what}: the public reads R2 masked: {public}"
        );
    }
    let feed = text(Who::Public, "GET /api/v1/public/reports");
    assert!(feed.contains(&world.r2.to_lowercase()), "{feed}");
    assert!(!feed.contains(&world.r1.to_lowercase()) && !feed.contains(&world.r3.to_lowercase()));

    // The conversations are swept with content in them, to their parties only.
    let messages = format!("GET /api/v1/reports/{}/messages", world.r1);
    let officer = answer(seen, Who::OfficerSudin, &messages).json();
    let from: Vec<&str> = officer
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["from"].as_str())
        .collect();
    assert_eq!(from, ["reporter", "staff"], "{officer}");
    for who in [Who::Public, Who::OtherCitizen, Who::OfficerElsewhere] {
        assert_eq!(answer(seen, who, &messages).status, 404, "{who:?}");
    }
    let messages = format!("GET /api/v1/reports/{}/messages", world.r2);
    assert_eq!(
        answer(seen, Who::ReporterB, &messages)
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(answer(seen, Who::Public, &messages).status, 404);

    let r1 = format!("GET /api/v1/reports/{}", world.r1);
    let validator = answer(seen, Who::Validator, &r1);
    assert!(
        found_in(&world.doc_evidence, &validator.body).len() >= 2,
        "the validator sees where the documentation was taken: {validator:?}"
    );
    let officer = answer(seen, Who::OfficerSudin, &r1).json();
    assert_eq!(officer["photos_locked"], true, "{officer}");
    assert!(officer["privacy_notice"].is_string(), "{officer}");
    let photos = officer["photos"].as_array().expect("photos");
    assert_eq!(
        photos.len(),
        2,
        "the officer sees the documentation: {officer}"
    );
    assert!(
        photos
            .iter()
            .all(|p| p["kind"] == "followup" && p.get("evidence").is_none()),
        "{officer}"
    );
}

async fn versions(world: &World) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [&world.r1, &world.r2, &world.r3] {
        out.push(world.app.stored(t).await.version);
    }
    out
}

#[tokio::test]
async fn no_canary_leaves_through_any_endpoint_as_any_role_nor_into_the_logs() {
    canary::captured_logs();
    let marker = format!("log-capture-self-check-{}", canary::unique_digits());
    tracing::info!("{marker}");
    let mut world = world::build().await;
    let before = (
        versions(&world).await,
        world.app.store.count_users().await.ok(),
    );

    let (mut seen, mut problems) = sweep::sweep(&world).await;
    seen.append(&mut world.seen);
    assert!(
        seen.len() > 1000,
        "the sweep asked {} questions",
        seen.len()
    );
    problems.extend(leaks(&world, &seen));
    problems.extend(photo_access(&world, &seen));

    let after = (
        versions(&world).await,
        world.app.store.count_users().await.ok(),
    );
    assert_eq!(before, after, "refused requests changed nothing");
    let listed = world.client(Who::Admin).list_all("limit=1").await;
    assert_eq!(
        listed.len(),
        3,
        "no report was filed by the sweep: {listed:?}"
    );

    // The log: captured (the marker, the app's own request spans), and free of canaries.
    let log = canary::log_snapshot();
    assert!(contains(&log, marker.as_bytes()), "the log is captured");
    assert!(
        contains(&log, world.r1.as_bytes()),
        "the app's request logs are captured"
    );
    let mut never = world.a.all("A");
    never.extend(world.b.all("B"));
    never.extend(world.reporter_exif.iter().cloned());
    never.extend(world.doc_exif.iter().cloned());
    never.extend(world.contacts.iter().cloned());
    for label in found_in(&never, &log) {
        problems.push(format!("the log reveals {label}"));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    controls(&world, &seen);
}

/// The database file's bytes, and its WAL's (where recent writes are until a checkpoint).
fn database_bytes(world: &World) -> Vec<u8> {
    let path = world.app.db_path();
    let mut bytes = std::fs::read(&path).expect("read the database file");
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

/// Every value of every table, through SQLite itself.
fn database_dump(world: &World) -> (Vec<u8>, i64) {
    use rusqlite::types::ValueRef;
    let conn = rusqlite::Connection::open_with_flags(
        world.app.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the database file");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list the tables");
    let mut dump = Vec::new();
    for table in &tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("a row") {
            for i in 0..columns {
                match row.get_ref(i).expect("a value") {
                    ValueRef::Text(t) | ValueRef::Blob(t) => dump.extend_from_slice(t),
                    ValueRef::Integer(n) => dump.extend(n.to_string().into_bytes()),
                    ValueRef::Real(x) => dump.extend(x.to_string().into_bytes()),
                    ValueRef::Null => {}
                }
                dump.push(b'\t');
            }
        }
    }
    let sealed = conn
        .query_row("SELECT count(*) FROM identities", [], |r| r.get(0))
        .expect("count the identities");
    (dump, sealed)
}

#[tokio::test]
async fn a_stolen_database_file_does_not_say_who_reported() {
    let world = world::build().await;
    sweep::sweep(&world).await;
    let mut secrets = world.a.personal("A");
    secrets.extend(world.b.personal("B"));
    secrets.extend(world.reporter_exif.iter().cloned());
    secrets.extend(world.doc_exif.iter().cloned());
    let (dump, sealed) = database_dump(&world);
    assert!(sealed >= 2, "A's and B's identities are stored, sealed");
    for (what, bytes) in [("file", database_bytes(&world)), ("dump", dump)] {
        let found = found_in(&secrets, &bytes);
        assert!(found.is_empty(), "the database {what} reveals {found:?}");
        // The search works: plain fields are there to find.
        assert!(
            contains(&bytes, world.plain.as_bytes()),
            "the database {what} holds the description in the clear"
        );
        assert!(contains(&bytes, world.a.username.as_bytes()), "{what}");
    }
}
