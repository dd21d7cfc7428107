//! A report written with no signal (issue 17): the phone keeps it, says so, and sends it once
//! the signal is back, photo included; the citizen is told it was sent, with its ticket.
//! The signal is cut and restored by Chromium's own network emulation (chromedriver), so the
//! page sees what a phone in a dead zone sees: `navigator.onLine` false and no connection.

use serde_json::{Value, json};

use crate::common::{PASSWORD, png};
use crate::harness::{Browser, run};

/// Wait (in the page, up to 15 s) until the outbox's status line shows a text containing
/// `words`; returns the text shown then.
async fn status_saying(b: &Browser, words: &str) -> String {
    let said = b
        .client()
        .execute_async(
            r"const [words, done] = arguments;
              const line = document.getElementById('outbox-status');
              const now = () => !line.hidden && line.textContent.includes(words);
              if (now()) { done(line.textContent); return; }
              const watch = new MutationObserver(() => {
                if (now()) { watch.disconnect(); done(line.textContent); }
              });
              watch.observe(line, { attributes: true, childList: true, subtree: true, characterData: true });
              setTimeout(() => { watch.disconnect(); done({ never: line.textContent, hidden: line.hidden }); }, 15000);",
            vec![json!(words)],
        )
        .await
        .expect("watch the outbox's status");
    match said {
        Value::String(text) => text,
        other => panic!("the status never said {words:?}: {other}"),
    }
}

async fn reports_stored(b: &Browser) -> i64 {
    b.app.count("SELECT count(*) FROM reports").await
}

#[tokio::test]
async fn a_report_written_without_signal_is_kept_and_sent_when_the_signal_is_back() {
    run("offline_report", |b| async move {
        let dir = tempfile::tempdir().expect("a temp dir for the photo");
        let photo = dir.path().join("lubang.png");
        std::fs::write(&photo, png()).expect("write the photo");

        b.goto("/daftar").await;
        b.fill("Nama pengguna", "warga.sinyal").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Daftar").await;
        assert!(b.location().await.starts_with("/lapor"));
        // The page put its service worker in place, to send what is kept when no page is open.
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
        // chromedriver cuts the page off the network, not its service worker, which would
        // then send the kept report at once, as if the signal were back. What the worker
        // does when the signal returns cannot be played here: it is let go, and the page's
        // own sending (on the browser's "online") is what this test walks.
        let gone = b
            .client()
            .execute_async(
                r"const done = arguments[0];
                  navigator.serviceWorker.getRegistrations()
                    .then((all) => Promise.all(all.map((r) => r.unregister())))
                    .then((results) => done(results.length), (e) => done(String(e)));",
                vec![],
            )
            .await
            .expect("let the service worker go");
        assert_eq!(gone, json!(1), "one worker was registered: {gone}");

        b.pick_category("Jalan").await;
        b.fill(
            "Uraian masalah",
            "Lubang besar di Jalan Tebet Raya, ditulis di lokasi tanpa sinyal.",
        )
        .await;
        b.choose("Kecamatan", "Tebet").await;
        b.field("Foto (maks. 5) (opsional)")
            .await
            .send_keys(photo.to_str().expect("a UTF-8 path"))
            .await
            .expect("attach the photo");

        b.set_offline(true).await;
        assert_eq!(b.js("return navigator.onLine;", vec![]).await, json!(false));
        b.click("form[data-outbox] button[type=submit]").await;
        let kept = status_saying(&b, "disimpan di ponsel ini").await;
        assert!(kept.contains("dikirim otomatis"), "{kept}");
        assert!(b.location().await.starts_with("/lapor?"), "still on the form");
        assert_eq!(reports_stored(&b).await, 0, "nothing reached the server");
        assert_eq!(
            b.js("return document.getElementById('description').value;", vec![])
                .await,
            json!(""),
            "the form is empty for the next report"
        );
        b.screenshot("1-tanpa-sinyal").await;

        b.set_offline(false).await;
        let sent = status_saying(&b, "sudah terkirim").await;
        let ticket = b.text("#outbox-status a").await;
        assert!(sent.ends_with(&ticket), "{sent}");
        assert_eq!(reports_stored(&b).await, 1);
        let report = b.app.stored(&ticket).await;
        assert_eq!(
            report.description,
            "Lubang besar di Jalan Tebet Raya, ditulis di lokasi tanpa sinyal."
        );
        assert_eq!(
            b.app
                .count("SELECT count(*) FROM photos")
                .await,
            1,
            "the photo was kept with it"
        );
        b.check_page().await;
        b.screenshot("2-terkirim").await;

        // Nothing is left to send: the report page of the ticket is the citizen's.
        b.click_link(&ticket).await;
        assert!(b.location().await.starts_with(&format!("/laporan/{ticket}")));
    })
    .await;
}

