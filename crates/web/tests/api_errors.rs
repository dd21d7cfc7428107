//! Bad input never changes anything: every refusal has its exact status and the API's error
//! body, and afterwards the report (or the citizen's list) is as it was.

mod common;

use chrono::Days;
use serde_json::{Value, json};

use aduan_domain::Role;
use aduan_web::WebConfig;
use common::{Client, SUDIN, TestApp, gif, jakarta_today, png, report_body};

async fn report_count(citizen: &Client) -> usize {
    citizen.list_all("limit=200").await.len()
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[tokio::test]
async fn bad_submissions_are_refused_and_file_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let good = report_body("jalan", "31.74.01");
    let without_location = {
        let mut b = good.clone();
        b.as_object_mut().map(|o| o.remove("location"));
        b
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown category",
            with(good.clone(), "category", json!("bukan-kategori")),
            "category",
        ),
        (
            "malformed category",
            with(good.clone(), "category", json!("Jalan Raya!")),
            "category",
        ),
        (
            "short description",
            with(good.clone(), "description", json!("rusak")),
            "description",
        ),
        (
            "blank description",
            with(good.clone(), "description", json!("   rusak   ")),
            "description",
        ),
        (
            "long description",
            with(good.clone(), "description", json!("a".repeat(4001))),
            "description",
        ),
        ("no location", without_location, "body"),
        (
            "empty location",
            with(good.clone(), "location", json!({})),
            "location",
        ),
        (
            "lat without lon",
            with(good.clone(), "location", json!({"lat": -6.2})),
            "location",
        ),
        (
            "lon without lat",
            with(good.clone(), "location", json!({"lon": 106.8})),
            "location",
        ),
        (
            "lat out of range",
            with(good.clone(), "location", json!({"lat": 91.0, "lon": 106.8})),
            "location",
        ),
        (
            "lon out of range",
            with(good.clone(), "location", json!({"lat": -6.2, "lon": 181.0})),
            "location",
        ),
        // Without boundaries loaded, a point alone cannot be placed.
        (
            "point without boundaries",
            with(good.clone(), "location", json!({"lat": -6.2, "lon": 106.8})),
            "location",
        ),
        (
            "unknown region",
            with(good.clone(), "location", json!({"region": "31.79.01"})),
            "location.region",
        ),
        (
            "malformed region",
            with(good.clone(), "location", json!({"region": "Tebet"})),
            "location.region",
        ),
        (
            "unknown channel",
            with(good.clone(), "channel", json!("merpati")),
            "channel",
        ),
        (
            "staff channel",
            with(good.clone(), "channel", json!("balai_kota")),
            "channel",
        ),
        (
            "wrong type",
            with(good.clone(), "description", json!(42)),
            "body",
        ),
    ];
    for (what, body, field) in cases {
        let resp = citizen.submit_report(&body).await;
        assert_eq!(resp.status, 422, "{what}: {resp:?}");
        resp.invalid(field);
        assert_eq!(report_count(&citizen).await, 0, "{what} filed a report");
    }
    let raw: Vec<(&str, &str, &[u8], u16, &str)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"category\": \"jalan\",",
            400,
            "bad_request",
        ),
        (
            "a JSON array",
            "application/json",
            b"[1, 2]",
            400,
            "bad_request",
        ),
        (
            "plain text",
            "text/plain",
            b"jalan rusak di tebet",
            415,
            "unsupported_media_type",
        ),
        (
            "form-urlencoded",
            "application/x-www-form-urlencoded",
            b"category=jalan",
            415,
            "unsupported_media_type",
        ),
    ];
    for (what, content_type, body, status, code) in raw {
        let resp = citizen
            .post_raw("/reports", content_type, body.to_vec())
            .await;
        assert_eq!(resp.status, status, "{what}: {resp:?}");
        resp.error(status, code);
        assert_eq!(report_count(&citizen).await, 0, "{what} filed a report");
    }
    // Staff do not file reports for themselves.
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    officer.submit_report(&good).await.error(403, "forbidden");

    assert_eq!(report_count(&citizen).await, 0);
    citizen.submit_report(&good).await.expect(201);
    assert_eq!(report_count(&citizen).await, 1);
}

