//! The store contract: behaviour every `Store` implementation (SQLite today, PostgreSQL later)
//! must show, written against `dyn Store` only.
//!
//! Each check takes a fresh, empty store and panics on the first broken promise. An
//! implementation's test file runs them all with `store_contract_tests!(fresh_store)`, where
//! `fresh_store` is an `async fn() -> (Arc<dyn Store>, impl Sized)`: the second value is kept
//! alive for the test's duration (a temporary directory, a throwaway database).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use geo::{LineString, MultiPolygon, Polygon};
use tokio::task::JoinSet;

use aduan_domain::jurisdiction::OfficeTemplate;
use aduan_domain::location::Boundary;
use aduan_domain::report::{
    NewPhoto, NewReport, PhotoEvidence, PhotoInfo, PhotoKind, Report, TimelineEntry,
};
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, Category, CategoryCode, Channel, Coordinates, JurisdictionData, Region, RegionCode,
    RegionLevel, ReportId, ReportState, Role, Settings, SlaTargets, Ticket, TicketPrefix, Unit,
    UnitCode, UnitKind, UserId, Visibility,
};
use aduan_store::{
    ActionRecord, NewUser, ReportQuery, ReportScope, Session, Store, StoreError, StoreResult, User,
};

/// Generates one `#[tokio::test]` per contract check, each on its own fresh store.
/// Every check must be listed here: this list is what an implementation runs.
macro_rules! store_contract_tests {
    ($fresh:path) => {
        store_contract_tests!(@each $fresh;
            jurisdiction_is_absent_then_round_trips,
            jurisdiction_saves_are_upserts,
            boundaries_round_trip_and_survive_jurisdiction_saves,
            boundary_coordinates_round_trip_bit_for_bit,
            accounts_create_and_read,
            duplicate_username_is_a_conflict,
            sessions_expire_and_can_be_deleted,
            submit_assigns_tickets_per_local_day,
            submitted_report_reads_back_with_timeline_and_photos,
            unknown_ticket_and_photo_are_not_found,
            submit_returns_the_report_as_stored,
            create_user_returns_the_user_as_stored,
            concurrent_submissions_get_gap_free_sequences,
            transitions_change_the_report_and_append_one_entry,
            coordination_time_is_stamped_once,
            duplicate_and_refer_record_their_target,
            stale_version_is_a_conflict_and_changes_nothing,
            wrong_from_state_is_a_conflict_and_changes_nothing,
            two_racing_transitions_one_wins,
            sixteen_racing_transitions_one_wins,
            list_scopes_select_the_right_reports,
            list_filters_narrow_the_scope,
            pagination_visits_every_report_once_newest_first,
            a_failing_write_does_not_poison_concurrent_ones,
            sealed_identity_is_kept_apart_and_returned_to_its_owner,
            revealing_a_reporter_is_logged_with_its_reason,
            revealing_an_unknown_report_logs_nothing,
            messages_round_trip_oldest_first,
            messages_stay_with_their_report,
            concurrent_messages_are_all_kept_in_posting_order,
        );
    };
    (@each $fresh:path; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let (store, _keep_alive) = $fresh().await;
                $crate::contract::$check(store).await;
            }
        )+
    };
}

mod identity;
pub use identity::*;
mod messages;
pub use messages::*;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn category(code: &str) -> CategoryCode {
    CategoryCode::parse(code).unwrap()
}

fn jk() -> TicketPrefix {
    TicketPrefix::parse("JK").unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 5 March 2025, the first day most checks file reports on.
fn day1() -> NaiveDate {
    day(2025, 3, 5)
}

/// An instant with whole microseconds, the precision every store keeps (SQLite INTEGER
/// micros, PostgreSQL timestamptz), so values compare equal after a round trip.
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap()
}

fn ticket(date: NaiveDate, sequence: u32) -> Ticket {
    Ticket::issue(&jk(), date, sequence)
}

/// A small Jakarta: Jakarta Selatan, Kecamatan Tebet, a Dinas with its Suku Dinas, offices.
pub fn jakarta() -> JurisdictionData {
    let region_of = |code: &str, name: &str, level| Region {
        code: region(code),
        name: name.into(),
        level,
    };
    let unit_of = |code: &str, name: &str, kind, reg: Option<&str>, parent: Option<&str>| Unit {
        code: unit(code),
        name: name.into(),
        kind,
        region: reg.map(region),
        parent: parent.map(unit),
    };
    JurisdictionData {
        settings: Settings {
            name: "DKI Jakarta".into(),
            time_zone: chrono_tz::Asia::Jakarta,
            ticket_prefix: jk(),
            office_templates: vec![OfficeTemplate {
                level: RegionLevel::Kecamatan,
                kind: UnitKind::Kecamatan,
                code: "kec-{code}".into(),
                name: "Kecamatan {name}".into(),
            }],
        },
        regions: vec![
            region_of(
                "31.74",
                "Kota Administrasi Jakarta Selatan",
                RegionLevel::Kota,
            ),
            region_of("31.74.01", "Tebet", RegionLevel::Kecamatan),
        ],
        units: vec![
            unit_of(
                "dinas-bina-marga",
                "Dinas Bina Marga",
                UnitKind::Dinas,
                None,
                None,
            ),
            unit_of(
                "sudin-bina-marga-31.74",
                "Suku Dinas Bina Marga Jakarta Selatan",
                UnitKind::SukuDinas,
                Some("31.74"),
                Some("dinas-bina-marga"),
            ),
            unit_of(
                "kec-31.74.01",
                "Kecamatan Tebet",
                UnitKind::Kecamatan,
                Some("31.74.01"),
                None,
            ),
            unit_of(
                "dinas-lh",
                "Dinas Lingkungan Hidup",
                UnitKind::Dinas,
                None,
                None,
            ),
            unit_of(
                "biro-pemerintahan",
                "Biro Pemerintahan",
                UnitKind::Validation,
                None,
                None,
            ),
        ],
        categories: vec![
            Category {
                code: category("jalan"),
                name: "Jalan".into(),
                name_en: "Roads".into(),
                responsible_unit: unit("dinas-bina-marga"),
                sla: SlaTargets::default(),
            },
            Category {
                code: category("sampah"),
                name: "Sampah".into(),
                name_en: "Rubbish".into(),
                responsible_unit: unit("dinas-lh"),
                sla: SlaTargets {
                    coordination_hours: 3,
                    completion_hours: 48,
                },
            },
        ],
    }
}

/// A data set in a canonical order, so stores may return it in any order.
fn sorted(mut data: JurisdictionData) -> JurisdictionData {
    data.regions.sort_by(|a, b| a.code.cmp(&b.code));
    data.units.sort_by(|a, b| a.code.cmp(&b.code));
    data.categories.sort_by(|a, b| a.code.cmp(&b.code));
    data
}

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(points.to_vec())
}

/// Two polygons, the first with a hole: enough to catch a lost ring or polygon. Coordinates
/// are written as decimals, as a GeoJSON file has them.
fn shape() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        Polygon::new(
            ring(&[
                (106.8, -6.3),
                (106.9, -6.3),
                (106.9, -6.2),
                (106.8, -6.2),
                (106.8, -6.3),
            ]),
            vec![ring(&[
                (106.825, -6.275),
                (106.875, -6.275),
                (106.875, -6.225),
                (106.825, -6.225),
                (106.825, -6.275),
            ])],
        ),
        Polygon::new(
            ring(&[
                (107.0, -6.3),
                (107.05, -6.3),
                (107.05, -6.25),
                (107.0, -6.3),
            ]),
            vec![],
        ),
    ])
}

