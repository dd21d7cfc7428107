//! The admins' pages over HTTP, as a browser without JavaScript uses them: every page for an
//! admin in both languages and for no one else; staff accounts created and changed (a
//! change applies to open sessions at once, and no admin can drop their own admin role);
//! pages of accounts. API keys, the audit log, the outbox and the channels are in
//! `pages_admin/operations.rs`.
// Helpers fail their test by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;
#[path = "pages_admin/operations.rs"]
mod operations;

use aduan_domain::{Role, UnitCode};
use aduan_store::User;
use citizen_browser::{Browser, assert_good_page, assert_labelled, location, page};
use common::{PASSWORD, Resp, SUDIN, TestApp};

const BIRO: &str = "biro-pemerintahan";
const PAGES: [&str; 7] = [
    "/admin",
    "/admin/pengguna",
    "/admin/kunci-api",
    "/admin/kunci-api/cabut?name=qlue",
    "/admin/kanal",
    "/admin/audit",
    "/admin/outbox",
];

/// A browser signed in through `/masuk` as `username`.
pub async fn sign_in_as(app: &TestApp, username: &str) -> Browser {
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    browser
}

/// A new account of `role`, signed in; with its username.
pub async fn sign_in(app: &TestApp, role: Role, unit: Option<&str>) -> (Browser, String) {
    let username = app.unique(role.code());
    app.create_account(&username, role, unit, None).await;
    (sign_in_as(app, &username).await, username)
}

pub async fn account(app: &TestApp, username: &str) -> User {
    app.store.credentials(username).await.unwrap().user
}

/// `path` with `lang=`.
pub fn in_lang(path: &str, lang: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={lang}")
}

/// The page's "next page" link, as a path to GET.
pub fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn every_admin_page_renders_for_an_admin_in_both_languages() {
    let app = TestApp::spawn().await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    for path in PAGES {
        let id = page(&admin.get(path).await);
        assert_good_page(&id, "id");
        let en = page(&admin.get(&in_lang(path, "en")).await);
        assert_good_page(&en, "en");
        // Each keeps the reader's language in its links.
        assert!(en.contains("/admin?lang=en"), "{path}: {en}");
    }
    let index = page(&admin.get("/admin").await);
    assert!(index.contains("<h1>Administrasi</h1>"), "{index}");
    for linked in [
        "/admin/pengguna",
        "/admin/unit",
        "/admin/kategori",
        "/admin/rute",
        "/admin/kanal",
        "/admin/kunci-api",
        "/admin/outbox",
        "/admin/audit",
    ] {
        assert!(
            index.contains(&format!("href=\"{linked}?lang=id\"")),
            "{linked}: {index}"
        );
    }
    let en = page(&admin.get("/admin?lang=en").await);
    assert!(en.contains("<h1>Administration</h1>"), "{en}");
    assert!(en.contains("href=\"/admin/audit?lang=en\""), "{en}");
}

#[tokio::test]
async fn only_admins_get_in_and_visitors_are_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let (officer, officer_name) = sign_in(&app, Role::Officer, Some(SUDIN)).await;
    let (coordinator, _) = sign_in(&app, Role::Coordinator, None).await;
    for path in PAGES {
        let resp = anonymous.get(path).await;
        assert_eq!(resp.status, 303, "{path}: {resp:?}");
        let bare = path.split('?').next().unwrap();
        assert!(
            location(&resp).starts_with(&format!("/masuk?next={bare}")),
            "{path}: {resp:?}"
        );
        for who in [&citizen, &officer, &coordinator] {
            let resp = who.get(path).await;
            assert_eq!(resp.status, 403, "{path}: {resp:?}");
            assert!(resp.text().contains("hanya untuk admin"), "{resp:?}");
        }
    }
    // Their forms are refused too, with a valid CSRF value, and change nothing.
    let users = app.store.count_users().await.unwrap();
    let csrf = officer.csrf("/").await;
    let posts = [
        (
            "/admin/pengguna",
            vec![
                ("username", "penyusup"),
                ("password", PASSWORD),
                ("role", "admin"),
            ],
        ),
        ("/admin/kunci-api", vec![("name", "penyusup")]),
    ];
    for (path, mut fields) in posts {
        fields.push(("csrf", &csrf));
        let resp = officer.post(path, &fields).await;
        assert_eq!(resp.status, 403, "{path}: {resp:?}");
    }
    let own = account(&app, &officer_name).await;
    let resp = officer
        .post(
            &format!("/admin/pengguna/{}", own.id.0),
            &[("csrf", &csrf), ("role", "admin")],
        )
        .await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert_eq!(account(&app, &own.username).await.role, Role::Officer);
    assert_eq!(app.store.count_users().await.unwrap(), users);
    assert!(app.store.list_api_keys(None, 10).await.unwrap().is_empty());
}

