//! Contract: per-channel figures from the data.

use std::sync::Arc;

use chrono::Duration;

use aduan_domain::{Channel, Role};
use aduan_store::{ChannelCount, Store};

use super::{create, day1, jk, now, report_at, simple_report};

pub async fn channel_counts_count_reports_and_distinct_reporters(store: Arc<dyn Store>) {
    let t0 = now();
    let file = |channel: Channel, key: Option<&str>, at| {
        let store = Arc::clone(&store);
        let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
        report.channel = channel;
        report.reporter_key = key.map(str::to_owned);
        async move { store.submit_report(report, jk(), day1(), at).await.unwrap() }
    };
    file(Channel::Sms, Some("sms:a"), t0).await;
    file(Channel::Sms, Some("sms:a"), t0).await;
    file(Channel::Sms, Some("sms:b"), t0).await;
    file(Channel::Twitter, Some("twitter:c"), t0).await;
    // Outside the period: counted in neither.
    file(Channel::Twitter, Some("twitter:d"), t0 - Duration::days(2)).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    for _ in 0..2 {
        store
            .submit_report(simple_report(siti.id), jk(), day1(), t0)
            .await
            .unwrap();
    }
    let counts = store
        .channel_counts(t0 - Duration::hours(1), t0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![
            ChannelCount {
                channel: Channel::Sms,
                reports: 3,
                reporters: 2
            },
            ChannelCount {
                channel: Channel::Jaki,
                reports: 2,
                reporters: 1
            },
            ChannelCount {
                channel: Channel::Twitter,
                reports: 1,
                reporters: 1
            },
        ]
    );
    let empty = store
        .channel_counts(t0 + Duration::days(1), t0 + Duration::days(2))
        .await
        .unwrap();
    assert!(empty.is_empty());
}