#[tokio::test]
async fn bad_photos_are_refused_and_file_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let body = report_body("jalan", "31.74.01");

    let gif = citizen.submit_with_photos(&body, vec![gif()]).await;
    gif.error(415, "unsupported_media_type");
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let noise = citizen.submit_with_photos(&body, vec![noise]).await;
    noise.error(415, "unsupported_media_type");
    // A PNG cut short: the type sniffs, the picture does not read.
    let mut truncated = png();
    truncated.truncate(40);
    let truncated = citizen.submit_with_photos(&body, vec![truncated]).await;
    assert!(
        [415, 422].contains(&truncated.status),
        "a damaged image: {truncated:?}"
    );
    // One bad photo among good ones spoils the submission.
    let mixed = citizen
        .submit_with_photos(&body, vec![png(), common::gif()])
        .await;
    mixed.error(415, "unsupported_media_type");
    let six = citizen.submit_with_photos(&body, vec![png(); 6]).await;
    six.invalid("photo");
    assert_eq!(report_count(&citizen).await, 0);

    let five = citizen.submit_with_photos(&body, vec![png(); 5]).await;
    assert_eq!(five.expect(201)["photos"].as_array().map(Vec::len), Some(5));
    assert_eq!(report_count(&citizen).await, 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        max_body_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;

    let huge = with(
        report_body("jalan", "31.74.01"),
        "address",
        json!("x".repeat(100 * 1024)),
    );
    citizen
        .submit_report(&huge)
        .await
        .error(413, "payload_too_large");
    let big_photo: Vec<u8> = png()
        .into_iter()
        .chain(std::iter::repeat_n(0u8, 100 * 1024))
        .collect();
    let resp = citizen
        .submit_with_photos(&report_body("jalan", "31.74.01"), vec![big_photo.clone()])
        .await;
    resp.error(413, "payload_too_large");
    let officer = app.staff(Role::Officer, Some("kecamatan-31.74.01")).await;
    let resp = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Sudah."}),
            vec![big_photo],
        )
        .await;
    resp.error(413, "payload_too_large");

    assert_eq!(report_count(&citizen).await, 1);
    let stored = app.stored(&ticket).await;
    assert_eq!((stored.state.code(), stored.version), ("waiting", 1));
}

/// The report is as filed: waiting, version 1, one timeline entry.
async fn assert_untouched(app: &TestApp, ticket: &str) {
    let stored = app.stored(ticket).await;
    assert_eq!((stored.state.code(), stored.version), ("waiting", 1));
    assert_eq!(stored.holding_unit.as_str(), "kecamatan-31.74.01");
}

async fn refused(app: &TestApp, ticket: &str, resp: common::Resp, status: u16, code: &str) {
    resp.error(status, code);
    assert_untouched(app, ticket).await;
}

