//! The proof of "privacy by default" (issue 3, item 8): canaries planted in every identity
//! field and in the EXIF of the reporters' photos are searched for in every response body
//! and header of every endpoint, as every role, in the log output, and in the database file
//! at rest. The reporters include some without accounts, who write through the channels'
//! webhooks (SMS, WhatsApp, X) or leave their contact at a desk, and are answered through
//! the outbox. None may appear where the rules forbid; the few places they are allowed (a
//! reporter's own profile, the audited reveal, what goes to the channel's provider) are
//! checked to show them, so that the search can fail.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod accounts;
mod channel_reporters;
#[path = "../common/mod.rs"]
mod common;
mod pages;
mod sweep;
mod world;
mod written;

use aduan_domain::scrub::{MASK_EMAIL, MASK_PHONE};
use aduan_web::outbox::RunSummary;
use common::canary::{self, Needle, contains, found_in, response_bytes};
use common::receiver::{TWILIO_SID, WA_PHONE_ID};
use common::{PICTURE_SIZE, dimensions};
use world::{Seen, Who, World};

/// Who reads R2's text as written: its reporter alone (staff read it masked, as the public
/// does, since issue 14).
fn reads_r2_as_written(who: Who) -> bool {
    who == Who::ReporterB
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

/// What `seen` must not contain, by the rules of DESIGN.md: no one's identity, but a
/// reporter's own in their profile (and their download) and each reporter's in the audited reveal of their report.
fn forbidden(world: &World, seen: &Seen) -> Vec<Needle> {
    // A citizen's profile and their download of their own data show them their identity.
    let own_profile = seen.what == "GET /api/v1/me"
        || seen.what == "GET /api/v1/me/export"
        || seen.what.starts_with("PAGE GET /akun/data/unduh");
    let mut needles = Vec::new();
    for reporter in world.reporters() {
        let account = reporter.account == Some(seen.who);
        let own = own_profile && account;
        let revealed = seen.who == Who::IdentityAdmin
            && reporter
                .tickets
                .iter()
                .any(|t| seen.what == world::reveal(t));
        if own || revealed {
            continue;
        }
        // Every page's frame names who is signed in ("Masuk sebagai <username>"): that is
        // the reader's own account name, shown to them alone, not a leak. The rest of their
        // identity stays forbidden on their own pages too.
        let username = format!("{}'s username", reporter.label);
        let own_name = |n: &Needle| account && pages::is_page(seen) && n.label == username;
        needles.extend(reporter.needles.into_iter().filter(|n| !own_name(n)));
    }
    needles.extend(world.reporter_exif.iter().cloned());
    needles.extend(world.doc_exif.iter().cloned());
    if seen.who != Who::Validator {
        needles.extend(world.doc_evidence.iter().cloned());
    }
    if !reads_r2_as_written(seen.who) {
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
    // The phone as stored (E.164); its `812…` needle catches that form anywhere else too.
    let phone = world.a.stored_phone();
    for secret in [&world.a.username, &world.a.name, &phone, &world.a.email] {
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
        found_in(&world.contacts, &handled.body).is_empty()
            && handled.text().contains(MASK_PHONE)
            && handled.text().contains(MASK_EMAIL),
        "the Dinas handles R2 and reads its text masked: {handled:?}"
    );
    let own = answer(seen, Who::ReporterB, &r2);
    assert_eq!(
        found_in(&world.contacts, &own.body).len(),
        3,
        "B reads R2 as written: {own:?}"
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

/// The reporters without accounts: the identity admin reads each one (the search finds
/// them), the providers got their addresses, and the outbox and the triage queue were
/// swept with content in them.
fn channel_controls(world: &World, seen: &[Seen]) {
    // (ticket, the channel, whose canaries, the ones planted there)
    let revealed = [
        (
            &world.r1,
            "jaki",
            "A",
            &["username", "name", "phone (812...)", "email"][..],
        ),
        (
            &world.r2,
            "jaki",
            "B",
            &["name", "phone (812...)", "email", "NIK", "handle"],
        ),
        (&world.r4, "sms", "C", &["phone (812...)"]),
        (&world.r5, "whatsapp", "C", &["name", "phone (812...)"]),
        (&world.r6, "twitter", "D", &["name", "handle"]),
        (
            &world.r7,
            "balai_kota",
            "E",
            &["name", "phone (812...)", "email", "NIK"],
        ),
    ];
    let reporters = world.reporters();
    for (ticket, channel, who, planted) in revealed {
        let resp = answer(seen, Who::IdentityAdmin, &world::reveal(ticket));
        let needles = &reporters
            .iter()
            .find(|r| r.label == who)
            .expect("a reporter")
            .needles;
        let found = found_in(needles, &resp.body);
        for field in planted {
            let label = format!("{who}'s {field}");
            assert!(
                found.contains(&label),
                "the reveal of {ticket} shows {label}: {resp:?}"
            );
        }
        assert_eq!(resp.json()["channel"], channel, "{resp:?}");
    }

    // The outbox told every reporter who left a way back, on their channel.
    assert_eq!(
        world.delivered,
        RunSummary {
            delivered: 6,
            ..RunSummary::default()
        },
        "receipts for C (twice), D and E, C's acceptance and E's rejection"
    );
    let sent = world.provider.requests();
    let twilio = format!("/2010-04-01/Accounts/{TWILIO_SID}/Messages.json");
    let texts_to = |number: &str| -> Vec<String> {
        sent.iter()
            .filter(|r| r.path == twilio && r.form("To").as_deref() == Some(number))
            .map(|r| r.form("Body").expect("a Body"))
            .collect()
    };
    let to_c = texts_to(&world.c_number());
    assert_eq!(
        to_c.len(),
        2,
        "C's receipt and acceptance by SMS: {sent:#?}"
    );
    assert!(to_c.iter().all(|t| t.contains(&world.r4)), "{to_c:?}");
    let to_e = texts_to(&world.e_number());
    assert_eq!(to_e.len(), 2, "E's receipt and rejection by SMS: {sent:#?}");
    assert!(to_e.iter().all(|t| t.contains(&world.r7)), "{to_e:?}");
    assert!(
        to_e.iter()
            .any(|t| t.contains(channel_reporters::REJECTION)),
        "E reads why: {to_e:?}"
    );
    let whatsapp: Vec<_> = sent
        .iter()
        .filter(|r| r.path == format!("/{WA_PHONE_ID}/messages"))
        .collect();
    assert_eq!(whatsapp.len(), 1, "{sent:#?}");
    assert_eq!(
        whatsapp[0].json()["to"],
        world.c_number()[1..],
        "{whatsapp:?}"
    );
    let dm = format!("/2/dm_conversations/with/{}/messages", world.d_user_id);
    assert_eq!(
        sent.iter().filter(|r| r.path == dm).count(),
        1,
        "D's receipt by DM: {sent:#?}"
    );
    assert_eq!(sent.len(), 6, "{sent:#?}");
    // What went to the providers carries the canaries: they were in play.
    let bytes: Vec<u8> = sent.iter().flat_map(|r| r.body.clone()).collect();
    let mut needles = world.c.personal("C");
    needles.extend(world.e.personal("E"));
    let found = found_in(&needles, &bytes);
    for label in ["C's phone (812...)", "E's phone (812...)"] {
        assert!(found.iter().any(|f| f == label), "{label} in {found:?}");
    }

    // The admin's outbox list: every answer, sent, to its ticket; no one else's.
    let outbox = answer(seen, Who::Admin, "GET /api/v1/outbox").json();
    let items = outbox["items"].as_array().expect("items");
    assert_eq!(items.len(), 6, "{outbox}");
    assert!(items.iter().all(|i| i["state"] == "sent"), "{outbox}");
    let mut tickets: Vec<&str> = items.iter().filter_map(|i| i["ticket"].as_str()).collect();
    tickets.sort_unstable();
    tickets.dedup();
    let mut expected = [
        world.r4.as_str(),
        world.r5.as_str(),
        world.r6.as_str(),
        world.r7.as_str(),
    ];
    expected.sort_unstable();
    assert_eq!(tickets, expected, "{outbox}");
    for who in [
        Who::CoordinatorAll,
        Who::OfficerDinas,
        Who::Operator,
        Who::Public,
    ] {
        let status = answer(seen, who, "GET /api/v1/outbox").status;
        assert!(status == 401 || status == 403, "{who:?}: HTTP {status}");
    }

    // The triage queue: C's WhatsApp message and D's DM wait; C's SMS was placed.
    let queue = text(seen, Who::CoordinatorAll, "GET /api/v1/triage");
    assert!(
        queue.contains(&world.r5) && queue.contains(&world.r6) && !queue.contains(&world.r4),
        "{queue}"
    );
    assert_eq!(
        answer(seen, Who::OfficerSudin, "GET /api/v1/triage").status,
        403
    );

    // The steps are in the timelines staff read.
    let timeline = text(
        seen,
        Who::CoordinatorKecamatan,
        &format!("GET /api/v1/reports/{}/timeline", world.r7),
    );
    assert!(
        timeline.contains(channel_reporters::REJECTION),
        "{timeline}"
    );
    let timeline = text(
        seen,
        Who::OfficerDinas,
        &format!("GET /api/v1/reports/{}/timeline", world.r4),
    );
    assert!(timeline.contains("accept"), "{timeline}");
}

fn text(seen: &[Seen], who: Who, what: &str) -> String {
    answer(seen, who, what).text()
}

async fn versions(world: &World) -> Vec<i64> {
    let mut out = Vec::new();
    for t in world.tickets() {
        out.push(world.app.stored(t).await.version);
    }
    out
}

/// How many accounts there are; a read that fails fails the test (two failed reads must not
/// compare equal as "nothing changed").
async fn count_users(world: &World) -> i64 {
    world
        .app
        .store
        .count_users()
        .await
        .unwrap_or_else(|e| panic!("cannot count the accounts: {e}"))
}

#[tokio::test]
async fn no_canary_leaves_through_any_endpoint_as_any_role_nor_into_the_logs() {
    canary::captured_logs();
    let marker = format!("log-capture-self-check-{}", canary::unique_digits());
    tracing::info!("{marker}");
    let mut world = world::build().await;
    let before = (versions(&world).await, count_users(&world).await);

    let (mut seen, mut problems) = sweep::sweep(&world).await;
    // Open311 is swept too: every resource was asked as every viewer, and answered.
    problems.extend(sweep::open311_coverage(&world, &seen));
    seen.append(&mut world.seen);
    // 3702 when written: 14 callers, 7 reports, 4 photos; 6726 with Open311 (161 questions
    // per caller).
    assert!(
        seen.len() > 6000,
        "the sweep asked {} questions",
        seen.len()
    );
    // The pages, as every viewer: their answers join the API's, under the same search.
    let (mut pages_seen, crawls) = pages::crawl(&world).await;
    seen.append(&mut pages_seen);
    problems.extend(pages::problems(&crawls));
    problems.extend(leaks(&world, &seen));
    problems.extend(photo_access(&world, &seen));

    let after = (versions(&world).await, count_users(&world).await);
    assert_eq!(before, after, "refused requests changed nothing");
    let listed = world.client(Who::Admin).list_all("limit=1").await;
    assert_eq!(
        listed.len(),
        world.tickets().len(),
        "no report was filed by the sweep: {listed:?}"
    );

    // The log: captured (the marker, the app's own request spans), and free of canaries.
    let log = canary::log_snapshot();
    assert!(contains(&log, marker.as_bytes()), "the log is captured");
    assert!(
        contains(&log, world.r1.as_bytes()),
        "the app's request logs are captured"
    );
    for what in [
        "/channels/sms/inbound",
        "/channels/x/webhook",
        "aduan_channels::outbound",
    ] {
        assert!(
            contains(&log, what.as_bytes()),
            "the webhooks' and the outbox worker's logs are captured: {what}"
        );
    }
    let mut never: Vec<Needle> = world
        .reporters()
        .into_iter()
        .flat_map(|r| r.needles)
        .collect();
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
    channel_controls(&world, &seen);
    pages::controls(&world, &seen, &crawls);
}

/// Every value of every table, through the database itself; and how many identities (of
/// accounts, of reporters without one) and ways to answer are stored, sealed.
async fn database_dump(world: &World) -> (Vec<u8>, [i64; 3]) {
    let app = &world.app;
    let dump = app.table_values().await;
    let sealed = [
        app.count("SELECT count(*) FROM identities").await,
        app.count("SELECT count(*) FROM report_reporters WHERE sealed_identity IS NOT NULL")
            .await,
        app.count("SELECT count(*) FROM report_reporters WHERE sealed_reply IS NOT NULL")
            .await,
    ];
    (dump, sealed)
}

#[tokio::test]
async fn a_stolen_database_file_does_not_say_who_reported() {
    let world = world::build().await;
    sweep::sweep(&world).await;
    let mut secrets = world.personal();
    secrets.extend(world.reporter_exif.iter().cloned());
    secrets.extend(world.doc_exif.iter().cloned());
    let (dump, sealed) = database_dump(&world).await;
    let [accounts, channels, replies] = sealed;
    assert!(accounts >= 2, "A's and B's identities are stored, sealed");
    assert_eq!(
        channels, 4,
        "C's (twice), D's and E's identities are stored, sealed"
    );
    assert_eq!(replies, 4, "and the ways to answer them");
    for (what, bytes) in [("file", world.app.stored_bytes().await), ("dump", dump)] {
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

/// The log carries third-party debug output full of long digit runs (geometry coordinates
/// such as `558.7599835351297`): a phone's eight unique digits inside such a run are chance,
/// not a leak, while every way of writing the phone itself is still found.
#[test]
fn a_phones_digits_are_found_as_a_number_not_inside_a_longer_one() {
    let person = canary::Person::new();
    let needles = person.personal("B");
    let digits = &person.phone[4..];
    let (head, tail) = digits.split_at(4);

    let coordinates = format!("COORD(122.50052637171922 558.7{digits}297)");
    assert_eq!(
        found_in(&needles, coordinates.as_bytes()),
        Vec::<String>::new()
    );

    for written in [
        format!("hubungi {}", person.phone),
        format!("wa +62 812 {digits} ya"),
        format!("(0812) {digits}."),
        format!("tel:+62-812-{head}-{tail}"),
        format!("nomor {digits}"),
    ] {
        assert!(
            !found_in(&needles, written.as_bytes()).is_empty(),
            "{written:?} gives the phone away"
        );
    }
}
