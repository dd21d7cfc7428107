//! Contract: the outbox. Answers to reporters are queued in the transaction of the step
//! they tell of; claims hold messages for a lease; failures back off, then die, and admins
//! bring dead messages back; fetched photos attach once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::Duration;
use serde_json::Value;

use aduan_domain::report::{MediaFetch, NewReport, PhotoKind};
use aduan_domain::{ActionKind, Channel, ReportState, Role};
use aduan_store::{OutboxItem, OutboxKind, OutboxOutcome, OutboxState, Store};

use super::{
    cast, create, day1, is_conflict, is_not_found, now, photo, record, report_at, submit,
    transition,
};

const ROUTE: &[u8] = b"sealed reply route";

/// A report from an SMS, whose reporter can be answered.
fn from_sms() -> NewReport {
    let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.channel = Channel::Sms;
    report.reply_route = Some(ROUTE.to_vec());
    report.reporter_key = Some("sms:5f2a".into());
    report
}

fn payload(item: &OutboxItem) -> Value {
    serde_json::from_str(&item.payload).unwrap()
}

async fn claim_all(store: &dyn Store, at: chrono::DateTime<chrono::Utc>) -> Vec<OutboxItem> {
    store
        .claim_outbox(at, Duration::seconds(60), 100)
        .await
        .unwrap()
}

pub async fn replies_are_queued_with_the_steps_that_tell_the_reporter(store: Arc<dyn Store>) {
    let people = cast(&*store).await;
    let report = submit(&*store, from_sms(), day1()).await;
    let t0 = now();
    let claimed = claim_all(&*store, t0).await;
    assert_eq!(claimed.len(), 1, "the receipt");
    let receipt = &claimed[0];
    assert_eq!(receipt.kind, OutboxKind::Reply);
    assert_eq!(receipt.channel, Channel::Sms);
    assert_eq!(receipt.report, report.id);
    assert_eq!(receipt.ticket, report.ticket);
    assert_eq!(receipt.attempts, 0);
    assert_eq!(receipt.sealed_reply.as_deref(), Some(ROUTE));
    // The route's binding, to open it with.
    assert_eq!(receipt.reporter_key.as_deref(), Some("sms:5f2a"));
    assert_eq!(payload(receipt)["action"], "submit");
    assert_eq!(payload(receipt)["state"], "waiting");
    store
        .finish_outbox(receipt.id, OutboxOutcome::Delivered, t0)
        .await
        .unwrap();

    // Forwarding is internal: nothing to tell.
    let mut forward = transition(
        ActionKind::Forward,
        ReportState::Waiting,
        ReportState::Coordination,
    );
    forward.new_holding_unit = Some(people.officer.unit.clone().unwrap());
    let forwarded = store
        .apply_transition(
            report.id,
            report.version,
            forward,
            record(&people.coordinator, t0),
        )
        .await
        .unwrap();
    assert!(
        claim_all(&*store, t0 + Duration::seconds(1))
            .await
            .is_empty()
    );

    // A rejection is told, with its note.
    let mut why = record(&people.officer, t0);
    why.note = Some("Bukan kewenangan Pemprov".into());
    store
        .apply_transition(
            report.id,
            forwarded.version,
            transition(
                ActionKind::Reject,
                ReportState::Coordination,
                ReportState::Rejected,
            ),
            why,
        )
        .await
        .unwrap();
    let told = claim_all(&*store, t0 + Duration::seconds(2)).await;
    assert_eq!(told.len(), 1);
    assert_eq!(payload(&told[0])["action"], "reject");
    assert_eq!(payload(&told[0])["state"], "rejected");
    assert_eq!(payload(&told[0])["note"], "Bukan kewenangan Pemprov");

    // A reporter with an account reads the app: nothing is queued for them.
    let siti = create(&*store, "siti-app", Role::Citizen, None).await;
    let in_app = submit(&*store, super::simple_report(siti.id), day1()).await;
    store
        .apply_transition(
            in_app.id,
            in_app.version,
            transition(
                ActionKind::Reject,
                ReportState::Waiting,
                ReportState::Rejected,
            ),
            record(&people.coordinator, t0),
        )
        .await
        .unwrap();
    assert!(
        claim_all(&*store, t0 + Duration::seconds(3))
            .await
            .is_empty()
    );
}

