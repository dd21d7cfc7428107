//! CSRF on the API: a call that rides on the browser's session cookie is held to the pages'
//! rules (same site, and the session's `X-CSRF-Token`); bearer-token calls are not; and the
//! multipart body is a JSON part, never plain form fields a foreign HTML form could send.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use reqwest::header::{COOKIE, ORIGIN};
use reqwest::multipart::{Form, Part};
use serde_json::json;

use common::{Client, Resp, TestApp, png, report_body, ticket_of};

/// A browser signed in as `citizen`: it sends the session cookie, never a bearer token.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl<'a> Browser<'a> {
    fn of(app: &'a TestApp, citizen: &Client) -> Self {
        let token = citizen.token.clone().expect("a session");
        Self {
            app,
            cookie: format!("aduan_session={token}"),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .http
            .request(method, self.app.url(&format!("/api/v1{path}")))
            .header(COOKIE, &self.cookie)
    }

    async fn send(req: reqwest::RequestBuilder) -> Resp {
        Resp::read(req.send().await.expect("send")).await
    }

    async fn csrf_token(&self) -> String {
        let me = Self::send(self.request(reqwest::Method::GET, "/me"))
            .await
            .expect(200);
        me["csrf_token"].as_str().expect("a csrf_token").to_owned()
    }
}

fn same_origin(app: &TestApp, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    req.header(ORIGIN, app.base.clone())
        .header("sec-fetch-site", "same-origin")
}

async fn reports(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM reports").await
}

#[tokio::test]
async fn a_cookie_call_without_the_token_changes_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let browser = Browser::of(&app, &citizen);
    let before = reports(&app).await;

    // What another site's script or form would send: the cookie, and no token.
    for origin in [None, Some("https://evil.example")] {
        let mut req = browser
            .request(reqwest::Method::POST, "/reports")
            .json(&report_body("jalan", "31.74.01"));
        if let Some(origin) = origin {
            req = req.header(ORIGIN, origin);
        }
        Browser::send(req).await.error(403, "forbidden");
        let mut req = browser
            .request(reqwest::Method::POST, &format!("/reports/{ticket}/actions"))
            .json(&json!({"action": "make_public"}));
        if let Some(origin) = origin {
            req = req.header(ORIGIN, origin);
        }
        Browser::send(req).await.error(403, "forbidden");
    }
    // A wrong token is no better.
    let req = browser
        .request(reqwest::Method::POST, &format!("/reports/{ticket}/actions"))
        .header("x-csrf-token", "not-the-token")
        .json(&json!({"action": "make_public"}));
    Browser::send(req).await.error(403, "forbidden");

    assert_eq!(reports(&app).await, before);
    let view = citizen.get_report(&ticket).await.expect(200);
    assert_eq!(view["visibility"], "private", "{view}");
}

#[tokio::test]
async fn the_right_token_from_this_site_works_and_from_another_site_does_not() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let browser = Browser::of(&app, &citizen);
    let token = browser.csrf_token().await;

    // The token leaves only to a cookie caller: a bearer client needs none.
    let me = citizen.get("/me").await.expect(200);
    assert!(me.get("csrf_token").is_none(), "{me}");

    let from_elsewhere = browser
        .request(reqwest::Method::POST, &format!("/reports/{ticket}/actions"))
        .header("x-csrf-token", &token)
        .header(ORIGIN, "https://evil.example")
        .json(&json!({"action": "make_public"}));
    Browser::send(from_elsewhere).await.error(403, "forbidden");

    let req = same_origin(
        &app,
        browser.request(reqwest::Method::POST, &format!("/reports/{ticket}/actions")),
    )
    .header("x-csrf-token", &token)
    .json(&json!({"action": "make_public"}));
    let view = Browser::send(req).await.expect(200);
    assert_eq!(view["visibility"], "public", "{view}");

    let req = same_origin(&app, browser.request(reqwest::Method::POST, "/reports"))
        .header("x-csrf-token", &token)
        .json(&report_body("jalan", "31.74.01"));
    Browser::send(req).await.expect(201);
}

#[tokio::test]
async fn bearer_calls_are_unaffected() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let req = app
        .http
        .post(app.url("/api/v1/reports"))
        .bearer_auth(citizen.token.as_deref().unwrap())
        .header(ORIGIN, "https://app.example")
        .json(&report_body("jalan", "31.74.01"));
    Resp::read(req.send().await.unwrap()).await.expect(201);
}

#[tokio::test]
async fn signing_in_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let req = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header(ORIGIN, "https://evil.example")
        .json(&json!({"username": citizen.username, "password": common::PASSWORD}));
    Resp::read(req.send().await.unwrap())
        .await
        .error(403, "forbidden");
}

/// What a plain HTML `<form enctype="multipart/form-data">` on another site can send.
fn plain_form() -> Form {
    let body = report_body("jalan", "31.74.01");
    Form::new()
        .text("category", "jalan")
        .text(
            "description",
            body["description"].as_str().unwrap().to_owned(),
        )
        .text("location[region]", "31.74.01")
}

#[tokio::test]
async fn the_api_takes_no_plain_form_fields() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let before = reports(&app).await;
    let browser = Browser::of(&app, &citizen);
    let token = browser.csrf_token().await;
    // Even with the cookie's token and a bearer token, plain fields are not a report.
    let req = same_origin(&app, browser.request(reqwest::Method::POST, "/reports"))
        .header("x-csrf-token", &token)
        .multipart(plain_form());
    Browser::send(req)
        .await
        .error(415, "unsupported_media_type");
    let resp = citizen
        .send(
            app.http
                .post(app.url("/api/v1/reports"))
                .multipart(plain_form()),
        )
        .await;
    resp.error(415, "unsupported_media_type");
    let action = Form::new().text("action", "make_public");
    let resp = citizen
        .send(
            app.http
                .post(app.url(&format!("/api/v1/reports/{ticket}/actions")))
                .multipart(action),
        )
        .await;
    resp.error(415, "unsupported_media_type");
    assert_eq!(reports(&app).await, before);
}

fn report_part(text: String, media_type: Option<&str>) -> Form {
    let mut part = Part::text(text);
    if let Some(media_type) = media_type {
        part = part.mime_str(media_type).unwrap();
    }
    Form::new()
        .part("report", part)
        .part("photo", Part::bytes(png()).file_name("a.png"))
}

#[tokio::test]
async fn the_report_part_must_be_json_and_say_so() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let before = reports(&app).await;
    let body = report_body("jalan", "31.74.01").to_string();
    let post = |form: Form| citizen.send(app.http.post(app.url("/api/v1/reports")).multipart(form));
    for media_type in [None, Some("text/plain")] {
        post(report_part(body.clone(), media_type))
            .await
            .error(415, "unsupported_media_type");
    }
    let resp = post(report_part("{not json".into(), Some("application/json"))).await;
    let error = resp.error(400, "bad_request");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("the report part is not valid JSON"),
        "{message}"
    );
    // Photos alone are not a report.
    let photos_only = Form::new().part("photo", Part::bytes(png()).file_name("a.png"));
    post(photos_only).await.error(400, "bad_request");
    assert_eq!(reports(&app).await, before);

    // The README's form: a JSON part with its type, and photos.
    let filed = post(report_part(body, Some("application/json; charset=utf-8")))
        .await
        .expect(201);
    assert!(!ticket_of(&filed).is_empty());
}