#[tokio::test]
async fn bad_actions_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    let officer = app.staff(Role::Officer, Some("kecamatan-31.74.01")).await;
    let yesterday = jakarta_today()
        .checked_sub_days(Days::new(1))
        .expect("a date")
        .to_string();

    let cases: Vec<(&Client, Value, &str)> = vec![
        (&coordinator, json!({"action": "fly"}), "action"),
        (&coordinator, json!({"action": "submit"}), "action"),
        (&coordinator, json!({"unit": SUDIN}), "body"),
        (&coordinator, json!({"action": "forward"}), "unit"),
        (
            &coordinator,
            json!({"action": "forward", "unit": "dinas-tidak-ada"}),
            "unit",
        ),
        (
            &coordinator,
            json!({"action": "forward", "unit": "Dinas Bina Marga"}),
            "unit",
        ),
        (
            &coordinator,
            json!({"action": "forward", "unit": "biro-pemerintahan"}),
            "unit",
        ),
        (
            &coordinator,
            json!({"action": "forward", "unit": "kecamatan-31.74.01"}),
            "unit",
        ),
        (
            &officer,
            json!({"action": "schedule", "estimated_completion": yesterday}),
            "estimated_completion",
        ),
        (
            &officer,
            json!({"action": "schedule", "estimated_completion": "besok"}),
            "estimated_completion",
        ),
        (
            &officer,
            json!({"action": "schedule"}),
            "estimated_completion",
        ),
        (&coordinator, json!({"action": "reject"}), "reason"),
        (
            &coordinator,
            json!({"action": "reject", "reason": "   "}),
            "reason",
        ),
        (
            &coordinator,
            json!({"action": "mark_duplicate", "of": ticket}),
            "of",
        ),
        (
            &coordinator,
            json!({"action": "mark_duplicate", "of": "JK2001010999"}),
            "of",
        ),
        (
            &coordinator,
            json!({"action": "mark_duplicate", "of": "bukan-tiket"}),
            "of",
        ),
        (&coordinator, json!({"action": "mark_duplicate"}), "of"),
        (
            &coordinator,
            json!({"action": "refer", "reason": "Jalan tol."}),
            "to",
        ),
        (
            &coordinator,
            json!({"action": "refer", "to": "LAPOR!"}),
            "reason",
        ),
    ];
    for (caller, body, field) in cases {
        let resp = caller.act(&ticket, &body).await;
        assert_eq!(resp.status, 422, "{body}: {resp:?}");
        resp.invalid(field);
        assert_untouched(&app, &ticket).await;
    }
    let actions = format!("/reports/{ticket}/actions");
    // Photos belong to a follow-up only.
    let resp = officer
        .act_with_photos(&ticket, &json!({"action": "accept"}), vec![png()])
        .await;
    refused(&app, &ticket, resp, 422, "validation_failed").await;
    // The state does not allow it.
    let resp = officer
        .act(&ticket, &json!({"action": "dispose", "unit": SUDIN}))
        .await;
    refused(&app, &ticket, resp, 409, "conflict").await;
    // Not the officer's to take.
    let resp = officer.act(&ticket, &json!({"action": "validate"})).await;
    refused(&app, &ticket, resp, 403, "forbidden").await;
    // The client saw another version.
    let resp = officer
        .act(&ticket, &json!({"action": "accept", "version": 7}))
        .await;
    refused(&app, &ticket, resp, 409, "conflict").await;
    // Bodies that are not an action at all.
    let resp = officer
        .post_raw(&actions, "application/json", b"{\"action\":".to_vec())
        .await;
    refused(&app, &ticket, resp, 400, "bad_request").await;
    let resp = officer
        .post_raw(&actions, "text/plain", b"accept".to_vec())
        .await;
    refused(&app, &ticket, resp, 415, "unsupported_media_type").await;
    let timeline = coordinator.timeline(&ticket).await.expect(200);
    assert_eq!(timeline.as_array().map(Vec::len), Some(1));

    // Tickets that do not exist, or are not tickets at all.
    for missing in ["JK2001010999", "bukan-tiket", "JK2613280001", "JK26112"] {
        coordinator
            .act(missing, &json!({"action": "accept"}))
            .await
            .error(404, "not_found");
        coordinator
            .get_report(missing)
            .await
            .error(404, "not_found");
        coordinator.timeline(missing).await.error(404, "not_found");
    }
    coordinator
        .get(&format!("/reports/{ticket}/photos/999"))
        .await
        .error(404, "not_found");

    // Finally the same actions, done right, go through.
    officer
        .act_ok(&ticket, json!({"action": "accept", "version": 1}))
        .await;
}

#[tokio::test]
async fn bad_list_queries_are_422() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    citizen.file_road_report().await;
    let cases = [
        ("state=nope", "state"),
        ("state=Waiting", "state"),
        ("cursor=!!!", "cursor"),
        ("cursor=eHl6", "cursor"), // "xyz": base64, but not a cursor
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=lima", "query"),
        ("category=Jalan%20Raya", "category"),
        ("region=tebet", "region"),
        ("unit=Sudin%20Bina%20Marga", "unit"),
        ("from=2026-13-01", "from"),
        ("to=kemarin", "to"),
        ("from=2026-05-02&to=2026-05-01", "to"),
    ];
    for (query, field) in cases {
        let resp = citizen.get(&format!("/reports?{query}")).await;
        assert_eq!(resp.status, 422, "{query}: {resp:?}");
        resp.invalid(field);
    }
}
