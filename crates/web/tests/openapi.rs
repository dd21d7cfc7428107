//! The OpenAPI document lists exactly what is served, and nothing else answers as an
//! endpoint; `/healthz` says the app and its store are up, and answers 503 soon when the
//! store does not answer or is gone.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use common::{Client, Resp, TestApp, png, ticket_of};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn documented() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    [
        ("/auth/register", vec!["post"]),
        ("/auth/login", vec!["post"]),
        ("/auth/logout", vec!["post"]),
        ("/me", vec!["get", "delete"]),
        ("/me/password", vec!["post"]),
        ("/me/export", vec!["get"]),
        ("/users", vec!["post"]),
        ("/users/{username}/disable", vec!["post"]),
        ("/users/{username}/enable", vec!["post"]),
        ("/users/{username}/password", vec!["post"]),
        ("/categories", vec!["get"]),
        ("/units", vec!["get"]),
        ("/regions", vec!["get"]),
        ("/channels", vec!["get"]),
        ("/reports", vec!["get", "post"]),
        ("/reports/{ticket}", vec!["get"]),
        ("/reports/{ticket}/timeline", vec!["get"]),
        ("/reports/{ticket}/photos/{id}", vec!["get"]),
        ("/reports/{ticket}/photos/{id}/thumbnail", vec!["get"]),
        ("/reports/{ticket}/actions", vec!["post"]),
        ("/reports/{ticket}/messages", vec!["get", "post"]),
        ("/public/reports", vec!["get"]),
        ("/stats", vec!["get"]),
        ("/reports/{ticket}/reporter", vec!["post"]),
        ("/audit/identity-access", vec!["get"]),
        ("/admin/data-subject/search", vec!["post"]),
        ("/admin/data-subject/export", vec!["post"]),
        ("/admin/data-subject/erase", vec!["post"]),
        ("/triage", vec!["get"]),
        ("/reports/{ticket}/triage", vec!["post"]),
        ("/outbox", vec!["get"]),
        ("/outbox/{id}/retry", vec!["post"]),
    ]
    .into_iter()
    .map(|(path, methods)| (path, methods.into_iter().collect()))
    .collect()
}

/// Not an answer from a handler: the fallback's 404 or a method the route does not have.
fn no_such_endpoint(resp: &Resp) -> bool {
    resp.status == 405
        || (resp.status == 404
            && serde_json::from_slice::<Value>(&resp.body)
                .ok()
                .and_then(|b| b["error"]["message"].as_str().map(str::to_owned))
                .is_some_and(|m| m.contains("no such endpoint")))
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_exactly_the_endpoints() {
    let app = TestApp::spawn().await;
    let resp = app.anonymous().get("/openapi.json").await;
    assert!(
        resp.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{resp:?}"
    );
    let doc = resp.expect(200);
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1."), "{version}");
    assert!(doc["info"]["title"].is_string());
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("bearer")
    );
    let paths = doc["paths"].as_object().expect("paths");
    let listed: BTreeMap<&str, BTreeSet<&str>> = paths
        .iter()
        .map(|(path, item)| {
            let methods = METHODS
                .into_iter()
                .filter(|m| item.get(*m).is_some())
                .collect();
            (path.as_str(), methods)
        })
        .collect();
    assert_eq!(listed, documented());
    // The error body every endpoint answers with is described.
    let error_schema = &doc["components"]["schemas"]["ErrorBody"];
    assert!(error_schema.is_object(), "ErrorBody is a schema");
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let view = citizen
        .submit_with_photos(&common::report_body("jalan", "31.74.01"), vec![png()])
        .await
        .expect(201);
    let ticket = ticket_of(&view);
    let photo = view["photos"][0]["id"].as_i64().expect("a photo id");
    // Logging out ends a session: give it one of its own.
    let leaving = app.login_as(&citizen.username).await;

    let doc = app.anonymous().get("/openapi.json").await.expect(200);
    let paths = doc["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (path, item) in paths {
        for method in METHODS.into_iter().filter(|m| item.get(*m).is_some()) {
            let filled = path
                .replace("{ticket}", &ticket)
                .replace("{id}", &photo.to_string());
            let caller: &Client = if path == "/auth/logout" {
                &leaving
            } else {
                &citizen
            };
            let resp = match method {
                "get" => caller.get(&filled).await,
                "post" => caller.post_json(&filled, &json!({})).await,
                // An empty body: refused (no password), so the account stays.
                "delete" => {
                    let req = caller
                        .http
                        .delete(format!("{}/api/v1{filled}", caller.base));
                    caller.send(req.json(&json!({}))).await
                }
                other => panic!("{other} {path}: a method the test does not know"),
            };
            assert!(
                !no_such_endpoint(&resp),
                "{method} {path} is documented but not served: {resp:?}"
            );
            assert!(resp.status < 500, "{method} {path}: {resp:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 35);
}

#[tokio::test]
async fn what_is_not_documented_is_not_found() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/reports/extra/segments/here/too",
        &format!("/api/v1/reports/{ticket}/comments"),
        "/api/v2/reports",
        "/api",
    ] {
        let resp = app.get_raw(path).await;
        resp.error(404, "not_found");
        assert!(no_such_endpoint(&resp), "{path}: {resp:?}");
    }
    // Outside the API an unknown path is a page for people (tests/pages_region_map.rs).
    let page = app.get_raw("/nope").await;
    assert_eq!(page.status, 404, "{page:?}");
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{page:?}"
    );
    let resp = citizen
        .post_json("/nope", &json!({"action": "accept"}))
        .await;
    resp.error(404, "not_found");
}

