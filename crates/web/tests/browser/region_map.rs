//! The region map on a phone: a citizen opens the map from `/lapor`, zooms into a kota,
//! taps a kelurahan's shape and is back on the form with that kelurahan chosen and what
//! they had typed still there.

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use serde_json::json;

use crate::common::PASSWORD;
use crate::harness::{Browser, run_with_boundaries};

const DESCRIPTION: &str = "Lubang besar di Jalan Tebet Raya, berbahaya bagi motor.";

/// Tebet Timur, Jakarta Selatan.
const TEBET_TIMUR: &str = "31.74.01.1001";

/// A point (in the window) that lies inside the shape of the link to `code`, found by the
/// browser's own hit testing so that a tap there lands on that kelurahan and no other.
async fn point_inside(b: &Browser, code: &str) -> (f64, f64) {
    let found = b
        .js(
            r"const code = arguments[0];
              const link = document.querySelector(`svg a[href*='wilayah=${code}&']`);
              link.scrollIntoView({block: 'center'});
              const box = link.getBoundingClientRect();
              for (let i = 0; i < 400; i++) {
                const x = box.left + (box.width * (((i * 37) % 97) + 0.5)) / 97;
                const y = box.top + (box.height * (((i * 53) % 89) + 0.5)) / 89;
                const hit = document.elementFromPoint(x, y);
                if (hit && hit.closest('a') === link) return [x, y];
              }
              return null;",
            vec![json!(code)],
        )
        .await;
    let point = found
        .as_array()
        .unwrap_or_else(|| panic!("no point of {code} can be tapped"));
    (point[0].as_f64().unwrap(), point[1].as_f64().unwrap())
}

async fn tap(b: &Browser, (x, y): (f64, f64)) {
    let mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x.round(),
            y: y.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    b.client().perform_actions(mouse).await.expect("tap");
}

#[tokio::test]
async fn a_citizen_taps_a_kelurahan_on_the_map_and_it_is_chosen_on_the_form() {
    run_with_boundaries("region_map", |b| async move {
        b.goto("/daftar").await;
        b.fill("Nama pengguna", "warga.peta").await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Daftar").await;
        assert!(
            b.location().await.starts_with("/lapor"),
            "{}",
            b.location().await
        );

        // What was typed before going to the map comes back with the place chosen.
        b.pick_category("Jalan").await;
        b.fill("Uraian masalah", DESCRIPTION).await;
        b.click_link("Pilih di peta").await;
        assert_eq!(b.location().await, "/lapor/peta?lang=id");
        assert_eq!(b.text("h1").await, "Pilih kelurahan di peta");
        b.check_page().await;
        b.screenshot("map").await;
        let links = b.find_all("svg a").await;
        assert_eq!(links.len(), 267, "every kelurahan is a link");

        // Zoomed into one kota, the shapes are big enough to tap.
        b.click_link("Kota Administrasi Jakarta Selatan").await;
        assert_eq!(b.location().await, "/lapor/peta?kota=31.74&lang=id");
        b.assert_no_horizontal_overflow().await;
        b.screenshot("map-jakarta-selatan").await;
        let at = point_inside(&b, TEBET_TIMUR).await;
        b.leaving("a tap on Tebet Timur", tap(&b, at)).await;

        assert_eq!(
            b.location().await,
            format!("/lapor?wilayah={TEBET_TIMUR}&lang=id")
        );
        let chosen = b
            .js(
                "const s = document.getElementById('region'); \
                 return [s.value, s.options[s.selectedIndex].text];",
                vec![],
            )
            .await;
        assert_eq!(chosen, json!([TEBET_TIMUR, "Tebet Timur"]));
        let kept = b
            .js(
                "return [document.querySelector('input[name=category]:checked').value, \
                 document.getElementById('description').value];",
                vec![],
            )
            .await;
        assert_eq!(kept, json!(["jalan", DESCRIPTION]));
        let notice = b.text("p.notice").await;
        assert!(notice.contains("Tebet Timur"), "{notice}");
        b.assert_no_horizontal_overflow().await;
        b.screenshot("form-with-region").await;
    })
    .await;
}
