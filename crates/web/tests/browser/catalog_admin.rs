//! The admins' catalog pages in a phone-wide browser without JavaScript: sign in, change a
//! category's completion target (refused first, with the error beside the field), add a
//! unit, try the routing; every page same-origin only and no wider than the phone.

use aduan_domain::Role;

use crate::common::PASSWORD;
use crate::harness::{Options, run_with};

#[tokio::test]
async fn an_admin_changes_the_catalog_on_a_phone_without_javascript() {
    let options = Options {
        javascript: false,
        ..Options::default()
    };
    run_with("catalog_admin", options, |b| async move {
        b.app
            .create_account("admin.kota", Role::Admin, None, None)
            .await;
        b.goto("/masuk?next=/admin/kategori").await;
        b.fill("Nama pengguna", "admin.kota").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        assert!(
            b.location().await.starts_with("/admin/kategori"),
            "{}",
            b.location().await
        );
        b.check_page().await;
        b.screenshot("kategori").await;

        b.goto("/admin/kategori/jalan").await;
        b.check_page().await;
        b.fill("Target penyelesaian (jam)", "0").await;
        b.press("Simpan").await;
        assert_eq!(
            b.text("#completion_hours-error").await,
            "Paling sedikit 1 jam."
        );
        b.check_page().await;
        b.screenshot("kategori-salah").await;
        b.fill("Target penyelesaian (jam)", "48").await;
        b.choose("Ikon", "galian").await;
        b.press("Simpan").await;
        assert_eq!(b.location().await, "/admin/kategori?done=saved&lang=id");
        assert_eq!(
            b.text("p.notice").await,
            "Kategori disimpan; berlaku seketika."
        );
        assert_eq!(b.text("#c-jalan dd:nth-of-type(3)").await, "48");
        // The icon chosen is the one its tile and its form show now.
        b.goto("/admin/kategori/jalan").await;
        assert_eq!(b.text(".icon-now code").await, "galian");
        assert_eq!(
            b.app
                .store
                .jurisdiction()
                .await
                .expect("the stored jurisdiction")
                .expect("one is stored")
                .categories
                .iter()
                .find(|c| c.code.as_str() == "jalan")
                .and_then(|c| c.icon.clone())
                .as_deref(),
            Some("galian")
        );

        b.goto("/admin/unit/baru").await;
        b.check_page().await;
        b.fill("Kode", "sudin-kesehatan-31.74").await;
        b.fill("Nama", "Suku Dinas Kesehatan Jakarta Selatan").await;
        b.choose("Jenis", "Suku Dinas").await;
        b.choose(
            "Wilayah (opsional)",
            "Kota Administrasi Jakarta Selatan (31.74, kota)",
        )
        .await;
        b.choose("Induk (opsional)", "Dinas Kesehatan (dinas-kesehatan)")
            .await;
        b.screenshot("unit-baru").await;
        b.press("Simpan").await;
        assert_eq!(b.location().await, "/admin/unit?done=added&lang=id");
        b.check_page().await;
        b.goto("/admin/unit?jenis=suku_dinas").await;
        let added = b.text("#u-sudin-kesehatan-31\\.74").await;
        assert!(
            added.contains("Suku Dinas Kesehatan Jakarta Selatan"),
            "{added}"
        );
        b.check_page().await;
        b.screenshot("unit").await;

        b.goto("/admin/rute").await;
        b.choose("Kategori", "Jalan").await;
        b.choose("Wilayah laporan", "Tebet").await;
        b.press("Tampilkan rute").await;
        let route = b.text("#route").await;
        assert!(route.contains("Kantor Kecamatan Tebet"), "{route}");
        b.check_page().await;
        b.screenshot("rute").await;
    })
    .await;
}
