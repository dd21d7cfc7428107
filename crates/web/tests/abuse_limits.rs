//! The abuse limits over HTTP: the sign-in throttle (per address, per account and address,
//! per account), registrations and submissions per hour, and what the sign-in page says.
//! Waits are configured to a second or two; a test sleeps only as long as `Retry-After`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod citizen_browser;
mod common;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use serde_json::{Value, json};

use aduan_domain::Role;
use aduan_web::WebConfig;
use aduan_web::limits::{Backoff, LimitsConfig};
use citizen_browser::Browser;
use common::{Client, PASSWORD, Resp, TestApp, report_body, test_limits};

/// The pair locks after 10 failures for 2 s, then 4 s.
fn short_waits() -> LimitsConfig {
    let mut limits = test_limits();
    limits.sign_in.per_pair = Backoff {
        free: 10,
        base: Duration::from_secs(2),
        max: Duration::from_secs(4),
    };
    limits
}

async fn app_with(limits: LimitsConfig) -> TestApp {
    TestApp::spawn_with_limits(WebConfig {
        secure_cookies: false,
        limits,
        ..WebConfig::default()
    })
    .await
}

/// An HTTP client whose connections come from `ip` (any 127.0.0.0/8 address is local).
fn from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(ip))
        .build()
        .expect("a client")
}

async fn login_from(app: &TestApp, http: &reqwest::Client, user: &str, password: &str) -> Resp {
    let body = json!({"username": user, "password": password});
    let req = http.post(app.url("/api/v1/auth/login")).json(&body);
    Resp::read(req.send().await.expect("send")).await
}

fn retry_after(resp: &Resp) -> u64 {
    resp.header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {resp:?}"))
}

async fn citizen(app: &TestApp) -> String {
    let username = app.unique("warga");
    app.create_account(&username, Role::Citizen, None, None)
        .await;
    username
}

#[tokio::test]
async fn the_eleventh_wrong_password_waits_and_so_does_the_right_one() {
    let app = app_with(short_waits()).await;
    let user = citizen(&app).await;
    let http = from([127, 0, 0, 1]);
    for _ in 0..10 {
        login_from(&app, &http, &user, "salah-sekali-ini")
            .await
            .error(401, "unauthorized");
    }
    let refused = login_from(&app, &http, &user, "salah-sekali-ini").await;
    refused.error(429, "too_many_requests");
    let wait = retry_after(&refused);
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    // The right password is no key past the lock.
    let right = login_from(&app, &http, &user, PASSWORD).await;
    right.error(429, "too_many_requests");
    tokio::time::sleep(Duration::from_secs(retry_after(&right))).await;
    // One more failure after the wait: the next wait is longer.
    login_from(&app, &http, &user, "salah-sekali-ini")
        .await
        .error(401, "unauthorized");
    let longer = login_from(&app, &http, &user, PASSWORD).await;
    longer.error(429, "too_many_requests");
    assert!(retry_after(&longer) > 2, "{longer:?}");
    tokio::time::sleep(Duration::from_secs(retry_after(&longer))).await;
    login_from(&app, &http, &user, PASSWORD).await.expect(200);
    // The success cleared the count: a typo now is just a 401.
    login_from(&app, &http, &user, "salah-sekali-ini")
        .await
        .error(401, "unauthorized");
}

#[tokio::test]
async fn a_stranger_guessing_does_not_lock_the_owner_out() {
    let app = app_with(test_limits()).await;
    let user = citizen(&app).await;
    let stranger = from([127, 0, 0, 1]);
    for _ in 0..10 {
        login_from(&app, &stranger, &user, "tebak-tebakan")
            .await
            .error(401, "unauthorized");
    }
    login_from(&app, &stranger, &user, PASSWORD)
        .await
        .error(429, "too_many_requests");
    // The owner, elsewhere, signs in at once.
    login_from(&app, &from([127, 0, 0, 2]), &user, PASSWORD)
        .await
        .expect(200);
}

