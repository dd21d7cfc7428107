//! One report's whole life in the browser, every role in turn on the same phone-sized
//! window: a citizen files it with a photo; a coordinator forwards it; an officer accepts it
//! and documents the follow-up with photos before and after; the validator, with the
//! evidence beside the report, sends it back with a reason; the officer reads the reason and
//! redoes it; the validator validates; the citizen sees "Selesai" and the whole history.
//! No staff page ever shows who reported.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{FixedOffset, Utc};

use aduan_domain::{ReportState, Role};

use crate::common::{PASSWORD, SUDIN, camera_photo, png};
use crate::harness::{Browser, Options, run_with};
use crate::steps::sign_in;

const REASON: &str = "Foto sesudah tidak menunjukkan lokasi yang dilaporkan.";

/// What every page must be (`Browser::check_page`), and (for staff) not naming the reporter.
async fn check_page(b: &Browser, reporter: Option<&str>) {
    b.check_page().await;
    if let Some(reporter) = reporter {
        let html = b.client().source().await.expect("the page source");
        let page = b.location().await;
        assert!(!html.contains(reporter), "{page} names the reporter");
    }
}

async fn sign_out(b: &Browser) {
    b.press("Keluar").await;
}

/// A staff account made by the city's admin (here: straight in the store).
async fn staff(b: &Browser, role: Role, unit: Option<&str>) -> String {
    let username = b.app.unique(role.code());
    b.app.create_account(&username, role, unit, None).await;
    username
}

/// Unfold the step whose summary reads `label` (unless it is open already).
async fn open_step(b: &Browser, label: &str) {
    let open = b
        .js(
            r"for (const s of document.querySelectorAll('details.act > summary')) {
                if (s.textContent.trim() === arguments[0]) {
                  const was = s.parentElement.open;
                  s.parentElement.open = true;
                  return was;
                }
              }
              return null;",
            vec![serde_json::json!(label)],
        )
        .await;
    assert!(open.is_boolean(), "no step reads {label:?}");
}

/// Open the report from the queue (the view named `tab`), by its ticket link.
async fn from_queue(b: &Browser, tab: &str, ticket: &str) {
    b.click_link(tab).await;
    b.click_link(ticket).await;
    assert!(
        b.location()
            .await
            .starts_with(&format!("/laporan/{ticket}"))
    );
}

fn write_photo(dir: &Path, name: &str, bytes: Vec<u8>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write a photo");
    path
}

async fn attach(b: &Browser, label: &str, path: &Path) {
    b.field(label)
        .await
        .send_keys(path.to_str().expect("a UTF-8 path"))
        .await
        .expect("attach the photo");
}

/// The capture time a camera would write an hour from now in Jakarta.
fn in_an_hour() -> String {
    let wib = FixedOffset::east_opt(7 * 3600).expect("WIB");
    (Utc::now() + chrono::Duration::hours(1))
        .with_timezone(&wib)
        .format("%Y:%m:%d %H:%M:%S")
        .to_string()
}

