//! "Kabari saya di perangkat ini" in a real browser (issue 17). Headless Chromium reaches no
//! real push service, so what is walked here is what can be: the button appears for a
//! signed-in citizen once the service worker (which shows the notifications) is in place,
//! the page stays clean on a phone, and pressing the button answers the citizen in words
//! (Chromium refuses the permission or the subscription here); with push off there is no
//! button. Delivery itself is tested end to end with a push service played by the test
//! (`tests/push_delivery.rs`).

use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp};
use crate::harness::{Browser, run, run_on_app};
use aduan_web::WebConfig;
use aduan_web::push::PushConfig;

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
    let app = TestApp::spawn_with(WebConfig {
        secure_cookies: false,
        push: PushConfig {
            contact: Some("mailto:crm@jakarta.go.id".into()),
        },
        ..Default::default()
    })
    .await;
    run_on_app("push_button", app, |b| async move {
        register(&b, "warga.kabar").await;
        b.goto("/laporan-saya").await;
        let section = shown(&b, "#push").await;
        assert!(
            section.as_str().is_some_and(|t| t.contains("Pemberitahuan")),
            "the notification box never showed: {section}"
        );
        assert_eq!(b.text("#push-toggle").await, "Kabari saya di perangkat ini");
        // The service worker that shows the notifications parsed and is in place.
        let worker = b
            .client()
            .execute_async(
                r"const done = arguments[0];
                  navigator.serviceWorker.ready.then((r) => done(r.active.scriptURL), (e) => done(String(e)));",
                vec![],
            )
            .await
            .expect("the service worker");
        assert!(
            worker.as_str().is_some_and(|url| url.ends_with("/sw.js")),
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
        assert_eq!(b.app.count("SELECT count(*) FROM push_subscriptions").await, 0);
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
