//! Contract: a failing write does not poison the writes running alongside it.

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::task::JoinSet;

use aduan_domain::report::Report;
use aduan_domain::{ActionKind, ReportState, Role};
use aduan_store::{Store, StoreResult, User};

use super::{
    cast, create, day, day1, is_conflict, jk, new_user, now, photo, record, simple_report, submit,
    ticket, transition,
};

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
