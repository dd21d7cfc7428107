//! Contract: the triage queue, a coordinator's decision, and what the classifier learns.

use std::sync::Arc;

use aduan_domain::report::TriageMark;
use aduan_domain::{Channel, Role};
use aduan_store::{ReportQuery, ReportScope, Store, TriageDecision};

use super::{
    category, create, day1, is_conflict, is_not_found, now, region, report_at, simple_report,
    submit, unit,
};

fn queue() -> ReportQuery {
    let mut query = ReportQuery::new(ReportScope::All, 50);
    query.awaiting_triage = true;
    query
}

pub async fn triaged_reports_wait_until_a_coordinator_decides(store: Arc<dyn Store>) {
    let coordinator = create(&*store, "koordinator", Role::Coordinator, None).await;
    let mut sms = report_at("fasos-fasum", "31.71.01", "kec-31.71.01", None, None);
    sms.channel = Channel::Sms;
    sms.triage = Some(TriageMark {
        category: Some(category("pohon")),
        confidence: 0.42,
        region: Some(region("31.74.01.1001")),
    });
    let waiting = submit(&*store, sms, day1()).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let untriaged = submit(&*store, simple_report(siti.id), day1()).await;

    let listed = store.list_reports(queue()).await.unwrap();
    assert_eq!(
        listed.reports.iter().map(|r| &r.ticket).collect::<Vec<_>>(),
        vec![&waiting.ticket]
    );
    let record = store.triage(waiting.id).await.unwrap().unwrap();
    assert_eq!(record.suggested_category, Some(category("pohon")));
    assert!((record.confidence - 0.42).abs() < 1e-6);
    assert_eq!(record.suggested_region, Some(region("31.74.01.1001")));
    assert_eq!(record.confirmed_by, None);
    assert_eq!(store.triage(untriaged.id).await.unwrap(), None);

    let at = now();
    let decision = TriageDecision {
        category: category("sampah"),
        region: region("31.74.01.1001"),
        holding_unit: unit("kel-31.74.01.1001"),
        by: coordinator.id,
        at,
        learning: vec![
            (category("sampah"), String::new(), 1),
            (category("sampah"), "sampah".into(), 2),
            (category("sampah"), "tumpuk".into(), 1),
        ],
    };
    // Decided on a stale version: nothing changes.
    assert!(is_conflict(
        &store
            .confirm_triage(waiting.id, waiting.version + 1, decision.clone())
            .await
    ));
    let decided = store
        .confirm_triage(waiting.id, waiting.version, decision.clone())
        .await
        .unwrap();
    assert_eq!(decided.category, category("sampah"));
    assert_eq!(decided.region, region("31.74.01.1001"));
    assert_eq!(decided.holding_unit, unit("kel-31.74.01.1001"));
    assert_eq!(decided.version, waiting.version + 1);
    assert_eq!(store.report(&waiting.ticket).await.unwrap(), decided);
    assert!(
        store
            .list_reports(queue())
            .await
            .unwrap()
            .reports
            .is_empty()
    );
    let settled = store.triage(waiting.id).await.unwrap().unwrap();
    assert_eq!(settled.confirmed_by, Some(coordinator.id));
    assert_eq!(settled.confirmed_at, Some(at));
    assert!(is_conflict(
        &store
            .confirm_triage(waiting.id, decided.version, decision.clone())
            .await
    ));
    assert!(is_not_found(
        &store
            .confirm_triage(untriaged.id, untriaged.version, decision)
            .await
    ));

    // A report a coordinator rejects without confirming leaves the queue too.
    let mut spam = report_at("fasos-fasum", "31.71.01", "kec-31.71.01", None, None);
    spam.channel = Channel::Sms;
    spam.triage = Some(TriageMark {
        category: None,
        confidence: 0.0,
        region: None,
    });
    let spam = submit(&*store, spam, day1()).await;
    assert_eq!(store.list_reports(queue()).await.unwrap().reports.len(), 1);
    store
        .apply_transition(
            spam.id,
            spam.version,
            super::transition(
                aduan_domain::ActionKind::Reject,
                aduan_domain::ReportState::Waiting,
                aduan_domain::ReportState::Rejected,
            ),
            super::record(&coordinator, now()),
        )
        .await
        .unwrap();
    assert!(
        store
            .list_reports(queue())
            .await
            .unwrap()
            .reports
            .is_empty()
    );

    let mut model = store.triage_model().await.unwrap();
    model.sort();
    assert_eq!(
        model,
        vec![
            (category("sampah"), String::new(), 1),
            (category("sampah"), "sampah".into(), 2),
            (category("sampah"), "tumpuk".into(), 1),
        ]
    );
}

