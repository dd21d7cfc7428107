//! `GET /api/v1/stats`: exact figures on reports made through the store at the edges of
//! Jakarta's months and years, category filters, an empty period, refused input; public,
//! and nothing in it but counts.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use serde_json::{Value, json};

use aduan_domain::{ActionKind, Channel, ReportState};

use common::TestApp;
use common::stats::{file, step, utc};

/// Six reports around Jakarta's new year and the turn of January to February.
async fn seeded() -> TestApp {
    use ReportState::*;
    let app = TestApp::spawn().await;
    // 23:59 WIB on 31 December 2020, then 00:00 WIB on 1 January 2021.
    file(
        &app,
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k0",
        utc(2020, 12, 31, 16, 59),
    )
    .await;
    file(
        &app,
        "sampah",
        "31.72.01",
        Channel::Sms,
        "k3",
        utc(2020, 12, 31, 17, 0),
    )
    .await;
    // 23:59 WIB on 31 January: January; forwarded, not yet taken.
    let late = file(
        &app,
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        utc(2021, 1, 31, 16, 59),
    )
    .await;
    step(
        &app,
        late,
        ActionKind::Forward,
        Coordination,
        utc(2021, 2, 1, 1, 0),
    )
    .await;
    // 00:30 WIB on 1 February (31 January in UTC): February; taken after 90 minutes,
    // completed after 50 hours.
    let at = utc(2021, 1, 31, 17, 30);
    let early = file(
        &app,
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        at,
    )
    .await;
    let early = step(
        &app,
        early,
        ActionKind::Accept,
        InProgress,
        at + Duration::minutes(90),
    )
    .await;
    step(
        &app,
        early,
        ActionKind::Validate,
        Completed,
        at + Duration::hours(50),
    )
    .await;
    file(
        &app,
        "pohon",
        "31.71.01",
        Channel::Twitter,
        "k2",
        utc(2021, 2, 10, 0, 0),
    )
    .await;
    // 00:00 WIB on 1 March: outside January and February.
    file(
        &app,
        "pohon",
        "31.71.01",
        Channel::Twitter,
        "k5",
        utc(2021, 2, 28, 17, 0),
    )
    .await;
    app
}

async fn get(app: &TestApp, query: &str) -> (u16, String) {
    let response = app
        .http
        .get(app.url(&format!("/api/v1/stats?{query}")))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn figures(app: &TestApp, query: &str) -> Value {
    let (status, body) = get(app, query).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn figures_for_local_months_are_exact_and_public() {
    let app = seeded().await;
    let (status, body) = get(&app, "from=2021-01-01&to=2021-03-01").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        concat!(
            r#"{"from":"2021-01-01","to":"2021-03-01","reports":4,"reporters":3,"#,
            r#""by_status":{"waiting":2,"coordination":1,"disposition":0,"in_progress":0,"#,
            r#""scheduled":0,"awaiting_validation":0,"followup_rejected":0,"completed":1,"#,
            r#""rejected":0,"duplicate":0,"referred":0},"#,
            r#""completed_pct":25.0,"coordination_pct":25.0,"#,
            r#""avg_coordination_hours":1.5,"avg_completion_hours":50.0,"#,
            r#""by_category":[{"category":"Jalan","reports":2},{"category":"Pohon","reports":1},"#,
            r#"{"category":"Sampah","reports":1}],"#,
            r#""by_channel":[{"channel":"jaki","reports":2,"reporters":1},"#,
            r#"{"channel":"sms","reports":1,"reporters":1},"#,
            r#"{"channel":"twitter","reports":1,"reporters":1}],"#,
            r#""by_month":[{"month":"2021-01","reports":2},{"month":"2021-02","reports":2}],"#,
            r#""by_kota":[{"kota":"Kota Administrasi Jakarta Selatan","reports":2},"#,
            r#"{"kota":"Kota Administrasi Jakarta Pusat","reports":1},"#,
            r#"{"kota":"Kota Administrasi Jakarta Utara","reports":1}]}"#,
        )
    );

    // February alone holds the report at 00:30 WIB on 1 February.
    let february = figures(&app, "from=2021-02-01&to=2021-03-01").await;
    assert_eq!(february["reports"], 2);
    assert_eq!(
        february["by_month"],
        json!([{"month": "2021-02", "reports": 2}])
    );
    assert_eq!(february["avg_completion_hours"], 50.0);
    // The year's edge: 23:59 WIB is the old year, 00:00 WIB the new one.
    let eve = figures(&app, "from=2020-12-31&to=2021-01-01").await;
    assert_eq!(
        eve["by_category"],
        json!([{"category": "Jalan", "reports": 1}])
    );
    let new_year = figures(&app, "from=2021-01-01&to=2021-01-02").await;
    assert_eq!(
        new_year["by_category"],
        json!([{"category": "Sampah", "reports": 1}])
    );
    assert_eq!(
        new_year["by_kota"],
        json!([{"kota": "Kota Administrasi Jakarta Utara", "reports": 1}])
    );
}

#[tokio::test]
async fn categories_filter_by_name_or_code_and_empty_periods_are_zero() {
    let app = seeded().await;
    let two = figures(
        &app,
        "from=2021-01-01&to=2021-04-01&category=JALAN&category=pohon&category=",
    )
    .await;
    assert_eq!(two["reports"], 4);
    assert_eq!(two["reporters"], 3);
    assert_eq!(two["completed_pct"], 25.0);
    assert_eq!(
        two["by_month"],
        json!([{"month": "2021-01", "reports": 1}, {"month": "2021-02", "reports": 2},
            {"month": "2021-03", "reports": 1}])
    );
    assert_eq!(
        two["by_category"],
        json!([{"category": "Jalan", "reports": 2}, {"category": "Pohon", "reports": 2}])
    );
    let sampah = figures(&app, "from=2021-01-01&to=2021-04-01&category=Sampah").await;
    assert_eq!(sampah["reports"], 1);
    assert_eq!(sampah["avg_coordination_hours"], Value::Null);

    let empty = figures(&app, "from=2022-01-01&to=2022-03-01").await;
    assert_eq!(
        empty,
        json!({"from": "2022-01-01", "to": "2022-03-01", "reports": 0, "reporters": 0,
            "by_status": {"waiting": 0, "coordination": 0, "disposition": 0, "in_progress": 0,
                "scheduled": 0, "awaiting_validation": 0, "followup_rejected": 0,
                "completed": 0, "rejected": 0, "duplicate": 0, "referred": 0},
            "completed_pct": 0.0, "coordination_pct": 0.0,
            "avg_coordination_hours": null, "avg_completion_hours": null,
            "by_category": [], "by_channel": [],
            "by_month": [{"month": "2022-01", "reports": 0}, {"month": "2022-02", "reports": 0}],
            "by_kota": []})
    );
}

#[tokio::test]
async fn bad_input_is_a_field_error() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("to=2021-01-01", "from"),
        ("from=2021-01-01", "to"),
        ("from=2021-02-30&to=2021-03-01", "from"),
        ("from=2021-01-01&to=tomorrow", "to"),
        ("from=2021-03-01&to=2021-03-01", "to"),
        (
            "from=2021-01-01&to=2021-02-01&category=Banjir%20Kanal",
            "category",
        ),
    ] {
        let (status, body) = get(&app, query).await;
        assert_eq!(status, 422, "{query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
        // The message names the field once.
        let message = body["error"]["message"].as_str().unwrap();
        assert_eq!(
            message.matches(&format!("{field}:")).count(),
            1,
            "{message}"
        );
    }
}
