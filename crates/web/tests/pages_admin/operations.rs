//! The admins' operations pages: API keys (shown once, working, then revoked), the identity
//! access log (never the identity), the outbox's retry, the channels (never a secret), and
//! forms without their CSRF value.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use aduan_channels::ChannelsConfig;
use aduan_channels::outbound::Deliverer;
use aduan_domain::Role;
use aduan_store::{NewUser, OutboxState};
use aduan_web::outbox::{OutboxWorker, RetryPolicy, RunSummary};

use crate::citizen_browser::{assert_good_page, assert_labelled, location, page};
use crate::common::canary::{Person, found_in};
use crate::common::receiver::{self, send_sms};
use crate::common::{PASSWORD, Resp, TestApp, ticket_of};
use crate::{account, sign_in, sign_in_as};

/// Inside Kelurahan Gambir (Monas), so an Open311 report resolves to a region.
async fn open311_file(app: &TestApp, key: &str) -> Resp {
    let form = [
        ("api_key", key),
        ("service_code", "jalan"),
        ("lat", "-6.1754"),
        ("long", "106.8272"),
        ("description", "Jalan berlubang besar di depan halte."),
    ];
    let req = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .form(&form);
    Resp::read(req.send().await.unwrap()).await
}

/// The secret the page shows in its read-only field.
fn shown_key(html: &str) -> String {
    let marker = "id=\"new-key\" value=\"";
    let start = html.find(marker).expect("the new key") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

#[tokio::test]
async fn an_api_key_is_shown_once_works_and_stops_working_once_revoked() {
    let app = TestApp::spawn_with_boundaries().await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    let csrf = admin.csrf("/admin/kunci-api").await;
    let resp = admin
        .post("/admin/kunci-api", &[("csrf", &csrf), ("name", " qlue ")])
        .await;
    let html = page(&resp);
    assert_good_page(&html, "id");
    assert!(html.contains("hanya ditampilkan sekali"), "{html}");
    let key = shown_key(&html);
    assert!(key.len() >= 40, "{key}");
    // Never again: not on the list, and only its hash in the store.
    let list = page(&admin.get("/admin/kunci-api").await);
    assert!(
        list.contains(">qlue <span class=\"state state-green\">Aktif"),
        "{list}"
    );
    assert!(!list.contains(&key), "{list}");
    let stored = app.store.list_api_keys(None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name, "qlue");
    assert_eq!(open311_file(&app, &key).await.status, 200);

    // A second key of the same name, or a nameless one, is refused beside the field.
    for (name, message) in [
        ("qlue", "Sudah ada kunci dengan nama ini"),
        ("  ", "Nama harus 1–100"),
    ] {
        let resp = admin
            .post("/admin/kunci-api", &[("csrf", &csrf), ("name", name)])
            .await;
        assert_eq!(resp.status, 422, "{resp:?}");
        assert!(resp.text().contains(message), "{resp:?}");
        assert!(!resp.text().contains("id=\"new-key\""), "{resp:?}");
    }
    assert_eq!(app.store.list_api_keys(None, 10).await.unwrap().len(), 1);

    // Revoking asks first, then takes the POST.
    let confirm = page(&admin.get("/admin/kunci-api/cabut?name=qlue&lang=en").await);
    assert!(confirm.contains("Yes, revoke this key"), "{confirm}");
    assert!(
        confirm.contains("name=\"name\" value=\"qlue\""),
        "{confirm}"
    );
    assert_labelled(&confirm);
    let resp = admin
        .post(
            "/admin/kunci-api/cabut?lang=en",
            &[("csrf", &csrf), ("name", "qlue")],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/kunci-api?done=revoked&lang=en");
    let list = page(&admin.follow(&resp).await);
    assert!(list.contains("Key revoked."), "{list}");
    assert!(
        list.contains(">qlue <span class=\"state state-grey\">Revoked"),
        "{list}"
    );
    assert_eq!(open311_file(&app, &key).await.status, 403);
    let unknown = admin
        .post(
            "/admin/kunci-api/cabut",
            &[("csrf", &csrf), ("name", "tidak-ada")],
        )
        .await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
}

#[tokio::test]
async fn a_form_without_its_csrf_value_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (admin, name) = sign_in(&app, Role::Admin, None).await;
    let own = account(&app, &name).await;
    app.store
        .create_api_key("qlue".into(), [7; 32], Utc::now())
        .await
        .unwrap();
    let users = app.store.count_users().await.unwrap();
    let own_path = format!("/admin/pengguna/{}", own.id.0);
    let posts: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "/admin/pengguna",
            vec![
                ("username", "baru"),
                ("password", PASSWORD),
                ("role", "admin"),
            ],
        ),
        (&own_path, vec![("role", "coordinator")]),
        ("/admin/kunci-api", vec![("name", "lain")]),
        ("/admin/kunci-api/cabut", vec![("name", "qlue")]),
        ("/admin/outbox/1/ulang", vec![]),
    ];
    for (path, fields) in posts {
        let resp = admin.post(path, &fields).await;
        assert_eq!(resp.status, 403, "{path}: {resp:?}");
        let mut forged = fields.clone();
        forged.push(("csrf", "palsu"));
        assert_eq!(admin.post(path, &forged).await.status, 403, "{path}");
    }
    assert_eq!(app.store.count_users().await.unwrap(), users);
    assert_eq!(account(&app, &name).await.role, Role::Admin);
    let keys = app.store.list_api_keys(None, 10).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].revoked_at, None);
}

