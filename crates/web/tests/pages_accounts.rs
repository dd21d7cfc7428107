//! The account lifecycle in the pages, as a browser without JavaScript uses it: admins
//! disable, enable and set temporary passwords at `/admin/pengguna` (with the CSRF value,
//! as every admin form); anyone signed in changes their password at `/akun/kata-sandi`, in
//! Indonesian or English, linked from the header.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, assert_labelled, location, page};
use common::{PASSWORD, SUDIN, TestApp};

const NEW_PASSWORD: &str = "kata-sandi-baru-sekali";

async fn sign_in_as(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", username), ("password", password)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    browser
}

async fn staff(app: &TestApp, role: Role, unit: Option<&str>) -> (Browser, String) {
    let username = app.unique(role.code());
    app.create_account(&username, role, unit, None).await;
    (sign_in_as(app, &username, PASSWORD).await, username)
}

#[tokio::test]
async fn anyone_signed_in_changes_their_password() {
    let app = TestApp::spawn().await;
    let (here, name) = staff(&app, Role::Officer, Some(SUDIN)).await;
    let elsewhere = sign_in_as(&app, &name, PASSWORD).await;
    let home = page(&here.get("/").await);
    assert!(home.contains("href=\"/akun/kata-sandi?lang=id\""), "{home}");
    let id = page(&here.get("/akun/kata-sandi").await);
    assert_good_page(&id, "id");
    assert_labelled(&id);
    assert!(id.contains("Ganti kata sandi"), "{id}");
    let en = page(&here.get("/akun/kata-sandi?lang=en").await);
    assert!(en.contains("Change password"), "{en}");
    // Not signed in: off to sign in first.
    let anonymous = Browser::new(&app).get("/akun/kata-sandi").await;
    assert_eq!(anonymous.status, 303);
    assert!(location(&anonymous).starts_with("/masuk"), "{anonymous:?}");

    let csrf = here.csrf("/akun/kata-sandi").await;
    let forged = here
        .post(
            "/akun/kata-sandi",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let wrong = here
        .post(
            "/akun/kata-sandi",
            &[
                ("csrf", &csrf),
                ("current_password", "salah-salah-salah"),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.text().contains("Kata sandi saat ini salah."));
    let weak = here
        .post(
            "/akun/kata-sandi",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "pendek"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    let done = here
        .post(
            "/akun/kata-sandi",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{done:?}");
    assert!(page(&here.follow(&done).await).contains("Kata sandi Anda sudah diganti."));
    // This browser stays signed in; the other one is signed out.
    assert!(page(&here.get("/petugas").await).contains(&name));
    let other = elsewhere.get("/petugas").await;
    assert_eq!(other.status, 303);
    assert!(location(&other).starts_with("/masuk"), "{other:?}");
    sign_in_as(&app, &name, NEW_PASSWORD).await;
}

#[tokio::test]
async fn admins_disable_enable_and_set_temporary_passwords() {
    let app = TestApp::spawn().await;
    let (admin, _) = staff(&app, Role::Admin, None).await;
    let (officer, name) = staff(&app, Role::Officer, Some(SUDIN)).await;
    let id = app.store.credentials(&name).await.unwrap().user.id.0;
    let listed = page(&admin.get("/admin/pengguna").await);
    assert!(
        listed.contains(&format!("/admin/pengguna/{id}/akses")),
        "{listed}"
    );
    let csrf = admin.csrf("/admin/pengguna").await;
    let access = format!("/admin/pengguna/{id}/akses");

    // Without the CSRF value, or by someone else, nothing happens.
    assert_eq!(
        admin.post(&access, &[("action", "disable")]).await.status,
        403
    );
    let officer_csrf = officer.csrf("/").await;
    let by_officer = officer
        .post(&access, &[("csrf", &officer_csrf), ("action", "disable")])
        .await;
    assert_eq!(by_officer.status, 403);
    assert!(!app.store.credentials(&name).await.unwrap().user.disabled);

    let disabled = admin
        .post(&access, &[("csrf", &csrf), ("action", "disable")])
        .await;
    assert_eq!(disabled.status, 303, "{disabled:?}");
    assert!(page(&admin.follow(&disabled).await).contains("Dinonaktifkan"));
    assert!(app.store.credentials(&name).await.unwrap().user.disabled);
    let out = officer.get("/petugas").await;
    assert_eq!(out.status, 303, "the session ended: {out:?}");
    let refused = Browser::new(&app)
        .post("/masuk", &[("username", &name), ("password", PASSWORD)])
        .await;
    assert_ne!(refused.status, 303);

    let enabled = admin
        .post(&access, &[("csrf", &csrf), ("action", "enable")])
        .await;
    assert_eq!(enabled.status, 303);
    let again = sign_in_as(&app, &name, PASSWORD).await;

    let temporary = "sementara-dari-admin";
    let set = admin
        .post(
            &format!("/admin/pengguna/{id}/kata-sandi"),
            &[("csrf", &csrf), ("password", temporary)],
        )
        .await;
    assert_eq!(set.status, 303, "{set:?}");
    assert_eq!(again.get("/petugas").await.status, 303);
    // Signed in with it, every page leads to changing it.
    let flagged = sign_in_as(&app, &name, temporary).await;
    let queue = flagged.get("/petugas?lang=en").await;
    assert_eq!(queue.status, 303);
    assert_eq!(location(&queue), "/akun/kata-sandi?lang=en");
    let form = page(&flagged.get("/akun/kata-sandi?lang=en").await);
    assert!(form.contains("temporary one an admin set"), "{form}");
    let csrf = flagged.csrf("/akun/kata-sandi").await;
    let changed = flagged
        .post(
            "/akun/kata-sandi",
            &[
                ("csrf", &csrf),
                ("current_password", temporary),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(flagged.get("/petugas").await.status, 200);
}

/// Each role signs in through the form and lands on the page of its daily work, which
/// answers 200: never on a citizen's page that refuses it.
#[tokio::test]
async fn every_role_lands_on_its_own_home_after_signing_in() {
    let app = TestApp::spawn().await;
    let homes = [
        (Role::Citizen, None, "/laporan-saya"),
        (Role::Operator, None, "/meja"),
        (Role::Coordinator, None, "/petugas?view=masuk"),
        (Role::Officer, Some(SUDIN), "/petugas?view=perlu"),
        (
            Role::Validator,
            Some("biro-pemerintahan"),
            "/petugas?view=validasi",
        ),
        (Role::Admin, None, "/admin"),
    ];
    for (role, unit, home) in homes {
        let username = app.unique(role.code());
        app.create_account(&username, role, unit, None).await;
        let browser = Browser::new(&app);
        let signed_in = browser
            .post(
                "/masuk",
                &[("username", username.as_str()), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(signed_in.status, 303, "{role:?}: {signed_in:?}");
        let landing = location(&signed_in);
        assert_eq!(
            landing,
            format!(
                "{home}{}lang=id",
                if home.contains('?') { '&' } else { '?' }
            ),
            "{role:?}"
        );
        let page = browser.get(&landing).await;
        assert_eq!(page.status, 200, "{role:?} lands on {landing}: {page:?}");
        // Signed in already, the sign-in page sends it home too.
        let again = browser.get("/masuk").await;
        assert_eq!(location(&again), landing, "{role:?}");
        // A page it came for wins over its home.
        let asked = Browser::new(&app)
            .post(
                "/masuk?next=/akun/kata-sandi",
                &[("username", username.as_str()), ("password", PASSWORD)],
            )
            .await;
        assert!(
            location(&asked).starts_with("/akun/kata-sandi"),
            "{role:?}: {asked:?}"
        );
    }
}
