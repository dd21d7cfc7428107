//! Someone without an account files on a phone: from the home page to the form, the
//! receipt with the ticket and the tracking code, and `/lacak` with both.

use crate::harness::{Browser, run};

async fn fill_the_form(b: &Browser) {
    b.pick_category("Jalan").await;
    b.fill(
        "Uraian masalah",
        "Lubang besar di Jalan Tebet Raya, berbahaya bagi pengendara motor.",
    )
    .await;
    b.choose("Kecamatan", "Tebet").await;
    b.fill("Nomor ponsel (SMS/WhatsApp)", "0813-7777-4321")
        .await;
}

#[tokio::test]
async fn someone_without_an_account_files_keeps_the_code_and_tracks_the_report() {
    run("anonymous_report", |b| async move {
        b.goto("/").await;
        b.click_link("Lapor tanpa akun").await;
        assert!(
            b.location().await.starts_with("/lapor/tanpa-akun"),
            "{}",
            b.location().await
        );
        assert_eq!(b.text("h1").await, "Lapor tanpa akun");
        b.check_page().await;
        fill_the_form(&b).await;
        b.scroll_to("#phone").await;
        b.screenshot("formulir").await;
        b.press("Kirim laporan").await;

        assert_eq!(b.text("h1").await, "Laporan terkirim");
        let ticket = b.text("#ticket").await;
        let code = b.text("#tracking-code").await;
        assert_eq!(code.len(), 11, "{code}");
        assert!(b.text("main").await.contains("Simpan kode ini"));
        b.check_page().await;
        b.screenshot("tanda-terima").await;

        b.click_link("Lacak laporan ini").await;
        b.fill("Nomor tiket", &ticket).await;
        b.fill("Kode pelacakan (bila ada)", &code).await;
        b.press("Lacak").await;
        let tracked = b.text("#dilacak").await;
        assert!(tracked.contains("Menunggu"), "{tracked}");
        b.check_page().await;
        b.screenshot("lacak").await;
    })
    .await;
}
