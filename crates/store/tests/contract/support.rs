//! Contract: a citizen supports a report once (again changes nothing) and withdraws it;
//! counts and the supporter's own list follow; the open reports of a category near a point
//! leave out closed ones, far ones, other categories, unplaced ones and the asker's own,
//! the latest first, bounded.

use std::sync::Arc;

use aduan_domain::report::{NewReport, Report};
use aduan_domain::{ActionKind, Coordinates, ReportId, ReportState, Role, UserId};
use aduan_store::{NearQuery, Store, StoreError};

use super::{category, create, day1, now, record, report_at, submit, transition};

/// Tebet Raya, where the near checks put their pin.
const PIN: (f64, f64) = (-6.2297, 106.8532);

/// About `metres` north of the pin.
fn north_of_pin(metres: f64) -> Coordinates {
    Coordinates::parse(PIN.0 + metres / 111_195.0, PIN.1).unwrap()
}

fn filed_at(code: &str, reporter: UserId, at: Option<Coordinates>) -> NewReport {
    NewReport {
        location: at,
        ..report_at(
            code,
            "31.74.01.1001",
            "kel-31.74.01.1001",
            Some(reporter),
            None,
        )
    }
}

fn near(citizen: UserId, limit: u32) -> NearQuery {
    NearQuery {
        category: category("jalan"),
        at: Coordinates::parse(PIN.0, PIN.1).unwrap(),
        metres: 250.0,
        citizen,
        limit,
    }
}

async fn tickets_near(store: &dyn Store, q: NearQuery) -> Vec<String> {
    store
        .open_reports_near(q)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.report.ticket.to_string())
        .collect()
}

fn ticket(r: &Report) -> String {
    r.ticket.to_string()
}

