//! What the public sees of a public report's photos: on `/publik` each card links to the
//! report and labels its photos by what they show; the photos of a follow-up the validator
//! rejected are never public (not on `/publik`, the report page, the public API, the
//! report API nor as bytes), while the reporter and the staff handling it still see them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, hidden, page};
use common::{TestApp, jpeg, png};

/// The URL of the one photo of `kind` the view lists that `known` does not hold.
fn new_photo(view: &Value, kind: &str, known: &[String]) -> String {
    let urls: Vec<String> = view["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .filter(|p| p["kind"] == kind)
        .map(|p| p["url"].as_str().expect("a url").to_owned())
        .filter(|u| !known.contains(u))
        .collect();
    assert_eq!(urls.len(), 1, "{view}");
    urls[0].clone()
}

#[tokio::test]
async fn a_rejected_followups_photos_are_never_public_and_the_rest_are_labelled() {
    let app = TestApp::spawn().await;
    let reporter = Browser::new(&app);
    reporter.register(&app, "warga").await;
    let ticket = reporter
        .file("Saluran air tersumbat sampah di ujung gang.")
        .await;
    let path = format!("/laporan/{ticket}");
    let csrf = hidden(&page(&reporter.get(&path).await), "csrf");
    let made_public = reporter
        .post(
            &format!("{path}/visibilitas"),
            &[
                ("csrf", &csrf),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(made_public.status, 303, "{made_public:?}");

    // A follow-up with a photo, rejected; a second one with another photo, validated.
    let officer = app.take_up(&ticket).await;
    let first = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Sudah dibersihkan."}),
            vec![png()],
        )
        .await
        .expect(200);
    let rejected = new_photo(&first, "followup", &[]);
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(
            &ticket,
            json!({"action": "reject_followup", "reason": "Foto ini diambil di tempat lain."}),
        )
        .await;
    let second = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Dibersihkan ulang."}),
            vec![jpeg()],
        )
        .await
        .expect(200);
    let accepted = new_photo(&second, "followup", std::slice::from_ref(&rejected));
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;

    // /publik: the card links to the report and labels each photo; no rejected photo.
    let public = Browser::new(&app);
    let feed = page(&public.get("/publik").await);
    assert_good_page(&feed, "id");
    assert!(
        feed.contains(&format!(r#"<a href="/laporan/{ticket}?lang=id">"#)),
        "{feed}"
    );
    assert!(
        feed.contains("<figcaption>Foto laporan</figcaption>"),
        "{feed}"
    );
    assert!(feed.contains("<figcaption>Sesudah</figcaption>"), "{feed}");
    assert!(feed.contains(&accepted), "{feed}");
    assert!(!feed.contains(&rejected), "{feed}");
    let feed_en = page(&public.get("/publik?lang=en").await);
    assert!(
        feed_en.contains("<figcaption>Report photo</figcaption>"),
        "{feed_en}"
    );
    assert!(
        feed_en.contains("<figcaption>After</figcaption>"),
        "{feed_en}"
    );
    assert!(
        feed_en.contains(&format!("/laporan/{ticket}?lang=en")),
        "{feed_en}"
    );

    // The public report page: the accepted follow-up's photo labelled, the rejected absent.
    let report = page(&public.get(&path).await);
    assert!(report.contains(&accepted), "{report}");
    assert!(
        report.contains("<figcaption>Sesudah</figcaption>"),
        "{report}"
    );
    assert!(!report.contains(&rejected), "{report}");

    // The public API, the report API and the photo's bytes agree.
    let anonymous = app.anonymous();
    let listed = anonymous.get("/public/reports").await.expect(200);
    let urls = listed["items"][0]["photo_urls"].to_string();
    assert_eq!(listed["items"][0]["ticket"], ticket.as_str());
    assert!(
        urls.contains(&accepted) && !urls.contains(&rejected),
        "{urls}"
    );
    let view = anonymous.get_report(&ticket).await.expect(200).to_string();
    assert!(
        view.contains(&accepted) && !view.contains(&rejected),
        "{view}"
    );
    let timeline = anonymous.timeline(&ticket).await.expect(200).to_string();
    assert!(
        timeline.contains(&accepted) && !timeline.contains(&rejected),
        "{timeline}"
    );
    assert_eq!(anonymous.get_url(&rejected).await.status, 404);
    assert_eq!(anonymous.get_url(&accepted).await.status, 200);
    let thumbnail = |url: &str| format!("{url}/thumbnail");
    assert_eq!(anonymous.get_url(&thumbnail(&rejected)).await.status, 404);

    // A photo anyone may see: shared caches may keep it a day; its ETag is its image's
    // SHA-256, and asking with it answers 304 without the bytes. The thumbnail likewise,
    // smaller, with its own tag.
    let photo = anonymous.get_url(&accepted).await;
    assert_eq!(header(&photo, "cache-control"), "public, max-age=86400");
    let etag = header(&photo, "etag");
    assert_eq!(etag, format!("\"{}\"", sha256_hex(&photo.body)));
    let again = anonymous
        .send(
            anonymous
                .http
                .get(format!("{}{accepted}", anonymous.base))
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, 304, "{again:?}");
    assert!(again.body.is_empty());
    assert_eq!(header(&again, "etag"), etag);
    let small = anonymous.get_url(&thumbnail(&accepted)).await;
    assert_eq!(small.status, 200);
    assert_eq!(header(&small, "content-type"), "image/jpeg");
    assert!(small.body.len() < photo.body.len());
    assert_eq!(
        header(&small, "etag"),
        format!("\"{}\"", sha256_hex(&small.body))
    );

    // The reporter and the officer who handles it still see the rejected follow-up, which
    // no shared cache may keep.
    let own = page(&reporter.get(&path).await);
    assert!(own.contains(&rejected) && own.contains(&accepted), "{own}");
    let seen = officer.get_url(&rejected).await;
    assert_eq!(seen.status, 200);
    assert_eq!(header(&seen, "cache-control"), "private, max-age=300");
    assert_eq!(officer.get_url(&thumbnail(&rejected)).await.status, 200);
}

fn header(resp: &common::Resp, name: &str) -> String {
    resp.headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {resp:?}"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