/// Another shape, to see a boundary replaced.
fn other_shape() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![Polygon::new(
        ring(&[
            (106.84, -6.24),
            (106.86, -6.24),
            (106.85, -6.22),
            (106.84, -6.24),
        ]),
        vec![],
    )])
}

fn boundary(code: &str, name: &str, shape: MultiPolygon<f64>) -> Boundary {
    Boundary {
        region: Region {
            code: region(code),
            name: name.into(),
            level: region(code).level(),
        },
        shape,
    }
}

fn new_user(username: &str, role: Role, unit_code: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${username}"),
        display_name: Some(format!("Pak {username}")),
        role,
        unit: unit_code.map(unit),
        can_view_identity: false,
        sealed_identity: Some(format!("sealed:{username}").into_bytes()),
        created_at: now(),
    }
}

async fn create(store: &dyn Store, username: &str, role: Role, unit_code: Option<&str>) -> User {
    store
        .create_user(new_user(username, role, unit_code))
        .await
        .unwrap()
}

/// Bytes that would break a store treating photos as text: NULs, 0xFF, every byte value.
fn photo_bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn photo(seed: u8, len: usize) -> NewPhoto {
    NewPhoto {
        content_type: if seed.is_multiple_of(2) {
            "image/jpeg"
        } else {
            "image/png"
        },
        bytes: photo_bytes(seed, len),
        // Odd seeds carry evidence, so both shapes round-trip.
        evidence: if seed.is_multiple_of(2) {
            PhotoEvidence::default()
        } else {
            PhotoEvidence {
                captured_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
                    .and_then(|d| d.and_hms_opt(9, 15, u32::from(seed % 60))),
                location: Some(Coordinates::parse(-6.1754, 106.8272).unwrap()),
            }
        },
    }
}

/// A report located in `region_code`, first received by `receiver`.
fn report_at(
    category_code: &str,
    region_code: &str,
    receiver: &str,
    reporter: Option<UserId>,
    entered_by: Option<UserId>,
) -> NewReport {
    NewReport {
        category: category(category_code),
        description: format!("Jalan berlubang di {region_code}, membahayakan pengendara motor"),
        location: Some(Coordinates::parse(-6.2297, 106.8532).unwrap()),
        region: region(region_code),
        address: Some("Jl. Tebet Raya No. 1".into()),
        channel: if entered_by.is_some() {
            Channel::Kecamatan
        } else {
            Channel::Jaki
        },
        first_receiver: unit(receiver),
        reporter,
        entered_by,
        submitted_by_role: if entered_by.is_some() {
            Role::Operator
        } else {
            Role::Citizen
        },
        photos: vec![],
    }
}

fn simple_report(reporter: UserId) -> NewReport {
    report_at(
        "jalan",
        "31.74.01.1001",
        "kel-31.74.01.1001",
        Some(reporter),
        None,
    )
}

async fn submit(store: &dyn Store, report: NewReport, date: NaiveDate) -> Report {
    store
        .submit_report(report, jk(), date, now())
        .await
        .unwrap()
}

