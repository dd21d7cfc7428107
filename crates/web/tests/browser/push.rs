//! "Kabari saya di perangkat ini" in a real browser (issue 17). Headless Chromium reaches no
//! real push service, so what is walked here is what can be: the button appears for a
//! signed-in citizen once the service worker (which shows the notifications) is in place,
//! the page stays clean on a phone, and pressing the button answers the citizen in words
//! (Chromium refuses the permission or the subscription here); with push off there is no
//! button. Delivery itself is tested end to end with a push service played by the test
//! (`tests/push_delivery.rs`); what the service worker does with a push that arrives is
//! walked here by handing Chromium the message aduan composes through its DevTools protocol
//! (`ServiceWorker.deliverPushMessage`), as its push service would.

use serde_json::{Value, json};

use aduan_domain::Ticket;
use aduan_web::push::{PushPayload, compose};

use crate::commands;
use crate::common::{PASSWORD, TestApp};
use crate::harness::{Browser, run, run_on_app};
use crate::steps::service_worker;
use aduan_web::WebConfig;
use aduan_web::push::PushConfig;

/// An app with Web Push on (a VAPID contact set).
async fn app_with_push() -> TestApp {
    TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        push: PushConfig {
            contact: Some("mailto:crm@jakarta.go.id".into()),
        },
        ..Default::default()
    })
    .await
}

async fn register(b: &Browser, username: &str) {
    b.goto("/daftar").await;
    b.fill("Nama pengguna", username).await;
    b.fill("Kata sandi", PASSWORD).await;
    b.press("Daftar").await;
}

/// Wait (in the page, up to 15 s) until `css` is shown; its text then.
async fn shown(b: &Browser, css: &str) -> Value {
    b.client()
        .execute_async(
            r"const [css, done] = arguments;
              const seen = () => { const e = document.querySelector(css); return e && !e.hidden ? e : null; };
              if (seen()) { done(seen().textContent); return; }
              const watch = new MutationObserver(() => {
                if (seen()) { watch.disconnect(); done(seen().textContent); }
              });
              watch.observe(document.body, { attributes: true, childList: true, subtree: true, characterData: true });
              setTimeout(() => { watch.disconnect(); done(null); }, 15000);",
            vec![json!(css)],
        )
        .await
        .expect("watch the page")
}

#[tokio::test]
async fn a_citizen_is_offered_notifications_on_this_device() {
    let app = app_with_push().await;
    run_on_app("push_button", app, |b| async move {
        register(&b, "warga.kabar").await;
        b.goto("/laporan-saya").await;
        let section = shown(&b, "#push").await;
        assert!(
            section
                .as_str()
                .is_some_and(|t| t.contains("Pemberitahuan")),
            "the notification box never showed: {section}"
        );
        assert_eq!(b.text("#push-toggle").await, "Kabari saya di perangkat ini");
        // The service worker that shows the notifications parsed and is in place.
        let worker = service_worker(&b).await;
        assert!(
            worker[0]
                .as_str()
                .is_some_and(|url| url.ends_with("/sw.js")),
            "{worker}"
        );
        b.check_page().await;
        b.screenshot("offered").await;

        // Pressed: Chromium here refuses the permission (or, granted, has no push service
        // to subscribe with); either way the citizen is told, in Indonesian, and nothing is
        // kept on the server.
        b.click("#push-toggle").await;
        let said = shown(&b, "#push-status").await;
        let said = said.as_str().unwrap_or_default().to_owned();
        assert!(
            said.starts_with("Browser tidak mengizinkan pemberitahuan")
                || said.starts_with("Pemberitahuan belum dapat diatur"),
            "{said:?}"
        );
        assert_eq!(
            b.app.count("SELECT count(*) FROM push_subscriptions").await,
            0
        );
        b.check_page().await;
        b.screenshot("pressed").await;

        // In English too.
        b.goto("/laporan-saya?lang=en").await;
        shown(&b, "#push").await;
        assert_eq!(b.text("#push-toggle").await, "Notify me on this device");
        b.screenshot("english").await;
    })
    .await;
}

#[tokio::test]
async fn without_push_there_is_no_button() {
    run("push_off", |b| async move {
        register(&b, "warga.sunyi").await;
        b.goto("/laporan-saya").await;
        assert!(b.find_all("#push").await.is_empty());
        b.check_page().await;
    })
    .await;
}

