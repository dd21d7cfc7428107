//! Contract: reports imported from the previous system are stored as they were, once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use aduan_domain::import::{IMPORT_NOTE, ImportedReport};
use aduan_domain::report::TimelineEntry;
use aduan_domain::stats::{Period, StatsCounts, StatsQuery};
use aduan_domain::{ActionKind, Channel, Coordinates, ReportState, Role, Ticket, Visibility};
use aduan_store::{ImportOutcome, Store};

use super::{category, day, day1, jk, region, report_at, ticket, unit};

fn at(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap()
}

fn imported(id: &str, state: ReportState, key: &str, submitted: DateTime<Utc>) -> ImportedReport {
    let ticket = Ticket::parse(id).unwrap();
    ImportedReport {
        issued: ticket.issued_with(&jk()),
        ticket,
        state,
        category: category("jalan"),
        description: "Jalan berlubang (arsip)".into(),
        location: None,
        region: region("31.74.01.1001"),
        channel: Channel::parse("qlue").unwrap(),
        first_receiver: unit("kel-31.74.01.1001"),
        holding_unit: unit("kel-31.74.01.1001"),
        visibility: Visibility::Private,
        reporter_key: key.into(),
        submitted_at: submitted,
        coordinated_at: None,
        completed_at: None,
        local_day: day(2021, 2, 1),
    }
}

fn qlue() -> Channel {
    Channel::parse("qlue").unwrap()
}

/// The counts of 1 February 2021, the imported reports' local day.
async fn counts_of_february_1(store: &Arc<dyn Store>) -> StatsCounts {
    let period = Period::new(day(2021, 2, 1), day(2021, 2, 2)).unwrap();
    store
        .stats_counts(StatsQuery::new(period, vec![]))
        .await
        .unwrap()
}

pub async fn imported_reports_are_stored_as_they_were_once(store: Arc<dyn Store>) {
    let t0 = at(1_612_114_200_000_000); // 2021-01-31T17:30:00Z, 00:30 WIB on 1 February
    let mut done = imported("CRM-2021-1", ReportState::Completed, "import:aa", t0);
    done.coordinated_at = Some(t0 + Duration::hours(2));
    done.completed_at = Some(t0 + Duration::hours(30));
    done.location = Some(Coordinates::parse(-6.2297, 106.8532).unwrap());
    done.visibility = Visibility::Public;
    let waiting = imported(
        "crm-2021.2",
        ReportState::Waiting,
        "import:aa",
        t0 + Duration::minutes(5),
    );
    let issued = imported("JK2503050042", ReportState::Coordination, "import:bb", t0);
    let reports = vec![done.clone(), waiting.clone(), issued.clone()];

    let first = store.import_reports(reports.clone()).await.unwrap();
    assert_eq!(
        first,
        ImportOutcome {
            imported: 3,
            already_present: 0
        }
    );

    let stored = store.report(&done.ticket).await.unwrap();
    assert_eq!(stored.ticket.as_str(), "CRM-2021-1");
    assert_eq!(stored.state, ReportState::Completed);
    assert_eq!(stored.category, done.category);
    assert_eq!(stored.description, "Jalan berlubang (arsip)");
    assert_eq!(stored.location, done.location);
    assert_eq!(stored.region, done.region);
    assert_eq!(stored.channel, Channel::parse("qlue").unwrap());
    assert_eq!(stored.first_receiver, done.first_receiver);
    assert_eq!(stored.holding_unit, done.holding_unit);
    assert_eq!(stored.visibility, Visibility::Public);
    assert_eq!(stored.reporter, None);
    assert_eq!(stored.entered_by, None);
    assert_eq!(stored.created_at, t0);
    assert_eq!(stored.updated_at, t0 + Duration::hours(30));
    assert_eq!(stored.coordinated_at, Some(t0 + Duration::hours(2)));
    assert_eq!(stored.completed_at, Some(t0 + Duration::hours(30)));
    assert_eq!(stored.version, 1);
    // Ids are tickets in upper case, as people type them.
    let typed = store
        .report(&Ticket::parse("CRM-2021.2").unwrap())
        .await
        .unwrap();
    assert_eq!(typed.state, ReportState::Waiting);
    assert_eq!(typed.updated_at, t0 + Duration::minutes(5));
    assert_eq!(typed.visibility, Visibility::Private);

    let timeline = store.timeline(stored.id).await.unwrap();
    assert_eq!(
        timeline,
        vec![TimelineEntry {
            at: t0,
            action: ActionKind::Submit,
            actor: None,
            actor_role: Role::Admin,
            actor_unit: None,
            from_state: None,
            to_state: ReportState::Completed,
            note: Some(IMPORT_NOTE.into()),
            target: None,
            attachments: vec![],
        }]
    );

    // Reporters are counted by their (hashed) keys, like every channel's.
    let counts = counts_of_february_1(&store).await;
    assert_eq!(counts.by_channel, vec![(qlue(), 3, 2)]);
    // Durations as stored: coordination where there is one, completion of the completed.
    assert_eq!(counts.mean_coordination_secs, Some(7_200.0));
    assert_eq!(counts.mean_completion_secs, Some(108_000.0));

    // A second run (or the rest of an interrupted one) changes nothing already there.
    let mut more = reports.clone();
    more.push(imported(
        "CRM-2021-3",
        ReportState::Rejected,
        "import:cc",
        t0,
    ));
    // The same ticket twice in one batch is stored once.
    more.push(imported(
        "CRM-2021-3",
        ReportState::Waiting,
        "import:dd",
        t0,
    ));
    let again = store.import_reports(more).await.unwrap();
    assert_eq!(
        again,
        ImportOutcome {
            imported: 1,
            already_present: 4
        }
    );
    let rejected = store
        .report(&Ticket::parse("CRM-2021-3").unwrap())
        .await
        .unwrap();
    assert_eq!(rejected.state, ReportState::Rejected);
    // Only what was stored is counted.
    let counts = counts_of_february_1(&store).await;
    assert_eq!(counts.by_channel, vec![(qlue(), 4, 3)]);
    assert_eq!(store.report(&done.ticket).await.unwrap(), stored);
    assert_eq!(store.timeline(stored.id).await.unwrap().len(), 1);

    // A ticket of the jurisdiction's own format is never issued again.
    let next = store
        .submit_report(
            report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None),
            jk(),
            day1(),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(next.ticket, ticket(day1(), 43));
}

pub async fn importing_nothing_changes_nothing(store: Arc<dyn Store>) {
    assert_eq!(
        store.import_reports(Vec::new()).await.unwrap(),
        ImportOutcome::default()
    );
}
