//! The account lifecycle over HTTP: admins disable and enable accounts and set temporary
//! passwords, everyone changes their own, and staff sessions end after 12 hours or 2 idle.

mod common;

use serde_json::json;

use aduan_domain::Role;
use aduan_web::WebConfig;
use common::{Client, PASSWORD, SUDIN, TestApp};

const NEW_PASSWORD: &str = "kata-sandi-baru-sekali";

async fn admin(app: &TestApp) -> Client {
    app.staff(Role::Admin, None).await
}

#[tokio::test]
async fn only_admins_manage_accounts() {
    let app = TestApp::spawn().await;
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    let citizen = app.register_citizen("warga").await;
    let target = &officer.username;
    for caller in [&coordinator, &citizen, &officer] {
        for action in ["disable", "enable"] {
            caller
                .post_json(&format!("/users/{target}/{action}"), &json!({}))
                .await
                .error(403, "forbidden");
        }
        caller
            .post_json(
                &format!("/users/{target}/password"),
                &json!({"password": NEW_PASSWORD}),
            )
            .await
            .error(403, "forbidden");
    }
    app.anonymous()
        .post_json(&format!("/users/{target}/disable"), &json!({}))
        .await
        .error(401, "unauthorized");
    // None of it touched the account.
    officer.get("/me").await.expect(200);
    let admin = admin(&app).await;
    admin
        .post_json("/users/nobody-here/disable", &json!({}))
        .await
        .error(404, "not_found");
    admin
        .post_json(
            "/users/nobody-here/password",
            &json!({"password": NEW_PASSWORD}),
        )
        .await
        .error(404, "not_found");
    // An admin does not lock themself out.
    admin
        .post_json(&format!("/users/{}/disable", admin.username), &json!({}))
        .await
        .error(409, "conflict");
}

#[tokio::test]
async fn disabling_ends_every_session_at_once_and_refuses_sign_in() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let first = app.staff(Role::Officer, Some(SUDIN)).await;
    let second = app.login_as(&first.username).await;
    first.get("/me").await.expect(200);
    second.get("/me").await.expect(200);

    let disabled = admin
        .post_json(&format!("/users/{}/disable", first.username), &json!({}))
        .await
        .expect(200);
    assert_eq!(disabled["username"], first.username.as_str());
    first.get("/me").await.error(401, "unauthorized");
    second.get("/me").await.error(401, "unauthorized");
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE disabled <> false)")
            .await,
        0
    );
    // The right password is refused in the words of a wrong one.
    let right = app
        .login(&first.username, PASSWORD)
        .await
        .error(401, "unauthorized");
    let wrong = app
        .login(&first.username, "salah-salah-salah")
        .await
        .error(401, "unauthorized");
    assert_eq!(right, wrong);

    admin
        .post_json(&format!("/users/{}/enable", first.username), &json!({}))
        .await
        .expect(200);
    app.login_as(&first.username)
        .await
        .get("/me")
        .await
        .expect(200);
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    let name = officer.username.clone();
    let path = format!("/users/{name}/password");
    admin
        .post_json(&path, &json!({"password": "pendek"}))
        .await
        .invalid("password");
    officer.get("/me").await.expect(200);

    let temporary = "sementara-dari-admin";
    admin
        .post_json(&path, &json!({"password": temporary}))
        .await
        .expect(204);
    // Its sessions ended, and the old password is gone.
    officer.get("/me").await.error(401, "unauthorized");
    app.login(&name, PASSWORD).await.error(401, "unauthorized");

    let token = app.login(&name, temporary).await.expect(200)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let flagged = Client {
        token: Some(token.clone()),
        ..officer.clone()
    };
    let refused = flagged
        .get("/reports")
        .await
        .error(403, "password_change_required");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("/me/password")
    );
    flagged
        .post_json("/reports", &common::report_body("jalan-rusak", "31.74.01"))
        .await
        .error(403, "password_change_required");
    flagged.get("/me").await.expect(200);
    // The pages send it to the change-password page.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser
        .get(app.url("/petugas?lang=en"))
        .header("cookie", format!("aduan_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/akun/kata-sandi?lang=en");
    let form = browser
        .get(app.url("/akun/kata-sandi"))
        .header("cookie", format!("aduan_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(
        form.text()
            .await
            .unwrap()
            .contains("Kata sandi Anda sementara")
    );

    flagged
        .post_json(
            "/me/password",
            &json!({"current_password": temporary, "new_password": temporary}),
        )
        .await
        .invalid("new_password");
    flagged
        .post_json(
            "/me/password",
            &json!({"current_password": temporary, "new_password": NEW_PASSWORD}),
        )
        .await
        .expect(204);
    flagged.get("/reports").await.expect(200);
    app.login(&name, NEW_PASSWORD).await.expect(200);
}

#[tokio::test]
async fn changing_ones_password_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let here = app.register_citizen("warga").await;
    let elsewhere = app.login_as(&here.username).await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    here.post_json("/me/password", &change("salah-sekali-ini", NEW_PASSWORD))
        .await
        .error(403, "forbidden");
    here.post_json("/me/password", &change(PASSWORD, "pendek"))
        .await
        .invalid("password");
    app.anonymous()
        .post_json("/me/password", &change(PASSWORD, NEW_PASSWORD))
        .await
        .error(401, "unauthorized");
    // Nothing changed so far.
    elsewhere.get("/me").await.expect(200);
    app.login(&here.username, PASSWORD).await.expect(200);

    here.post_json("/me/password", &change(PASSWORD, NEW_PASSWORD))
        .await
        .expect(204);
    here.get("/me").await.expect(200);
    elsewhere.get("/me").await.error(401, "unauthorized");
    app.login(&here.username, PASSWORD)
        .await
        .error(401, "unauthorized");
    app.login(&here.username, NEW_PASSWORD).await.expect(200);
}

