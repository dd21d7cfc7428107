//! Contract: per-channel figures from the data.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};

use aduan_domain::stats::{Period, StatsQuery};
use aduan_domain::{Channel, Role};
use aduan_store::Store;

use super::{create, day1, jk, now, report_at, simple_report};

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
            (Channel::Jaki, 2, 1),
            (Channel::Twitter, 1, 1),
        ]
    );
    let empty = per_channel(&*store, next, next + Duration::days(1)).await;
    assert!(empty.is_empty());
}