pub async fn a_claim_holds_messages_until_its_lease_runs_out(store: Arc<dyn Store>) {
    submit(&*store, from_sms(), day1()).await;
    let t0 = now();
    // Eight workers at once: exactly one holds the message.
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = Arc::clone(&store);
        workers.spawn(async move { claim_all(&*store, t0).await.len() });
    }
    let claimed: Vec<usize> = workers.join_all().await;
    assert_eq!(claimed.iter().sum::<usize>(), 1, "{claimed:?}");
    assert!(
        claim_all(&*store, t0 + Duration::seconds(59))
            .await
            .is_empty()
    );
    // The holder died without finishing: after the lease another worker takes it.
    let again = claim_all(&*store, t0 + Duration::seconds(61)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].attempts, 0,
        "an unfinished claim is not an attempt"
    );
}

pub async fn failed_attempts_back_off_then_die_and_admins_retry(store: Arc<dyn Store>) {
    let report = submit(&*store, from_sms(), day1()).await;
    let t0 = now();
    let id = claim_all(&*store, t0).await[0].id;
    let later = t0 + Duration::seconds(30);
    store
        .finish_outbox(
            id,
            OutboxOutcome::RetryAt {
                at: later,
                error: "sms: HTTP 503".into(),
            },
            t0,
        )
        .await
        .unwrap();
    assert!(
        claim_all(&*store, t0 + Duration::seconds(29))
            .await
            .is_empty()
    );
    let retried = claim_all(&*store, later).await;
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 1);
    store
        .finish_outbox(
            id,
            OutboxOutcome::Dead {
                error: "sms: HTTP 400 (21211)".into(),
            },
            later,
        )
        .await
        .unwrap();
    assert!(is_conflict(
        &store
            .finish_outbox(id, OutboxOutcome::Delivered, later)
            .await
    ));
    assert!(
        claim_all(&*store, later + Duration::days(1))
            .await
            .is_empty()
    );

    let dead = store
        .outbox(Some(OutboxState::Dead), None, 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);
    assert_eq!(dead[0].ticket, report.ticket);
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(dead[0].last_error.as_deref(), Some("sms: HTTP 400 (21211)"));
    assert_eq!(dead[0].done_at, Some(later));
    assert!(
        store
            .outbox(Some(OutboxState::Pending), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let revived_at = later + Duration::minutes(5);
    store.retry_outbox(id, revived_at).await.unwrap();
    assert!(
        is_conflict(&store.retry_outbox(id, revived_at).await),
        "only dead ones"
    );
    assert!(is_not_found(
        &store.retry_outbox(id + 1000, revived_at).await
    ));
    let revived = claim_all(&*store, revived_at).await;
    assert_eq!(revived.len(), 1);
    assert_eq!(revived[0].attempts, 0);
    store
        .finish_outbox(id, OutboxOutcome::Delivered, revived_at)
        .await
        .unwrap();
    let sent = store
        .outbox(Some(OutboxState::Sent), None, 10)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].attempts, 1);
}

pub async fn outbox_pages_newest_first(store: Arc<dyn Store>) {
    for _ in 0..5 {
        submit(&*store, from_sms(), day1()).await;
    }
    let first = store.outbox(None, None, 2).await.unwrap();
    let second = store.outbox(None, Some(first[1].id), 2).await.unwrap();
    let third = store.outbox(None, Some(second[1].id), 2).await.unwrap();
    let ids: Vec<i64> = [first, second, third]
        .concat()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
}