#[tokio::test]
async fn staff_sessions_end_after_12_hours() {
    let app = TestApp::spawn().await;
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    let body = app.login(&officer.username, PASSWORD).await.expect(200);
    let expires: chrono::DateTime<chrono::Utc> =
        body["expires_at"].as_str().unwrap().parse().unwrap();
    let hours = (expires - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((11.9..=12.0).contains(&hours), "{hours} hours");
    // Used a minute ago, but opened 12 hours and a minute ago.
    app.age_sessions(&officer.username, 12 * 60 + 1, 1).await;
    officer.get("/me").await.error(401, "unauthorized");

    // A citizen's session lasts 30 days.
    let citizen = app.register_citizen("warga").await;
    app.age_sessions(&citizen.username, 29 * 24 * 60, 3 * 60)
        .await;
    citizen.get("/me").await.expect(200);
}

#[tokio::test]
async fn staff_sessions_end_after_2_idle_hours_and_use_keeps_them() {
    let app = TestApp::spawn().await;
    let officer = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    let busy = app.staff(Role::Coordinator, None).await;
    app.age_sessions(&officer.username, 2 * 60 + 1, 2 * 60 + 1)
        .await;
    officer.get("/me").await.error(401, "unauthorized");

    // Idle 90 minutes, then used: idle counts again from that use.
    app.age_sessions(&busy.username, 90, 90).await;
    busy.get("/me").await.expect(200);
    app.age_sessions(&busy.username, 90, 90).await;
    busy.get("/me").await.expect(200);
}

#[tokio::test]
async fn the_idle_limit_is_configurable() {
    let app = TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        staff_idle_timeout: std::time::Duration::from_secs(30 * 60),
        ..Default::default()
    })
    .await;
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    app.age_sessions(&officer.username, 31, 31).await;
    officer.get("/me").await.error(401, "unauthorized");
}

#[tokio::test]
async fn the_lifecycle_is_documented() {
    let app = TestApp::spawn().await;
    let doc = app.anonymous().get("/openapi.json").await.expect(200);
    let paths = &doc["paths"];
    for (path, statuses) in [
        (
            "/users/{username}/disable",
            &["200", "401", "403", "404"][..],
        ),
        ("/users/{username}/enable", &["200", "401", "403", "404"]),
        (
            "/users/{username}/password",
            &["204", "401", "403", "404", "422"],
        ),
        ("/me/password", &["204", "401", "403", "422"]),
    ] {
        let responses = &paths[path]["post"]["responses"];
        for status in statuses {
            assert!(
                responses.get(status).is_some(),
                "{path} {status}: {responses}"
            );
        }
    }
}
