//! Contract: listing reports by scope and filter, and paging through them.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use aduan_domain::report::Report;
use aduan_domain::{ActionKind, ReportState, Role, Ticket};
use aduan_store::{ReportQuery, ReportScope, Store, User};

use super::{
    category, create, day, day1, jk, now, record, region, report_at, transition, unit, walk,
};

async fn tickets_of(store: &dyn Store, query: ReportQuery) -> Vec<Ticket> {
    let page = store.list_reports(query).await.unwrap();
    assert_eq!(page.next_after, None, "the fixture fits on one page");
    page.reports.into_iter().map(|r| r.ticket).collect()
}

/// The tickets of `reports`, newest (highest id) first, as lists return them.
fn newest_first(reports: &[&Report]) -> Vec<Ticket> {
    let mut reports = reports.to_vec();
    reports.sort_by_key(|r| std::cmp::Reverse(r.id));
    reports.into_iter().map(|r| r.ticket.clone()).collect()
}

/// Reports spread over categories, regions, units, people, states and times.
struct Listing {
    ani: User,
    budi: User,
    operator: User,
    /// In submission order; created one hour apart from `t0`.
    reports: Vec<Report>,
    t0: DateTime<Utc>,
}

async fn listing(store: &dyn Store) -> Listing {
    use ReportState::*;
    let ani = create(store, "ani", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let operator = create(store, "op-jaksel", Role::Operator, Some("walikota-31.74")).await;
    let coordinator = create(store, "koordinator", Role::Coordinator, None).await;
    let t0 = now() - Duration::days(1);
    // (category, region, first receiver, reporter, entered by)
    let specs = [
        (
            "jalan",
            "31.74.01.1001",
            "kel-31.74.01.1001",
            Some(ani.id),
            None,
        ),
        (
            "sampah",
            "31.74.01",
            "kec-31.74.01",
            Some(budi.id),
            Some(operator.id),
        ),
        (
            "jalan",
            "31.75.01.1002",
            "kel-31.75.01.1002",
            Some(ani.id),
            None,
        ),
        ("sampah", "31.74", "walikota-31.74", None, Some(operator.id)),
        (
            "jalan",
            "31.74.02.1003",
            "kel-31.74.02.1003",
            Some(budi.id),
            None,
        ),
        (
            "jalan",
            "31.74.01.1002",
            "kel-31.74.01.1002",
            Some(budi.id),
            None,
        ),
        ("pohon", "31.75.01", "kec-31.75.01", Some(ani.id), None),
        (
            "sampah",
            "31.74.01.1001",
            "kel-31.74.01.1001",
            Some(ani.id),
            None,
        ),
    ];
    let mut reports = Vec::new();
    for (i, (cat, reg, receiver, reporter, entered_by)) in specs.into_iter().enumerate() {
        let date = if i < 4 { day1() } else { day(2025, 3, 6) };
        let at = t0 + Duration::hours(i as i64);
        let report = store
            .submit_report(
                report_at(cat, reg, receiver, reporter, entered_by),
                jk(),
                date,
                at,
            )
            .await
            .unwrap();
        reports.push(report);
    }
    // reports[4] goes to the Suku Dinas (coordination); reports[5] is taken in progress.
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    reports[4] = store
        .apply_transition(
            reports[4].id,
            1,
            forward,
            record(&coordinator, t0 + Duration::hours(20)),
        )
        .await
        .unwrap();
    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    reports[5] = store
        .apply_transition(
            reports[5].id,
            1,
            accept,
            record(&coordinator, t0 + Duration::hours(21)),
        )
        .await
        .unwrap();
    Listing {
        ani,
        budi,
        operator,
        reports,
        t0,
    }
}

pub async fn list_scopes_select_the_right_reports(store: Arc<dyn Store>) {
    use ReportState::*;
    let l = listing(&*store).await;
    let r = &l.reports;
    let q = |scope| ReportQuery::new(scope, 50);
    let all: Vec<&Report> = r.iter().collect();

    assert_eq!(
        tickets_of(&*store, q(ReportScope::All)).await,
        newest_first(&all)
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::HeldBy(unit("kel-31.74.01.1001")))).await,
        newest_first(&[&r[0], &r[7]])
    );
    // Held by: where it is now, not where it arrived.
    assert_eq!(
        tickets_of(
            &*store,
            q(ReportScope::HeldBy(unit("sudin-bina-marga-31.74")))
        )
        .await,
        newest_first(&[&r[4]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::HeldBy(unit("kel-31.74.02.1003"))))
            .await
            .is_empty()
    );
    assert_eq!(
        tickets_of(
            &*store,
            q(ReportScope::InStates(vec![Coordination, InProgress]))
        )
        .await,
        newest_first(&[&r[4], &r[5]])
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::InStates(vec![InProgress]))).await,
        newest_first(&[&r[5]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::InStates(vec![Completed])))
            .await
            .is_empty()
    );
    assert!(
        tickets_of(&*store, q(ReportScope::InStates(vec![])))
            .await
            .is_empty()
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.ani.id))).await,
        newest_first(&[&r[0], &r[2], &r[6], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.budi.id))).await,
        newest_first(&[&r[1], &r[4], &r[5]])
    );
    // The operator entered two; they reported none.
    assert_eq!(
        tickets_of(&*store, q(ReportScope::EnteredBy(l.operator.id))).await,
        newest_first(&[&r[1], &r[3]])
    );
    assert!(
        tickets_of(&*store, q(ReportScope::ReportedBy(l.operator.id)))
            .await
            .is_empty()
    );
    assert!(
        tickets_of(&*store, q(ReportScope::EnteredBy(l.ani.id)))
            .await
            .is_empty()
    );
    // Listed reports are whole reports, as `report` reads them.
    let page = store.list_reports(q(ReportScope::All)).await.unwrap();
    for listed in &page.reports {
        assert_eq!(&store.report(&listed.ticket).await.unwrap(), listed);
    }
}

