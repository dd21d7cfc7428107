//! Contract: per-channel figures from the data, and exact counts under concurrent writers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use tokio::task::JoinSet;

use aduan_domain::report::NewReport;
use aduan_domain::stats::{Period, StatsQuery};
use aduan_domain::{ActionKind, CategoryCode, Channel, ReportState, Role};
use aduan_store::Store;

use super::{
    category, create, day, day1, jk, now, record, report_at, simple_report, ticket, transition,
};

/// Reports and distinct reporters per channel on local days `[from, to)`, most reports
/// first.
async fn per_channel(
    store: &dyn Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(Channel, u64, u64)> {
    let query = StatsQuery::new(Period::new(from, to).unwrap(), vec![]);
    let mut counts = store.stats_counts(query).await.unwrap().by_channel;
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

pub async fn channel_counts_count_reports_and_distinct_reporters(store: Arc<dyn Store>) {
    let t0 = now();
    let file = |channel: Channel, key: Option<&str>, day: NaiveDate| {
        let store = Arc::clone(&store);
        let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
        report.channel = channel;
        report.reporter_key = key.map(str::to_owned);
        async move { store.submit_report(report, jk(), day, t0).await.unwrap() }
    };
    file(Channel::Sms, Some("sms:a"), day1()).await;
    file(Channel::Sms, Some("sms:a"), day1()).await;
    file(Channel::Sms, Some("sms:b"), day1()).await;
    file(Channel::Twitter, Some("twitter:c"), day1()).await;
    // Outside the period: counted in neither.
    file(
        Channel::Twitter,
        Some("twitter:d"),
        day1() - Duration::days(2),
    )
    .await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    for _ in 0..2 {
        store
            .submit_report(simple_report(siti.id), jk(), day1(), t0)
            .await
            .unwrap();
    }
    let next = day1() + Duration::days(1);
    assert_eq!(
        per_channel(&*store, day1(), next).await,
        vec![
            (Channel::Sms, 3, 2),
            (Channel::parse("jaki").unwrap(), 2, 1),
            (Channel::Twitter, 1, 1),
        ]
    );
    let empty = per_channel(&*store, next, next + Duration::days(1)).await;
    assert!(empty.is_empty());
}

/// A channel is its code: one that only a city's pack names (or that the pack has since
/// dropped) is stored, read back and counted like any other.
pub async fn a_channel_only_a_pack_names_is_stored_read_and_counted(store: Arc<dyn Store>) {
    let t0 = now();
    let fresh = Channel::parse("lapor_warga").unwrap();
    let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.channel = fresh;
    report.reporter_key = Some("lapor_warga:a".into());
    let filed = store.submit_report(report, jk(), day1(), t0).await.unwrap();
    assert_eq!(filed.channel, fresh);
    let read = store.report(&filed.ticket).await.unwrap();
    assert_eq!(read.channel, fresh);
    assert_eq!(read.channel.code(), "lapor_warga");
    let next = day1() + Duration::days(1);
    assert_eq!(
        per_channel(&*store, day1(), next).await,
        vec![(fresh, 1, 1)]
    );
}

/// Who files report `i` of writer `w` in `concurrent_submissions_keep_exact_counts`: the
/// channel, the reporter's key (some shared by every writer of a channel), the category and
/// the day (four days, so writers do not all wait on one day's ticket sequence).
const CONCURRENT_DAYS: u32 = 4;

fn concurrent_filing(w: u32, i: u32) -> (Channel, String, &'static str, NaiveDate) {
    let channel = if w.is_multiple_of(2) {
        Channel::Sms
    } else {
        Channel::Twitter
    };
    let key = if i.is_multiple_of(3) {
        format!("{}:shared", channel.code())
    } else {
        format!("{}:w{w}-{}", channel.code(), i % 2)
    };
    let category = if i.is_multiple_of(2) {
        "jalan"
    } else {
        "sampah"
    };
    let day = day1() + Duration::days(i64::from((w + i) % CONCURRENT_DAYS));
    (channel, key, category, day)
}

/// Report `i` of writer `w`, and its local day.
fn concurrent_report(w: u32, i: u32) -> (NewReport, NaiveDate) {
    let (channel, key, cat, day) = concurrent_filing(w, i);
    let mut report = report_at(cat, "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.channel = channel;
    report.reporter_key = Some(key);
    (report, day)
}

/// Whether each writer accepts its report `i` right after filing it.
fn concurrently_accepted(i: u32) -> bool {
    i % 4 == 1
}

/// Eight writers file at once (and take some of their reports while the others still file),
/// over four days, two channels and two categories, with reporters shared between them:
/// every count is exact, read through day rows and month rows.
pub async fn concurrent_submissions_keep_exact_counts(store: Arc<dyn Store>) {
    const WRITERS: u32 = 8;
    const EACH: u32 = 10;
    let t0 = now();
    let lurah = create(
        &*store,
        "lurah",
        Role::Coordinator,
        Some("kel-31.74.01.1001"),
    )
    .await;
    let mut accept = transition(
        ActionKind::Accept,
        ReportState::Waiting,
        ReportState::InProgress,
    );
    accept.marks_coordinated = true;
    let mut writers = JoinSet::new();
    for w in 0..WRITERS {
        let store = Arc::clone(&store);
        let accepted = record(&lurah, t0 + Duration::hours(1));
        let accept = accept.clone();
        writers.spawn(async move {
            for i in 0..EACH {
                let (report, day) = concurrent_report(w, i);
                let filed = store.submit_report(report, jk(), day, t0).await.unwrap();
                // Some are taken at once, while the other writers still file theirs.
                if concurrently_accepted(i) {
                    let (step, by) = (accept.clone(), accepted.clone());
                    store
                        .apply_transition(filed.id, filed.version, step, by)
                        .await
                        .unwrap();
                }
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }

    // What the counts must be, from the same plan.
    let filings: Vec<_> = (0..WRITERS)
        .flat_map(|w| {
            (0..EACH).map(move |i| {
                let (channel, key, cat, day) = concurrent_filing(w, i);
                (i, channel, key, cat, day)
            })
        })
        .collect();
    assert_eq!(filings.len(), 80);
    let expect = |only: Option<&str>| {
        let mut by_category: BTreeMap<CategoryCode, u64> = BTreeMap::new();
        let mut by_channel: BTreeMap<Channel, (u64, BTreeSet<&str>)> = BTreeMap::new();
        let mut reporters = BTreeSet::new();
        let mut accepted = 0;
        for (i, channel, key, cat, _) in filings.iter().filter(|f| only.is_none_or(|c| c == f.3)) {
            accepted += u64::from(concurrently_accepted(*i));
            *by_category.entry(category(cat)).or_default() += 1;
            let entry = by_channel.entry(*channel).or_default();
            entry.0 += 1;
            entry.1.insert(key.as_str());
            reporters.insert(key.as_str());
        }
        let by_channel: Vec<_> = by_channel
            .into_iter()
            .map(|(channel, (n, people))| (channel, n, people.len() as u64))
            .collect();
        (by_category, by_channel, reporters.len() as u64, accepted)
    };

    // Read through the day rows and the month rows (March 2025).
    let days = Period::new(day1(), day1() + Duration::days(i64::from(CONCURRENT_DAYS))).unwrap();
    let march = Period::new(day(2025, 3, 1), day(2025, 4, 1)).unwrap();
    for period in [days, march] {
        for only in [None, Some("jalan"), Some("sampah")] {
            let categories = only.map(category).into_iter().collect();
            let got = store
                .stats_counts(StatsQuery::new(period, categories))
                .await
                .unwrap();
            let (by_category, by_channel, reporters, accepted) = expect(only);
            let total: u64 = by_category.values().sum();
            assert_eq!(got.reports, total, "{period:?} {only:?}");
            let mut by_state = vec![(ReportState::Waiting, total - accepted)];
            if accepted > 0 {
                by_state.push((ReportState::InProgress, accepted));
            }
            by_state.sort();
            assert_eq!(got.by_state, by_state, "{period:?} {only:?}");
            let coordination = (accepted > 0).then_some(3600.0);
            assert_eq!(got.mean_coordination_secs, coordination);
            assert_eq!(
                got.by_category,
                by_category.into_iter().collect::<Vec<_>>(),
                "{period:?} {only:?}"
            );
            assert_eq!(got.by_channel, by_channel, "{period:?} {only:?}");
            assert_eq!(got.reporters, reporters, "{period:?} {only:?}");
            assert_eq!(got.by_month.iter().sum::<u64>(), total);
        }
    }
    // Tickets stayed gap-free per day while the counts were written.
    let on_day1 = filings.iter().filter(|f| f.4 == day1()).count() as u32;
    let next = submit_on(&*store, day1()).await;
    assert_eq!(next.ticket, ticket(day1(), on_day1 + 1));
}

async fn submit_on(store: &dyn Store, date: NaiveDate) -> aduan_domain::report::Report {
    let report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    store
        .submit_report(report, jk(), date, now())
        .await
        .unwrap()
}