fn transition(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
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

fn record(actor: &User, at: DateTime<Utc>) -> ActionRecord {
    ActionRecord {
        actor: actor.id,
        actor_role: actor.role,
        actor_unit: actor.unit.clone(),
        at,
        note: None,
        target: None,
        photos: vec![],
    }
}

fn is_conflict<T: std::fmt::Debug>(result: &StoreResult<T>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(result: &StoreResult<T>) -> bool {
    matches!(result, Err(StoreError::NotFound))
}

/// Everything a failed write must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    report: Report,
    timeline: Vec<TimelineEntry>,
    photos: Vec<PhotoInfo>,
}

async fn snapshot(store: &dyn Store, ticket: &Ticket) -> Snapshot {
    let report = store.report(ticket).await.unwrap();
    Snapshot {
        timeline: store.timeline(report.id).await.unwrap(),
        photos: store.photos(report.id).await.unwrap(),
        report,
    }
}

async fn tickets_of(store: &dyn Store, query: ReportQuery) -> Vec<Ticket> {
    let page = store.list_reports(query).await.unwrap();
    assert_eq!(page.next_after, None, "the fixture fits on one page");
    page.reports.into_iter().map(|r| r.ticket).collect()
}

/// The tickets of `reports`, newest (highest id) first, as lists return them.
fn newest_first(reports: &[&Report]) -> Vec<Ticket> {
    let mut reports = reports.to_vec();
    reports.sort_by_key(|r| std::cmp::Reverse(r.id));
    reports.into_iter().map(|r| r.ticket.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Jurisdiction
// ---------------------------------------------------------------------------------------------

pub async fn jurisdiction_is_absent_then_round_trips(store: Arc<dyn Store>) {
    assert_eq!(store.jurisdiction().await.unwrap(), None);
    assert!(store.boundaries().await.unwrap().is_empty());

    store.save_jurisdiction(jakarta()).await.unwrap();
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    assert_eq!(sorted(stored), sorted(jakarta()));
}

pub async fn jurisdiction_saves_are_upserts(store: Arc<dyn Store>) {
    store.save_jurisdiction(jakarta()).await.unwrap();

    // A second, partial data set: renamed settings, region, unit and category, a unit moved
    // under another parent, and one new unit. Everything not named stays.
    let mut change = jakarta();
    change.settings.name = "Daerah Khusus Jakarta".into();
    change.regions.retain(|r| r.code == region("31.74.01"));
    change.regions[0].name = "Kecamatan Tebet".into();
    change
        .units
        .retain(|u| u.code == unit("sudin-bina-marga-31.74"));
    change.units[0].name = "Sudin Bina Marga Jaksel".into();
    change.units[0].parent = Some(unit("dinas-lh"));
    change.units.push(Unit {
        code: unit("satpol-pp"),
        name: "Satuan Polisi Pamong Praja".into(),
        kind: UnitKind::SatpolPp,
        region: None,
        parent: None,
    });
    change.categories.retain(|c| c.code == category("sampah"));
    change.categories[0].name = "Sampah dan Kebersihan".into();
    change.categories[0].sla.completion_hours = 72;
    store.save_jurisdiction(change.clone()).await.unwrap();

    let mut expected = jakarta();
    expected.settings = change.settings.clone();
    for r in &mut expected.regions {
        if r.code == change.regions[0].code {
            *r = change.regions[0].clone();
        }
    }
    for u in &mut expected.units {
        if u.code == change.units[0].code {
            *u = change.units[0].clone();
        }
    }
    expected.units.push(change.units[1].clone());
    for c in &mut expected.categories {
        if c.code == change.categories[0].code {
            *c = change.categories[0].clone();
        }
    }
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    assert_eq!(sorted(stored), sorted(expected));
}

pub async fn boundaries_round_trip_and_survive_jurisdiction_saves(store: Arc<dyn Store>) {
    let saved = vec![
        boundary("31.74.01", "Tebet", shape()),
        boundary("31.74.01.1001", "Tebet Barat", other_shape()),
    ];
    store.save_boundaries(saved.clone()).await.unwrap();

    let check = |mut got: Vec<Boundary>, what: &str| {
        got.sort_by(|a, b| a.region.code.cmp(&b.region.code));
        assert_eq!(got.len(), saved.len(), "{what}: {got:?}");
        for (got, want) in got.iter().zip(&saved) {
            assert_eq!(got.region.code, want.region.code, "{what}");
            assert_eq!(got.region.level, want.region.level, "{what}");
            assert_eq!(
                got.shape, want.shape,
                "{what}: shape of {}",
                want.region.code
            );
        }
    };
    let got = store.boundaries().await.unwrap();
    for b in &got {
        let want = saved.iter().find(|s| s.region.code == b.region.code);
        assert_eq!(Some(&b.region), want.map(|w| &w.region));
    }
    check(got, "after save_boundaries");

    // 31.74.01 is saved again without a boundary: it keeps the one it has.
    store.save_jurisdiction(jakarta()).await.unwrap();
    check(store.boundaries().await.unwrap(), "after save_jurisdiction");
    // And the kelurahan saved only with its boundary is a region of the jurisdiction now.
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    let codes: BTreeSet<_> = stored.regions.iter().map(|r| r.code.clone()).collect();
    let expected: BTreeSet<_> = ["31.74", "31.74.01", "31.74.01.1001"]
        .into_iter()
        .map(region)
        .collect();
    assert_eq!(codes, expected);
    let kelurahan = stored
        .regions
        .iter()
        .find(|r| r.code == region("31.74.01.1001"))
        .unwrap();
    assert_eq!(kelurahan.level, RegionLevel::Kelurahan);
    assert_eq!(kelurahan.name, "Tebet Barat");

    // New boundaries replace old ones.
    store
        .save_boundaries(vec![boundary("31.74.01", "Tebet", other_shape())])
        .await
        .unwrap();
    let got = store.boundaries().await.unwrap();
    let tebet = got
        .iter()
        .find(|b| b.region.code == region("31.74.01"))
        .unwrap();
    assert_eq!(tebet.shape, other_shape());
}

/// Coordinates computed by a program (or written by one with all 17 significant digits, as
/// JavaScript's `JSON.stringify` does) come back as the same `f64`s, not one step off.
pub async fn boundary_coordinates_round_trip_bit_for_bit(store: Arc<dyn Store>) {
    let (x0, y0) = (106.8_f64, -6.3_f64);
    let corners = [
        (x0, y0),
        (x0 + 0.1, y0),
        (x0 + 0.1, y0 + 0.1),
        (106.845_212_345_678_91, -6.224_681_357_924_68),
        (x0, y0),
    ];
    let computed = MultiPolygon::new(vec![Polygon::new(ring(&corners), vec![])]);
    store
        .save_boundaries(vec![boundary("31.74.01", "Tebet", computed.clone())])
        .await
        .unwrap();
    let got = store.boundaries().await.unwrap();
    assert_eq!(got.len(), 1);
    let bits = |shape: &MultiPolygon<f64>| -> Vec<(u64, u64)> {
        shape
            .0
            .iter()
            .flat_map(|p| {
                p.exterior()
                    .coords()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
            })
            .collect()
    };
    assert_eq!(bits(&got[0].shape), bits(&computed), "{:?}", got[0].shape);
}

// ---------------------------------------------------------------------------------------------
// 2. Accounts and sessions
// ---------------------------------------------------------------------------------------------

pub async fn accounts_create_and_read(store: Arc<dyn Store>) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let wanted = new_user("budi", Role::Officer, Some("sudin-bina-marga-31.74"));
    let budi = store.create_user(wanted.clone()).await.unwrap();
    assert_eq!(budi.username, "budi");
    assert_eq!(budi.role, Role::Officer);
    assert_eq!(budi.unit, Some(unit("sudin-bina-marga-31.74")));
    assert_eq!(budi.display_name.as_deref(), Some("Pak budi"));
    assert_eq!(budi.created_at, wanted.created_at);

    let siti = create(&*store, "siti", Role::Citizen, None).await;
    assert_ne!(budi.id, siti.id);
    assert_eq!(siti.unit, None);
    assert_eq!(store.count_users().await.unwrap(), 2);

    assert_eq!(store.user(budi.id).await.unwrap(), budi);
    assert_eq!(store.user(siti.id).await.unwrap(), siti);
    assert!(is_not_found(
        &store.user(UserId(budi.id.0 + siti.id.0 + 1000)).await
    ));

    let credentials = store.credentials("budi").await.unwrap();
    assert_eq!(credentials.user, budi);
    assert_eq!(credentials.password_hash, wanted.password_hash);
    assert!(is_not_found(&store.credentials("nobody").await));
    // Usernames are looked up exactly.
    assert!(is_not_found(&store.credentials("bud").await));
}

pub async fn duplicate_username_is_a_conflict(store: Arc<dyn Store>) {
    let first = create(&*store, "ani", Role::Citizen, None).await;
    let again = store
        .create_user(new_user("ani", Role::Operator, Some("kec-31.74.01")))
        .await;
    assert!(is_conflict(&again), "{again:?}");
    assert_eq!(store.count_users().await.unwrap(), 1);
    // The first account is untouched.
    assert_eq!(store.credentials("ani").await.unwrap().user, first);
    // And the store keeps working.
    create(&*store, "ani2", Role::Citizen, None).await;
    assert_eq!(store.count_users().await.unwrap(), 2);
}

pub async fn sessions_expire_and_can_be_deleted(store: Arc<dyn Store>) {
    let t = now();
    let budi = create(&*store, "budi", Role::Officer, Some("dinas-bina-marga")).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let live = [1u8; 32];
    let other = [2u8; 32];
    let expired = [3u8; 32];
    let session = |token_hash, user: &User, created: DateTime<Utc>, ttl_hours| Session {
        token_hash,
        user: user.id,
        created_at: created,
        expires_at: created + Duration::hours(ttl_hours),
    };
    store
        .create_session(session(expired, &budi, t - Duration::hours(10), 1))
        .await
        .unwrap();
    store
        .create_session(session(live, &budi, t, 12))
        .await
        .unwrap();
    store
        .create_session(session(other, &siti, t, 12))
        .await
        .unwrap();

    assert_eq!(store.session_user(live, t).await.unwrap(), budi);
    assert_eq!(store.session_user(other, t).await.unwrap(), siti);
    assert!(is_not_found(&store.session_user(expired, t).await));
    assert!(is_not_found(&store.session_user([9u8; 32], t).await));
    // The live session expires too, in time.
    assert!(is_not_found(
        &store.session_user(live, t + Duration::hours(13)).await
    ));

    store.delete_session(live).await.unwrap();
    assert!(is_not_found(&store.session_user(live, t).await));
    // Only that session went.
    assert_eq!(store.session_user(other, t).await.unwrap(), siti);
    // Signing out twice is harmless.
    store.delete_session(live).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// 3. Reports
// ---------------------------------------------------------------------------------------------

pub async fn submit_assigns_tickets_per_local_day(store: Arc<dyn Store>) {
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let day2 = day(2025, 3, 6);
    let mut got = Vec::new();
    for date in [day1(), day1(), day2, day1(), day2, day(2025, 12, 31)] {
        got.push(submit(&*store, simple_report(siti.id), date).await.ticket);
    }
    let want = vec![
        ticket(day1(), 1),
        ticket(day1(), 2),
        ticket(day2, 1),
        ticket(day1(), 3),
        ticket(day2, 2),
        ticket(day(2025, 12, 31), 1),
    ];
    assert_eq!(got, want);
    assert_eq!(got[0].as_str(), "JK2503050001");
    assert_eq!(got[5].as_str(), "JK2512310001");
}

pub async fn submitted_report_reads_back_with_timeline_and_photos(store: Arc<dyn Store>) {
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let operator = create(&*store, "op-tebet", Role::Operator, Some("kec-31.74.01")).await;
    let t = now();

    let mut by_citizen = simple_report(siti.id);
    by_citizen.photos = vec![photo(0, 70_000), photo(1, 1)];
    let citizen_report = store
        .submit_report(by_citizen.clone(), jk(), day1(), t)
        .await
        .unwrap();

    assert_eq!(citizen_report.ticket, ticket(day1(), 1));
    assert_eq!(citizen_report.state, ReportState::Waiting);
    assert_eq!(citizen_report.visibility, Visibility::Private);
    assert_eq!(citizen_report.version, 1);
    assert_eq!(citizen_report.first_receiver, unit("kel-31.74.01.1001"));
    assert_eq!(citizen_report.holding_unit, citizen_report.first_receiver);
    assert_eq!(citizen_report.category, by_citizen.category);
    assert_eq!(citizen_report.description, by_citizen.description);
    assert_eq!(citizen_report.location, by_citizen.location);
    assert_eq!(citizen_report.region, by_citizen.region);
    assert_eq!(citizen_report.address, by_citizen.address);
    assert_eq!(citizen_report.channel, Channel::Jaki);
    assert_eq!(citizen_report.reporter, Some(siti.id));
    assert_eq!(citizen_report.entered_by, None);
    assert_eq!(citizen_report.created_at, t);
    assert_eq!(citizen_report.updated_at, t);
    assert_eq!(citizen_report.coordinated_at, None);
    assert_eq!(citizen_report.completed_at, None);
    assert_eq!(citizen_report.estimated_completion, None);
    assert_eq!(citizen_report.duplicate_of, None);
    assert_eq!(citizen_report.referred_to, None);
    assert_eq!(
        store.report(&citizen_report.ticket).await.unwrap(),
        citizen_report
    );

    // Photos come back byte for byte, as the reporter's.
    let photos = store.photos(citizen_report.id).await.unwrap();
    assert_eq!(photos.len(), 2);
    for (info, sent) in photos.iter().zip(&by_citizen.photos) {
        assert_eq!(info.kind, PhotoKind::Report);
        assert_eq!(info.content_type, sent.content_type);
        assert_eq!(info.size, sent.bytes.len() as i64);
        assert_eq!(info.evidence, sent.evidence);
        let (again, bytes) = store.photo(citizen_report.id, info.id).await.unwrap();
        assert_eq!(&again, info);
        assert!(bytes == sent.bytes, "photo {} bytes differ", info.id);
    }

    let timeline = store.timeline(citizen_report.id).await.unwrap();
    assert_eq!(
        timeline,
        vec![TimelineEntry {
            at: t,
            action: ActionKind::Submit,
            actor: Some(siti.id),
            actor_role: Role::Citizen,
            actor_unit: None,
            from_state: None,
            to_state: ReportState::Waiting,
            note: None,
            target: None,
            attachments: photos.iter().map(|p| p.id).collect(),
        }]
    );

    // Entered at a desk: the operator is recorded apart from the reporter, and acted.
    let desk = report_at(
        "sampah",
        "31.74.01",
        "kec-31.74.01",
        Some(siti.id),
        Some(operator.id),
    );
    let desk_report = store.submit_report(desk, jk(), day1(), t).await.unwrap();
    assert_eq!(desk_report.ticket, ticket(day1(), 2));
    assert_eq!(desk_report.reporter, Some(siti.id));
    assert_eq!(desk_report.entered_by, Some(operator.id));
    assert_eq!(desk_report.location, citizen_report.location);
    assert_eq!(
        store.report(&desk_report.ticket).await.unwrap(),
        desk_report
    );
    assert!(store.photos(desk_report.id).await.unwrap().is_empty());
    let timeline = store.timeline(desk_report.id).await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].action, ActionKind::Submit);
    assert_eq!(timeline[0].actor, Some(operator.id));
    assert_eq!(timeline[0].actor_role, Role::Operator);
    assert!(timeline[0].attachments.is_empty());

    // Anonymous, no location, no address: the optional parts stay empty.
    let mut anonymous = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    anonymous.location = None;
    anonymous.address = None;
    let anonymous = store
        .submit_report(anonymous, jk(), day1(), t)
        .await
        .unwrap();
    let read = store.report(&anonymous.ticket).await.unwrap();
    assert_eq!(read, anonymous);
    assert_eq!(read.reporter, None);
    assert_eq!(read.location, None);
    assert_eq!(read.address, None);
    assert_eq!(store.timeline(anonymous.id).await.unwrap()[0].actor, None);
}

pub async fn unknown_ticket_and_photo_are_not_found(store: Arc<dyn Store>) {
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    assert!(is_not_found(&store.report(&ticket(day1(), 1)).await));

    let mut with_photo = simple_report(siti.id);
    with_photo.photos = vec![photo(4, 100)];
    let first = submit(&*store, with_photo, day1()).await;
    let second = submit(&*store, simple_report(siti.id), day1()).await;
    assert!(is_not_found(&store.report(&ticket(day1(), 3)).await));
    assert!(is_not_found(
        &store.report(&ticket(day(2025, 3, 6), 1)).await
    ));
    // Tickets are typed in lower case by people; the parsed ticket finds the report.
    let typed = Ticket::parse(&first.ticket.as_str().to_lowercase()).unwrap();
    assert_eq!(store.report(&typed).await.unwrap(), first);

    let photo_id = store.photos(first.id).await.unwrap()[0].id;
    // A photo is reached only through its own report.
    assert!(is_not_found(&store.photo(second.id, photo_id).await));
    assert!(is_not_found(&store.photo(first.id, photo_id + 1000).await));
}

/// What `submit_report` returns is what `report` reads back later, even when the clock has
/// sub-microsecond digits (as `Utc::now()` has on Linux): an API answering a POST with the
/// returned report must not contradict its own GET a moment later.
pub async fn submit_returns_the_report_as_stored(store: Arc<dyn Store>) {
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let t = DateTime::from_timestamp(1_741_150_000, 123_456_789).unwrap();
    let submitted = store
        .submit_report(simple_report(siti.id), jk(), day1(), t)
        .await
        .unwrap();
    let stored = store.report(&submitted.ticket).await.unwrap();
    assert_eq!(submitted, stored);
}

/// Likewise for accounts: `create_user` returns the account `user` reads back.
pub async fn create_user_returns_the_user_as_stored(store: Arc<dyn Store>) {
    let mut wanted = new_user("siti", Role::Citizen, None);
    wanted.created_at = DateTime::from_timestamp(1_741_150_000, 123_456_789).unwrap();
    let created = store.create_user(wanted).await.unwrap();
    assert_eq!(store.user(created.id).await.unwrap(), created);
}

// ---------------------------------------------------------------------------------------------
// 4. Concurrent submissions
// ---------------------------------------------------------------------------------------------

pub async fn concurrent_submissions_get_gap_free_sequences(store: Arc<dyn Store>) {
    const N: u32 = 200;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let mut jobs = JoinSet::new();
    for i in 0..N {
        let store = Arc::clone(&store);
        let mut report = simple_report(siti.id);
        report.description = format!("laporan {i}");
        jobs.spawn(async move { store.submit_report(report, jk(), day1(), now()).await });
    }
    let mut tickets = BTreeSet::new();
    let mut ids = BTreeSet::new();
    while let Some(joined) = jobs.join_next().await {
        let report = joined.unwrap().unwrap();
        assert!(
            tickets.insert(report.ticket.clone()),
            "{} twice",
            report.ticket
        );
        assert!(ids.insert(report.id));
    }
    let want: BTreeSet<_> = (1..=N).map(|s| ticket(day1(), s)).collect();
    assert_eq!(tickets, want);

    // Every one of them is stored, under the ticket it was given.
    let listed: BTreeSet<_> = walk(&*store, ReportQuery::new(ReportScope::All, 50), 50)
        .await
        .into_iter()
        .collect();
    assert_eq!(listed, want);
    // The next report of the day continues the sequence.
    let next = submit(&*store, simple_report(siti.id), day1()).await;
    assert_eq!(next.ticket, ticket(day1(), N + 1));
}

// ---------------------------------------------------------------------------------------------
// 5. Transitions
// ---------------------------------------------------------------------------------------------

/// The cast of a report's life.
struct Cast {
    citizen: User,
    coordinator: User,
    officer: User,
    validator: User,
}

async fn cast(store: &dyn Store) -> Cast {
    Cast {
        citizen: create(store, "siti", Role::Citizen, None).await,
        coordinator: create(
            store,
            "lurah-tebet-barat",
            Role::Coordinator,
            Some("kel-31.74.01.1001"),
        )
        .await,
        officer: create(
            store,
            "petugas-bm",
            Role::Officer,
            Some("sudin-bina-marga-31.74"),
        )
        .await,
        validator: create(
            store,
            "validator",
            Role::Validator,
            Some("biro-pemerintahan"),
        )
        .await,
    }
}

/// Apply `t` at the report's current version and check the bookkeeping every transition owes:
/// the version bumps, `updated_at` is the action's time, the returned report is the stored one,
/// and exactly one timeline entry (with its attachments) is appended.
async fn step(store: &dyn Store, before: &Report, t: Transition, rec: ActionRecord) -> Report {
    let timeline_before = store.timeline(before.id).await.unwrap();
    let photos_before = store.photos(before.id).await.unwrap();
    let after = store
        .apply_transition(before.id, before.version, t.clone(), rec.clone())
        .await
        .unwrap();
    assert_eq!(after.version, before.version + 1, "{:?}", t.action);
    assert_eq!(after.state, t.to);
    assert_eq!(after.updated_at, rec.at);
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(after.ticket, before.ticket);
    assert_eq!(after.reporter, before.reporter);
    assert_eq!(after.entered_by, before.entered_by);
    assert_eq!(store.report(&before.ticket).await.unwrap(), after);

    let timeline = store.timeline(before.id).await.unwrap();
    assert_eq!(timeline.len(), timeline_before.len() + 1, "{:?}", t.action);
    assert_eq!(timeline[..timeline_before.len()], timeline_before[..]);

    let photos = store.photos(before.id).await.unwrap();
    assert_eq!(photos.len(), photos_before.len() + rec.photos.len());
    assert_eq!(photos[..photos_before.len()], photos_before[..]);
    let added = &photos[photos_before.len()..];
    for (info, sent) in added.iter().zip(&rec.photos) {
        assert_eq!(info.kind, PhotoKind::Followup);
        assert_eq!(info.content_type, sent.content_type);
        let (_, bytes) = store.photo(before.id, info.id).await.unwrap();
        assert!(
            bytes == sent.bytes,
            "follow-up photo {} bytes differ",
            info.id
        );
    }
    assert_eq!(
        timeline.last().unwrap(),
        &TimelineEntry {
            at: rec.at,
            action: t.action,
            actor: Some(rec.actor),
            actor_role: rec.actor_role,
            actor_unit: rec.actor_unit.clone(),
            from_state: Some(t.from),
            to_state: t.to,
            note: rec.note.clone(),
            target: rec.target.clone(),
            attachments: added.iter().map(|p| p.id).collect(),
        }
    );
    after
}

pub async fn transitions_change_the_report_and_append_one_entry(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let t0 = now();
    let mut new = simple_report(c.citizen.id);
    new.photos = vec![photo(2, 5000)];
    let submitted = store.submit_report(new, jk(), day1(), t0).await.unwrap();
    let at = |minutes| t0 + Duration::minutes(minutes);

    // Koordinasi: the kelurahan passes it to the Suku Dinas.
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let mut rec = record(&c.coordinator, at(10));
    rec.note = Some("Kewenangan Sudin Bina Marga".into());
    rec.target = Some("sudin-bina-marga-31.74".into());
    let r = step(&*store, &submitted, forward, rec).await;
    assert_eq!(r.holding_unit, unit("sudin-bina-marga-31.74"));
    assert_eq!(r.first_receiver, unit("kel-31.74.01.1001"));
    assert_eq!(r.coordinated_at, None);
    assert_eq!(r.visibility, Visibility::Private);
    // A target on an action other than refer or mark-duplicate is only a timeline note.
    assert_eq!(r.referred_to, None);
    assert_eq!(r.duplicate_of, None);

    // Proses: the Suku Dinas takes it; coordination time stops.
    let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.officer, at(30))).await;
    assert_eq!(r.coordinated_at, Some(at(30)));
    assert_eq!(r.holding_unit, unit("sudin-bina-marga-31.74"));

    // EWS: an estimated completion date.
    let mut schedule = transition(ActionKind::Schedule, InProgress, Scheduled);
    schedule.estimated_completion = Some(day(2025, 3, 20));
    let r = step(&*store, &r, schedule, record(&c.officer, at(60))).await;
    assert_eq!(r.estimated_completion, Some(day(2025, 3, 20)));
    assert_eq!(r.coordinated_at, Some(at(30)));

    // The follow-up is documented with photos.
    let followup = transition(ActionKind::SubmitFollowup, Scheduled, AwaitingValidation);
    let mut rec = record(&c.officer, at(600));
    rec.note = Some("Lubang sudah ditambal".into());
    rec.photos = vec![photo(3, 40_000), photo(4, 10)];
    let r = step(&*store, &r, followup, rec).await;
    assert_eq!(store.photos(r.id).await.unwrap().len(), 3);

    // TL Ditolak, then documented again.
    let reject_followup = transition(
        ActionKind::RejectFollowup,
        AwaitingValidation,
        FollowupRejected,
    );
    let mut rec = record(&c.validator, at(700));
    rec.note = Some("Foto tidak menunjukkan lokasi".into());
    let r = step(&*store, &r, reject_followup, rec).await;
    assert_eq!(r.completed_at, None);
    let followup = transition(
        ActionKind::SubmitFollowup,
        FollowupRejected,
        AwaitingValidation,
    );
    let mut rec = record(&c.officer, at(800));
    rec.note = Some("Foto dengan papan nama jalan".into());
    rec.photos = vec![photo(5, 2048)];
    let r = step(&*store, &r, followup, rec).await;

    // Selesai.
    let mut validate = transition(ActionKind::Validate, AwaitingValidation, Completed);
    validate.marks_completed = true;
    let r = step(&*store, &r, validate, record(&c.validator, at(900))).await;
    assert_eq!(r.completed_at, Some(at(900)));
    assert_eq!(r.coordinated_at, Some(at(30)));
    assert_eq!(r.estimated_completion, Some(day(2025, 3, 20)));

    // The reporter makes it public, and private again; the state stays.
    let mut public = transition(ActionKind::MakePublic, Completed, Completed);
    public.new_visibility = Some(Visibility::Public);
    let r = step(&*store, &r, public, record(&c.citizen, at(1000))).await;
    assert_eq!(r.visibility, Visibility::Public);
    assert_eq!(r.completed_at, Some(at(900)));
    let mut private = transition(ActionKind::MakePrivate, Completed, Completed);
    private.new_visibility = Some(Visibility::Private);
    let r = step(&*store, &r, private, record(&c.citizen, at(1001))).await;
    assert_eq!(r.visibility, Visibility::Private);

    assert_eq!(r.version, 10);
    let timeline = store.timeline(r.id).await.unwrap();
    let actions: Vec<_> = timeline.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            ActionKind::Submit,
            ActionKind::Forward,
            ActionKind::Accept,
            ActionKind::Schedule,
            ActionKind::SubmitFollowup,
            ActionKind::RejectFollowup,
            ActionKind::SubmitFollowup,
            ActionKind::Validate,
            ActionKind::MakePublic,
            ActionKind::MakePrivate,
        ]
    );
    // Every photo belongs to exactly one entry.
    let attached: Vec<i64> = timeline
        .iter()
        .flat_map(|e| e.attachments.clone())
        .collect();
    let photos: Vec<i64> = store
        .photos(r.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(attached, photos);
}

