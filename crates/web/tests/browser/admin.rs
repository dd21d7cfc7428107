//! The admins' pages in a phone-sized browser: each fits the screen and loads nothing from
//! elsewhere; a staff account is created through the form, and a new API key is shown.

use aduan_domain::Role;

use crate::common::PASSWORD;
use crate::harness::run;

const PAGES: [&str; 11] = [
    "/admin",
    "/admin/pengguna",
    "/admin/kunci-api",
    "/admin/kanal",
    "/admin/audit",
    "/admin/outbox",
    "/admin/kategori",
    "/admin/kategori/jalan",
    "/admin/unit",
    "/admin/unit/baru",
    "/admin/rute",
];

#[tokio::test]
async fn an_admin_works_through_the_admin_pages_on_a_phone() {
    run("admin_pages", |b| async move {
        b.app
            .create_account("admin.kota", Role::Admin, None, None)
            .await;
        b.goto("/masuk").await;
        b.fill("Nama pengguna", "admin.kota").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        b.click_link("Administrasi").await;
        assert_eq!(b.location().await, "/admin?lang=id");
        for path in PAGES {
            for lang in ["id", "en"] {
                b.goto(&format!("{path}?lang={lang}")).await;
                b.check_page().await;
            }
        }

        b.goto("/admin/pengguna").await;
        b.fill("Nama pengguna", "petugas.tebet").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.choose("Peran", "Petugas").await;
        b.fill("Unit (opsional)", "sudin-bina-marga-31.74").await;
        b.press("Buat akun").await;
        assert!(b.text(".notice").await.contains("Akun dibuat"));
        let names = b.texts("article h2").await;
        assert!(names.iter().any(|n| n == "petugas.tebet"), "{names:?}");
        b.check_page().await;
        b.screenshot("pengguna").await;

        b.goto("/admin/kunci-api").await;
        b.fill("Nama aplikasi", "qlue").await;
        b.press("Buat kunci").await;
        let key = b.field("Kunci API untuk qlue").await;
        let value = key.prop("value").await.expect("the key's value");
        assert!(value.is_some_and(|v| v.len() >= 40));
        b.check_page().await;
        b.screenshot("kunci-api").await;
    })
    .await;
}
