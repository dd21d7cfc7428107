//! The home page: Indonesian first, English a link away, usable by keyboard on a phone.

use fantoccini::key::Key;

use crate::harness::{Browser, run};

async fn lang(b: &Browser) -> String {
    let lang = b.js("return document.documentElement.lang;", vec![]).await;
    lang.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_home_page_is_indonesian_first_and_switches_to_english() {
    run("home_language", |b| async move {
        b.goto("/").await;
        assert_eq!(lang(&b).await, "id");
        assert_eq!(b.text("h1").await, "Laporkan masalah di kota Anda");
        b.check_page().await;
        b.screenshot("beranda").await;

        b.click_link("English").await;
        assert_eq!(b.location().await, "/?lang=en");
        assert_eq!(lang(&b).await, "en");
        assert_eq!(b.text("h1").await, "Report a problem in your city");
        b.check_page().await;
        b.screenshot("home-en").await;

        // And back, by the link in the other language.
        b.click_link("Bahasa Indonesia").await;
        assert_eq!(lang(&b).await, "id");
    })
    .await;
}

#[tokio::test]
async fn the_home_page_is_usable_by_keyboard() {
    run("home_keyboard", |b| async move {
        b.goto("/").await;
        let focused = r"const a = document.activeElement;
            return {
              tag: a.tagName,
              text: a.textContent.trim(),
              first_link: a === document.querySelector('a[href]'),
              outline: getComputedStyle(a).outlineStyle,
            };";
        b.press_key(Key::Tab).await;
        let first = b.js(focused, vec![]).await;
        assert_eq!(first["tag"], "A", "Tab focuses a link: {first}");
        assert_eq!(first["first_link"], true, "the first one: {first}");
        assert_ne!(first["outline"], "none", "focus is visible: {first}");
        b.screenshot("focus").await;

        // Tab on to the language switch, every stop visibly focused; Enter follows it.
        let mut stops = vec![first];
        while stops.last().is_some_and(|s| s["text"] != "English") {
            assert!(stops.len() < 30, "Tab never reached English: {stops:#?}");
            b.press_key(Key::Tab).await;
            let now = b.js(focused, vec![]).await;
            assert_ne!(now["outline"], "none", "focus is visible: {now}");
            stops.push(now);
        }
        b.leaving("Enter on English", b.press_key(Key::Enter)).await;
        assert_eq!(lang(&b).await, "en", "after {stops:#?}");
    })
    .await;
}

/// The same-origin check finds what it must: a picture from another host put in the page.
#[tokio::test]
async fn the_same_origin_check_catches_a_resource_from_another_host() {
    run("same_origin_check", |b| async move {
        b.goto("/").await;
        assert!(b.foreign_resources().await.is_empty());
        // 127.0.0.2 is another origin that needs no network: nothing listens, it fails fast.
        b.js(
            r"const img = document.createElement('img');
              img.src = 'http://127.0.0.2:9/tracker.png';
              document.body.append(img);",
            vec![],
        )
        .await;
        assert_eq!(
            b.foreign_resources().await,
            vec!["http://127.0.0.2:9/tracker.png".to_owned()]
        );
    })
    .await;
}