#[tokio::test]
async fn a_report_lives_its_whole_life_through_every_role() {
    let options = Options {
        deadline: Duration::from_secs(420),
        ..Options::default()
    };
    run_with("lifecycle", options, |b| async move {
        let dir = tempfile::tempdir().expect("a temp dir for the photos");
        let reported = write_photo(dir.path(), "lubang.png", png());
        let taken = in_an_hour();
        let before = write_photo(
            dir.path(),
            "sebelum.jpg",
            camera_photo(&taken, -6.2262, 106.8533),
        );
        let after = write_photo(
            dir.path(),
            "sesudah.jpg",
            camera_photo(&taken, -6.2263, 106.8534),
        );

        // The citizen files it.
        b.goto("/daftar").await;
        b.fill("Nama pengguna", "ibu.sari").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Daftar").await;
        b.pick_category("Jalan").await;
        b.fill(
            "Uraian masalah",
            "Lubang besar di Jalan Tebet Raya depan sekolah, motor sering jatuh.",
        )
        .await;
        b.choose("Kecamatan", "Tebet").await;
        attach(&b, "Foto (maks. 5) (opsional)", &reported).await;
        b.press("Kirim laporan").await;
        let location = b.location().await;
        let ticket = location
            .strip_prefix("/laporan/")
            .and_then(|rest| rest.split('?').next())
            .unwrap_or_else(|| panic!("on the report's page: {location}"))
            .to_owned();
        sign_out(&b).await;
        let reporter = Some("ibu.sari");

        // The coordinator forwards it to the suggested Suku Dinas.
        let coordinator = staff(&b, Role::Coordinator, None).await;
        sign_in(&b, &coordinator, "/petugas").await;
        from_queue(&b, "Laporan masuk", &ticket).await;
        check_page(&b, reporter).await;
        b.screenshot("1-koordinator-laporan").await;
        open_step(&b, "Teruskan ke unit lain").await;
        let unit = b.field("Unit tujuan").await;
        assert_eq!(
            unit.prop("value").await.expect("a value").as_deref(),
            Some(SUDIN)
        );
        b.press("Teruskan ke unit lain").await;
        assert!(b.text("p.notice").await.contains("Diteruskan"));
        sign_out(&b).await;

        // The officer accepts it and documents the work.
        let officer = staff(&b, Role::Officer, Some(SUDIN)).await;
        sign_in(&b, &officer, "/petugas").await;
        check_page(&b, reporter).await;
        b.screenshot("2-petugas-antrean").await;
        from_queue(&b, "Perlu tindakan", &ticket).await;
        b.press("Terima laporan").await;
        open_step(&b, "Kirim dokumentasi tindak lanjut").await;
        b.fill("Apa yang sudah dikerjakan", "Lubang ditambal aspal dingin.")
            .await;
        attach(&b, "Foto sebelum dikerjakan", &before).await;
        attach(&b, "Foto sesudah dikerjakan", &after).await;
        check_page(&b, reporter).await;
        b.scroll_to("details.act[open]").await;
        b.screenshot("3-petugas-tindak-lanjut").await;
        b.press("Kirim dokumentasi tindak lanjut").await;
        assert_eq!(
            b.app.stored(&ticket).await.state,
            ReportState::AwaitingValidation
        );
        sign_out(&b).await;

        // The validator weighs the evidence and sends it back.
        let validator = staff(&b, Role::Validator, None).await;
        sign_in(&b, &validator, "/petugas").await;
        from_queue(&b, "Menunggu validasi", &ticket).await;
        let evidence = b.text("section.evidence").await;
        assert!(
            evidence.contains("Sebelum") && evidence.contains("Sesudah"),
            "{evidence}"
        );
        assert!(evidence.contains("setelah laporan masuk"), "{evidence}");
        assert_eq!(b.find_all("section.evidence figure img").await.len(), 2);
        check_page(&b, reporter).await;
        b.scroll_to("section.evidence").await;
        b.screenshot("4-validator-bukti").await;
        open_step(&b, "Tolak tindak lanjut").await;
        b.fill("Alasan", REASON).await;
        b.press("Tolak tindak lanjut").await;
        sign_out(&b).await;

        // The officer reads why and redoes it.
        sign_in(&b, &officer, "/petugas").await;
        from_queue(&b, "Perlu tindakan", &ticket).await;
        let alert = b.text(".sent-back").await;
        assert!(alert.contains("Tindak lanjut ditolak validator"), "{alert}");
        assert!(alert.contains(REASON), "{alert}");
        check_page(&b, reporter).await;
        b.scroll_to(".sent-back").await;
        b.screenshot("5-petugas-perbaiki").await;
        open_step(&b, "Kirim dokumentasi tindak lanjut").await;
        b.fill(
            "Apa yang sudah dikerjakan",
            "Difoto ulang dengan papan nama Jalan Tebet Raya terlihat.",
        )
        .await;
        attach(&b, "Foto sesudah dikerjakan", &after).await;
        b.press("Kirim dokumentasi tindak lanjut").await;
        sign_out(&b).await;

        // The validator validates.
        sign_in(&b, &validator, "/petugas").await;
        from_queue(&b, "Menunggu validasi", &ticket).await;
        b.press("Validasi: selesai").await;
        assert_eq!(b.app.stored(&ticket).await.state, ReportState::Completed);
        sign_out(&b).await;

        // The citizen sees it done, with every step.
        sign_in(&b, "ibu.sari", "/laporan-saya").await;
        b.click_link(&ticket).await;
        assert_eq!(b.text("h1 .state").await, "Selesai");
        let history = b.texts("ol.history li").await.join("\n");
        for step in [
            "Laporan dikirim",
            "Diteruskan",
            "Diterima untuk ditindaklanjuti",
            "Tindak lanjut dilaporkan",
            "Tindak lanjut ditolak",
            "Tindak lanjut divalidasi",
        ] {
            assert!(history.contains(step), "{step} in {history}");
        }
        assert!(history.contains(REASON), "{history}");
        check_page(&b, None).await;
        b.screenshot("6-warga-selesai").await;

        // The history labels the photos before and after the work. The review asks with two
        // equal choices, "Puas" the primary one, each a tap target of at least 44 px; once
        // given, the page shows the review instead of the question.
        let captions = b.texts("ol.history figcaption").await;
        for label in ["Sebelum", "Sesudah"] {
            assert!(
                captions.iter().any(|c| c == label),
                "{label} in {captions:?}"
            );
        }
        let heights = b
            .js(
                "return [...document.querySelectorAll('.review-choices button')]\
                   .map(e => e.getBoundingClientRect().height);",
                vec![],
            )
            .await;
        let heights: Vec<f64> = heights
            .as_array()
            .expect("the heights")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        assert_eq!(heights.len(), 2, "{heights:?}");
        assert!(heights.iter().all(|h| *h >= 44.0), "{heights:?}");
        b.scroll_to("#review").await;
        b.screenshot("7-warga-menilai").await;
        b.press("Puas").await;
        let review = b.text("section[aria-labelledby=review]").await;
        assert!(review.contains("Anda menilai: Puas"), "{review}");
        assert!(!review.contains("Bagaimana hasilnya?"), "{review}");
        b.scroll_to("#review").await;
        b.screenshot("8-warga-sudah-menilai").await;
    })
    .await;
}
