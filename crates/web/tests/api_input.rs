//! Input robustness: control characters are refused in every text with the field named
//! (U+0000 cannot be stored in PostgreSQL), whole floats are taken where integers are
//! expected, and a refused input changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::json;

use common::{TestApp, report_body};

#[tokio::test]
async fn control_characters_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let before = app.count("SELECT COUNT(*) FROM reports").await;
    for (field, value) in [
        (
            "description",
            "Jalan berlubang\u{0} di depan sekolah, berbahaya.",
        ),
        ("address", "Jl. Tebet\u{1b}[2J Raya"),
    ] {
        let mut body = report_body("jalan", "31.74.01");
        body[field] = json!(value);
        citizen.submit_report(&body).await.invalid(field);
        // The same in a multipart report part.
        citizen
            .submit_with_photos(&body, vec![common::png()])
            .await
            .invalid(field);
    }
    let mut body = report_body("jalan", "31.74.01");
    body["location"]["region"] = json!("31.74\u{0}.01");
    citizen
        .submit_report(&body)
        .await
        .invalid("location.region");
    assert_eq!(app.count("SELECT COUNT(*) FROM reports").await, before);

    // Newlines and tabs are text.
    let mut body = report_body("jalan", "31.74.01");
    body["description"] = json!("Jalan berlubang\r\ndi depan sekolah,\tberbahaya.");
    citizen.submit_report(&body).await.expect(201);

    // Registration, messages and queries too.
    app.register(&json!({"username": "baru", "password": common::PASSWORD,
        "display_name": "Ratna\u{0}"}))
        .await
        .invalid("display_name");
    let ticket = citizen.file_road_report().await;
    citizen
        .post_json(
            &format!("/reports/{ticket}/messages"),
            &json!({"body": "Halo\u{7}"}),
        )
        .await
        .invalid("body");
    citizen.get("/reports?q=jalan%00").await.invalid("q");
}

#[tokio::test]
async fn whole_floats_are_taken_as_integers() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    citizen.file_road_report().await;
    citizen.file_road_report().await;
    let page = citizen.get("/reports?limit=1.0").await.expect(200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
    citizen.get("/reports?limit=1.5").await.invalid("query");
    let public = app.anonymous().get("/public/reports?limit=2.00").await;
    public.expect(200);
}