pub async fn coordination_time_is_stamped_once(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let t0 = now();
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let at = |minutes| t0 + Duration::minutes(minutes);

    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.coordinator, at(5))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));

    // Forwarded onward and taken again, still claiming to coordinate: the first time stands.
    let mut forward = transition(ActionKind::Forward, InProgress, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let r = step(&*store, &r, forward, record(&c.coordinator, at(6))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));
    let mut schedule = transition(ActionKind::Schedule, Coordination, Scheduled);
    schedule.marks_coordinated = true;
    schedule.estimated_completion = Some(day(2025, 4, 1));
    let r = step(&*store, &r, schedule, record(&c.officer, at(90))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));
    assert_eq!(r.completed_at, None);
}

pub async fn duplicate_and_refer_record_their_target(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let original = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let copy = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let another_copy = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let national = submit(&*store, simple_report(c.citizen.id), day1()).await;
    assert!(
        store
            .duplicates_of(&original.ticket)
            .await
            .unwrap()
            .is_empty()
    );

    for dup in [&copy, &another_copy] {
        let mut rec = record(&c.coordinator, now());
        rec.target = Some(original.ticket.to_string());
        let r = step(
            &*store,
            dup,
            transition(ActionKind::MarkDuplicate, Waiting, Duplicate),
            rec,
        )
        .await;
        assert_eq!(r.duplicate_of, Some(original.ticket.clone()));
        assert_eq!(r.referred_to, None);
    }
    assert_eq!(
        store.duplicates_of(&original.ticket).await.unwrap(),
        vec![copy.ticket.clone(), another_copy.ticket.clone()]
    );
    assert!(store.duplicates_of(&copy.ticket).await.unwrap().is_empty());
    assert_eq!(store.report(&original.ticket).await.unwrap(), original);

    let mut rec = record(&c.coordinator, now());
    rec.target = Some("LAPOR! 1708 (Kementerian PUPR)".into());
    rec.note = Some("Jalan nasional, bukan kewenangan Pemprov".into());
    let r = step(
        &*store,
        &national,
        transition(ActionKind::Refer, Waiting, Referred),
        rec,
    )
    .await;
    assert_eq!(
        r.referred_to.as_deref(),
        Some("LAPOR! 1708 (Kementerian PUPR)")
    );
    assert_eq!(r.duplicate_of, None);
    assert!(
        store
            .duplicates_of(&national.ticket)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn stale_version_is_a_conflict_and_changes_nothing(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let r = step(&*store, &r, forward, record(&c.coordinator, now())).await;
    assert_eq!(r.version, 2);
    let before = snapshot(&*store, &r.ticket).await;

    // Decided on version 1 (or a version from the future), carrying photos and every flag.
    for stale in [1, 3, 0, -1] {
        let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
        accept.marks_coordinated = true;
        accept.marks_completed = true;
        accept.new_holding_unit = Some(unit("dinas-bina-marga"));
        accept.new_visibility = Some(Visibility::Public);
        accept.estimated_completion = Some(day(2025, 4, 1));
        let mut rec = record(&c.officer, now());
        rec.note = Some("tidak boleh tersimpan".into());
        rec.photos = vec![photo(6, 3000)];
        let result = store.apply_transition(r.id, stale, accept, rec).await;
        assert!(is_conflict(&result), "version {stale}: {result:?}");
        assert_eq!(
            snapshot(&*store, &r.ticket).await,
            before,
            "version {stale}"
        );
    }

    // The right version still works afterwards.
    let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.officer, now())).await;
    assert_eq!(r.version, 3);

    // A report that does not exist is never changed.
    let missing = store
        .apply_transition(
            ReportId(r.id.0 + 1000),
            1,
            transition(ActionKind::Accept, Waiting, InProgress),
            record(&c.officer, now()),
        )
        .await;
    assert!(
        matches!(missing, Err(StoreError::Conflict(_) | StoreError::NotFound)),
        "{missing:?}"
    );
}

