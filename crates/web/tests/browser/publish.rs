//! Going public in the browser on a phone: the reporter presses "Jadikan publik", reads the
//! preview of what everyone will see (the masked text, the photo), confirms, and finds the
//! same card on `/publik`.

use serde_json::json;

use crate::common::{PASSWORD, jpeg, report_body, ticket_of};
use crate::harness::{Browser, run};

/// The heights of the elements matching `css`, in CSS pixels.
async fn heights(b: &Browser, css: &str) -> Vec<f64> {
    b.js(
        "return [...document.querySelectorAll(arguments[0])]\
           .map(e => e.getBoundingClientRect().height);",
        vec![json!(css)],
    )
    .await
    .as_array()
    .expect("the heights")
    .iter()
    .filter_map(serde_json::Value::as_f64)
    .collect()
}

#[tokio::test]
async fn the_reporter_previews_what_the_public_will_see_and_confirms() {
    run("publikasi", |b| async move {
        let username = b.app.unique("warga");
        let citizen = b.app.register_client(json!({"username": username})).await;
        let mut body = report_body("jalan", "31.74.01");
        body["description"] =
            json!("Lubang besar di Jalan Tebet Raya. Telepon saya 0812-9876-5432 kalau perlu.");
        let resp = citizen.submit_with_photos(&body, vec![jpeg()]).await;
        let ticket = ticket_of(&resp.expect(201));

        b.goto(&format!("/masuk?next=/laporan/{ticket}")).await;
        b.fill("Nama pengguna", &username).await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        assert!(
            b.location()
                .await
                .starts_with(&format!("/laporan/{ticket}"))
        );
        b.press("Jadikan publik").await;

        // The preview: nothing public yet.
        assert!(
            b.location()
                .await
                .starts_with(&format!("/laporan/{ticket}/publikasi")),
            "{}",
            b.location().await
        );
        assert_eq!(b.text("h1").await, "Pratinjau sebelum menjadikan publik");
        let card = b.text("article.report").await;
        assert!(card.contains("Lubang besar di Jalan Tebet Raya"), "{card}");
        assert!(card.contains("[nomor telepon disamarkan]"), "{card}");
        assert!(!card.contains("9876"), "{card}");
        let captions = b.texts("article.report figcaption").await;
        assert_eq!(captions, vec!["Foto laporan".to_owned()]);
        let confirm = heights(&b, ".review-choices button, .review-choices a").await;
        assert_eq!(confirm.len(), 2, "{confirm:?}");
        assert!(confirm.iter().all(|h| *h >= 44.0), "{confirm:?}");
        assert!(b.app.stored(&ticket).await.visibility == aduan_domain::Visibility::Private);
        b.check_page().await;
        b.screenshot("1-pratinjau").await;
        b.scroll_to(".review-choices").await;
        b.screenshot("2-pratinjau-konfirmasi").await;

        b.press("Ya, jadikan publik").await;
        let notice = b.text("p.notice").await;
        assert!(notice.contains("publik"), "{notice}");
        assert!(b.app.stored(&ticket).await.visibility == aduan_domain::Visibility::Public);
        b.check_page().await;
        b.screenshot("3-publik").await;

        // Anyone's /publik shows the card the preview showed.
        b.press("Keluar").await;
        b.goto("/publik").await;
        assert_eq!(b.text("article.report").await, card);
        b.check_page().await;
        b.screenshot("4-daftar-publik").await;
    })
    .await;
}
