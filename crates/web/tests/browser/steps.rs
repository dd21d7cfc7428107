//! Steps several walks take the same way a person does: signing in through `/masuk`, and
//! waiting for the page's service worker to be in place.

use serde_json::Value;

use crate::common::PASSWORD;
use crate::harness::Browser;

/// Sign in through the form, asking for `next`; lands there.
pub async fn sign_in(b: &Browser, username: &str, next: &str) {
    b.goto(&format!("/masuk?next={next}")).await;
    b.fill("Nama pengguna", username).await;
    b.fill("Kata sandi", PASSWORD).await;
    b.press("Masuk").await;
    assert!(
        b.location().await.starts_with(next),
        "{}",
        b.location().await
    );
}

/// Once the page's service worker is active: `[its script URL, its state, the notification
/// permission]`, or the error that kept it from being ready.
pub async fn service_worker(b: &Browser) -> Value {
    b.client()
        .execute_async(
            r"const done = arguments[0];
              navigator.serviceWorker.ready.then(
                (r) => done([r.active.scriptURL, r.active.state, Notification.permission]),
                (e) => done(String(e)));",
            vec![],
        )
        .await
        .expect("the service worker")
}
