//! Contract: the counts behind the published statistics, on reports whose times are set, at
//! the edges of Jakarta's months and years.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;

use aduan_domain::stats::{Period, StatsCounts, StatsQuery};
use aduan_domain::{ActionKind, Channel, ReportState, Role};
use aduan_store::Store;

use super::{category, create, jk, record, region, report_at, transition};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

/// The counts for local days `[from, to)`, lists sorted so they compare.
async fn counts(store: &dyn Store, from: &str, to: &str, categories: &[&str]) -> StatsCounts {
    let period = Period::parse(from, to).unwrap();
    let categories = categories.iter().map(|c| category(c)).collect();
    let mut counts = store
        .stats_counts(StatsQuery::new(period, categories))
        .await
        .unwrap();
    counts.by_state.sort();
    counts.by_category.sort();
    counts.by_channel.sort();
    counts.by_region.sort();
    counts
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

pub async fn stats_counts_follow_local_months_and_categories(store: Arc<dyn Store>) {
    use ReportState::*;
    let lurah = create(
        &*store,
        "lurah",
        Role::Coordinator,
        Some("kel-31.74.01.1001"),
    )
    .await;
    let file = |cat: &str, place: &str, channel: Channel, key: &str, at: DateTime<Utc>| {
        let store = Arc::clone(&store);
        let mut report = report_at(cat, place, "kel-31.74.01.1001", None, None);
        report.channel = channel;
        report.reporter_key = Some(key.to_owned());
        let date = at.with_timezone(&Jakarta).date_naive();
        async move { store.submit_report(report, jk(), date, at).await.unwrap() }
    };
    let step = |report: aduan_domain::report::Report, t: aduan_domain::workflow::Transition, at| {
        let store = Arc::clone(&store);
        let rec = record(&lurah, at);
        async move {
            store
                .apply_transition(report.id, report.version, t, rec)
                .await
                .unwrap()
        }
    };

    // 23:59 WIB on 31 December 2020: the old year.
    file(
        "jalan",
        "31.74.01.1001",
        Channel::parse("jaki").unwrap(),
        "k0",
        utc(2020, 12, 31, 16, 59, 0),
    )
    .await;
    // 00:00 WIB on 1 January 2021: coordinated after 6 hours, completed after 30.
    let b_at = utc(2020, 12, 31, 17, 0, 0);
    let b = file(
        "jalan",
        "31.74.01.1001",
        Channel::parse("jaki").unwrap(),
        "k1",
        b_at,
    )
    .await;
    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    let b = step(b, accept.clone(), b_at + Duration::hours(6)).await;
    let mut complete = transition(ActionKind::Validate, InProgress, Completed);
    complete.marks_completed = true;
    step(b, complete, b_at + Duration::hours(30)).await;
    // Mid-January, by the same reporter on another channel; forwarded, not yet taken.
    let d = file(
        "jalan",
        "31.74.02.1001",
        Channel::Sms,
        "k1",
        utc(2021, 1, 15, 3, 0, 0),
    )
    .await;
    step(
        d,
        transition(ActionKind::Forward, Waiting, Coordination),
        utc(2021, 1, 15, 4, 0, 0),
    )
    .await;
    // 00:30 WIB on 1 February is still 31 January in UTC: February. Taken after 3 hours.
    let c_at = utc(2021, 1, 31, 17, 30, 0);
    let c = file("pohon", "31.71.01.1001", Channel::Twitter, "k2", c_at).await;
    step(c, accept, c_at + Duration::hours(3)).await;
    // The last second of February in Jakarta, and the first of March.
    file(
        "sampah",
        "31.74.01.1001",
        Channel::parse("jaki").unwrap(),
        "k3",
        utc(2021, 2, 28, 16, 59, 59),
    )
    .await;
    file(
        "sampah",
        "31.74.01.1001",
        Channel::parse("jaki").unwrap(),
        "k4",
        utc(2021, 2, 28, 17, 0, 0),
    )
    .await;

    assert_eq!(
        counts(&*store, "2021-01-01", "2021-03-01", &[]).await,
        StatsCounts {
            reports: 4,
            reporters: 3,
            by_state: vec![
                (Waiting, 1),
                (Coordination, 1),
                (InProgress, 1),
                (Completed, 1)
            ],
            mean_coordination_secs: Some(4.5 * 3600.0),
            mean_completion_secs: Some(30.0 * 3600.0),
            by_category: vec![
                (category("jalan"), 2),
                (category("pohon"), 1),
                (category("sampah"), 1)
            ],
            by_channel: sorted(vec![
                (Channel::parse("jaki").unwrap(), 2, 2),
                (Channel::Twitter, 1, 1),
                (Channel::Sms, 1, 1)
            ]),
            by_month: vec![2, 2],
            by_region: vec![
                (region("31.71.01.1001"), 1),
                (region("31.74.01.1001"), 2),
                (region("31.74.02.1001"), 1),
            ],
        }
    );

    let jalan = counts(&*store, "2021-01-01", "2021-03-01", &["jalan"]).await;
    assert_eq!((jalan.reports, jalan.reporters), (2, 1));
    assert_eq!(jalan.by_state, vec![(Coordination, 1), (Completed, 1)]);
    assert_eq!(jalan.mean_coordination_secs, Some(6.0 * 3600.0));
    assert_eq!(jalan.by_month, vec![2, 0]);
    assert_eq!(
        jalan.by_channel,
        sorted(vec![
            (Channel::parse("jaki").unwrap(), 1, 1),
            (Channel::Sms, 1, 1)
        ])
    );

    let two = counts(&*store, "2021-01-01", "2021-03-01", &["pohon", "sampah"]).await;
    assert_eq!((two.reports, two.reporters), (2, 2));
    assert_eq!(two.by_month, vec![0, 2]);
    assert_eq!(two.mean_completion_secs, None);

    // The last day of 2020 holds only the report at 23:59 WIB.
    let eve = counts(&*store, "2020-12-31", "2021-01-01", &[]).await;
    assert_eq!((eve.reports, eve.by_month), (1, vec![1]));
    // March holds only the report at 00:00 WIB on 1 March.
    let march = counts(&*store, "2021-03-01", "2021-04-01", &[]).await;
    assert_eq!((march.reports, march.by_month), (1, vec![1]));

    let empty = counts(&*store, "2022-01-01", "2022-02-01", &[]).await;
    assert_eq!(
        empty,
        StatsCounts {
            by_month: vec![0],
            ..StatsCounts::default()
        }
    );
}

/// The counts follow a report wherever its changes take it: a coordinator's triage moving it
/// to another category and region, a completion, and a step back out of `completed`; in a
/// whole-month period and a period of days alike, and never counting it twice.
pub async fn stats_counts_follow_triage_and_every_step(store: Arc<dyn Store>) {
    use ReportState::*;
    let koordinator = create(&*store, "koordinator", Role::Coordinator, None).await;
    // 10 March 2021, 09:00 WIB, by SMS, placed and categorised only by a guess.
    let at = utc(2021, 3, 10, 2, 0, 0);
    let mut sms = report_at("fasos-fasum", "31.71.01", "kec-31.71.01", None, None);
    sms.channel = Channel::Sms;
    sms.reporter_key = Some("sms:a".into());
    sms.triage = Some(aduan_domain::report::TriageMark {
        category: None,
        confidence: 0.0,
        region: None,
    });
    let date = at.with_timezone(&Jakarta).date_naive();
    let report = store
        .submit_report(sms.clone(), jk(), date, at)
        .await
        .unwrap();
    let month = || counts(&*store, "2021-03-01", "2021-04-01", &[]);
    let days = || counts(&*store, "2021-03-05", "2021-03-20", &[]);
    for got in [month().await, days().await] {
        assert_eq!(got.by_category, vec![(category("fasos-fasum"), 1)]);
        assert_eq!(got.by_region, vec![(region("31.71.01"), 1)]);
        assert_eq!(got.reporters, 1);
    }

    let report = store
        .confirm_triage(
            report.id,
            report.version,
            aduan_store::TriageDecision {
                category: category("pohon"),
                region: region("31.74.01.1001"),
                holding_unit: super::unit("kel-31.74.01.1001"),
                by: koordinator.id,
                at: at + Duration::hours(1),
                learning: vec![],
            },
        )
        .await
        .unwrap();
    for got in [month().await, days().await] {
        assert_eq!(got.reports, 1);
        assert_eq!(got.by_category, vec![(category("pohon"), 1)]);
        assert_eq!(got.by_region, vec![(region("31.74.01.1001"), 1)]);
        assert_eq!(got.by_channel, vec![(Channel::Sms, 1, 1)]);
        assert_eq!(got.by_state, vec![(Waiting, 1)]);
    }
    let old = counts(&*store, "2021-03-01", "2021-04-01", &["fasos-fasum"]).await;
    assert_eq!((old.reports, old.reporters), (0, 0));
    let new = counts(&*store, "2021-03-05", "2021-03-20", &["pohon"]).await;
    assert_eq!((new.reports, new.reporters), (1, 1));

    // The same person texts again the same day; they stay one reporter in every view.
    let mut again = sms;
    again.triage = None;
    let second = store
        .submit_report(again, jk(), date, at + Duration::minutes(5))
        .await
        .unwrap();
    for got in [month().await, days().await] {
        assert_eq!((got.reports, got.reporters), (2, 1));
        assert_eq!(got.by_channel, vec![(Channel::Sms, 2, 1)]);
    }
    let both = counts(
        &*store,
        "2021-03-01",
        "2021-04-01",
        &["pohon", "fasos-fasum"],
    )
    .await;
    assert_eq!((both.reports, both.reporters), (2, 1));
    let withdraw = transition(ActionKind::Reject, Waiting, Rejected);
    store
        .apply_transition(
            second.id,
            second.version,
            withdraw,
            record(&koordinator, at),
        )
        .await
        .unwrap();
    let old = counts(&*store, "2021-03-01", "2021-04-01", &["fasos-fasum"]).await;
    assert_eq!(
        (old.reports, old.reporters, old.by_state.clone()),
        (1, 1, vec![(Rejected, 1)])
    );

    let rec = |at| record(&koordinator, at);
    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    let report = store
        .apply_transition(
            report.id,
            report.version,
            accept,
            rec(at + Duration::hours(2)),
        )
        .await
        .unwrap();
    let mut complete = transition(ActionKind::Validate, InProgress, Completed);
    complete.marks_completed = true;
    let report = store
        .apply_transition(
            report.id,
            report.version,
            complete,
            rec(at + Duration::hours(8)),
        )
        .await
        .unwrap();
    let pohon = || async {
        [
            counts(&*store, "2021-03-01", "2021-04-01", &["pohon"]).await,
            counts(&*store, "2021-03-05", "2021-03-20", &["pohon"]).await,
        ]
    };
    for got in pohon().await {
        assert_eq!(got.by_state, vec![(Completed, 1)]);
        assert_eq!(got.mean_coordination_secs, Some(2.0 * 3600.0));
        assert_eq!(got.mean_completion_secs, Some(8.0 * 3600.0));
    }
    // Back to work: no longer completed, so no completion time; coordination stays.
    let reopen = transition(ActionKind::ReviewUnsatisfied, Completed, InProgress);
    store
        .apply_transition(
            report.id,
            report.version,
            reopen,
            rec(at + Duration::hours(9)),
        )
        .await
        .unwrap();
    for got in pohon().await {
        assert_eq!(got.reports, 1);
        assert_eq!(got.by_state, vec![(InProgress, 1)]);
        assert_eq!(got.mean_coordination_secs, Some(2.0 * 3600.0));
        assert_eq!(got.mean_completion_secs, None);
        assert_eq!(got.by_month, vec![1]);
    }
}
