//! Privacy by default: staff never learn who reported, a private report's own photos are
//! locked to everyone but the reporter, and only the reporter changes visibility.

mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use common::{Client, PICTURE_SIZE, Resp, TestApp, dimensions, jpeg_with_exif, png, ticket_of};

const USERNAME: &str = "canary-reporter";
const DISPLAY_NAME: &str = "Canary Citizen";
const PHONE: &str = "081299887766";
const EMAIL: &str = "canary-x@example.org";

/// Fail if a response a staff member got names the reporter in any way.
#[track_caller]
fn assert_anonymous(what: &str, resp: &Resp) {
    let text = resp.text().to_lowercase();
    for canary in [USERNAME, DISPLAY_NAME, PHONE, EMAIL] {
        assert!(
            !text.contains(&canary.to_lowercase()),
            "{what} reveals {canary:?}: {resp:?}"
        );
    }
}

async fn canary_citizen(app: &TestApp) -> Client {
    app.register_client(json!({
        "username": USERNAME,
        "display_name": DISPLAY_NAME,
        "phone": PHONE,
        "email": EMAIL,
    }))
    .await
}

fn photo_ids(view: &Value) -> Vec<i64> {
    view["photos"]
        .as_array()
        .unwrap_or_else(|| panic!("photos: {view}"))
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect()
}