pub async fn fetched_photos_attach_to_the_report_once(store: Arc<dyn Store>) {
    let mut report = from_sms();
    report.reply_route = None;
    report.channel = Channel::Whatsapp;
    report.fetch_media = vec![
        MediaFetch {
            reference: "1234567890".into(),
            content_type: Some("image/jpeg".into()),
        },
        MediaFetch {
            reference: "2345678901".into(),
            content_type: None,
        },
    ];
    let filed = submit(&*store, report, day1()).await;
    let t0 = now();
    let claimed = claim_all(&*store, t0).await;
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|c| c.kind == OutboxKind::FetchMedia));
    let references: BTreeSet<String> = claimed
        .iter()
        .map(|c| payload(c)["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        references,
        BTreeSet::from(["1234567890".to_owned(), "2345678901".to_owned()])
    );
    let first = claimed[0].id;
    store
        .attach_fetched_photo(first, photo(2, 64), t0)
        .await
        .unwrap();
    // A redelivered result (the worker retried after a lost answer) attaches nothing more.
    store
        .attach_fetched_photo(first, photo(2, 64), t0)
        .await
        .unwrap();
    let photos = store.photos(filed.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].kind, PhotoKind::Report);
    let stored = store.photo(filed.id, photos[0].id).await.unwrap();
    assert_eq!(stored.image, photo(2, 64).image);
    let timeline = store.timeline(filed.id).await.unwrap();
    assert_eq!(
        timeline[0].attachments,
        vec![photos[0].id],
        "shown with the submission"
    );
    let sent = store
        .outbox(Some(OutboxState::Sent), None, 10)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
}

pub async fn concurrent_claims_hand_each_message_to_one_claimer(store: Arc<dyn Store>) {
    for _ in 0..40 {
        submit(&*store, from_sms(), day1()).await;
    }
    let queued: BTreeSet<i64> = store
        .outbox(Some(OutboxState::Pending), None, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(queued.len(), 40, "one receipt per report");

    // Eight workers claim three at a time until nothing due is left.
    let t0 = now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = Arc::clone(&store);
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store
                    .claim_outbox(t0, Duration::seconds(60), 3)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return mine;
                }
                assert!(batch.len() <= 3, "{}", batch.len());
                mine.extend(batch.iter().map(|item| item.id));
            }
        });
    }
    let mut times_claimed: BTreeMap<i64, usize> = BTreeMap::new();
    for id in workers.join_all().await.into_iter().flatten() {
        *times_claimed.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = times_claimed.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "claimed more than once: {twice:?}");
    let claimed: BTreeSet<i64> = times_claimed.keys().copied().collect();
    assert_eq!(claimed, queued, "every message claimed");
    assert!(claim_all(&*store, t0).await.is_empty(), "all held");
}

/// What monitoring reads: a schema with nothing left to migrate, the outbox's pending and
/// dead messages as they change, and the reports still open with what their SLA clock needs.
pub async fn monitoring_reads_the_schema_the_backlog_and_the_open_reports(store: Arc<dyn Store>) {
    use aduan_store::monitoring::OutboxBacklog;

    assert_eq!(store.pending_migration_count().await.unwrap(), 0);
    assert_eq!(
        store.outbox_backlog().await.unwrap(),
        OutboxBacklog::default()
    );
    assert!(store.open_reports().await.unwrap().is_empty());

    let report = submit(&*store, from_sms(), day1()).await;
    let queued = claim_all(&*store, now()).await;
    assert_eq!(
        store.outbox_backlog().await.unwrap(),
        OutboxBacklog {
            pending: u64::try_from(queued.len()).unwrap(),
            dead: 0
        }
    );
    for item in &queued {
        store
            .finish_outbox(
                item.id,
                OutboxOutcome::Dead {
                    error: "gone".into(),
                },
                now(),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.outbox_backlog().await.unwrap(),
        OutboxBacklog {
            pending: 0,
            dead: u64::try_from(queued.len()).unwrap()
        }
    );

    let open = store.open_reports().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].holding_unit, report.holding_unit);
    assert_eq!(open[0].category, report.category);
    assert_eq!(open[0].state, report.state);
    assert_eq!(open[0].created_at, report.created_at);
    assert_eq!(open[0].coordinated_at, None);
}
