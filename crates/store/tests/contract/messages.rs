//! Contract: a report's conversation keeps every message, in order, with its author's role
//! and unit, and stays with its report.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::task::JoinSet;

use aduan_domain::message::{MessageBody, NewMessage};
use aduan_domain::{ReportId, Role};
use aduan_store::{Store, StoreError, User};

use super::{create, day1, now, simple_report, submit, unit};

fn message(report: ReportId, author: &User, body: &str, at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        report,
        at,
        author: author.id,
        author_role: author.role,
        author_unit: author.unit.clone(),
        body: MessageBody::parse(body).unwrap(),
    }
}

pub async fn messages_round_trip_oldest_first(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let citizen = create(store, "siti", Role::Citizen, None).await;
    let officer = create(store, "petugas", Role::Officer, Some("sudin-bm-31.74")).await;
    let report = submit(store, simple_report(citizen.id), day1()).await;
    assert!(store.messages(report.id).await.unwrap().is_empty());

    let start = now();
    // Nanoseconds a store cannot keep: the answer is truncated to whole microseconds, as
    // every other instant is, so that it equals what is read back.
    let sharp = start + Duration::nanoseconds(123_456_789);
    let posted = [
        message(report.id, &citizen, "Kapan lubangnya ditambal?", sharp),
        message(
            report.id,
            &officer,
            "Tim kami menjadwalkan perbaikan minggu ini. Mohon kirim patokan lokasi.",
            start + Duration::seconds(60),
        ),
        // Written with a clock behind the previous one: order is the order of posting.
        message(
            report.id,
            &citizen,
            "Di depan warung, dekat tiang listrik nomor 12.\nTerima kasih — 🙏",
            start + Duration::seconds(30),
        ),
    ];
    let mut answers = Vec::new();
    for new in posted.iter().cloned() {
        answers.push(store.post_message(new).await.unwrap());
    }
    assert_eq!(
        answers[0].at,
        start + Duration::microseconds(123_456),
        "truncated to microseconds"
    );
    for (answer, new) in answers.iter().zip(&posted) {
        assert_eq!(answer.report, report.id);
        assert_eq!(answer.author, new.author);
        assert_eq!(answer.author_role, new.author_role);
        assert_eq!(answer.author_unit, new.author_unit);
        assert_eq!(answer.body, new.body.as_str());
    }
    assert_eq!(answers[1].author_unit, Some(unit("sudin-bm-31.74")));
    assert_eq!(answers[0].author_unit, None);
    assert!(
        answers.windows(2).all(|w| w[0].id < w[1].id),
        "ids grow with posting"
    );
    assert_eq!(store.messages(report.id).await.unwrap(), answers);
}

pub async fn messages_stay_with_their_report(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let siti = create(store, "siti", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let officer = create(store, "petugas", Role::Officer, Some("sudin-bm-31.74")).await;
    let first = submit(store, simple_report(siti.id), day1()).await;
    let second = submit(store, simple_report(budi.id), day1()).await;
    let third = submit(store, simple_report(budi.id), day1()).await;

    let mut on_first = Vec::new();
    let mut on_second = Vec::new();
    for i in 0..3 {
        on_first.push(
            store
                .post_message(message(first.id, &siti, &format!("satu {i}"), now()))
                .await
                .unwrap(),
        );
        on_second.push(
            store
                .post_message(message(second.id, &officer, &format!("dua {i}"), now()))
                .await
                .unwrap(),
        );
    }
    assert_eq!(store.messages(first.id).await.unwrap(), on_first);
    assert_eq!(store.messages(second.id).await.unwrap(), on_second);
    assert!(store.messages(third.id).await.unwrap().is_empty());
    assert!(store.messages(ReportId(999_999)).await.unwrap().is_empty());

    let nowhere = store
        .post_message(message(ReportId(999_999), &siti, "halo", now()))
        .await;
    assert!(matches!(nowhere, Err(StoreError::NotFound)), "{nowhere:?}");
    assert_eq!(store.messages(first.id).await.unwrap(), on_first);
}

pub async fn concurrent_messages_are_all_kept_in_posting_order(store: Arc<dyn Store>) {
    let citizen = create(store.as_ref(), "siti", Role::Citizen, None).await;
    let officer = create(
        store.as_ref(),
        "petugas",
        Role::Officer,
        Some("sudin-bm-31.74"),
    )
    .await;
    let report = submit(store.as_ref(), simple_report(citizen.id), day1()).await;
    let mut jobs = JoinSet::new();
    for i in 0..24 {
        let store = Arc::clone(&store);
        let author = if i % 2 == 0 {
            citizen.clone()
        } else {
            officer.clone()
        };
        jobs.spawn(async move {
            store
                .post_message(message(report.id, &author, &format!("pesan {i}"), now()))
                .await
                .unwrap()
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = jobs.join_next().await {
        answers.push(joined.unwrap());
    }
    answers.sort_by_key(|m| m.id);
    let stored = store.messages(report.id).await.unwrap();
    assert_eq!(stored, answers);
    let mut bodies: Vec<_> = stored.iter().map(|m| m.body.clone()).collect();
    bodies.sort();
    let mut want: Vec<_> = (0..24).map(|i| format!("pesan {i}")).collect();
    want.sort();
    assert_eq!(bodies, want);
}
