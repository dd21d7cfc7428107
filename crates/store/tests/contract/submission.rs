//! Contract: submitted reports, their tickets (gap-free per local day, also under concurrency),
//! timelines and photos.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::DateTime;
use tokio::task::JoinSet;

use aduan_domain::report::{PhotoKind, TimelineEntry};
use aduan_domain::{ActionKind, Channel, ReportState, Role, Ticket, Visibility};
use aduan_store::{ReportQuery, ReportScope, Store};

use super::{
    create, day, day1, is_not_found, jk, new_user, now, photo, report_at, simple_report, submit,
    ticket, unit, walk,
};

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
    assert_eq!(citizen_report.channel, Channel::parse("jaki").unwrap());
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

    // Photos come back as sent (their images' addresses), as the reporter's.
    let photos = store.photos(citizen_report.id).await.unwrap();
    assert_eq!(photos.len(), 2);
    for (info, sent) in photos.iter().zip(&by_citizen.photos) {
        assert_eq!(info.kind, PhotoKind::Report);
        assert_eq!(info.content_type, sent.content_type);
        assert_eq!(info.image, sent.image);
        assert_eq!(info.thumbnail, sent.thumbnail);
        assert_eq!(info.evidence, sent.evidence);
        let again = store.photo(citizen_report.id, info.id).await.unwrap();
        assert_eq!(&again, info);
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
    // Photos stored since photos left the database never wait to be moved out.
    assert!(store.photos_to_move(10).await.unwrap().is_empty());
    assert!(is_not_found(
        &store.photo_moved(photo_id, photo(9, 10)).await
    ));
    assert_eq!(
        store.photos(first.id).await.unwrap()[0].image,
        photo(4, 100).image
    );
    // Every photo's images, page by page in id order.
    let sent = photo(4, 100);
    assert_eq!(
        store.photo_images(0, 10).await.unwrap(),
        [(photo_id, sent.image, sent.thumbnail)]
    );
    assert!(store.photo_images(photo_id, 10).await.unwrap().is_empty());
    assert!(store.photo_images(0, 0).await.unwrap().is_empty());
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
