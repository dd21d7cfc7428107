//! A newcomer's first report, all in the browser: register, fill `/lapor` with a real photo
//! from disk, land on the report's page, find it under "Laporan saya".

use aduan_domain::Channel;
use serde_json::{Value, json};

use crate::common::{PASSWORD, PICTURE_SIZE, png};
use crate::harness::{Browser, run};

/// Jakarta's waiting red, the background of a "Menunggu" pill.
const WAITING_RED: &str = "rgba(255, 215, 213, 1)";

/// The width of the first `<img>` matching `css` once it has loaded (made eager, in case
/// it is lazy and below the fold): -2 when there is none, -1 when it failed to load.
async fn loaded_width(b: &Browser, css: &str) -> Value {
    b.client()
        .execute_async(
            r"const [css, done] = arguments;
              const img = document.querySelector(css);
              if (!img) return done(-2);
              img.loading = 'eager';
              if (img.complete) return done(img.naturalWidth || -1);
              img.onload = () => done(img.naturalWidth);
              img.onerror = () => done(-1);",
            vec![json!(css)],
        )
        .await
        .expect("wait for the photo")
}

#[tokio::test]
async fn a_newcomer_registers_and_files_a_report_with_a_photo() {
    run("citizen_first_report", |b| async move {
        // A real picture on disk, as a phone's file picker would hand it over.
        let dir = tempfile::tempdir().expect("a temp dir for the photo");
        let photo = dir.path().join("lubang.png");
        std::fs::write(&photo, png()).expect("write the photo");

        b.goto("/").await;
        b.check_page().await;
        b.click_link("Daftar").await;
        assert!(
            b.location().await.starts_with("/daftar"),
            "{}",
            b.location().await
        );
        b.check_page().await;
        b.fill("Nama pengguna", "warga.baru").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Daftar").await;

        // Signed in, and on to the form.
        assert!(
            b.location().await.starts_with("/lapor"),
            "{}",
            b.location().await
        );
        b.open_menu().await;
        let who = b.text("header .who").await;
        assert!(who.contains("warga.baru"), "signed in: {who}");
        assert_eq!(b.text("h1").await, "Buat laporan");
        b.pick_category("Jalan").await;
        b.fill(
            "Uraian masalah",
            "Lubang besar di Jalan Tebet Raya, berbahaya bagi motor.",
        )
        .await;
        b.choose("Kecamatan", "Tebet").await;
        b.field("Foto (maks. 5) (opsional)")
            .await
            .send_keys(photo.to_str().expect("a UTF-8 path"))
            .await
            .expect("attach the photo");
        let chosen = b
            .js(
                "return document.querySelector('#photo').files.length;",
                vec![],
            )
            .await;
        assert_eq!(chosen, json!(1), "the photo is attached");
        b.check_page().await;
        b.screenshot("lapor").await;
        b.press("Kirim laporan").await;

        // The report's own page.
        let location = b.location().await;
        let ticket = location
            .strip_prefix("/laporan/")
            .and_then(|rest| rest.split('?').next())
            .unwrap_or_else(|| panic!("on the report's page: {location}"))
            .to_owned();
        let notice = b.text("p.notice").await;
        assert!(notice.contains(&ticket), "the ticket is shown: {notice}");
        let pill = b.find("h1 .state").await;
        assert_eq!(pill.text().await.expect("the pill's text"), "Menunggu");
        let history = b.texts("ol.history li").await;
        assert_eq!(history.len(), 1, "{history:#?}");
        assert!(history[0].contains("Laporan dikirim"), "{history:#?}");
        assert!(history[0].contains("Menunggu"), "{history:#?}");
        // The photo comes from the app, behind the session cookie, and decodes.
        assert_eq!(
            loaded_width(&b, ".photos img").await,
            json!(PICTURE_SIZE.0),
            "the photo loads"
        );
        b.check_page().await;
        b.screenshot("laporan").await;

        b.click_link("Laporan saya").await;
        assert!(b.location().await.starts_with("/laporan-saya"));
        let rows = b.texts("article.report h2").await;
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert!(rows[0].contains(&ticket), "{rows:#?}");
        let pill = b.find("article.report .state").await;
        assert_eq!(pill.text().await.expect("the pill's text"), "Menunggu");
        let background = pill.css_value("background-color").await.expect("a color");
        assert_eq!(background, WAITING_RED);
        b.check_page().await;
        b.screenshot("laporan-saya").await;

        // What the store holds: filed on the web, with the photo.
        let stored = b.app.stored(&ticket).await;
        assert_eq!(stored.channel, Channel::Web);
        assert_eq!(
            stored.description,
            "Lubang besar di Jalan Tebet Raya, berbahaya bagi motor."
        );
        let photos = b.app.store.photos(stored.id).await.expect("the photos");
        assert_eq!(photos.len(), 1, "{photos:?}");
    })
    .await;
}