/// Every form an admin's page posts, with the page it belongs to.
fn admin_forms(staff_id: i64) -> Vec<(String, String)> {
    let users = "/admin/pengguna".to_owned();
    vec![
        (users.clone(), users.clone()),
        (format!("/admin/pengguna/{staff_id}"), users.clone()),
        (format!("/admin/pengguna/{staff_id}/akses"), users.clone()),
        (format!("/admin/pengguna/{staff_id}/kata-sandi"), users),
        ("/admin/kunci-api".into(), "/admin/kunci-api".into()),
        (
            "/admin/kunci-api/cabut".into(),
            "/admin/kunci-api/cabut".into(),
        ),
        ("/admin/outbox/1/ulang".into(), "/admin/outbox".into()),
        ("/admin/unit/baru".into(), "/admin/unit/baru".into()),
        (
            format!("/admin/unit/{SUDIN}"),
            format!("/admin/unit/{SUDIN}"),
        ),
        ("/admin/unit/Bukan%20Kode".into(), "/admin/unit".into()),
        ("/admin/kategori/baru".into(), "/admin/kategori/baru".into()),
        (
            "/admin/kategori/jalan".into(),
            "/admin/kategori/jalan".into(),
        ),
    ]
}

#[tokio::test]
async fn every_admin_form_checks_sign_in_forgery_and_role_before_anything_else() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let (officer, officer_name) = sign_in(&app, Role::Officer, Some(SUDIN)).await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    let staff_id = account(&app, &officer_name).await.id.0;
    let users = app.store.count_users().await.unwrap();
    let officer_csrf = officer.csrf("/").await;
    let admin_csrf = admin.csrf("/").await;
    for (path, page) in admin_forms(staff_id) {
        // Not signed in: off to sign in, and back to the form's page after.
        let resp = anonymous
            .post(&in_lang(&path, "en"), &[("csrf", "x")])
            .await;
        assert_eq!(resp.status, 303, "{path}: {resp:?}");
        assert_eq!(
            location(&resp),
            format!("/masuk?next={page}&lang=en"),
            "{path}"
        );
        // Another role, with its own valid CSRF value: 403, in the reader's language.
        let resp = officer.post(&path, &[("csrf", &officer_csrf)]).await;
        assert_eq!(resp.status, 403, "{path}: {resp:?}");
        assert!(
            resp.text().contains("hanya untuk admin"),
            "{path}: {resp:?}"
        );
        let resp = officer
            .post(&in_lang(&path, "en"), &[("csrf", &officer_csrf)])
            .await;
        assert!(resp.text().contains("for admins only"), "{path}: {resp:?}");
        // An admin's form without the session's CSRF value, or sent from another site: 403.
        let resp = admin.post(&path, &[("csrf", "bukan-milik-sesi-ini")]).await;
        assert_eq!(resp.status, 403, "{path}: {resp:?}");
        assert!(resp.text().contains("kedaluwarsa"), "{path}: {resp:?}");
        let resp = admin
            .http
            .post(format!("{}{path}", app.base))
            .header("origin", "https://penipu.example")
            .form(&[("csrf", admin_csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{path}: from another site");
    }
    assert_eq!(app.store.count_users().await.unwrap(), users);
    assert_eq!(account(&app, &officer_name).await.role, Role::Officer);
    assert!(!account(&app, &officer_name).await.disabled);
    assert!(app.store.list_api_keys(None, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_creates_a_staff_account_that_can_sign_in() {
    let app = TestApp::spawn().await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    let csrf = admin.csrf("/admin/pengguna").await;
    let resp = admin
        .post(
            "/admin/pengguna?lang=en",
            &[
                ("csrf", &csrf),
                ("username", " Petugas.Tebet "),
                ("password", PASSWORD),
                ("role", "officer"),
                ("unit", SUDIN),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/pengguna?done=created&lang=en");
    let html = page(&admin.follow(&resp).await);
    assert!(html.contains("Account created"), "{html}");
    assert!(html.contains("petugas.tebet"), "{html}");
    assert!(html.contains("Suku Dinas Bina Marga"), "{html}");

    let created = account(&app, "petugas.tebet").await;
    assert_eq!(created.role, Role::Officer);
    assert_eq!(created.unit, Some(UnitCode::parse(SUDIN).unwrap()));
    let officer = sign_in_as(&app, "petugas.tebet").await;
    assert_good_page(&page(&officer.get("/petugas").await), "id");
}

#[tokio::test]
async fn bad_input_is_shown_beside_its_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let (admin, taken) = sign_in(&app, Role::Admin, None).await;
    let csrf = admin.csrf("/admin/pengguna").await;
    let users = app.store.count_users().await.unwrap();
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            &taken,
            PASSWORD,
            "coordinator",
            "",
            "Nama pengguna ini sudah dipakai",
        ),
        (
            "petugas-baru",
            "pendek",
            "officer",
            SUDIN,
            "Kata sandi minimal 10 karakter",
        ),
        (
            "petugas-baru",
            PASSWORD,
            "officer",
            "",
            "harus memiliki unit",
        ),
        (
            "petugas-baru",
            PASSWORD,
            "officer",
            "dinas-entah",
            "Tidak ada unit dengan kode ini",
        ),
        ("petugas-baru", PASSWORD, "citizen", "", "Pilih peran staf"),
        ("X", PASSWORD, "admin", "", "Nama pengguna harus 3–32"),
    ];
    for (username, password, role, unit, message) in cases {
        let resp = admin
            .post(
                "/admin/pengguna",
                &[
                    ("csrf", csrf.as_str()),
                    ("username", username),
                    ("password", password),
                    ("role", role),
                    ("unit", unit),
                ],
            )
            .await;
        assert_eq!(resp.status, 422, "{message}: {resp:?}");
        let html = resp.text();
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("class=\"error\""), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert_labelled(&html);
        // What was typed stays, but never the password.
        assert!(html.contains(&format!("value=\"{username}\"")), "{html}");
        assert!(!html.contains(password), "{html}");
    }
    assert_eq!(app.store.count_users().await.unwrap(), users);
    assert!(app.store.credentials("petugas-baru").await.is_err());
}

async fn change_role(admin: &Browser, id: i64, csrf: &str, role: &str, unit: &str) -> Resp {
    let fields = [("csrf", csrf), ("role", role), ("unit", unit)];
    admin
        .post(&format!("/admin/pengguna/{id}?lang=en"), &fields)
        .await
}

#[tokio::test]
async fn a_role_change_applies_to_the_accounts_next_request() {
    let app = TestApp::spawn().await;
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    let (officer, name) = sign_in(&app, Role::Officer, Some(SUDIN)).await;
    let id = account(&app, &name).await.id.0;
    assert_eq!(officer.get("/petugas").await.status, 200);
    assert_eq!(officer.get("/admin").await.status, 403);

    let csrf = admin.csrf("/admin/pengguna").await;
    let change = |role, unit| change_role(&admin, id, &csrf, role, unit);
    // A validator needs a unit: refused beside the field, nothing changed.
    let refused = change("validator", "").await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let html = refused.text();
    assert!(
        html.contains("Officers and validators must have a unit"),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"unit-{id}-error\"")), "{html}");
    assert_eq!(account(&app, &name).await.role, Role::Officer);

    let resp = change("validator", BIRO).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/pengguna?done=changed&lang=en");
    assert!(page(&admin.follow(&resp).await).contains("applies at once"));
    // The officer's session, open all along, is now a validator's: the queue offers the
    // validation view, not the officer's.
    let queue = page(&officer.get("/petugas").await);
    assert!(queue.contains(">Menunggu validasi</a>"), "{queue}");
    assert!(!queue.contains(">Perlu tindakan</a>"), "{queue}");
    let promoted = change("admin", "").await;
    assert_eq!(promoted.status, 303, "{promoted:?}");
    assert_good_page(&page(&officer.get("/admin").await), "id");
    let stored = account(&app, &name).await;
    assert_eq!((stored.role, stored.unit), (Role::Admin, None));
}

#[tokio::test]
async fn an_admin_cannot_drop_their_own_admin_role() {
    let app = TestApp::spawn().await;
    let (admin, name) = sign_in(&app, Role::Admin, None).await;
    let id = account(&app, &name).await.id.0;
    let csrf = admin.csrf("/admin/pengguna").await;
    let resp = admin
        .post(
            &format!("/admin/pengguna/{id}"),
            &[("csrf", &csrf), ("role", "coordinator"), ("unit", "")],
        )
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    let html = resp.text();
    assert!(html.contains("tidak dapat melepas peran admin"), "{html}");
    assert!(html.contains(&format!("id=\"role-{id}-error\"")), "{html}");
    assert_eq!(account(&app, &name).await.role, Role::Admin);
    assert_eq!(admin.get("/admin").await.status, 200);
    // Another admin may be changed, and an unknown account is not found.
    let (_, other) = sign_in(&app, Role::Admin, None).await;
    let other_id = account(&app, &other).await.id.0;
    let fields = [
        ("csrf", csrf.as_str()),
        ("role", "coordinator"),
        ("unit", ""),
    ];
    let resp = admin
        .post(&format!("/admin/pengguna/{other_id}"), &fields)
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(account(&app, &other).await.role, Role::Coordinator);
    let resp = admin.post("/admin/pengguna/999999", &fields).await;
    assert_eq!(resp.status, 404, "{resp:?}");
}

#[tokio::test]
async fn accounts_come_page_by_page_and_by_role() {
    let app = TestApp::spawn().await;
    let (admin, admin_name) = sign_in(&app, Role::Admin, None).await;
    let mut officers = Vec::new();
    for _ in 0..30 {
        let username = app.unique("petugas");
        app.create_account(&username, Role::Officer, Some(SUDIN), None)
            .await;
        officers.push(username);
    }
    let citizen = Browser::new(&app);
    let citizen_name = citizen.register(&app, "warga").await;

    let first = page(&admin.get("/admin/pengguna").await);
    let next = next_link(&first).expect("a next page");
    let second = page(&admin.get(&next).await);
    assert_good_page(&second, "id");
    assert!(next_link(&second).is_none(), "{second}");
    let heading = |name: &str| format!(">{name}</h2>");
    let on_first: Vec<_> = officers
        .iter()
        .filter(|o| first.contains(&heading(o)))
        .collect();
    let on_second: Vec<_> = officers
        .iter()
        .filter(|o| second.contains(&heading(o)))
        .collect();
    // 25 a page, the admin first; every officer once.
    assert!(first.contains(&heading(&admin_name)), "{first}");
    assert_eq!((on_first.len(), on_second.len()), (24, 6));
    // Citizens' accounts are not shown.
    assert!(!first.contains(&citizen_name) && !second.contains(&citizen_name));

    let admins = page(&admin.get("/admin/pengguna?role=admin").await);
    assert!(admins.contains(&heading(&admin_name)), "{admins}");
    assert!(
        !officers.iter().any(|o| admins.contains(o.as_str())),
        "{admins}"
    );
    assert!(admins.contains("value=\"admin\" selected"), "{admins}");
    let bad = admin.get("/admin/pengguna?cursor=bukan-kursor").await;
    assert_eq!(bad.status, 400, "{bad:?}");
}

/// The API's documentation is for the developers of third-party apps, whom admins give
/// keys: linked from the API keys page, not from the citizens' home.
#[tokio::test]
async fn the_api_documentation_is_linked_for_admins_not_on_the_citizens_home() {
    let app = TestApp::spawn().await;
    let home = page(&Browser::new(&app).get("/").await);
    assert!(!home.contains("openapi.json"), "{home}");
    let (admin, _) = sign_in(&app, Role::Admin, None).await;
    let keys = page(&admin.get("/admin/kunci-api").await);
    assert!(keys.contains("href=\"/api/v1/openapi.json\""), "{keys}");
}
