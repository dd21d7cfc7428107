//! Contract: a channel message delivered more than once files one report.

use std::sync::Arc;

use aduan_domain::{Channel, Role};
use aduan_store::{ReportQuery, ReportScope, Store};

use super::{create, day1, simple_report, submit};

pub async fn a_redelivered_message_files_one_report(store: Arc<dyn Store>) {
    let citizen = create(store.as_ref(), "siti", Role::Citizen, None).await;
    let mut delivery = simple_report(citizen.id);
    delivery.channel_message_id = Some("wamid.HBgLNjI4MTI=".into());
    let first = submit(store.as_ref(), delivery.clone(), day1()).await;
    let again = submit(store.as_ref(), delivery.clone(), day1()).await;
    assert_eq!(again, first);

    // The same id on another channel is another message.
    let mut elsewhere = delivery.clone();
    elsewhere.channel = Channel::Email;
    let other = submit(store.as_ref(), elsewhere, day1()).await;
    assert_ne!(other.ticket, first.ticket);

    // Concurrent retries of one new message: one report.
    let mut retried = delivery.clone();
    retried.channel_message_id = Some("retry-storm".into());
    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let store = Arc::clone(&store);
        let retried = retried.clone();
        deliveries.spawn(async move { submit(store.as_ref(), retried, day1()).await.ticket });
    }
    let tickets: std::collections::BTreeSet<_> = deliveries.join_all().await.into_iter().collect();
    assert_eq!(tickets.len(), 1, "{tickets:?}");

    let all = store
        .list_reports(ReportQuery::new(ReportScope::All, 100))
        .await
        .unwrap();
    assert_eq!(all.reports.len(), 3, "first, elsewhere and the retried one");
    let timeline = store.timeline(first.id).await.unwrap();
    assert_eq!(
        timeline.len(),
        1,
        "a redelivery writes no second submit entry"
    );
}