pub async fn wrong_from_state_is_a_conflict_and_changes_nothing(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let before = snapshot(&*store, &r.ticket).await;
    // The right version, but decided on a state the report is not in.
    for from in [Coordination, InProgress, Completed] {
        let mut t = transition(ActionKind::Validate, from, Completed);
        t.marks_completed = true;
        let mut rec = record(&c.validator, now());
        rec.photos = vec![photo(7, 10)];
        let result = store.apply_transition(r.id, r.version, t, rec).await;
        assert!(is_conflict(&result), "from {from:?}: {result:?}");
        assert_eq!(snapshot(&*store, &r.ticket).await, before, "from {from:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Races
// ---------------------------------------------------------------------------------------------

/// `n` concurrent transitions decided on the same version, each forwarding to its own unit:
/// one wins, the rest lose with `Conflict`, and the stored report is the winner's.
async fn race(store: Arc<dyn Store>, n: usize) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let mut jobs = JoinSet::new();
    for i in 0..n {
        let store = Arc::clone(&store);
        let mut t = transition(ActionKind::Forward, Waiting, Coordination);
        t.new_holding_unit = Some(unit(&format!("unit-{i}")));
        let mut rec = record(&c.coordinator, now());
        rec.target = Some(format!("unit-{i}"));
        rec.photos = vec![photo(i as u8, 64)];
        let (id, version) = (r.id, r.version);
        jobs.spawn(async move { store.apply_transition(id, version, t, rec).await });
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    while let Some(joined) = jobs.join_next().await {
        match joined.unwrap() {
            Ok(report) => winners.push(report),
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(other) => panic!("a lost race must be a conflict, not {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one of {n} wins");
    assert_eq!(conflicts, n - 1);
    let winner = &winners[0];
    assert_eq!(winner.version, 2);
    let stored = store.report(&r.ticket).await.unwrap();
    assert_eq!(&stored, winner);
    let timeline = store.timeline(r.id).await.unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(
        timeline[1].target.as_deref(),
        Some(winner.holding_unit.as_str())
    );
    // Only the winner's photo was kept.
    let photos = store.photos(r.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(timeline[1].attachments, vec![photos[0].id]);
}

pub async fn two_racing_transitions_one_wins(store: Arc<dyn Store>) {
    race(store, 2).await;
}

pub async fn sixteen_racing_transitions_one_wins(store: Arc<dyn Store>) {
    race(store, 16).await;
}

// ---------------------------------------------------------------------------------------------
// 7. Listing
// ---------------------------------------------------------------------------------------------

/// Reports spread over categories, regions, units, people, states and times.
struct Listing {
    ani: User,
    budi: User,
    operator: User,
    /// In submission order; created one hour apart from `t0`.
    reports: Vec<Report>,
    t0: DateTime<Utc>,
}

async fn listing(store: &dyn Store) -> Listing {
    use ReportState::*;
    let ani = create(store, "ani", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let operator = create(store, "op-jaksel", Role::Operator, Some("walikota-31.74")).await;
    let coordinator = create(store, "koordinator", Role::Coordinator, None).await;
    let t0 = now() - Duration::days(1);
    // (category, region, first receiver, reporter, entered by)
    let specs = [
        (
            "jalan",
            "31.74.01.1001",
            "kel-31.74.01.1001",
            Some(ani.id),
            None,
        ),
        (
            "sampah",
            "31.74.01",
            "kec-31.74.01",
            Some(budi.id),
            Some(operator.id),
        ),
        (
            "jalan",
            "31.75.01.1002",
            "kel-31.75.01.1002",
            Some(ani.id),
            None,
        ),
        ("sampah", "31.74", "walikota-31.74", None, Some(operator.id)),
        (
            "jalan",
            "31.74.02.1003",
            "kel-31.74.02.1003",
            Some(budi.id),
            None,
        ),
        (
            "jalan",
            "31.74.01.1002",
            "kel-31.74.01.1002",
            Some(budi.id),
            None,
        ),
        ("pohon", "31.75.01", "kec-31.75.01", Some(ani.id), None),
        (
            "sampah",
            "31.74.01.1001",
            "kel-31.74.01.1001",
            Some(ani.id),
            None,
        ),
    ];
    let mut reports = Vec::new();
    for (i, (cat, reg, receiver, reporter, entered_by)) in specs.into_iter().enumerate() {
        let date = if i < 4 { day1() } else { day(2025, 3, 6) };
        let at = t0 + Duration::hours(i as i64);
        let report = store
            .submit_report(
                report_at(cat, reg, receiver, reporter, entered_by),
                jk(),
                date,
                at,
            )
            .await
            .unwrap();
        reports.push(report);
    }
    // reports[4] goes to the Suku Dinas (coordination); reports[5] is taken in progress.
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    reports[4] = store
        .apply_transition(
            reports[4].id,
            1,
            forward,
            record(&coordinator, t0 + Duration::hours(20)),
        )
        .await
        .unwrap();
    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    reports[5] = store
        .apply_transition(
            reports[5].id,
            1,
            accept,
            record(&coordinator, t0 + Duration::hours(21)),
        )
        .await
        .unwrap();
    Listing {
        ani,
        budi,
        operator,
        reports,
        t0,
    }
}

pub async fn list_scopes_select_the_right_reports(store: Arc<dyn Store>) {
    use ReportState::*;
    let l = listing(&*store).await;
    let r = &l.reports;
    let q = |scope| ReportQuery::new(scope, 50);
    let all: Vec<&Report> = r.iter().collect();

    assert_eq!(
        tickets_of(&*store, q(ReportScope::All)).await,
        newest_first(&all)
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::HeldBy(unit("kel-31.74.01.1001")))).await,
        newest_first(&[&r[0], &r[7]])
    );
    // Held by: where it is now, not where it arrived.
    assert_eq!(
        tickets_of(
            &*store,
            q(ReportScope::HeldBy(unit("sudin-bina-marga-31.74")))
        )
        .await,
        newest_first(&[&r[4]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::HeldBy(unit("kel-31.74.02.1003"))))
            .await
            .is_empty()
    );
    assert_eq!(
        tickets_of(
            &*store,
            q(ReportScope::InStates(vec![Coordination, InProgress]))
        )
        .await,
        newest_first(&[&r[4], &r[5]])
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::InStates(vec![InProgress]))).await,
        newest_first(&[&r[5]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::InStates(vec![Completed])))
            .await
            .is_empty()
    );
    assert!(
        tickets_of(&*store, q(ReportScope::InStates(vec![])))
            .await
            .is_empty()
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.ani.id))).await,
        newest_first(&[&r[0], &r[2], &r[6], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.budi.id))).await,
        newest_first(&[&r[1], &r[4], &r[5]])
    );
    // The operator entered two; they reported none.
    assert_eq!(
        tickets_of(&*store, q(ReportScope::EnteredBy(l.operator.id))).await,
        newest_first(&[&r[1], &r[3]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.operator.id)))
            .await
            .is_empty()
    );
    assert!(
        tickets_of(&*store, q(ReportScope::EnteredBy(l.ani.id)))
            .await
            .is_empty()
    );
    // Listed reports are whole reports, as `report` reads them.
    let page = store.list_reports(q(ReportScope::All)).await.unwrap();
    for listed in &page.reports {
        assert_eq!(&store.report(&listed.ticket).await.unwrap(), listed);
    }
}