#[tokio::test]
async fn a_method_a_route_does_not_have_is_405_in_the_api_format() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/api/v1/reports", "POST"),
        (reqwest::Method::GET, "/api/v1/auth/login", "POST"),
        (reqwest::Method::PUT, "/api/v1/me", "GET"),
    ] {
        let resp = app
            .anonymous()
            .send(app.http.request(method.clone(), app.url(path)))
            .await;
        assert!(
            resp.header("allow").is_some_and(|a| a.contains(allow)),
            "{method} {path}: {resp:?}"
        );
        resp.error_shape(405);
    }
}

#[tokio::test]
async fn path_parameters_that_do_not_parse_are_404_in_the_api_format() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    for id in ["abc", "99999999999999999999", "1.5"] {
        citizen
            .get(&format!("/reports/{ticket}/photos/{id}"))
            .await
            .error(404, "not_found");
    }
    // Not UTF-8 once decoded.
    citizen.get("/reports/%FF%FE").await.error(404, "not_found");
}

#[tokio::test]
async fn healthz_is_ok() {
    let app = TestApp::spawn().await;
    let resp = app.get_raw("/healthz").await;
    assert_eq!(resp.status, 200, "{resp:?}");
    assert_eq!(resp.text(), "ok");
}

/// `/healthz` with a deadline of its own: a health check that hangs would tell a load
/// balancer nothing.
async fn healthz_within(app: &TestApp, bound: std::time::Duration) -> (u16, String) {
    let started = std::time::Instant::now();
    let resp = app
        .http
        .get(app.url("/healthz"))
        .timeout(bound)
        .send()
        .await
        .unwrap_or_else(|e| panic!("/healthz did not answer within {bound:?}: {e}"));
    let status = resp.status().as_u16();
    let body = resp
        .text()
        .await
        .unwrap_or_else(|e| panic!("/healthz: an unreadable body: {e}"));
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    (status, body)
}

