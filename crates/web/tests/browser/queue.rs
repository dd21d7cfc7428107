//! `/petugas` on a phone: the coordinator's queue as cards (masked first line, photo, age,
//! SLA clock, distance), sorted by the SLA due first, filtered, and several reports
//! forwarded at once; it fits 412 px, its tap targets are at least 44 px and nothing comes
//! from another host or names the reporter.

use serde_json::json;

use aduan_domain::Role;

use crate::common::{SUDIN, png, ticket_of};
use crate::harness::{Browser, run};
use crate::steps::sign_in;

/// The smallest height among the elements matching `css`, in CSS pixels.
async fn smallest_height(b: &Browser, css: &str) -> f64 {
    let heights = b
        .js(
            r"return [...document.querySelectorAll(arguments[0])]
                .map((el) => el.getBoundingClientRect().height);",
            vec![json!(css)],
        )
        .await;
    heights
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .fold(f64::INFINITY, f64::min)
}

#[tokio::test]
async fn a_coordinator_works_the_queue_as_cards_on_a_phone_and_forwards_two_at_once() {
    run("queue", |b| async move {
        let citizen = b.app.register_citizen("warga-antrean").await;
        let mut tickets = Vec::new();
        for (category, region, at, text) in [
            (
                "jalan",
                "31.74.01",
                Some((-6.2300, 106.8540)),
                "Lubang di Jl. Tebet Raya dekat halte, sudah dua minggu. Telepon 0813-7777-4321.",
            ),
            (
                "pohon",
                "31.74.02",
                Some((-6.2100, 106.8300)),
                "Dahan pohon besar patah menggantung di atas trotoar.",
            ),
            (
                "sampah",
                "31.74.01",
                None,
                "Sampah menumpuk di pinggir kali sejak Senin.",
            ),
        ] {
            let mut location = json!({"region": region});
            if let Some((lat, lon)) = at {
                location["lat"] = json!(lat);
                location["lon"] = json!(lon);
            }
            let body = json!({"category": category, "description": text, "location": location});
            tickets.push(ticket_of(&citizen.submit_report(&body).await.expect(201)));
        }
        // A public report with its photo: the card shows it.
        let body = json!({
            "category": "jalan",
            "description": "Genangan setinggi lutut menutup jalan setiap hujan deras.",
            "location": {"region": "31.74.01", "lat": -6.2400, "lon": 106.8600},
        });
        let public = ticket_of(
            &citizen
                .submit_with_photos(&body, vec![png()])
                .await
                .expect(201),
        );
        citizen
            .act_ok(&public, json!({"action": "make_public"}))
            .await;
        b.app.backdate(&tickets[0], 8).await;
        let coordinator = b.app.unique("koordinator");
        b.app
            .create_account(&coordinator, Role::Coordinator, None, None)
            .await;

        sign_in(&b, &coordinator, "/petugas").await;
        b.click_link("Laporan masuk").await;
        b.check_page().await;
        let html = b.client().source().await.expect("the page source");
        assert!(!html.contains("warga-antrean"), "the reporter leaked");
        assert!(!html.contains("7777"), "an unmasked phone number");
        // The overdue road report first.
        let order = b.texts("article.queue-card h2 a").await;
        assert_eq!(order.first(), Some(&tickets[0]), "{order:?}");
        assert!(b.text("article.queue-card").await.contains("TERLAMBAT"));
        assert!(smallest_height(&b, "article.queue-card h2 a").await >= 44.0);
        assert!(smallest_height(&b, "article.queue-card label.pick").await >= 44.0);
        // The public report's photo, loaded from here; none for the private ones.
        let thumbs = b.find_all("article.queue-card img.thumb").await;
        assert_eq!(thumbs.len(), 1);
        let loaded = b
            .js(
                "const img = document.querySelector('img.thumb'); img.loading = 'eager'; \
                 return img.decode().then(() => img.naturalWidth > 0);",
                vec![],
            )
            .await;
        assert_eq!(loaded, json!(true));
        b.screenshot("top").await;
        b.scroll_to("article.queue-card").await;
        b.screenshot("cards").await;

        // Distances from where the coordinator stands (typed: JavaScript may fill it).
        b.click("details.queue-filter-box summary").await;
        b.screenshot("filters").await;
        b.choose("Urutkan", "Urutkan menurut jarak").await;
        b.fill("Jarak dari lokasi saya", "-6.2297, 106.8532").await;
        b.press("Tampilkan").await;
        b.check_page().await;
        let first = b.text("article.queue-card").await;
        assert!(
            first.contains(&tickets[0]) && first.contains("90 m dari Anda"),
            "{first}"
        );
        b.scroll_to("article.queue-card").await;
        b.screenshot("distance").await;

        // Tick two, choose the Suku Dinas, forward.
        b.goto("/petugas?view=masuk").await;
        for ticket in &tickets[..2] {
            b.click(&format!("input[name=ticket][value='{ticket}']"))
                .await;
        }
        b.scroll_to("fieldset.bulk").await;
        b.screenshot("bulk-form").await;
        b.field("Unit tujuan")
            .await
            .select_by_value(SUDIN)
            .await
            .expect("choose the Suku Dinas");
        b.press("Teruskan yang dipilih").await;
        assert_eq!(b.text("h1").await, "Hasil penerusan");
        assert!(
            b.text("p.notice")
                .await
                .starts_with("2 laporan diteruskan.")
        );
        b.check_page().await;
        b.screenshot("bulk-result").await;
        for ticket in &tickets[..2] {
            assert_eq!(b.app.stored(ticket).await.holding_unit.as_str(), SUDIN);
        }
    })
    .await;
}
