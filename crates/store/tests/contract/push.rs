//! Contract: Web Push subscriptions. A citizen account keeps the newest few, found again by
//! their endpoint key; a step of a report queues a push only when its reporter's account has
//! one; erasing the account forgets them and the pushes still waiting.

use std::sync::Arc;

use chrono::Duration;
use serde_json::Value;

use aduan_domain::{ActionKind, ReportState, Role};
use aduan_store::push::MAX_SUBSCRIPTIONS;
use aduan_store::{OutboxKind, OutboxOutcome, Store};

use super::{cast, create, day1, is_not_found, now, record, simple_report, submit, transition};

fn keys(rows: &[aduan_store::PushSubscriptionRow]) -> Vec<Vec<u8>> {
    rows.iter().map(|row| row.sealed.clone()).collect()
}

pub async fn push_subscriptions_keep_the_newest_few_per_citizen(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let siti = create(store, "sari", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let t0 = now();
    assert!(store.push_subscriptions(siti.id).await.unwrap().is_empty());
    for n in 0..=MAX_SUBSCRIPTIONS {
        store
            .add_push_subscription(siti.id, format!("push:{n}"), vec![n as u8], t0)
            .await
            .unwrap();
    }
    // The oldest went; the newest few stay, oldest first.
    let kept = store.push_subscriptions(siti.id).await.unwrap();
    let wanted: Vec<Vec<u8>> = (1..=MAX_SUBSCRIPTIONS).map(|n| vec![n as u8]).collect();
    assert_eq!(keys(&kept), wanted);

    // The same browser again: replaced, not added.
    store
        .add_push_subscription(siti.id, "push:3".into(), vec![33], t0)
        .await
        .unwrap();
    let kept = store.push_subscriptions(siti.id).await.unwrap();
    assert_eq!(kept.len(), MAX_SUBSCRIPTIONS as usize);
    assert_eq!(kept.last().unwrap().sealed, vec![33]);

    // A browser another account signs in on is that account's now.
    store
        .add_push_subscription(budi.id, "push:3".into(), vec![44], t0)
        .await
        .unwrap();
    assert_eq!(
        keys(&store.push_subscriptions(budi.id).await.unwrap()),
        [vec![44]]
    );
    assert!(!keys(&store.push_subscriptions(siti.id).await.unwrap()).contains(&vec![33]));

    // Removed by its owner only, by its key.
    assert!(
        !store
            .remove_push_subscription(siti.id, "push:3".into())
            .await
            .unwrap()
    );
    assert!(
        store
            .remove_push_subscription(budi.id, "push:3".into())
            .await
            .unwrap()
    );
    assert!(store.push_subscriptions(budi.id).await.unwrap().is_empty());

    // Dropped by id when the push service forgot it.
    let first = store.push_subscriptions(siti.id).await.unwrap()[0].id;
    store.drop_push_subscription(first).await.unwrap();
    assert!(
        store
            .push_subscriptions(siti.id)
            .await
            .unwrap()
            .iter()
            .all(|r| r.id != first)
    );

    // All of an account's at once, and no one else's.
    store
        .add_push_subscription(budi.id, "push:budi".into(), vec![55], t0)
        .await
        .unwrap();
    let had = store.push_subscriptions(siti.id).await.unwrap().len() as u64;
    assert!(had > 1, "{had}");
    assert_eq!(
        store.remove_push_subscriptions_of(siti.id).await.unwrap(),
        had
    );
    assert!(store.push_subscriptions(siti.id).await.unwrap().is_empty());
    assert_eq!(
        store.remove_push_subscriptions_of(siti.id).await.unwrap(),
        0
    );
    assert_eq!(
        keys(&store.push_subscriptions(budi.id).await.unwrap()),
        [vec![55]]
    );

    // Staff have no browsers to tell: refused, nothing kept.
    let people = cast(store).await;
    let refused = store
        .add_push_subscription(people.officer.id, "push:staff".into(), vec![1], t0)
        .await;
    assert!(is_not_found(&refused), "{refused:?}");
    assert!(
        store
            .push_subscriptions(people.officer.id)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_step_queues_a_push_only_for_a_subscribed_account(store: Arc<dyn Store>) {
    let people = cast(&*store).await;
    let rina = create(&*store, "rina", Role::Citizen, None).await;
    let t0 = now();
    let reject = |at| {
        (
            transition(
                ActionKind::Reject,
                ReportState::Waiting,
                ReportState::Rejected,
            ),
            record(&people.coordinator, at),
        )
    };
    // What is due at `at`, each settled as delivered.
    let claim = |at| {
        let store = Arc::clone(&store);
        async move {
            let claimed = store
                .claim_outbox(at, Duration::seconds(60), 100)
                .await
                .unwrap();
            for item in &claimed {
                store
                    .finish_outbox(item.id, OutboxOutcome::Delivered, at)
                    .await
                    .unwrap();
            }
            claimed
                .into_iter()
                .filter(|item| item.kind == OutboxKind::Push)
                .collect::<Vec<_>>()
        }
    };

    // No subscription: nothing queued.
    let unheard = submit(&*store, simple_report(rina.id), day1()).await;
    let (step, by) = reject(t0);
    store
        .apply_transition(unheard.id, unheard.version, step, by)
        .await
        .unwrap();
    assert!(claim(t0).await.is_empty());

    // Subscribed: the step queues one push naming the account, with no note.
    store
        .add_push_subscription(rina.id, "push:rina".into(), vec![1], t0)
        .await
        .unwrap();
    let heard = submit(&*store, simple_report(rina.id), day1()).await;
    let (step, mut by) = reject(t0);
    by.note = Some("Catatan petugas".into());
    store
        .apply_transition(heard.id, heard.version, step, by)
        .await
        .unwrap();
    let pushes = claim(t0 + Duration::seconds(1)).await;
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].report, heard.id);
    let payload: Value = serde_json::from_str(&pushes[0].payload).unwrap();
    assert_eq!(payload["state"], "rejected");
    assert_eq!(payload["action"], "reject");
    assert_eq!(payload["account"], rina.id.0);
    assert!(payload.get("note").is_none(), "{payload}");

    // Another citizen's subscription does not make a push for rina's reports, nor hers for
    // theirs.
    let other = submit(&*store, simple_report(people.citizen.id), day1()).await;
    let (step, by) = reject(t0);
    store
        .apply_transition(other.id, other.version, step, by)
        .await
        .unwrap();
    assert!(claim(t0 + Duration::minutes(5)).await.is_empty());

    // Erasing the account forgets its subscriptions and the pushes still waiting.
    let waiting = submit(&*store, simple_report(rina.id), day1()).await;
    let (step, by) = reject(t0);
    store
        .apply_transition(waiting.id, waiting.version, step, by)
        .await
        .unwrap();
    store
        .erase_account(rina.id, "erased-rina".into(), t0)
        .await
        .unwrap();
    assert!(store.push_subscriptions(rina.id).await.unwrap().is_empty());
    assert!(claim(t0 + Duration::minutes(10)).await.is_empty());
}