/// A store that stops answering (a session holding the users table locked) or that is
/// gone (its database dropped under the app) makes `/healthz` answer 503, soon, and say
/// why; the store answering again makes it 200.
#[tokio::test]
async fn healthz_is_503_while_the_store_does_not_answer_or_is_gone() {
    use sqlx::Connection;

    let app = TestApp::spawn_on_postgres().await;
    let bound = std::time::Duration::from_secs(15);
    assert_eq!(healthz_within(&app, bound).await, (200, "ok".to_owned()));

    // Another session takes the users table and keeps it: the store's queries wait.
    let mut holder = sqlx::PgConnection::connect(app.postgres_url())
        .await
        .unwrap();
    let mut hold = holder.begin().await.unwrap();
    sqlx::query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *hold)
        .await
        .unwrap();
    assert_eq!(
        healthz_within(&app, bound).await,
        (503, "store unavailable".to_owned())
    );
    hold.rollback().await.unwrap();
    holder.close().await.unwrap();
    // The store answers again; a query still waiting behind the lock may hold a
    // connection a moment longer, so allow a few checks.
    let started = std::time::Instant::now();
    loop {
        let (status, body) = healthz_within(&app, bound).await;
        if status == 200 {
            assert_eq!(body, "ok");
            break;
        }
        assert!(started.elapsed() < bound, "{status} {body}");
    }

    // The database is dropped under the app (its connections closed by the server).
    let options: sqlx::postgres::PgConnectOptions = app.postgres_url().parse().unwrap();
    let name = options.get_database().unwrap().to_owned();
    let mut admin = sqlx::PgConnection::connect(&aduan_store::postgres::scratch::server_url())
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    for _ in 0..2 {
        assert_eq!(
            healthz_within(&app, bound).await,
            (503, "store unavailable".to_owned())
        );
    }
}

/// Every `$ref` in `value`, e.g. `#/components/schemas/ErrorBody`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The document holds together as OpenAPI 3.1 requires: each path template's parameters
/// are declared `in: path`, required, and nothing else is; parameters are not repeated;
/// each response has a description; each `$ref` resolves; and each operation declares the
/// errors its shape can answer, in the API's error format.
#[tokio::test]
async fn the_document_is_structurally_valid() {
    let app = TestApp::spawn().await;
    let doc = app.anonymous().get("/openapi.json").await.expect(200);
    let mut problems = Vec::new();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let templated: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        for method in METHODS.into_iter().filter(|m| item.get(*m).is_some()) {
            let op = &item[method];
            let at = format!("{method} {path}");
            if let Some(id) = op["operationId"].as_str()
                && !operation_ids.insert(id.to_owned())
            {
                problems.push(format!("{at}: operationId {id} is repeated"));
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut seen = BTreeSet::new();
            let mut in_path = BTreeSet::new();
            for p in &params {
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let place = p["in"].as_str().unwrap_or_default().to_owned();
                if !["path", "query", "header", "cookie"].contains(&place.as_str()) {
                    problems.push(format!("{at}: {name} is in {place:?}"));
                }
                if !seen.insert((name.clone(), place.clone())) {
                    problems.push(format!("{at}: {name} ({place}) is declared twice"));
                }
                if place == "path" {
                    if p["required"] != true {
                        problems.push(format!("{at}: path parameter {name} is not required"));
                    }
                    in_path.insert(name);
                }
            }
            if in_path != templated {
                problems.push(format!(
                    "{at}: path parameters {in_path:?}, template {templated:?}"
                ));
            }
            let responses = op["responses"].as_object().expect("responses");
            if !responses.keys().any(|s| s.starts_with('2')) {
                problems.push(format!("{at}: no success response"));
            }
            for (status, response) in responses {
                if !response["description"].is_string() {
                    problems.push(format!("{at} {status}: no description"));
                }
                if status.starts_with('4')
                    && response["content"]["application/json"]["schema"]["$ref"]
                        != "#/components/schemas/ErrorBody"
                {
                    problems.push(format!("{at} {status}: not the error format"));
                }
            }
            let has_query = params.iter().any(|p| p["in"] == "query");
            let body = op.get("requestBody").is_some();
            let mut expected = Vec::new();
            if !templated.is_empty() {
                expected.push("404");
            }
            if has_query {
                expected.extend(["400", "422"]);
            }
            if body {
                expected.extend(["400", "413", "415", "422"]);
            }
            if method != "get" {
                expected.push("403");
            }
            if op.get("security").is_some() {
                expected.push("401");
            }
            for status in expected {
                if !responses.contains_key(status) {
                    problems.push(format!("{at}: {status} is not declared"));
                }
            }
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in targets {
        let pointer = target.trim_start_matches('#');
        if !target.starts_with("#/") || doc.pointer(pointer).is_none() {
            problems.push(format!("$ref {target} does not resolve"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
