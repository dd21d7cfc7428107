//! Contract: lists in the SLA clock's order and by distance, paged by their sort key.

use std::sync::Arc;

use chrono::Duration;

use aduan_domain::report::Report;
use aduan_domain::{ActionKind, Coordinates, ReportState, Role, Ticket};
use aduan_store::{ReportOrder, ReportQuery, ReportScope, Store};

use super::jurisdiction::jakarta;
use super::{create, day1, jk, now, record, report_at, transition};

/// Submit a report of `category` created `hours_ago`, at `location`.
async fn filed(
    store: &dyn Store,
    category: &str,
    hours_ago: i64,
    location: Option<(f64, f64)>,
) -> Report {
    let mut report = report_at(category, "31.74.01.1001", "kel-31.74.01.1001", None, None);
    report.location = location.map(|(lat, lon)| Coordinates::parse(lat, lon).unwrap());
    store
        .submit_report(report, jk(), day1(), now() - Duration::hours(hours_ago))
        .await
        .unwrap()
}

/// Every page of `query` with `limit` reports a page, following the keyed cursor.
async fn walk_keyed(store: &dyn Store, query: &ReportQuery, limit: u32) -> Vec<Ticket> {
    let mut seen = Vec::new();
    let (mut after, mut after_key) = (None, None);
    for _ in 0..100 {
        let page = store
            .list_reports(ReportQuery {
                after,
                after_key,
                limit,
                ..query.clone()
            })
            .await
            .unwrap();
        seen.extend(page.reports.iter().map(|r| r.ticket.clone()));
        match page.next_after {
            Some(next) => {
                assert_eq!(
                    page.reports.len(),
                    limit as usize,
                    "only a full page has a next"
                );
                assert!(page.next_key.is_some(), "a keyed page names its key");
                (after, after_key) = (Some(next), page.next_key);
            }
            None => return seen,
        }
    }
    panic!("paging never ended");
}

async fn every_page_size(store: &dyn Store, query: ReportQuery, expected: &[Ticket]) {
    for limit in [1, 2, 3, 50] {
        assert_eq!(
            walk_keyed(store, &query, limit).await,
            expected,
            "page size {limit}"
        );
    }
}

pub async fn the_sla_order_puts_the_most_overdue_first_and_closed_reports_last(
    store: Arc<dyn Store>,
) {
    use ReportState::*;
    // Roads keep the default targets (6 h, 7 days); rubbish is coordinated within 3 h.
    store.save_jurisdiction(jakarta()).await.unwrap();
    let coordinator = create(&*store, "koordinator", Role::Coordinator, None).await;
    let road_new = filed(&*store, "jalan", 1, None).await; // due in 5 h
    let rubbish_new = filed(&*store, "sampah", 1, None).await; // due in 2 h
    let road_late = filed(&*store, "jalan", 10, None).await; // 4 h overdue
    let taken = filed(&*store, "jalan", 10, None).await; // completion: due in 158 h
    let rejected = filed(&*store, "jalan", 30, None).await; // closed: no clock
    let unknown = filed(&*store, "pohon", 2, None).await; // no targets stored: default, in 4 h
    let twin = filed(&*store, "jalan", 1, None).await; // due with road_new: newest first
    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    store
        .apply_transition(taken.id, 1, accept, record(&coordinator, now()))
        .await
        .unwrap();
    store
        .apply_transition(
            rejected.id,
            1,
            transition(ActionKind::Reject, Waiting, Rejected),
            record(&coordinator, now()),
        )
        .await
        .unwrap();
    // road_new and twin are due at the same instant only if filed in the same microsecond;
    // compare by what the store holds instead of assuming it.
    let mut query = ReportQuery::new(ReportScope::All, 50);
    query.order = ReportOrder::SlaDue;
    let same_due = road_new.created_at == twin.created_at;
    let (first_of_pair, second_of_pair) = if same_due {
        (&twin, &road_new)
    } else {
        (&road_new, &twin)
    };
    let expected: Vec<Ticket> = [
        &road_late,
        &rubbish_new,
        &unknown,
        first_of_pair,
        second_of_pair,
        &taken,
        &rejected,
    ]
    .iter()
    .map(|r| r.ticket.clone())
    .collect();
    every_page_size(&*store, query.clone(), &expected).await;

    // The order narrows like any list: the filters still hold.
    query.states = vec![Waiting];
    let waiting: Vec<Ticket> = expected
        .iter()
        .filter(|t| **t != taken.ticket && **t != rejected.ticket)
        .cloned()
        .collect();
    every_page_size(&*store, query, &waiting).await;
}

pub async fn the_nearest_order_pages_by_distance_and_puts_unplaced_reports_last(
    store: Arc<dyn Store>,
) {
    let here = Coordinates::parse(-6.2297, 106.8532).unwrap();
    let far = filed(&*store, "jalan", 1, Some((-6.1754, 106.8272))).await; // Monas, ~6.6 km
    let unplaced = filed(&*store, "jalan", 1, None).await;
    let near = filed(&*store, "jalan", 1, Some((-6.2300, 106.8540))).await; // ~100 m
    let east = filed(&*store, "jalan", 1, Some((-6.2297, 106.8900))).await; // ~4 km east
    let twin = filed(&*store, "jalan", 1, Some((-6.2300, 106.8540))).await; // ties near
    let unplaced_too = filed(&*store, "jalan", 1, None).await;
    let mut query = ReportQuery::new(ReportScope::All, 50);
    query.order = ReportOrder::Nearest(here);
    let expected: Vec<Ticket> = [&twin, &near, &east, &far, &unplaced_too, &unplaced]
        .iter()
        .map(|r| r.ticket.clone())
        .collect();
    every_page_size(&*store, query, &expected).await;
}