#[tokio::test]
async fn spraying_one_account_from_many_addresses_spares_the_owners_address() {
    let mut limits = test_limits();
    limits.sign_in.per_account = Backoff {
        free: 6,
        base: Duration::from_secs(30),
        max: Duration::from_secs(60),
    };
    let app = app_with(limits).await;
    let user = citizen(&app).await;
    let owner = from([127, 0, 0, 200]);
    login_from(&app, &owner, &user, PASSWORD).await.expect(200);
    // Three addresses, two guesses each: the account's own count runs out.
    for last in 10..13 {
        let bot = from([127, 0, 0, last]);
        for _ in 0..2 {
            login_from(&app, &bot, &user, "tebak-tebakan")
                .await
                .error(401, "unauthorized");
        }
    }
    let fresh_bot = login_from(&app, &from([127, 0, 0, 50]), &user, "tebak").await;
    fresh_bot.error(429, "too_many_requests");
    assert!(retry_after(&fresh_bot) <= 60);
    // The owner's usual address is not held by the account's lock.
    login_from(&app, &owner, &user, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn rate_limits_off_keeps_the_sign_in_throttle() {
    let app = app_with(LimitsConfig::default().without_rates()).await;
    let user = citizen(&app).await;
    let http = from([127, 0, 0, 1]);
    for _ in 0..10 {
        login_from(&app, &http, &user, "salah-sekali-ini")
            .await
            .error(401, "unauthorized");
    }
    let refused = login_from(&app, &http, &user, PASSWORD).await;
    refused.error(429, "too_many_requests");
    retry_after(&refused);
    // ...while registrations are not limited.
    for _ in 0..12 {
        app.register_citizen("bench").await;
    }
}

#[tokio::test]
async fn registrations_are_limited_per_address() {
    let mut limits = test_limits();
    limits.registrations_per_address = NonZeroU32::new(2);
    let app = app_with(limits).await;
    app.register_citizen("warga").await;
    app.register_citizen("warga").await;
    let body = json!({"username": app.unique("warga"), "password": PASSWORD});
    let refused = app.register(&body).await;
    refused.error(429, "too_many_requests");
    assert!(retry_after(&refused) > 60, "{refused:?}");
    // Nothing was created.
    let username = body["username"].as_str().unwrap_or_default();
    app.login(username, PASSWORD)
        .await
        .error(401, "unauthorized");
    // The form says so too, in Indonesian.
    let page = Browser::new(&app)
        .post(
            "/daftar",
            &[("username", "warga-lain"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 429, "{page:?}");
    retry_after(&page);
    assert!(
        page.text().contains("Terlalu banyak permintaan"),
        "{}",
        page.text()
    );
    // Another address registers.
    let req = from([127, 0, 0, 2])
        .post(app.url("/api/v1/auth/register"))
        .json(&body);
    Resp::read(req.send().await.expect("send"))
        .await
        .expect(201);
}

/// `of`, signed in as it is, but connecting from `ip`.
fn client_from(ip: [u8; 4], of: &Client) -> Client {
    Client {
        http: from(ip),
        base: of.base.clone(),
        token: of.token.clone(),
        username: of.username.clone(),
    }
}

fn road() -> Value {
    report_body("jalan", "31.74.01")
}

#[tokio::test]
async fn submissions_are_limited_per_account() {
    let mut limits = test_limits();
    limits.submissions_per_account = NonZeroU32::new(2);
    limits.submissions_per_address = NonZeroU32::new(100);
    let app = app_with(limits).await;
    let warga = app.register_citizen("warga").await;
    warga.submit_report(&road()).await.expect(201);
    warga.submit_report(&road()).await.expect(201);
    let refused = warga.submit_report(&road()).await;
    refused.error(429, "too_many_requests");
    retry_after(&refused);
    // From another address the account is still at its limit...
    client_from([127, 0, 0, 2], &warga)
        .submit_report(&road())
        .await
        .error(429, "too_many_requests");
    // ...while another citizen files, and desk operators are not limited.
    app.register_citizen("warga").await.file_road_report().await;
    let operator = app.staff(Role::Operator, None).await;
    for _ in 0..3 {
        operator.file("jalan", "31.74.01").await;
    }
}

#[tokio::test]
async fn submissions_are_limited_per_address() {
    let mut limits = test_limits();
    limits.submissions_per_account = NonZeroU32::new(100);
    limits.submissions_per_address = NonZeroU32::new(3);
    let app = app_with(limits).await;
    let (a, b) = (
        app.register_citizen("warga").await,
        app.register_citizen("warga").await,
    );
    a.file_road_report().await;
    b.file_road_report().await;
    a.file_road_report().await;
    b.submit_report(&road())
        .await
        .error(429, "too_many_requests");
    client_from([127, 0, 0, 2], &b)
        .submit_report(&road())
        .await
        .expect(201);
}

#[tokio::test]
async fn the_sign_in_page_says_to_wait_in_indonesian_and_english() {
    let app = app_with(short_waits()).await;
    let user = citizen(&app).await;
    let browser = Browser::new(&app);
    for _ in 0..10 {
        let resp = browser
            .post(
                "/masuk",
                &[("username", &user), ("password", "salah-sekali-ini")],
            )
            .await;
        assert_eq!(resp.status, 401, "{resp:?}");
    }
    let resp = browser
        .post("/masuk", &[("username", &user), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 429, "{resp:?}");
    retry_after(&resp);
    assert!(
        resp.text()
            .contains("Terlalu banyak percobaan masuk. Coba lagi dalam 1 menit."),
        "{}",
        resp.text()
    );
    let resp = browser
        .post(
            "/masuk?lang=en",
            &[("username", &user), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(resp.status, 429, "{resp:?}");
    assert!(
        resp.text()
            .contains("Too many sign-in attempts. Try again in 1 minute(s)."),
        "{}",
        resp.text()
    );
}
