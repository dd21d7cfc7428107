//! Every response carries the security headers from one layer: `nosniff` everywhere; pages
//! refuse framing; JSON, XML and photos run and load nothing; HSTS only for an https
//! deployment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_web::WebConfig;
use common::{Resp, TestApp, png, report_body};

fn csp(resp: &Resp) -> String {
    resp.header("content-security-policy")
        .unwrap_or_else(|| panic!("no Content-Security-Policy: {resp:?}"))
}

fn assert_common(what: &str, resp: &Resp) {
    assert_eq!(
        resp.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}: {resp:?}"
    );
    assert!(resp.header("referrer-policy").is_some(), "{what}: {resp:?}");
    assert!(
        resp.header("strict-transport-security").is_none(),
        "{what}: no HSTS on a plain-http deployment"
    );
}

fn assert_machine(what: &str, resp: &Resp) {
    assert_common(what, resp);
    let policy = csp(resp);
    assert!(policy.contains("default-src 'none'"), "{what}: {policy}");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
}

fn assert_page(what: &str, resp: &Resp) {
    assert_common(what, resp);
    assert!(
        resp.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{what}: {resp:?}"
    );
    assert!(
        csp(resp).contains("frame-ancestors 'none'"),
        "{what}: {resp:?}"
    );
    assert_eq!(
        resp.header("x-frame-options").as_deref(),
        Some("DENY"),
        "{what}"
    );
}

#[tokio::test]
async fn pages_refuse_framing_and_machine_answers_load_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let view = citizen
        .submit_with_photos(&report_body("jalan", "31.74.01"), vec![png()])
        .await
        .expect(201);
    assert_machine(
        "a filed report",
        &citizen.get_report(&common::ticket_of(&view)).await,
    );
    let photo = view["photos"][0]["url"].as_str().expect("a photo url");
    let photo = citizen.get_url(photo).await;
    assert_eq!(photo.status, 200, "{photo:?}");
    assert_machine("a photo", &photo);

    for path in ["/", "/masuk", "/lapor", "/nope"] {
        assert_page(path, &app.get_raw(path).await);
    }
    for path in [
        "/api/v1/openapi.json",
        "/api/v1/nope",
        "/api/v1/reports",
        "/open311/v2/services.xml",
        "/open311/v2/discovery.json",
        "/healthz",
    ] {
        assert_machine(path, &app.get_raw(path).await);
    }
    // A refusal too.
    let refused = app
        .anonymous()
        .post_json("/reports", &report_body("jalan", "31.74.01"))
        .await;
    assert_eq!(refused.status, 401);
    assert_machine("a 401", &refused);
}

#[tokio::test]
async fn an_https_deployment_sends_hsts() {
    let app = TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        hsts: true,
        ..WebConfig::default()
    })
    .await;
    for path in ["/", "/api/v1/categories", "/api/v1/nope"] {
        let resp = app.get_raw(path).await;
        assert_eq!(
            resp.header("strict-transport-security").as_deref(),
            Some("max-age=31536000"),
            "{path}: {resp:?}"
        );
    }
}
