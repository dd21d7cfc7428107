//! Accounts and sessions: registration rules, signing in and out, `GET /me`, the cookie.

mod common;

use serde_json::json;

use aduan_domain::Role;
use common::{Client, PASSWORD, SUDIN, TestApp};

#[tokio::test]
async fn registration_checks_its_input() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"username": "warga-1", "password": "pendek"}),
            "password",
        ),
        (
            json!({"username": "warga-1", "password": "x".repeat(129)}),
            "password",
        ),
        (json!({"username": "wa", "password": PASSWORD}), "username"),
        (
            json!({"username": "warga satu", "password": PASSWORD}),
            "username",
        ),
        (
            json!({"username": "warga@satu", "password": PASSWORD}),
            "username",
        ),
        (
            json!({"username": "w".repeat(33), "password": PASSWORD}),
            "username",
        ),
        (
            json!({"username": "warga-1", "password": PASSWORD, "phone": "0812-abc"}),
            "phone",
        ),
        (
            json!({"username": "warga-1", "password": PASSWORD, "phone": "123"}),
            "phone",
        ),
        (
            json!({"username": "warga-1", "password": PASSWORD, "email": "bukan-email"}),
            "email",
        ),
        (json!({"username": "warga-1"}), "body"),
    ];
    for (body, field) in cases {
        let resp = app.register(&body).await;
        assert_eq!(resp.status, 422, "{body}: {resp:?}");
        resp.invalid(field);
    }
    // None of those created the account.
    app.login("warga-1", PASSWORD)
        .await
        .error(401, "unauthorized");
    app.register(&json!({"username": "warga-1", "password": "x"}))
        .await
        .error(422, "validation_failed");

    let created = app
        .register(
            &json!({"username": "Warga-1", "password": PASSWORD, "display_name": "Warga Satu"}),
        )
        .await
        .expect(201);
    assert_eq!(created["token_type"], "Bearer");
    assert!(created["token"].as_str().is_some_and(|t| t.len() >= 32));
    assert!(created["expires_at"].is_string());
    assert_eq!(
        created["user"]["username"], "warga-1",
        "usernames are lower case"
    );
    assert_eq!(created["user"]["role"], "citizen");
    assert_eq!(created["user"]["unit"], serde_json::Value::Null);

    for again in ["warga-1", "WARGA-1", " warga-1 "] {
        app.register(&json!({"username": again, "password": "lain-lagi-123"}))
            .await
            .error(409, "conflict");
    }
    app.register(&json!({"username": "warga-1"}))
        .await
        .error(422, "validation_failed");
    app.anonymous()
        .post_raw(
            "/auth/register",
            "application/json",
            b"{\"username\":".to_vec(),
        )
        .await
        .error(400, "bad_request");
    app.anonymous()
        .post_raw("/auth/register", "text/plain", b"warga".to_vec())
        .await
        .error(415, "unsupported_media_type");
}

#[tokio::test]
async fn registration_takes_phone_numbers_as_people_write_them_and_stores_e164() {
    let app = TestApp::spawn().await;
    for (n, written) in [
        "0813-7777-4321",
        "+62 813-7777-4321",
        "(0813) 7777-4321",
        "0813.7777.4321",
        "62813 7777 4321",
    ]
    .into_iter()
    .enumerate()
    {
        let citizen = app
            .register_client(json!({"username": format!("warga-{n}"), "phone": written}))
            .await;
        let me = citizen.get("/me").await.expect(200);
        assert_eq!(me["phone"], "+6281377774321", "{written}");
    }
    let landline = app
        .register_client(json!({"username": "kantor", "phone": "021-555-1234"}))
        .await;
    assert_eq!(
        landline.get("/me").await.expect(200)["phone"],
        "+62215551234"
    );

    for refused in [
        "0813-777",
        "0813-7777-4321-99",
        "813-7777-4321",
        "0813 7777 432l",
    ] {
        let body = json!({"username": "warga-x", "password": PASSWORD, "phone": refused});
        let resp = app.register(&body).await;
        assert_eq!(resp.status, 422, "{refused}: {resp:?}");
        resp.invalid("phone");
    }
    app.login("warga-x", PASSWORD)
        .await
        .error(401, "unauthorized");
}

#[tokio::test]
async fn signing_in_with_a_wrong_password_or_unknown_user_says_the_same() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let wrong = app.login(&citizen.username, "bukan-kata-sandinya").await;
    let unknown = app.login("tidak-ada-orangnya", PASSWORD).await;
    let wrong = wrong.error(401, "unauthorized");
    let unknown = unknown.error(401, "unauthorized");
    assert_eq!(wrong["message"], unknown["message"]);
    assert!(wrong.get("fields").is_none());

    let ok = app.login(&citizen.username.to_uppercase(), PASSWORD).await;
    assert_eq!(
        ok.expect(200)["user"]["username"],
        citizen.username.as_str()
    );
}

