//! The personal-data pages as a browser without JavaScript uses them: a citizen downloads
//! their data and erases their account at `/akun/data` (with the CSRF value, the password
//! and a ticked confirmation); an admin with the identity permission answers a data
//! subject's request at `/admin/subjek-data`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::Value;

use aduan_channels::{ReplyRoute, Sender};
use aduan_domain::{Channel, Role};
use aduan_web::intake::{ChannelMessage, submit_channel_message};
use citizen_browser::{Browser, assert_good_page, assert_labelled, location, page, staff_browser};
use common::{PASSWORD, TestApp};

const REASON: &str = "Surat permintaan subjek data No. 46/PDP/2026";

async fn sign_in(app: &TestApp, username: &str) -> Browser {
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    browser
}

#[tokio::test]
async fn a_citizen_downloads_their_data_and_deletes_their_account() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let username = browser.register(&app, "warga").await;
    let ticket = browser
        .file("Trotoar rusak di depan sekolah, membahayakan anak-anak.")
        .await;

    let home = page(&browser.get("/").await);
    assert!(home.contains("href=\"/akun/data?lang=id\""), "{home}");
    let id = page(&browser.get("/akun/data").await);
    assert_good_page(&id, "id");
    assert_labelled(&id);
    assert!(
        id.contains("Unduh data saya") && id.contains("Hapus akun"),
        "{id}"
    );
    assert!(id.contains("tidak dapat dibatalkan"), "{id}");
    let en = page(&browser.get("/akun/data?lang=en").await);
    assert!(
        en.contains("Download my data") && en.contains("Delete account"),
        "{en}"
    );

    let download = browser.get("/akun/data/unduh").await;
    assert_eq!(download.status, 200, "{download:?}");
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    let data: Value = serde_json::from_slice(&download.body).unwrap();
    assert_eq!(data["account"]["username"], username.as_str());
    assert_eq!(data["reports"][0]["report"]["ticket"], ticket.as_str());

    // Refused, changing nothing: forged, unconfirmed, a wrong password.
    let forged = browser
        .post("/akun/hapus", &[("password", PASSWORD), ("confirm", "yes")])
        .await;
    assert_eq!(forged.status, 403);
    let csrf = browser.csrf("/akun/data").await;
    let unconfirmed = browser
        .post("/akun/hapus", &[("csrf", &csrf), ("password", PASSWORD)])
        .await;
    assert_eq!(unconfirmed.status, 422);
    assert!(
        unconfirmed.text().contains("Centang kotak ini"),
        "{unconfirmed:?}"
    );
    let wrong = browser
        .post(
            "/akun/hapus",
            &[
                ("csrf", &csrf),
                ("password", "salah-salah-salah"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.text().contains("Kata sandi salah."), "{wrong:?}");
    assert_eq!(
        browser.get("/laporan-saya").await.status,
        200,
        "still signed in"
    );

    let erased = browser
        .post(
            "/akun/hapus",
            &[("csrf", &csrf), ("password", PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert_eq!(erased.status, 303, "{erased:?}");
    assert!(
        location(&erased).starts_with("/akun/data?done=erased"),
        "{erased:?}"
    );
    let done = page(&browser.follow(&erased).await);
    assert!(done.contains("Akun Anda sudah dihapus"), "{done}");
    // Signed out, for good; the report stays without a reporter.
    let mine = browser.get("/laporan-saya").await;
    assert_eq!(mine.status, 303, "{mine:?}");
    assert!(location(&mine).starts_with("/masuk"));
    let again = Browser::new(&app)
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_ne!(again.status, 303, "{again:?}");
    assert_eq!(app.stored(&ticket).await.reporter, None);
}

#[tokio::test]
async fn an_admin_answers_a_data_subjects_request_on_the_page() {
    let app = TestApp::spawn().await;
    let phone = "+6281299887766";
    let message = |id: &str, phone: &str, name: &str| ChannelMessage {
        channel: Channel::Sms,
        message_id: id.to_owned(),
        text: "Got mampet di depan rumah, air meluap ke jalan.".into(),
        sender: Sender {
            name: Some(name.to_owned()),
            phone: Some(phone.to_owned()),
            ..Sender::default()
        },
        reply: Some(ReplyRoute {
            channel: Channel::Sms,
            address: phone.to_owned(),
            in_reply_to: None,
            public: false,
        }),
        location: None,
        address: None,
        category_hint: None,
        photos: Vec::new(),
        media: Vec::new(),
    };
    let hers = submit_channel_message(&app.state, message("SM1", phone, "Rina Subjek"))
        .await
        .unwrap()
        .ticket
        .to_string();
    let other = submit_channel_message(&app.state, message("SM2", "+6281311112222", "Budi Lain"))
        .await
        .unwrap()
        .ticket
        .to_string();
    let username = app.create_identity_admin().await;
    let admin = sign_in(&app, &username).await;

    let index = page(&admin.get("/admin").await);
    assert!(
        index.contains("href=\"/admin/subjek-data?lang=id\""),
        "{index}"
    );
    let form = page(&admin.get("/admin/subjek-data").await);
    assert_good_page(&form, "id");
    assert_labelled(&form);
    assert!(form.contains("Permintaan subjek data"), "{form}");
    let csrf = admin.csrf("/admin/subjek-data").await;

    let bad = admin
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", "12"),
                ("reason", REASON),
                ("action", "search"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.text().contains("Nomor telepon Indonesia"), "{bad:?}");

    let found = admin
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", "0812 9988 7766"),
                ("reason", REASON),
                ("action", "search"),
            ],
        )
        .await;
    assert_eq!(found.status, 200, "{found:?}");
    let found = found.text();
    assert!(
        found.contains(&hers) && found.contains("Rina Subjek"),
        "{found}"
    );
    assert!(
        !found.contains(&other) && !found.contains("Budi Lain"),
        "{found}"
    );

    let unconfirmed = admin
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("reason", REASON),
                ("action", "erase"),
            ],
        )
        .await;
    assert_eq!(unconfirmed.status, 422);
    let erased = admin
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("reason", REASON),
                ("action", "erase"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(erased.status, 200, "{erased:?}");
    assert!(erased.text().contains("Identitas dihapus"), "{erased:?}");
    let after = admin
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("reason", REASON),
                ("action", "search"),
            ],
        )
        .await
        .text();
    assert!(
        after.contains(&hers) && !after.contains("Rina Subjek"),
        "{after}"
    );

    // The audit page lists what was done, with the reason.
    let audit = page(&admin.get("/admin/audit").await);
    assert!(audit.contains("Menghapus identitas subjek data"), "{audit}");
    assert!(audit.contains(REASON), "{audit}");

    // An admin without the identity permission is refused.
    let plain = staff_browser(&app, Role::Admin, None).await;
    let csrf = plain.csrf("/admin/subjek-data").await;
    let refused = plain
        .post(
            "/admin/subjek-data",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("reason", REASON),
                ("action", "search"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
}
