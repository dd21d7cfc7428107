//! Decompression bombs and broken pictures: a photo too big to decode is refused from its
//! header at once (422 naming it, nothing stored), a 16-bit picture is kept in 8 bits, no
//! picture is decoded for a caller who may not take the action it comes with, and no
//! picture, however broken, makes the server fail.
// The picture helpers fail their test by panicking, as assertions do.
#![allow(clippy::expect_used)]

mod citizen_browser;
mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::json;

use aduan_domain::Role;
use citizen_browser::{Browser, page, photo_part, report_form};
use common::{Client, TestApp, report_body, ticket_of};

/// A flat PNG of any size, written row by row: 16000x16000 greyscale is ~250 KB.
fn flat_png(width: u32, height: u32, color: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().expect("a PNG header");
    let mut stream = writer.stream_writer().expect("a PNG stream");
    let samples = match color {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        png::ColorType::GrayscaleAlpha => 2,
        _ => 1,
    };
    let bytes = if depth == png::BitDepth::Sixteen {
        2
    } else {
        1
    };
    let row = vec![0x80u8; width as usize * samples * bytes];
    for _ in 0..height {
        stream.write_all(&row).expect("a PNG row");
    }
    stream.finish().expect("the PNG stream");
    writer.finish().expect("the PNG");
    out
}

/// 16000x16000 greyscale: 256 million pixels in a few hundred kilobytes.
fn bomb() -> Vec<u8> {
    flat_png(
        16_000,
        16_000,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
    )
}

/// Bytes that claim to be a PNG and are not one.
fn broken_png() -> Vec<u8> {
    let mut bytes = common::png();
    bytes.truncate(40);
    bytes
}

async fn stored(app: &TestApp) -> (i64, i64) {
    (
        app.count("SELECT count(*) FROM reports").await,
        app.count("SELECT count(*) FROM photos").await,
    )
}

#[tokio::test]
async fn a_bomb_is_refused_at_once_naming_the_photo_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let bomb = bomb();
    assert!(bomb.len() < 2_000_000, "{} bytes", bomb.len());
    let before = stored(&app).await;
    let body = report_body("jalan", "31.74.01");
    let started = Instant::now();
    let resp = citizen
        .submit_with_photos(&body, vec![common::jpeg(), bomb])
        .await;
    let took = started.elapsed();
    let error = resp.error(422, "validation_failed");
    let problem = error["fields"]["photo"].as_str().unwrap_or("");
    assert!(problem.contains("number 2"), "{error}");
    assert!(problem.contains("16000x16000"), "{error}");
    assert!(problem.contains("40 megapixels"), "{error}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn a_sixteen_bit_picture_is_accepted_and_stored_in_eight_bits() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let deep = flat_png(64, 48, png::ColorType::Rgba, png::BitDepth::Sixteen);
    let view = citizen
        .submit_with_photos(&report_body("jalan", "31.74.01"), vec![deep])
        .await
        .expect(201);
    let ticket = ticket_of(&view);
    let id = view["photos"][0]["id"].as_i64().expect("a photo id");
    let photo = citizen.get(&format!("/reports/{ticket}/photos/{id}")).await;
    assert_eq!(photo.status, 200, "{photo:?}");
    assert_eq!(photo.header("content-type").as_deref(), Some("image/png"));
    let kept = png::Decoder::new(std::io::Cursor::new(&photo.body))
        .read_info()
        .expect("a PNG");
    assert_eq!(kept.info().bit_depth, png::BitDepth::Eight);
    assert_eq!(kept.info().size(), (64, 48));
}

/// Follow-up photos sent by someone who may not document this report: refused for who
/// they are, never decoded (a broken picture would otherwise answer 422, a bomb take
/// seconds).
#[tokio::test]
async fn photos_are_not_decoded_for_an_action_the_caller_may_not_take() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let followup = json!({"action": "submit_followup", "note": "Sudah ditambal."});
    let stranger = app
        .staff(Role::Officer, Some("dinas-lingkungan-hidup"))
        .await;
    let refusals: [(&Client, u16, &str); 2] = [
        // The reporter reads the report but does not document work on it.
        (&citizen, 403, "forbidden"),
        // Another unit's officer does not even see it.
        (&stranger, 404, "not_found"),
    ];
    for (caller, status, code) in refusals {
        for photo in [broken_png(), bomb()] {
            let started = Instant::now();
            let resp = caller
                .act_with_photos(&ticket, &followup, vec![photo])
                .await;
            let took = started.elapsed();
            resp.error(status, code);
            assert!(took < Duration::from_secs(1), "took {took:?}");
        }
    }
    // Nor for a filing by someone who may not file.
    let validator = app.staff(Role::Validator, None).await;
    let body = report_body("jalan", "31.74.01");
    for photo in [broken_png(), bomb()] {
        let started = Instant::now();
        let resp = validator.submit_with_photos(&body, vec![photo]).await;
        let took = started.elapsed();
        resp.error(403, "forbidden");
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
    assert_eq!(app.count("SELECT count(*) FROM photos").await, 0);
}

#[tokio::test]
async fn broken_pictures_are_refused_without_a_server_error() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let mut cut_jpeg = common::jpeg();
    cut_jpeg.truncate(cut_jpeg.len() / 2);
    let mut cut_bomb = bomb();
    cut_bomb.truncate(cut_bomb.len() / 2);
    let mut riddled = common::png();
    for i in (20..riddled.len()).step_by(7) {
        riddled[i] ^= 0x5a;
    }
    let mut webp_header = b"RIFF\xff\xff\xff\x7fWEBPVP8X".to_vec();
    webp_header.extend([0xff; 32]);
    let body = report_body("jalan", "31.74.01");
    for photo in [
        cut_jpeg,
        cut_bomb,
        riddled,
        webp_header,
        broken_png(),
        vec![0; 4096],
    ] {
        let resp = citizen.submit_with_photos(&body, vec![photo]).await;
        assert!(
            [413, 415, 422].contains(&resp.status),
            "{}: {resp:?}",
            resp.status
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM reports").await, 0);
}

#[tokio::test]
async fn the_report_form_says_the_photo_is_too_big_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    for (lang, says) in [("id", "40 megapiksel"), ("en", "40 megapixels")] {
        let form_page = page(&browser.get(&format!("/lapor?lang={lang}")).await);
        let description = "Jalan berlubang besar di depan sekolah.";
        let form =
            report_form(&form_page, description, "31.74.01").part("photo", photo_part(bomb()));
        let started = Instant::now();
        let resp = browser
            .post_multipart(&format!("/lapor?lang={lang}"), form)
            .await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(resp.status, 422, "{resp:?}");
        assert!(resp.text().contains(says), "{}", resp.text());
    }
    assert_eq!(stored(&app).await, (0, 0));
}