/// The value of the form field `css` on the page.
async fn value_of(b: &Browser, css: &str) -> Value {
    b.js(
        "const f = document.querySelector(arguments[0]); return f ? f.value : null;",
        vec![json!(css)],
    )
    .await
}

/// How many reports the phone still keeps in its outbox.
async fn kept_on_phone(b: &Browser) -> Value {
    b.client()
        .execute_async(
            r"const done = arguments[0];
              const opening = indexedDB.open('aduan-outbox', 1);
              opening.onerror = () => done(String(opening.error));
              opening.onsuccess = () => {
                const db = opening.result;
                const asked = db.transaction('reports', 'readonly').objectStore('reports').count();
                asked.onsuccess = () => { db.close(); done(asked.result); };
                asked.onerror = () => { db.close(); done(String(asked.error)); };
              };",
            vec![],
        )
        .await
        .expect("count what the phone keeps")
}

#[tokio::test]
async fn a_kept_report_the_server_refuses_comes_back_into_the_form_with_the_citizen_told() {
    run("offline_refused", |b| async move {
        b.goto("/daftar").await;
        b.fill("Nama pengguna", "warga.ditolak").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Daftar").await;
        assert!(b.location().await.starts_with("/lapor"));
        // As in the test above: the page's own sending is what is walked here.
        let gone = b
            .client()
            .execute_async(
                r"const done = arguments[0];
                  navigator.serviceWorker.ready
                    .then((r) => r.unregister())
                    .then((gone) => done(gone), (e) => done(String(e)));",
                vec![],
            )
            .await
            .expect("let the service worker go");
        assert_eq!(gone, json!(true), "{gone}");

        // Written in a hurry with no signal: a description too short for the server, which
        // the phone cannot know (the form has no rules of its own), so it is kept.
        let hurried = "Lubang!";
        b.pick_category("Jalan").await;
        b.fill("Uraian masalah", hurried).await;
        b.choose("Kecamatan", "Tebet").await;
        b.set_offline(true).await;
        b.click("form[data-outbox] button[type=submit]").await;
        status_saying(&b, "disimpan di ponsel ini").await;
        assert_eq!(value_of(&b, "#description").await, json!(""));
        assert_eq!(
            value_of(&b, "input[name=category]:checked").await,
            Value::Null
        );
        assert_eq!(kept_on_phone(&b).await, json!(1));

        // The signal is back: the server refuses it, for real (422), and says nothing is filed.
        b.set_offline(false).await;
        let refused = status_saying(&b, "belum dapat dikirim").await;
        assert!(refused.contains("dikembalikan ke formulir"), "{refused}");
        assert_eq!(reports_stored(&b).await, 0, "nothing was filed");
        // What the citizen wrote is in the form again, category and place included, and the
        // phone keeps it no longer (the form holds it now).
        assert_eq!(value_of(&b, "#description").await, json!(hurried));
        assert_eq!(
            value_of(&b, "input[name=category]:checked").await,
            json!("jalan")
        );
        assert_eq!(value_of(&b, "#region").await, json!("31.74.01"));
        assert_eq!(kept_on_phone(&b).await, json!(0));
        b.check_page().await;
        b.screenshot("1-ditolak").await;

        // Fixed and sent again, it is filed once.
        b.fill(
            "Uraian masalah",
            "Lubang besar di Jalan Tebet Raya, dalam dan tidak terlihat saat hujan.",
        )
        .await;
        b.press("Kirim laporan").await;
        assert!(
            b.location().await.starts_with("/laporan/"),
            "{}",
            b.location().await
        );
        assert_eq!(reports_stored(&b).await, 1);
        b.screenshot("2-terkirim").await;
    })
    .await;
}
