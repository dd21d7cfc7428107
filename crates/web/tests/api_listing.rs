//! Listing reports: pages that chain through `next_cursor`, newest first, and filters that
//! narrow by state, category, region prefix and Jakarta dates.

mod common;

use chrono::{Days, NaiveDate};
use serde_json::json;

use aduan_domain::Role;
use common::{TestApp, ticket_date, ticket_of, tickets_of};

#[tokio::test]
async fn pages_chain_through_every_report_once_newest_first() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    // (category, region), in filing order.
    let filed = [
        ("jalan", "31.74.01"),
        ("sampah", "31.74.01"),
        ("jalan", "31.71.01"),
        ("jalan", "31.74.02"),
        ("pohon", "31.72.01"),
        ("sampah", "31.74.03"),
        ("jalan", "31.74.01"),
    ];
    let mut tickets = Vec::new();
    for (category, region) in filed {
        tickets.push(ticket_of(&citizen.file(category, region).await));
    }
    let newest_first: Vec<String> = tickets.iter().rev().cloned().collect();

    // Page by page: 3, 3, 1.
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut query = "limit=3".to_owned();
    loop {
        let page = citizen.list(&query).await;
        let items = tickets_of(&page);
        sizes.push(items.len());
        seen.extend(items);
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=3&cursor={cursor}"),
            None => break,
        }
        assert!(sizes.len() < 10, "the pages never end");
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, newest_first, "every ticket once, newest first");
    // Exactly a page's worth leaves no dangling cursor.
    let page = citizen.list("limit=7").await;
    assert_eq!(tickets_of(&page).len(), 7);
    assert!(page["next_cursor"].is_null(), "{page}");
    let page = citizen.list("").await;
    assert_eq!(
        tickets_of(&page),
        newest_first,
        "the default page holds them all"
    );
    assert!(page["next_cursor"].is_null());

    // Every summary says where it stands.
    let first = &page["items"][0];
    for key in [
        "state",
        "category",
        "region",
        "unit",
        "visibility",
        "created_at",
    ] {
        assert!(!first[key].is_null(), "{key} missing: {first}");
    }

    let pick = |indexes: &[usize]| -> Vec<String> {
        indexes.iter().rev().map(|&i| tickets[i].clone()).collect()
    };
    // Filters, also across pages.
    assert_eq!(
        citizen.list_all("limit=2&category=jalan").await,
        pick(&[0, 2, 3, 6])
    );
    assert_eq!(citizen.list_all("category=sampah").await, pick(&[1, 5]));
    assert_eq!(
        citizen.list_all("limit=2&region=31.74").await,
        pick(&[0, 1, 3, 5, 6])
    );
    assert_eq!(citizen.list_all("region=31.74.01").await, pick(&[0, 1, 6]));
    assert_eq!(citizen.list_all("region=31.71").await, pick(&[2]));
    assert_eq!(
        citizen.list_all("region=31.74&category=jalan").await,
        pick(&[0, 3, 6])
    );
    assert_eq!(citizen.list_all("category=kebakaran").await, pick(&[]));

    // State: two are taken to Koordinasi.
    let coordinator = app.staff(Role::Coordinator, None).await;
    for i in [1, 4] {
        coordinator
            .act_ok(
                &tickets[i],
                json!({"action": "forward", "unit": "dinas-bina-marga"}),
            )
            .await;
    }
    assert_eq!(citizen.list_all("state=coordination").await, pick(&[1, 4]));
    assert_eq!(
        citizen.list_all("limit=1&state=waiting").await,
        pick(&[0, 2, 3, 5, 6])
    );
    assert_eq!(citizen.list_all("state=completed").await, pick(&[]));
    let page = citizen.list("state=coordination").await;
    assert!(
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["status"]["label"] == "Koordinasi")
    );

    // Dates are Jakarta days, inclusive at both ends; the tickets carry them.
    let days: Vec<NaiveDate> = tickets.iter().map(|t| ticket_date(t)).collect();
    let first_day = *days.iter().min().expect("a day");
    let last_day = *days.iter().max().expect("a day");
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let before = first_day.checked_sub_days(Days::new(1)).expect("a day");
    let after = last_day.checked_add_days(Days::new(1)).expect("a day");
    let all = pick(&[0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(
        citizen
            .list_all(&format!(
                "limit=4&from={}&to={}",
                day(first_day),
                day(last_day)
            ))
            .await,
        all
    );
    assert_eq!(
        citizen.list_all(&format!("from={}", day(first_day))).await,
        all
    );
    assert_eq!(
        citizen.list_all(&format!("to={}", day(last_day))).await,
        all
    );
    assert_eq!(
        citizen.list_all(&format!("from={}", day(after))).await,
        pick(&[])
    );
    assert_eq!(
        citizen.list_all(&format!("to={}", day(before))).await,
        pick(&[])
    );
    assert_eq!(
        citizen
            .list_all(&format!(
                "from={}&to={}&category=pohon",
                day(first_day),
                day(last_day)
            ))
            .await,
        pick(&[4])
    );
}

#[tokio::test]
async fn a_cursor_does_not_skip_reports_filed_meanwhile_nor_repeat_any() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let mut older = Vec::new();
    for _ in 0..4 {
        older.push(citizen.file_road_report().await);
    }
    let page = citizen.list("limit=2").await;
    let cursor = page["next_cursor"].as_str().expect("a cursor").to_owned();
    let newer = citizen.file_road_report().await;
    // The rest of the first listing is the older reports, unaffected by the new one.
    let rest = citizen.list_all(&format!("limit=2&cursor={cursor}")).await;
    let mut whole = tickets_of(&page);
    whole.extend(rest);
    assert_eq!(whole, older.iter().rev().cloned().collect::<Vec<_>>());
    // A fresh listing starts with the new one.
    assert_eq!(tickets_of(&citizen.list("limit=1").await), vec![newer]);
}