#[tokio::test]
async fn the_audit_log_names_who_revealed_which_report_but_never_the_identity() {
    let app = TestApp::spawn().await;
    let person = Person::new();
    let reporter = app
        .register_client(json!({
            "username": person.username, "display_name": person.name,
            "phone": person.phone, "email": person.email,
        }))
        .await;
    let ticket = ticket_of(&reporter.file("jalan", "31.74.01").await);
    let auditor = app.unique("admin-identitas");
    app.store
        .create_user(NewUser {
            username: auditor.clone(),
            password_hash: app.password_hash().await,
            display_name: None,
            role: Role::Admin,
            unit: None,
            can_view_identity: true,
            sealed_identity: None,
            created_at: Utc::now(),
        })
        .await
        .unwrap();
    let reason = "Penetapan Pengadilan Negeri Jakarta Selatan No. 123/Pdt.P/2026";
    let revealed = app
        .login_as(&auditor)
        .await
        .post_json(
            &format!("/reports/{ticket}/reporter"),
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(revealed.expect(200)["name"], person.name.as_str());

    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    for browser in [&admin, &sign_in_as(&app, &auditor).await] {
        let html = page(&browser.get("/admin/audit").await);
        assert_good_page(&html, "id");
        assert!(html.contains(&ticket), "{html}");
        assert!(html.contains(reason), "{html}");
        assert!(html.contains(&format!("<dd>{auditor}</dd>")), "{html}");
        let leaked = found_in(&person.all("the reporter"), html.as_bytes());
        assert!(leaked.is_empty(), "the audit page shows {leaked:?}");
    }
}

#[tokio::test]
async fn a_dead_outbox_message_is_sent_again_from_the_page() {
    // Messages arrive by SMS; answers have nowhere to go, so they die at once.
    let app = receiver::app_with_channels("http://127.0.0.1:9").await;
    let policy = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_secs(60),
        max_delay: Duration::from_secs(3600),
        lease: Duration::from_secs(300),
        batch: 32,
        idle: Duration::from_secs(1),
    };
    let deliverer = Arc::new(Deliverer::new(&ChannelsConfig::default()).unwrap());
    let worker = OutboxWorker::new(app.state.clone(), deliverer, policy);
    let phone = "+6281234567009";
    send_sms(
        &app,
        "SM-admin-1",
        phone,
        "Parkir liar di depan Stasiun Tebet",
    )
    .await;
    let dead = RunSummary {
        dead: 1,
        ..RunSummary::default()
    };
    assert_eq!(worker.run_once(Utc::now()).await.unwrap(), dead);
    let message = app.store.outbox(None, None, 10).await.unwrap().remove(0);
    assert_eq!(message.state, OutboxState::Dead);

    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    for path in [
        "/admin/outbox?state=dead",
        "/admin/outbox?state=dead&lang=en",
    ] {
        let html = page(&admin.get(path).await);
        assert_good_page(&html, if path.ends_with("en") { "en" } else { "id" });
        assert!(html.contains(&message.ticket.to_string()), "{html}");
        assert!(html.contains("value=\"dead\" selected"), "{html}");
        assert!(
            !html.contains("1234567009"),
            "the reporter's number: {html}"
        );
    }
    let html = page(&admin.get("/admin/outbox?state=dead").await);
    assert!(html.contains("Gagal"), "{html}");
    assert!(
        html.contains(&format!("/admin/outbox/{}/ulang", message.id)),
        "{html}"
    );
    assert!(page(&admin.get("/admin/outbox?state=sent").await).contains("Tidak ada pesan."));

    let csrf = admin.csrf("/admin/outbox").await;
    let retry = format!("/admin/outbox/{}/ulang", message.id);
    let resp = admin
        .post(&retry, &[("csrf", &csrf), ("state", "dead")])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(
        location(&resp),
        "/admin/outbox?done=retried&state=dead&lang=id"
    );
    let html = page(&admin.follow(&resp).await);
    assert!(html.contains("dikirim ulang sekarang"), "{html}");
    let pending = app
        .store
        .outbox(Some(OutboxState::Pending), None, 10)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!((pending[0].id, pending[0].attempts), (message.id, 0));
    let listed = page(&admin.get("/admin/outbox?state=pending").await);
    assert!(listed.contains("Percobaan berikutnya"), "{listed}");
    assert!(
        !listed.contains(&retry),
        "only failed messages are sent again: {listed}"
    );
    // A message no longer dead, or none at all.
    let again = admin.post(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(again.status, 409, "{again:?}");
    let none = admin
        .post("/admin/outbox/999999/ulang", &[("csrf", &csrf)])
        .await;
    assert_eq!(none.status, 404, "{none:?}");
}

#[tokio::test]
async fn channels_show_their_webhooks_and_configuration_but_no_secret() {
    let app = receiver::app_with_channels("http://127.0.0.1:9").await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    for lang in ["id", "en"] {
        let html = page(&admin.get(&format!("/admin/kanal?lang={lang}")).await);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert_labelled(&html);
        for path in [
            "/channels/sms/inbound",
            "/channels/whatsapp/webhook",
            "/channels/meta/webhook",
            "/channels/x/webhook",
            "/channels/lapor/reports",
        ] {
            let url = format!("{}{path}", receiver::PUBLIC_BASE);
            assert!(html.contains(&url), "{url}: {html}");
        }
        for secret in [
            receiver::TWILIO_TOKEN,
            receiver::WA_SECRET,
            receiver::META_SECRET,
            receiver::X_SECRET,
            receiver::LAPOR_SECRET,
            receiver::VERIFY_TOKEN,
            "wa-access-token",
            "page-token",
            "x-user-token",
        ] {
            assert!(!html.contains(secret), "{secret}: {html}");
        }
        // Every one of the 18 channels, by code.
        assert_eq!(html.matches("<article class=\"report\"").count(), 18);
    }
    let html = page(&admin.get("/admin/kanal").await);
    assert!(html.contains("Pendopo Balai Kota"), "{html}");
    let card = &html[html.find("id=\"c-whatsapp\"").unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains(">Dikonfigurasi<"), "{card}");
    let en = page(&admin.get("/admin/kanal?lang=en").await);
    assert!(en.contains("City Hall desk"), "{en}");

    // Without configuration every webhook reads as off.
    let bare = TestApp::spawn().await;
    let (admin, _) = sign_in(&bare, Role::Admin, None).await;
    let html = page(&admin.get("/admin/kanal").await);
    assert_good_page(&html, "id");
    assert!(!html.contains(">Dikonfigurasi<"), "{html}");
    assert!(html.contains("public_base_url"), "{html}");
}