/// Everything a staff member can read about the report, checked for the reporter's identity.
async fn staff_reads(staff: &Client, ticket: &str, photo: i64) -> Value {
    let view = staff.get_report(ticket).await;
    assert_anonymous("the report", &view);
    let timeline = staff.timeline(ticket).await;
    assert_anonymous("the timeline", &timeline);
    let list = staff.get("/reports").await;
    assert_anonymous("the list", &list);
    assert!(
        list.expect(200)["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|r| r["ticket"] == ticket)),
        "the report is in the staff member's list"
    );
    let photo = staff
        .get(&format!("/reports/{ticket}/photos/{photo}"))
        .await;
    assert_anonymous("the photo", &photo);
    let submit = &timeline.expect(200)[0];
    assert_eq!(submit["action"], "submit");
    assert_eq!(submit["actor_role"], "citizen");
    assert_eq!(submit["actor_unit"], Value::Null);
    view.expect(200)
}

#[tokio::test]
async fn staff_never_see_who_reported_nor_the_photos_of_a_private_report() {
    let app = TestApp::spawn().await;
    let citizen = canary_citizen(&app).await;
    let me = citizen.get("/me").await.expect(200);
    assert_eq!(me["display_name"], DISPLAY_NAME);

    let original = png();
    let mine = citizen
        .submit_with_photos(&common::report_body("jalan", "31.74.01"), vec![original])
        .await
        .expect(201);
    let ticket = ticket_of(&mine);
    let ids = photo_ids(&mine);
    assert_eq!(ids.len(), 1, "{mine}");
    let photo = ids[0];
    assert_eq!(mine["photos"][0]["kind"], "report");
    assert_eq!(mine["photos_locked"], false);
    assert_eq!(mine["privacy_notice"], Value::Null);

    let officer = app.staff(Role::Officer, Some("kecamatan-31.74.01")).await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    for staff in [&officer, &coordinator] {
        let view = staff_reads(staff, &ticket, photo).await;
        assert_eq!(view["visibility"], "private");
        assert_eq!(view["is_mine"], false);
        assert_eq!(view["photos"], json!([]));
        assert_eq!(view["photos_locked"], true);
        let notice = view["privacy_notice"].as_str().expect("a privacy notice");
        assert!(notice.starts_with("Laporan bersifat privasi"), "{notice}");
        assert!(view["privacy_notice_en"].is_string());
        let timeline = staff.timeline(&ticket).await.expect(200);
        assert_eq!(timeline[0]["attachments"], json!([]));
        staff
            .get(&format!("/reports/{ticket}/photos/{photo}"))
            .await
            .error(404, "not_found");
        for action in ["make_public", "make_private"] {
            staff
                .act(&ticket, &json!({"action": action}))
                .await
                .error(403, "forbidden");
        }
    }
    // The reporter still has their photo.
    let own = citizen
        .get(&format!("/reports/{ticket}/photos/{photo}"))
        .await;
    assert_eq!(own.status, 200, "{own:?}");
    assert_eq!(dimensions(&own.body), PICTURE_SIZE);
    let timeline = citizen.timeline(&ticket).await.expect(200);
    assert_eq!(timeline[0]["attachments"].as_array().map(Vec::len), Some(1));

    // Acting on it reveals nothing either.
    let accepted = officer.act(&ticket, &json!({"action": "accept"})).await;
    assert_anonymous("the action's answer", &accepted);
    accepted.expect(200);
    assert_eq!(app.stored(&ticket).await.visibility.code(), "private");

    // The reporter makes it public: the photo is shown, still without a name.
    let view = citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    assert_eq!(view["visibility"], "public");
    for reader in [&officer, &coordinator, &app.anonymous()] {
        let view = reader.get_report(&ticket).await;
        assert_anonymous("the public report", &view);
        let view = view.expect(200);
        assert_eq!(photo_ids(&view), vec![photo]);
        assert_eq!(view["photos_locked"], false);
        assert_eq!(view["privacy_notice"], Value::Null);
        let shown = reader
            .get(&format!("/reports/{ticket}/photos/{photo}"))
            .await;
        assert_eq!(shown.status, 200, "{shown:?}");
        assert_eq!(shown.header("content-type").as_deref(), Some("image/png"));
    }

    // And private again: locked again.
    citizen
        .act_ok(&ticket, json!({"action": "make_private"}))
        .await;
    officer
        .get(&format!("/reports/{ticket}/photos/{photo}"))
        .await
        .error(404, "not_found");
    app.anonymous()
        .get_report(&ticket)
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn making_public_twice_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    citizen
        .act(&ticket, &json!({"action": "make_private"}))
        .await
        .invalid("action");
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    citizen
        .act(&ticket, &json!({"action": "make_public"}))
        .await
        .invalid("action");
    let stored = app.stored(&ticket).await;
    assert_eq!((stored.visibility.code(), stored.version), ("public", 2));
}

#[tokio::test]
async fn photos_are_served_without_their_metadata() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let marker = "GPS-CANARY -6.2615 106.8106 rumah saya";
    let view = citizen
        .submit_with_photos(
            &common::report_body("jalan", "31.74.01"),
            vec![jpeg_with_exif(marker)],
        )
        .await
        .expect(201);
    let ticket = ticket_of(&view);
    let url = view["photos"][0]["url"].as_str().expect("a photo url");
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    for reader in [&citizen, &app.anonymous()] {
        let photo = reader.get_url(url).await;
        assert_eq!(photo.status, 200, "{photo:?}");
        assert_eq!(dimensions(&photo.body), PICTURE_SIZE);
        let leaks = |needle: &[u8]| photo.body.windows(needle.len()).any(|w| w == needle);
        assert!(!leaks(marker.as_bytes()), "the EXIF text is served back");
        assert!(!leaks(b"Exif\0\0"), "an EXIF segment is served back");
    }
}

#[tokio::test]
async fn public_text_is_scrubbed_of_phone_numbers_emails_and_nik() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let mut body = common::report_body("jalan", "31.74.01");
    body["description"] = json!(
        "Jalan rusak depan rumah. Hubungi saya di 081234567890 atau budi.santoso@example.com, \
         NIK 3174012345670001."
    );
    let ticket = ticket_of(&citizen.submit_report(&body).await.expect(201));
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    let public = app.anonymous().get_report(&ticket).await;
    let text = public.text();
    for secret in [
        "081234567890",
        "budi.santoso@example.com",
        "3174012345670001",
    ] {
        assert!(
            !text.contains(secret),
            "the public sees {secret:?}: {public:?}"
        );
    }
    assert!(text.contains("Jalan rusak depan rumah"), "{public:?}");
}