#[tokio::test]
async fn me_names_the_role_and_unit() {
    let app = TestApp::spawn().await;
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    let me = officer.get("/me").await.expect(200);
    assert_eq!(me["role"], "officer");
    assert_eq!(me["username"], officer.username.as_str());
    assert_eq!(
        me["unit"],
        json!({"code": SUDIN, "name": "Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan"})
    );
    let coordinator = app.staff(Role::Coordinator, None).await;
    let me = coordinator.get("/me").await.expect(200);
    assert_eq!(me["role"], "coordinator");
    assert!(me["unit"].is_null());
    let citizen = app.register_citizen("warga").await;
    assert_eq!(citizen.get("/me").await.expect(200)["role"], "citizen");
}

#[tokio::test]
async fn logging_out_ends_that_session_only() {
    let app = TestApp::spawn().await;
    let first = app.register_citizen("warga").await;
    let second = app.login_as(&first.username).await;
    first.get("/me").await.expect(200);

    let out = first.post_json("/auth/logout", &json!({})).await;
    assert_eq!(out.status, 204, "{out:?}");
    let clear = out.header("set-cookie").expect("the cookie is cleared");
    assert!(clear.starts_with("aduan_session=;"), "{clear}");
    assert!(clear.contains("Max-Age=0"), "{clear}");

    first.get("/me").await.error(401, "unauthorized");
    first.get("/reports").await.error(401, "unauthorized");
    first
        .post_json("/auth/logout", &json!({}))
        .await
        .error(401, "unauthorized");
    second.get("/me").await.expect(200);
    app.anonymous()
        .post_json("/auth/logout", &json!({}))
        .await
        .error(401, "unauthorized");
}

#[tokio::test]
async fn the_session_cookie_alone_signs_in() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let login = app.login(&citizen.username, PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    let cookie = login.header("set-cookie").expect("a session cookie");
    let token = login.json()["token"].as_str().expect("a token").to_owned();
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    assert_eq!(attributes[0], format!("aduan_session={token}"));
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
    assert!(attributes.contains(&"Path=/"), "{cookie}");
    assert!(
        !attributes.contains(&"Secure"),
        "plain HTTP in tests: {cookie}"
    );

    let by_cookie = app.anonymous();
    let me = by_cookie
        .send(
            app.http
                .get(app.url("/api/v1/me"))
                .header("cookie", attributes[0]),
        )
        .await;
    assert_eq!(me.expect(200)["username"], citizen.username.as_str());
    let bad = by_cookie
        .send(
            app.http
                .get(app.url("/api/v1/me"))
                .header("cookie", "aduan_session=basi"),
        )
        .await;
    bad.error(401, "unauthorized");
    let other = by_cookie
        .send(
            app.http
                .get(app.url("/api/v1/me"))
                .header("cookie", "tema=gelap"),
        )
        .await;
    other.error(401, "unauthorized");

    // The cookie's own session ends at logout, like the token's (an unsafe call riding on
    // the cookie carries its CSRF token: tests/api_csrf.rs).
    let csrf = by_cookie
        .send(
            app.http
                .get(app.url("/api/v1/me"))
                .header("cookie", attributes[0]),
        )
        .await
        .expect(200)["csrf_token"]
        .as_str()
        .expect("a csrf_token for a cookie caller")
        .to_owned();
    let logout = by_cookie
        .send(
            app.http
                .post(app.url("/api/v1/auth/logout"))
                .header("cookie", attributes[0])
                .header("x-csrf-token", csrf),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    let client = Client {
        token: Some(token),
        ..app.anonymous()
    };
    client.get("/me").await.error(401, "unauthorized");
}

#[tokio::test]
async fn cookies_are_secure_by_default() {
    let app = TestApp::spawn_with(aduan_web::WebConfig::default()).await;
    let citizen = app.register_citizen("warga").await;
    let login = app.login(&citizen.username, PASSWORD).await;
    let cookie = login.header("set-cookie").expect("a session cookie");
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
}

#[tokio::test]
async fn a_stale_cookie_reads_public_reports_as_anyone_while_a_stale_bearer_is_refused() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    let path = format!("/api/v1/reports/{ticket}");
    let anyone = app.anonymous();
    let stale_cookie = anyone
        .send(
            app.http
                .get(app.url(&path))
                .header("cookie", "aduan_session=basi"),
        )
        .await;
    assert_eq!(stale_cookie.expect(200)["ticket"], ticket.as_str());
    let stale_bearer = anyone
        .send(
            app.http
                .get(app.url(&path))
                .header("authorization", "Bearer basi"),
        )
        .await;
    stale_bearer.error(401, "unauthorized");
}