pub async fn list_filters_narrow_the_scope(store: Arc<dyn Store>) {
    use ReportState::*;
    let l = listing(&*store).await;
    let r = &l.reports;
    let all = || ReportQuery::new(ReportScope::All, 50);

    let by_state = ReportQuery {
        state: Some(Waiting),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, by_state).await,
        newest_first(&[&r[0], &r[1], &r[2], &r[3], &r[6], &r[7]])
    );
    let by_category = ReportQuery {
        category: Some(category("jalan")),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, by_category).await,
        newest_first(&[&r[0], &r[2], &r[4], &r[5]])
    );
    let by_unit = ReportQuery {
        unit: Some(unit("sudin-bina-marga-31.74")),
        ..all()
    };
    assert_eq!(tickets_of(&*store, by_unit).await, newest_first(&[&r[4]]));

    // A region matches itself and everything inside it, never a neighbour.
    let in_region = |code: &str| ReportQuery {
        region: Some(region(code)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, in_region("31.74")).await,
        newest_first(&[&r[0], &r[1], &r[3], &r[4], &r[5], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.74.01")).await,
        newest_first(&[&r[0], &r[1], &r[5], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.74.01.1001")).await,
        newest_first(&[&r[0], &r[7]])
    );
    assert_eq!(
        tickets_of(&*store, in_region("31.75.01")).await,
        newest_first(&[&r[2], &r[6]])
    );
    assert!(tickets_of(&*store, in_region("31.73")).await.is_empty());
    assert!(
        tickets_of(&*store, in_region("31.74.02.1004"))
            .await
            .is_empty()
    );

    // Creation time: from inclusive, before exclusive.
    let hour = |h| l.t0 + Duration::hours(h);
    let window = ReportQuery {
        created_from: Some(hour(2)),
        created_before: Some(hour(5)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, window).await,
        newest_first(&[&r[2], &r[3], &r[4]])
    );
    let from = ReportQuery {
        created_from: Some(hour(6)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, from).await,
        newest_first(&[&r[6], &r[7]])
    );
    let before = ReportQuery {
        created_before: Some(hour(1)),
        ..all()
    };
    assert_eq!(tickets_of(&*store, before).await, newest_first(&[&r[0]]));
    // The filter reads the creation time, which transitions (reports[5] at hour 21) keep.
    let exactly_at_creation = ReportQuery {
        created_before: Some(hour(5) + Duration::microseconds(1)),
        created_from: Some(hour(5)),
        ..all()
    };
    assert_eq!(
        tickets_of(&*store, exactly_at_creation).await,
        newest_first(&[&r[5]])
    );

    // Filters combine with each other and with the scope.
    let combined = ReportQuery {
        category: Some(category("jalan")),
        region: Some(region("31.74")),
        ..ReportQuery::new(ReportScope::ReportedBy(l.ani.id), 50)
    };
    assert_eq!(tickets_of(&*store, combined).await, newest_first(&[&r[0]]));
    let combined = ReportQuery {
        state: Some(Waiting),
        category: Some(category("sampah")),
        ..ReportQuery::new(ReportScope::HeldBy(unit("kel-31.74.01.1001")), 50)
    };
    assert_eq!(tickets_of(&*store, combined).await, newest_first(&[&r[7]]));
    let contradictory = ReportQuery {
        unit: Some(unit("kec-31.74.01")),
        ..ReportQuery::new(ReportScope::HeldBy(unit("kel-31.74.01.1001")), 50)
    };
    assert!(tickets_of(&*store, contradictory).await.is_empty());
    let by_state_in_states = ReportQuery {
        state: Some(Coordination),
        ..ReportQuery::new(ReportScope::InStates(vec![Coordination, InProgress]), 50)
    };
    assert_eq!(
        tickets_of(&*store, by_state_in_states).await,
        newest_first(&[&r[4]])
    );
}

pub async fn pagination_visits_every_report_once_newest_first(store: Arc<dyn Store>) {
    let l = listing(&*store).await;
    let all: Vec<&Report> = l.reports.iter().collect();
    let n = all.len() as u32;
    let everything = newest_first(&all);
    for limit in 1..=n + 2 {
        let seen = walk(&*store, ReportQuery::new(ReportScope::All, limit), limit).await;
        assert_eq!(seen, everything, "limit {limit}");
        // The page count: a last page that is exactly full has no `next_after` either.
        let pages = n.div_ceil(limit);
        let first = store
            .list_reports(ReportQuery::new(ReportScope::All, limit))
            .await
            .unwrap();
        assert_eq!(first.next_after.is_some(), pages > 1, "limit {limit}");
    }
    // Paging through a filtered list visits exactly the filtered reports.
    let jalan = ReportQuery {
        category: Some(category("jalan")),
        ..ReportQuery::new(ReportScope::All, 2)
    };
    let r = &l.reports;
    assert_eq!(
        walk(&*store, jalan, 2).await,
        newest_first(&[&r[0], &r[2], &r[4], &r[5]])
    );
    let ani = ReportQuery::new(ReportScope::ReportedBy(l.ani.id), 3);
    assert_eq!(
        walk(&*store, ani, 3).await,
        newest_first(&[&r[0], &r[2], &r[6], &r[7]])
    );
}