/// Hand the service worker of the app's origin a push message, as the push service would.
/// Chromium numbers registrations from 0 in a new profile, and takes a push for a number it
/// does not have (or has not stored yet) without a word: the message goes to the first
/// few numbers, and again until the notification shows (same tag: shown once).
async fn deliver_until_shown(b: &Browser, message: &[u8], shown: usize) -> Value {
    let origin = b.app.base.clone();
    let data = String::from_utf8(message.to_vec()).expect("the message is text");
    b.client()
        .issue_cmd(commands::dev_tools("ServiceWorker.enable", json!({})))
        .await
        .expect("the DevTools service worker domain");
    let mut seen = Value::Null;
    for _ in 0..10 {
        for registration in 0..4 {
            let command = commands::dev_tools(
                "ServiceWorker.deliverPushMessage",
                json!({
                    "origin": origin,
                    "registrationId": registration.to_string(),
                    "data": data,
                }),
            );
            b.client()
                .issue_cmd(command)
                .await
                .expect("a push handed to Chromium");
        }
        seen = notifications(b, shown).await;
        if seen.as_array().is_some_and(|list| list.len() >= shown) {
            return seen;
        }
    }
    panic!("no notification showed: {seen}");
}

/// The notifications the service worker shows, waited for (in the page, up to 3 s) until
/// `n` are.
async fn notifications(b: &Browser, n: usize) -> Value {
    b.client()
        .execute_async(
            r"const [n, done] = arguments;
              const until = performance.now() + 3000;
              const look = () => navigator.serviceWorker.ready
                .then((r) => r.getNotifications())
                .then((shown) => {
                  if (shown.length >= n || performance.now() > until) {
                    done(shown.map((s) => ({ title: s.title, body: s.body, tag: s.tag, url: s.data && s.data.url })));
                  } else {
                    setTimeout(look, 20);
                  }
                }, (e) => done(String(e)));
              look();",
            vec![json!(n)],
        )
        .await
        .expect("the notifications shown")
}

#[tokio::test]
async fn a_push_that_arrives_shows_the_state_and_leads_only_to_this_site() {
    let app = app_with_push().await;
    run_on_app("push_arrives", app, |b| async move {
        register(&b, "warga.notifikasi").await;
        b.goto("/laporan-saya").await;
        shown(&b, "#push").await;
        b.client()
            .issue_cmd(commands::grant("notifications"))
            .await
            .expect("allow notifications");

        // The service worker is active and the permission given before anything arrives.
        let ready = service_worker(&b).await;
        assert_eq!(
            (&ready[1], &ready[2]),
            (&json!("activated"), &json!("granted")),
            "{ready}"
        );
        // A step of the citizen's own report, as aduan composes it.
        let ticket = Ticket::parse("JK2612050001").expect("a ticket");
        let step = PushPayload {
            state: "in_progress".into(),
            account: 1,
            supporter: false,
        };
        let shown_now = deliver_until_shown(&b, &compose("aduan Jakarta", &ticket, &step), 1).await;
        let base = b.app.base.clone();
        assert_eq!(
            shown_now,
            json!([{
                "title": "aduan Jakarta",
                "body": "Laporan JK2612050001: Proses\nReport JK2612050001: In progress",
                "tag": "JK2612050001",
                "url": format!("{base}/laporan/JK2612050001"),
            }]),
        );

        // A message pointing elsewhere (not one aduan sends) still leads to this site only.
        let hostile = json!({
            "title": "Hadiah!", "body": "Klik", "tag": "lain",
            "url": "https://evil.example/masuk"
        });
        let both = deliver_until_shown(&b, hostile.to_string().as_bytes(), 2).await;
        let led_to: Vec<&str> = both
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|n| n["url"].as_str())
            .collect();
        assert_eq!(led_to.len(), 2, "{both}");
        assert!(
            led_to.contains(&format!("{base}/laporan-saya").as_str()),
            "{both}"
        );
        assert!(led_to.iter().all(|url| url.starts_with(&base)), "{both}");

        // Another phone of the account is told too (its subscription as the store keeps
        // it); one plain form turns every device off, as a lost phone needs.
        let citizen = b
            .app
            .store
            .credentials("warga.notifikasi")
            .await
            .expect("the citizen")
            .user
            .id;
        b.app
            .store
            .add_push_subscription(
                citizen,
                "push:ponsel-lain".into(),
                vec![7; 48],
                chrono::Utc::now(),
            )
            .await
            .expect("a second device");
        b.goto("/laporan-saya").await;
        assert_eq!(
            b.text("#push-devices p").await,
            "Pemberitahuan aktif di 1 perangkat untuk akun ini."
        );
        b.check_page().await;
        b.screenshot("devices").await;
        b.press("Matikan di semua perangkat").await;
        assert_eq!(
            b.text("#push-all-off").await,
            "Pemberitahuan dimatikan di semua perangkat."
        );
        assert!(b.find_all("#push-devices").await.is_empty());
        assert_eq!(
            b.app.count("SELECT count(*) FROM push_subscriptions").await,
            0
        );
        b.check_page().await;
        b.screenshot("devices-off").await;
    })
    .await;
}
