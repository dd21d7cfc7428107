//! `/statistik` on a phone: a visitor opens the dashboard from the menu, chooses a period
//! and the kelurahan map; the charts and the map fit the screen and nothing comes from
//! another host.

use aduan_domain::Channel;

use crate::common::stats::{file, utc};
use crate::harness::{run, run_with_boundaries};

#[tokio::test]
async fn the_dashboard_fits_a_phone_and_loads_only_from_its_own_origin() {
    run_with_boundaries("statistik", |b| async move {
        let reports = [
            ("jalan", "31.74.01.1001", Channel::parse("jaki").unwrap(), 1),
            ("jalan", "31.74.01.1001", Channel::parse("jaki").unwrap(), 2),
            ("jalan", "31.74.01.1002", Channel::Twitter, 2),
            (
                "sampah",
                "31.74.01.1001",
                Channel::parse("jaki").unwrap(),
                3,
            ),
            ("pohon", "31.71.01.1001", Channel::Email, 3),
            (
                "parkir-liar",
                "31.73.01.1001",
                Channel::parse("jaki").unwrap(),
                4,
            ),
            ("parkir-liar", "31.75.01.1001", Channel::Sms, 5),
            (
                "gangguan-ketenteraman-ketertiban",
                "31.72.01.1001",
                Channel::parse("jaki").unwrap(),
                6,
            ),
        ];
        for (i, (cat, place, channel, month)) in reports.into_iter().enumerate() {
            let key = format!("pelapor-{}", i % 5);
            file(
                &b.app,
                cat,
                place,
                channel,
                &key,
                utc(2024, month, 10, 3, 0),
            )
            .await;
        }

        b.goto("/").await;
        b.click_link("Statistik").await;
        assert!(b.location().await.starts_with("/statistik?lang=id"));
        assert_eq!(b.text("h1").await, "Statistik laporan");
        b.check_page().await;

        b.goto("/statistik?from=2024-01-01&to=2025-01-01&peta=kelurahan")
            .await;
        b.check_page().await;
        assert_eq!(b.text("dl.headline dd").await, "8");
        assert_eq!(b.find_all("svg.choropleth g").await.len(), 267);
        assert_eq!(b.find_all("svg.choropleth g.c5").await.len(), 1);
        b.screenshot("top").await;
        b.scroll_to("p.showing").await;
        b.screenshot("headline").await;
        b.scroll_to("#trend-h").await;
        b.screenshot("charts").await;
        b.scroll_to("#channel-h").await;
        b.screenshot("channels").await;
        b.scroll_to("#map-h").await;
        b.screenshot("map").await;
        b.scroll_to("#legend-label").await;
        b.screenshot("legend").await;

        // In English, by kota.
        b.click_link("English").await;
        assert_eq!(
            b.location().await,
            "/statistik?from=2024-01-01&to=2025-01-01&peta=kelurahan&lang=en"
        );
        b.goto("/statistik?from=2024-01-01&to=2025-01-01&lang=en")
            .await;
        assert_eq!(b.text("h1").await, "Report statistics");
        b.assert_no_horizontal_overflow().await;
        b.scroll_to("#map-h").await;
        b.screenshot("map-kota-en").await;
    })
    .await;
}

#[tokio::test]
async fn without_boundaries_the_map_is_a_schematic_of_tiles() {
    run("statistik-skema", |b| async move {
        for (place, key) in [("31.74.01", "a"), ("31.74.02", "b"), ("31.71.01", "c")] {
            file(
                &b.app,
                "jalan",
                place,
                Channel::parse("jaki").unwrap(),
                key,
                utc(2024, 2, 1, 3, 0),
            )
            .await;
        }
        b.goto("/statistik?from=2024-01-01&to=2024-03-01").await;
        b.check_page().await;
        assert_eq!(b.find_all("ul.tiles li").await.len(), 6);
        assert_eq!(
            b.text("ul.tiles li.c5").await,
            "Kota Administrasi Jakarta Selatan\n2"
        );
        b.scroll_to("#map-h").await;
        b.screenshot("tiles").await;
    })
    .await;
}
