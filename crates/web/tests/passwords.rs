//! The password policy at registration: long enough, not common, not the username; the
//! reason in the caller's language. Accounts made before the policy still sign in.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod citizen_browser;
mod common;

use chrono::Utc;
use serde_json::json;

use aduan_domain::Role;
use aduan_store::NewUser;
use citizen_browser::Browser;
use common::TestApp;

#[tokio::test]
async fn weak_passwords_are_refused_at_registration_with_the_reason() {
    let app = TestApp::spawn().await;
    let cases = [
        ("password", "at least 10 characters"),
        ("12345678", "at least 10 characters"),
        ("qwertyuiop", "too easy to guess"),
        ("1234567890", "too easy to guess"),
        ("password123", "too easy to guess"),
        ("budi-santoso-2024", "must not contain the username"),
    ];
    for (password, reason) in cases {
        let body = json!({"username": "budi-santoso", "password": password});
        let resp = app.register(&body).await;
        let fields = resp.invalid("password");
        let said = fields["fields"]["password"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(said.contains(reason), "{password}: {said}");
    }
    // None of them created the account; a strong one does.
    let body = json!({"username": "budi-santoso", "password": "kuda-merah-lari-pagi"});
    app.register(&body).await.expect(201);
}

#[tokio::test]
async fn the_register_page_explains_in_indonesian_and_english() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let resp = browser
        .post(
            "/daftar",
            &[("username", "warga-baru"), ("password", "qwertyuiop")],
        )
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text().contains("terlalu mudah ditebak"),
        "{}",
        resp.text()
    );
    let resp = browser
        .post(
            "/daftar?lang=en",
            &[("username", "warga-baru"), ("password", "pendek")],
        )
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text()
            .contains("The password must be at least 10 characters."),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn an_account_made_before_the_policy_still_signs_in() {
    let app = TestApp::spawn().await;
    let hash = aduan_web::hash_password("12345678".into())
        .await
        .expect("a hash");
    app.store
        .create_user(NewUser {
            username: "lama".into(),
            password_hash: hash,
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            sealed_identity: None,
            created_at: Utc::now(),
        })
        .await
        .expect("an account");
    app.login("lama", "12345678").await.expect(200);
}