pub async fn supporting_twice_counts_once_and_withdrawing_removes_it(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let siti = create(store, "siti", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let ani = create(store, "ani", Role::Citizen, None).await;
    let one = submit(store, filed_at("jalan", siti.id, None), day1()).await;
    let two = submit(store, filed_at("jalan", siti.id, None), day1()).await;
    assert_eq!(
        store.supporter_counts(vec![one.id, two.id]).await.unwrap(),
        [0, 0]
    );
    assert!(
        store
            .supported_reports(budi.id, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let at = now();
    assert!(store.support_report(one.id, budi.id, at).await.unwrap());
    // Again: nothing changes, the first instant stays.
    assert!(!store.support_report(one.id, budi.id, now()).await.unwrap());
    assert!(store.support_report(one.id, ani.id, now()).await.unwrap());
    assert!(store.support_report(two.id, ani.id, now()).await.unwrap());
    assert_eq!(
        store.supporter_counts(vec![two.id, one.id]).await.unwrap(),
        [1, 2]
    );

    let budis = store.supported_reports(budi.id, 10).await.unwrap();
    assert_eq!(budis.len(), 1);
    assert_eq!(budis[0].report.ticket, one.ticket);
    assert_eq!(budis[0].supported_at, at);
    assert_eq!(budis[0].supporters, 2);
    // The latest supported first, bounded by the limit.
    let anis: Vec<String> = store
        .supported_reports(ani.id, 10)
        .await
        .unwrap()
        .iter()
        .map(|s| ticket(&s.report))
        .collect();
    assert_eq!(anis, [ticket(&two), ticket(&one)]);
    assert_eq!(store.supported_reports(ani.id, 1).await.unwrap().len(), 1);

    // Withdrawn: gone from the list and the count; withdrawing again finds nothing.
    assert!(store.withdraw_support(one.id, budi.id).await.unwrap());
    assert!(!store.withdraw_support(one.id, budi.id).await.unwrap());
    assert!(
        store
            .supported_reports(budi.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.supporter_counts(vec![one.id]).await.unwrap(), [1]);
    // And supported again, as new.
    assert!(store.support_report(one.id, budi.id, now()).await.unwrap());

    // No such report: refused, nothing stored.
    let missing = ReportId(two.id.0 + 1000);
    let refused = store.support_report(missing, budi.id, now()).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.supporter_counts(vec![missing]).await.unwrap(), [0]);

    // An erased account's supports go with it.
    store
        .erase_account(ani.id, "terhapus-1".into(), now())
        .await
        .unwrap();
    assert!(
        store
            .supported_reports(ani.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.supporter_counts(vec![one.id, two.id]).await.unwrap(),
        [1, 0]
    );
}

pub async fn open_reports_near_a_pin_are_the_latest_of_the_category_within_the_radius(
    store: Arc<dyn Store>,
) {
    let store = store.as_ref();
    let siti = create(store, "siti", Role::Citizen, None).await;
    let budi = create(store, "budi", Role::Citizen, None).await;
    let coordinator = create(
        store,
        "lurah-tebet-barat",
        Role::Coordinator,
        Some("kel-31.74.01.1001"),
    )
    .await;
    let file = |code: &str, who: UserId, at: Option<Coordinates>| filed_at(code, who, at);
    let close = submit(
        store,
        file("jalan", siti.id, Some(north_of_pin(40.0))),
        day1(),
    )
    .await;
    let edge = submit(
        store,
        file("jalan", siti.id, Some(north_of_pin(240.0))),
        day1(),
    )
    .await;
    let far = submit(
        store,
        file("jalan", siti.id, Some(north_of_pin(400.0))),
        day1(),
    )
    .await;
    // In the box around the pin but outside the circle: 200 m north and 200 m east.
    let corner_at = Coordinates::parse(
        PIN.0 + 200.0 / 111_195.0,
        PIN.1 + 200.0 / (111_195.0 * PIN.0.to_radians().cos()),
    )
    .unwrap();
    let corner = submit(store, file("jalan", siti.id, Some(corner_at)), day1()).await;
    let other_category = submit(
        store,
        file("pohon", siti.id, Some(north_of_pin(10.0))),
        day1(),
    )
    .await;
    let unplaced = submit(store, file("jalan", siti.id, None), day1()).await;
    let rejected = submit(
        store,
        file("jalan", siti.id, Some(north_of_pin(20.0))),
        day1(),
    )
    .await;
    store
        .apply_transition(
            rejected.id,
            rejected.version,
            transition(
                ActionKind::Reject,
                ReportState::Waiting,
                ReportState::Rejected,
            ),
            record(&coordinator, now()),
        )
        .await
        .unwrap();
    let budis_own = submit(
        store,
        file("jalan", budi.id, Some(north_of_pin(5.0))),
        day1(),
    )
    .await;
    let newest = submit(
        store,
        file("jalan", siti.id, Some(north_of_pin(100.0))),
        day1(),
    )
    .await;
    let _ = (&far, &corner, &other_category, &unplaced);

    // Budi sees Siti's open road reports within 250 m, latest first, never his own.
    assert_eq!(
        tickets_near(store, near(budi.id, 5)).await,
        [ticket(&newest), ticket(&edge), ticket(&close)]
    );
    // Siti sees Budi's only.
    assert_eq!(
        tickets_near(store, near(siti.id, 5)).await,
        [ticket(&budis_own)]
    );
    // Bounded.
    assert_eq!(
        tickets_near(store, near(budi.id, 2)).await,
        [ticket(&newest), ticket(&edge)]
    );

    // Each says how far it is and whether the asker supports it.
    store.support_report(edge.id, budi.id, now()).await.unwrap();
    let found = store.open_reports_near(near(budi.id, 5)).await.unwrap();
    let by_ticket = |r: &Report| {
        found
            .iter()
            .find(|n| n.report.ticket == r.ticket)
            .unwrap()
            .clone()
    };
    assert!(by_ticket(&edge).supporting);
    assert!(!by_ticket(&close).supporting);
    assert!((by_ticket(&close).metres - 40.0).abs() < 1.0);
    assert!((by_ticket(&edge).metres - 240.0).abs() < 1.0);

    // Another category's pin finds that category's reports only.
    let trees = NearQuery {
        category: category("pohon"),
        ..near(budi.id, 5)
    };
    assert_eq!(tickets_near(store, trees).await, [ticket(&other_category)]);
}