pub async fn learning_accumulates_across_decisions(store: Arc<dyn Store>) {
    let coordinator = create(&*store, "koordinator", Role::Coordinator, None).await;
    for _ in 0..3 {
        let mut mail = report_at("fasos-fasum", "31.71.01", "kec-31.71.01", None, None);
        mail.channel = Channel::Email;
        mail.triage = Some(TriageMark {
            category: None,
            confidence: 0.0,
            region: None,
        });
        let filed = submit(&*store, mail, day1()).await;
        store
            .confirm_triage(
                filed.id,
                filed.version,
                TriageDecision {
                    category: category("pohon"),
                    region: region("31.71.01"),
                    holding_unit: unit("kec-31.71.01"),
                    by: coordinator.id,
                    at: now(),
                    learning: vec![
                        (category("pohon"), String::new(), 1),
                        (category("pohon"), "tumbang".into(), 1),
                    ],
                },
            )
            .await
            .unwrap();
    }
    let mut model = store.triage_model().await.unwrap();
    model.sort();
    assert_eq!(
        model,
        vec![
            (category("pohon"), String::new(), 3),
            (category("pohon"), "tumbang".into(), 3),
        ]
    );
}

/// Coordinators deciding the same reports at once: one decision per report wins, the rest
/// are conflicts that change nothing, and the model counts each winner once, however the
/// decisions' tokens overlap.
pub async fn racing_triage_decisions_one_wins_per_report(store: Arc<dyn Store>) {
    const REPORTS: usize = 4;
    const RACERS: usize = 4;
    let coordinator = create(&*store, "koordinator", Role::Coordinator, None).await;
    let mut filed = Vec::new();
    for _ in 0..REPORTS {
        let mut sms = report_at("fasos-fasum", "31.71.01", "kec-31.71.01", None, None);
        sms.channel = Channel::Sms;
        sms.triage = Some(TriageMark {
            category: None,
            confidence: 0.0,
            region: None,
        });
        filed.push(submit(&*store, sms, day1()).await);
    }
    let mut jobs = tokio::task::JoinSet::new();
    for report in &filed {
        for racer in 0..RACERS {
            let store = Arc::clone(&store);
            let (id, version) = (report.id, report.version);
            // Tokens in a different order per racer, shared between reports.
            let mut learning = vec![
                (category("sampah"), String::new(), 1),
                (category("sampah"), "sampah".to_string(), 2),
                (category("sampah"), "tumpuk".to_string(), 1),
            ];
            learning.rotate_left(racer % 3);
            let decision = TriageDecision {
                category: category("sampah"),
                region: region("31.74.01.1001"),
                holding_unit: unit(&format!("kel-racer-{racer}")),
                by: coordinator.id,
                at: now(),
                learning,
            };
            jobs.spawn(async move { store.confirm_triage(id, version, decision).await });
        }
    }
    let mut winners = Vec::new();
    while let Some(joined) = jobs.join_next().await {
        match joined.unwrap() {
            Ok(report) => winners.push(report),
            other => assert!(is_conflict(&other), "a lost race is a conflict: {other:?}"),
        }
    }
    winners.sort_by_key(|r| r.id);
    assert_eq!(
        winners.iter().map(|r| r.id).collect::<Vec<_>>(),
        filed.iter().map(|r| r.id).collect::<Vec<_>>(),
        "one winner per report"
    );
    for winner in &winners {
        assert_eq!(winner.version, 2);
        assert_eq!(store.report(&winner.ticket).await.unwrap(), *winner);
        let settled = store.triage(winner.id).await.unwrap().unwrap();
        assert!(settled.confirmed_at.is_some());
    }
    let mut model = store.triage_model().await.unwrap();
    model.sort();
    let reports = REPORTS as u64;
    assert_eq!(
        model,
        vec![
            (category("sampah"), String::new(), reports),
            (category("sampah"), "sampah".into(), 2 * reports),
            (category("sampah"), "tumpuk".into(), reports),
        ]
    );
    assert!(
        store
            .list_reports(queue())
            .await
            .unwrap()
            .reports
            .is_empty()
    );
}