pub async fn list_filters_narrow_the_scope(store: Arc<dyn Store>) {
    use ReportState::*;
    let l = listing(&*store).await;
    let r = &l.reports;
    let all = || ReportQuery::new(ReportScope::All, 50);

    let by_state = ReportQuery {
        state: Some(Waiting),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, by_state).await,
        newest_first(&[&r[0], &r[1], &r[2], &r[3], &r[6], &r[7]])
    );
    let by_category = ReportQuery {
        category: Some(category("jalan")),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, by_category).await,
        newest_first(&[&r[0], &r[2], &r[4], &r[5]])
    );
    let by_unit = ReportQuery {
        unit: Some(unit("sudin-bina-marga-31.74")),
        ..all()
    };
    assert_eq!(tickets_of(&*store, by_unit).await, newest_first(&[&r[4]]));

    // A region matches itself and everything inside it, never a neighbour.
    let in_region = |code: &str| ReportQuery {
        region: Some(region(code)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, in_region("31.74")).await,
        newest_first(&[&r[0], &r[1], &r[3], &r[4], &r[5], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.74.01")).await,
        newest_first(&[&r[0], &r[1], &r[5], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.74.01.1001")).await,
        newest_first(&[&r[0], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.75.01")).await,
        newest_first(&[&r[2], &r[6]])
    );
    assert!(tickets_of(&*store, in_region("31.73")).await.is_empty());
    assert!(
        tickets_of(&*store, in_region("31.74.02.1004"))
            .await
            .is_empty()
    );

    // Creation time: from inclusive, before exclusive.
    let hour = |h| l.t0 + Duration::hours(h);
    let window = ReportQuery {
        created_from: Some(hour(2)),
        created_before: Some(hour(5)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, window).await,
        newest_first(&[&r[2], &r[3], &r[4]])
    );
    let from = ReportQuery {
        created_from: Some(hour(6)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, from).await,
        newest_first(&[&r[6], &r[7]])
    );
    let before = ReportQuery {
        created_before: Some(hour(1)),
        ..all()
    };
    assert_eq!(tickets_of(&*store, before).await, newest_first(&[&r[0]]));
    // The filter reads the creation time, which transitions (reports[5] at hour 21) keep.
    let exactly_at_creation = ReportQuery {
        created_before: Some(hour(5) + Duration::microseconds(1)),
        created_from: Some(hour(5)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, exactly_at_creation).await,
        newest_first(&[&r[5]])
    );

    // Filters combine with each other and with the scope.
    let combined = ReportQuery {
        category: Some(category("jalan")),
        region: Some(region("31.74")),
        ..ReportQuery::new(ReportScope::ReportedBy(l.ani.id), 50)
    };
    assert_eq!(tickets_of(&*store, combined).await, newest_first(&[&r[0]]));
    let combined = ReportQuery {
        state: Some(Waiting),
        category: Some(category("sampah")),
        ..ReportQuery::new(ReportScope::HeldBy(unit("kel-31.74.01.1001")), 50)
    };
    assert_eq!(tickets_of(&*store, combined).await, newest_first(&[&r[7]]));
    let contradictory = ReportQuery {
        unit: Some(unit("kec-31.74.01")),
        ..ReportQuery::new(ReportScope::HeldBy(unit("kel-31.74.01.1001")), 50)
    };
    assert!(tickets_of(&*store, contradictory).await.is_empty());
    let by_state_in_states = ReportQuery {
        state: Some(Coordination),
        ..ReportQuery::new(ReportScope::InStates(vec![Coordination, InProgress]), 50)
    };
    assert_eq!(
        tickets_of(&*store, by_state_in_states).await,
        newest_first(&[&r[4]])
    );
}

/// Walk every page of `query` with page size `limit`, checking the page protocol.
async fn walk(store: &dyn Store, query: ReportQuery, limit: u32) -> Vec<Ticket> {
    let mut seen = Vec::new();
    let mut after = None;
    let mut last_id = i64::MAX;
    for _ in 0..1000 {
        let page = store
            .list_reports(ReportQuery {
                after,
                limit,
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(page.reports.len() <= limit as usize, "limit {limit}");
        for report in &page.reports {
            assert!(report.id.0 < last_id, "newest first, limit {limit}");
            last_id = report.id.0;
            seen.push(report.ticket.clone());
        }
        match page.next_after {
            Some(next) => {
                assert_eq!(
                    page.reports.len(),
                    limit as usize,
                    "only a full page has a next"
                );
                assert_eq!(Some(next), page.reports.last().map(|r| r.id.0));
                after = Some(next);
            }
            None => return seen,
        }
    }
    panic!("pagination with limit {limit} does not end");
}

pub async fn pagination_visits_every_report_once_newest_first(store: Arc<dyn Store>) {
    let l = listing(&*store).await;
    let all: Vec<&Report> = l.reports.iter().collect();
    let n = all.len() as u32;
    let everything = newest_first(&all);
    for limit in 1..=n + 2 {
        let seen = walk(&*store, ReportQuery::new(ReportScope::All, limit), limit).await;
        assert_eq!(seen, everything, "limit {limit}");
        // The page count: a last page that is exactly full has no `next_after` either.
        let pages = n.div_ceil(limit);
        let first = store
            .list_reports(ReportQuery::new(ReportScope::All, limit))
            .await
            .unwrap();
        assert_eq!(first.next_after.is_some(), pages > 1, "limit {limit}");
    }
    // Paging through a filtered list visits exactly the filtered reports.
    let jalan = ReportQuery {
        category: Some(category("jalan")),
        ..ReportQuery::new(ReportScope::All, 2)
    };
    let r = &l.reports;
    assert_eq!(
        walk(&*store, jalan, 2).await,
        newest_first(&[&r[0], &r[2], &r[4], &r[5]])
    );
    let ani = ReportQuery::new(ReportScope::ReportedBy(l.ani.id), 3);
    assert_eq!(
        walk(&*store, ani, 3).await,
        newest_first(&[&r[0], &r[2], &r[6], &r[7]])
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Isolation of failures
// ---------------------------------------------------------------------------------------------

pub async fn a_failing_write_does_not_poison_concurrent_ones(store: Arc<dyn Store>) {
    use ReportState::*;
    const N: u32 = 60;
    let c = cast(&*store).await;
    let target = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let target_id = target.id;
    let users_before = store.count_users().await.unwrap();

    enum Outcome {
        Submitted(StoreResult<Report>),
        Duplicate(StoreResult<User>),
        Stale(StoreResult<Report>),
    }
    let mut jobs = JoinSet::new();
    for i in 0..N {
        let store = Arc::clone(&store);
        let citizen = c.citizen.id;
        let coordinator = c.coordinator.clone();
        jobs.spawn(async move {
            match i % 10 {
                // A username that is taken.
                3 => Outcome::Duplicate(
                    store
                        .create_user(new_user("siti", Role::Citizen, None))
                        .await,
                ),
                // A transition decided on a version that never was.
                7 => {
                    let t = transition(ActionKind::Forward, Waiting, Coordination);
                    Outcome::Stale(
                        store
                            .apply_transition(target_id, 99, t, record(&coordinator, now()))
                            .await,
                    )
                }
                _ => {
                    let mut report = simple_report(citizen);
                    report.photos = vec![photo(i as u8, 256)];
                    Outcome::Submitted(
                        store
                            .submit_report(report, jk(), day(2025, 3, 7), now())
                            .await,
                    )
                }
            }
        });
    }
    let mut tickets = BTreeSet::new();
    let (mut duplicates, mut stale) = (0, 0);
    while let Some(joined) = jobs.join_next().await {
        match joined.unwrap() {
            Outcome::Submitted(result) => {
                let report = result.unwrap();
                assert_eq!(store.photos(report.id).await.unwrap().len(), 1);
                assert_eq!(store.timeline(report.id).await.unwrap().len(), 1);
                tickets.insert(report.ticket);
            }
            Outcome::Duplicate(result) => {
                assert!(is_conflict(&result), "{result:?}");
                duplicates += 1;
            }
            Outcome::Stale(result) => {
                assert!(is_conflict(&result), "{result:?}");
                stale += 1;
            }
        }
    }
    assert_eq!((duplicates, stale), (N / 10, N / 10));
    let submitted = N - 2 * (N / 10);
    let want: BTreeSet<_> = (1..=submitted)
        .map(|s| ticket(day(2025, 3, 7), s))
        .collect();
    assert_eq!(tickets, want, "every submission succeeded, gap-free");
    assert_eq!(store.count_users().await.unwrap(), users_before);
    assert_eq!(store.report(&target.ticket).await.unwrap(), target);
    // And the store goes on working.
    create(&*store, "siti-baru", Role::Citizen, None).await;
    let next = submit(&*store, simple_report(c.citizen.id), day(2025, 3, 7)).await;
    assert_eq!(next.ticket, ticket(day(2025, 3, 7), submitted + 1));
}
