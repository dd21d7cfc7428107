//! `/statistik`, the public dashboard, and its downloads: exact figures on reports made
//! through the store at the edges of Jakarta's months and years, a category group, an
//! empty period, refused input, the CSV and JSON, the map's shading (schematic tiles
//! without boundaries, shapes with them) and the English page.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use serde_json::Value;

use aduan_domain::{ActionKind, Channel, ReportState};

use common::TestApp;
use common::stats::{file, step, utc};

/// Six reports, five of them in 2021: at 00:30 WIB on 1 February (February; taken after
/// 90 minutes, completed after 50 hours), 23:59 WIB on 31 January (January; forwarded),
/// 10 February, 5 March, 23:30 WIB on 31 December (December), and 00:30 WIB on 1 January
/// 2022 (outside).
async fn seeded() -> TestApp {
    use ReportState::*;
    let app = TestApp::spawn().await;
    let at = utc(2021, 1, 31, 17, 30);
    let early = file(
        &app,
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        at,
    )
    .await;
    let early = step(
        &app,
        early,
        ActionKind::Accept,
        InProgress,
        at + Duration::minutes(90),
    )
    .await;
    step(
        &app,
        early,
        ActionKind::Validate,
        Completed,
        at + Duration::hours(50),
    )
    .await;
    let late = file(
        &app,
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        utc(2021, 1, 31, 16, 59),
    )
    .await;
    step(
        &app,
        late,
        ActionKind::Forward,
        Coordination,
        utc(2021, 2, 1, 1, 0),
    )
    .await;
    let places = [
        (
            "pohon",
            "31.71.01",
            Channel::Twitter,
            "k2",
            utc(2021, 2, 10, 3, 0),
        ),
        (
            "jalan",
            "31.74.02",
            Channel::parse("jaki").unwrap(),
            "k5",
            utc(2021, 3, 5, 3, 0),
        ),
        (
            "sampah",
            "31.72.01",
            Channel::Sms,
            "k3",
            utc(2021, 12, 31, 16, 30),
        ),
        (
            "sampah",
            "31.72.01",
            Channel::Sms,
            "k4",
            utc(2021, 12, 31, 17, 30),
        ),
    ];
    for (cat, place, channel, key, at) in places {
        file(&app, cat, place, channel, key, at).await;
    }
    app
}

struct Got {
    status: u16,
    disposition: String,
    content_type: String,
    body: String,
}

async fn get(app: &TestApp, path: &str) -> Got {
    let response = app.http.get(app.url(path)).send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (disposition, content_type) = (header("content-disposition"), header("content-type"));
    Got {
        status: response.status().as_u16(),
        disposition,
        content_type,
        // Askama writes `&` as `&#38;`; read it as the usual entity.
        body: response.text().await.unwrap().replace("&#38;", "&amp;"),
    }
}

async fn page(app: &TestApp, query: &str) -> String {
    let got = get(app, &format!("/statistik?{query}")).await;
    assert_eq!(got.status, 200, "{}", got.body);
    got.body
}

/// The headline figure labelled `label`.
fn headline(html: &str, label: &str) -> String {
    let start = format!("<dt>{label}</dt><dd>");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no {label} in the page"))
        + start.len();
    html[at..].split("</dd>").next().unwrap().to_owned()
}

fn assert_has(html: &str, wanted: &str) {
    assert!(html.contains(wanted), "missing {wanted:?}");
}

/// RFC 4180 records: fields split at commas outside quotes, quotes undoubled.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    assert!(text.ends_with("\r\n"), "records end with CRLF");
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {
                assert_eq!(chars.next(), Some('\n'));
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[tokio::test]
async fn a_year_s_figures_are_exact_in_indonesian_numbers() {
    let app = seeded().await;
    let html = page(&app, "from=2021-01-01&to=2022-01-01").await;
    assert_has(
        &html,
        "Menampilkan: 1 Jan 2021 – 31 Des 2021 · semua kategori",
    );
    assert_eq!(headline(&html, "Laporan"), "5");
    assert_eq!(headline(&html, "Pelapor (berbeda)"), "4");
    assert_eq!(headline(&html, "Selesai"), "20,0%");
    assert_eq!(headline(&html, "Dalam koordinasi"), "20,0%");
    assert_eq!(headline(&html, "Rata-rata waktu koordinasi"), "1,50 jam");
    assert_eq!(headline(&html, "Rata-rata waktu penyelesaian"), "50,00 jam");
    // 00:30 WIB on 1 February is February; 23:30 WIB on 31 December is December.
    for (month, n) in [
        ("Jan 2021", 1),
        ("Feb 2021", 2),
        ("Mar 2021", 1),
        ("Apr 2021", 0),
        ("Des 2021", 1),
    ] {
        assert_has(&html, &format!("<title>{month}: {n} laporan</title>"));
        assert_has(
            &html,
            &format!("<tr><td>{month}</td><td class=\"n\">{n}</td></tr>"),
        );
    }
    assert_eq!(html.matches("<rect class=\"s0\" x=").count(), 12 + 3 + 3);
    // Categories most first, channels with their reporters.
    assert_has(&html, "<title>Jalan: 3 laporan</title>");
    assert_has(&html, "<title>Pohon: 1 laporan</title>");
    assert_has(&html, "<title>JAKI: 3 laporan</title>");
    assert_has(&html, "<title>JAKI: 2 pelapor</title>");
    assert!(html.find("<td>Jalan</td>").unwrap() < html.find("<td>Pohon</td>").unwrap());
    assert_has(
        &html,
        "<tr><td>JAKI</td><td class=\"n\">3</td><td class=\"n\">2</td></tr>",
    );
    assert_has(
        &html,
        "<tr><td>Menunggu</td><td class=\"n\">3</td><td class=\"n\">60,0%</td></tr>",
    );
    // Downloads for the same period.
    assert_has(
        &html,
        "href=\"/statistik.csv?from=2021-01-01&amp;to=2022-01-01&amp;lang=id\"",
    );
    // Public: no sign-in, and nothing but counts.
    assert!(!html.contains("k1") && !html.contains("Laporan uji statistik"));
}

#[tokio::test]
async fn a_category_group_and_an_empty_period() {
    let app = seeded().await;
    let html = page(
        &app,
        "from=2021-01-01&to=2022-01-01&category=sampah&category=Pohon",
    )
    .await;
    assert_has(&html, "1 Jan 2021 – 31 Des 2021 · Sampah, Pohon");
    assert_eq!(headline(&html, "Laporan"), "2");
    assert_eq!(headline(&html, "Pelapor (berbeda)"), "2");
    assert_eq!(headline(&html, "Selesai"), "0,0%");
    assert_eq!(headline(&html, "Rata-rata waktu koordinasi"), "belum ada");
    assert_has(&html, "value=\"sampah\" checked");
    assert_has(&html, "value=\"pohon\" checked");
    assert!(!html.contains("value=\"jalan\" checked"));
    assert!(!html.contains("<td>Jalan</td>"));
    // The six quick choices of period keep the group.
    assert_eq!(
        html.matches("&amp;category=sampah&amp;category=Pohon&amp;lang=id\">")
            .count(),
        6
    );

    // Nothing in 2023: zeros, no division by zero, every chart still drawn.
    let html = page(&app, "from=2023-01-01&to=2024-01-01").await;
    assert_has(&html, "Tidak ada laporan dalam periode ini.");
    assert_eq!(headline(&html, "Laporan"), "0");
    assert_eq!(headline(&html, "Selesai"), "0,0%");
    assert_eq!(headline(&html, "Rata-rata waktu penyelesaian"), "belum ada");
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3);
    assert_eq!(html.matches("height=\"0\"><title>").count(), 12);
    assert_has(&html, "<title>Des 2023: 0 laporan</title>");
    assert_eq!(html.matches("<li class=\"c0\">").count(), 6);
}

#[tokio::test]
async fn bad_input_is_the_page_again_with_the_message_beside_the_field() {
    let app = TestApp::spawn().await;
    for (query, id, message) in [
        (
            "from=2021-02-30&to=2021-03-01",
            "from-error",
            "&#39;2021-02-30&#39; bukan tanggal; pilih tanggal di kalender, atau tulis HH-BB-TTTT, misalnya 01-02-2021.",
        ),
        (
            "from=2021-03-01&to=2021-02-01",
            "to-error",
            "Tanggal akhir harus sesudah tanggal awal.",
        ),
        (
            "from=2021-01-01&to=2021-02-01&category=Banjir%20Kanal",
            "category-error",
            "&#39;Banjir Kanal&#39;: Kategori ini tidak dikenal.",
        ),
    ] {
        let got = get(&app, &format!("/statistik?{query}")).await;
        assert_eq!(got.status, 422, "{query}");
        assert_has(
            &got.body,
            &format!("<p class=\"error\" id=\"{id}\">{message}</p>"),
        );
        if id != "category-error" {
            assert_has(&got.body, "aria-invalid=\"true\"");
        }
        assert!(!got.body.contains("<dl class=\"headline\">"), "{query}");
    }
    // Typed as Indonesians write dates (a browser without a date picker): read as meant, and
    // shown back in the form the picker uses.
    let typed = get(&app, "/statistik?from=01-01-2021&to=1%2F2%2F2021").await;
    assert_eq!(typed.status, 200);
    assert_has(
        &typed.body,
        "id=\"from\" name=\"from\" value=\"2021-01-01\"",
    );
    assert_has(&typed.body, "id=\"to\" name=\"to\" value=\"2021-02-01\"");
    let english = get(&app, "/statistik?lang=en&from=2021-01-01&to=2021-01-01").await;
    assert_eq!(english.status, 422);
    assert_has(&english.body, "The end must be after the start.");
    // The downloads refuse as the API does.
    let csv = get(&app, "/statistik.csv?from=2021-01-01&to=soon").await;
    assert_eq!(csv.status, 422);
    let body: Value = serde_json::from_str(&csv.body).unwrap();
    assert_eq!(
        body["error"]["fields"]["to"].as_str().unwrap(),
        "'soon' is not a date (expected YYYY-MM-DD)"
    );
}

#[tokio::test]
async fn the_downloads_hold_every_figure() {
    let app = seeded().await;
    let json = get(
        &app,
        "/statistik.json?from=2021-01-01&to=2022-01-01&category=",
    )
    .await;
    assert_eq!(json.status, 200);
    assert_eq!(json.content_type, "application/json");
    assert_eq!(
        json.disposition,
        "attachment; filename=\"statistik_2021-01-01_2022-01-01.json\""
    );
    let api = get(&app, "/api/v1/stats?from=2021-01-01&to=2022-01-01").await;
    assert_eq!(json.body, api.body);
    let figures: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(figures["reports"], 5);
    assert_eq!(figures["by_month"][1]["reports"], 2);

    let csv = get(&app, "/statistik.csv?from=2021-01-01&to=2022-01-01").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        csv.disposition,
        "attachment; filename=\"statistik_2021-01-01_2022-01-01.csv\""
    );
    let records = parse_csv(&csv.body);
    let rows: Vec<String> = records.iter().map(|r| r.join("|")).collect();
    let mut expected = vec![
        "section|key|name|value|reporters",
        "summary|from||2021-01-01|",
        "summary|to||2022-01-01|",
        "summary|categories|||",
        "summary|reports||5|",
        "summary|reporters||4|",
        "summary|completed_pct||20.0|",
        "summary|coordination_pct||20.0|",
        "summary|avg_coordination_hours||1.50|",
        "summary|avg_completion_hours||50.00|",
        "status|waiting|Menunggu|3|",
        "status|coordination|Koordinasi|1|",
        "status|disposition|Disposisi|0|",
        "status|in_progress|Proses|0|",
        "status|scheduled|Estimasi Waktu Selesai|0|",
        "status|awaiting_validation|Menunggu Validasi|0|",
        "status|followup_rejected|TL Ditolak|0|",
        "status|completed|Selesai|1|",
        "status|rejected|Ditolak|0|",
        "status|duplicate|Duplikat|0|",
        "status|referred|Bukan Wewenang|0|",
        "category|jalan|Jalan|3|",
        "category|pohon|Pohon|1|",
        "category|sampah|Sampah|1|",
        "channel|jaki|JAKI|3|2",
        "channel|sms|SMS|1|1",
        "channel|twitter|X/Twitter|1|1",
    ];
    let months = [1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let month_rows: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(i, n)| format!("month|2021-{:02}||{n}|", i + 1))
        .collect();
    expected.extend(month_rows.iter().map(String::as_str));
    expected.extend([
        "kota|31.74|Kota Administrasi Jakarta Selatan|3|",
        "kota|31.71|Kota Administrasi Jakarta Pusat|1|",
        "kota|31.72|Kota Administrasi Jakarta Utara|1|",
        "kota|31.01|Kabupaten Administrasi Kepulauan Seribu|0|",
        "kota|31.73|Kota Administrasi Jakarta Barat|0|",
        "kota|31.75|Kota Administrasi Jakarta Timur|0|",
    ]);
    assert_eq!(rows, expected);
    assert!(records.iter().all(|r| r.len() == 5));
}

#[tokio::test]
async fn the_schematic_map_shades_the_kota_with_most_reports_darkest() {
    let app = seeded().await;
    let html = page(&app, "from=2021-01-01&to=2022-01-01").await;
    assert_has(&html, "Batas wilayah belum dimuat");
    // Equal-width classes over 1..=3: 3 is the darkest (5), 1 the second (2).
    for (class, name, n) in [
        (5, "Kota Administrasi Jakarta Selatan", 3),
        (2, "Kota Administrasi Jakarta Pusat", 1),
        (2, "Kota Administrasi Jakarta Utara", 1),
        (0, "Kota Administrasi Jakarta Barat", 0),
        (0, "Kabupaten Administrasi Kepulauan Seribu", 0),
    ] {
        assert_has(
            &html,
            &format!("<li class=\"c{class}\">{name} <strong>{n}</strong></li>"),
        );
    }
    assert_eq!(html.matches("<li class=\"c5\">").count(), 1);
    for (class, text) in [(0, "Tanpa laporan"), (2, "1"), (4, "2"), (5, "3")] {
        assert_has(
            &html,
            &format!("<li><span class=\"key c{class}\"></span> {text}</li>"),
        );
    }
}

#[tokio::test]
async fn with_boundaries_each_level_is_shaded_and_reports_roll_up() {
    let app = TestApp::spawn_with_boundaries().await;
    let at = utc(2024, 5, 6, 3, 0);
    for (place, key) in [
        ("31.74.01.1001", "a"),
        ("31.74.01.1001", "b"),
        ("31.74.01.1001", "c"),
        ("31.74.01.1002", "d"),
        ("31.71.01", "e"),
    ] {
        file(
            &app,
            "jalan",
            place,
            Channel::parse("jaki").unwrap(),
            key,
            at,
        )
        .await;
    }
    let period = "from=2024-05-01&to=2024-06-01";
    let kota = page(&app, period).await;
    assert_has(
        &kota,
        "<g class=\"c5\"><title>Kota Administrasi Jakarta Selatan: 4 laporan</title>",
    );
    assert_has(
        &kota,
        "<g class=\"c2\"><title>Kota Administrasi Jakarta Pusat: 1 laporan</title>",
    );
    assert_has(
        &kota,
        "<g class=\"c0\"><title>Kota Administrasi Jakarta Barat: 0 laporan</title>",
    );
    let kecamatan = page(&app, &format!("{period}&peta=kecamatan")).await;
    assert_has(
        &kecamatan,
        "<g class=\"c5\"><title>Tebet: 4 laporan</title>",
    );
    assert_has(
        &kecamatan,
        "<g class=\"c2\"><title>Gambir: 1 laporan</title>",
    );
    assert_eq!(kecamatan.matches("<g class=\"c").count(), 44);
    let kelurahan = page(&app, &format!("{period}&peta=kelurahan")).await;
    assert_has(
        &kelurahan,
        "<g class=\"c5\"><title>Tebet Timur: 3 laporan</title>",
    );
    assert_has(
        &kelurahan,
        "<g class=\"c2\"><title>Tebet Barat: 1 laporan</title>",
    );
    assert_eq!(kelurahan.matches("<g class=\"c").count(), 267);
    assert_eq!(kelurahan.matches("<g class=\"c5\">").count(), 1);
    // The kecamatan's own report is on no kelurahan.
    assert_has(
        &kelurahan,
        "1 laporan hanya diketahui wilayah yang lebih luas",
    );
    assert_has(
        &kelurahan,
        "<option value=\"kelurahan\" selected>Kelurahan</option>",
    );

    let csv = get(&app, &format!("/statistik.csv?{period}&peta=kecamatan")).await;
    let rows: Vec<String> = parse_csv(&csv.body).iter().map(|r| r.join("|")).collect();
    assert!(rows.contains(&"kecamatan|31.74.01|Tebet|4|".to_owned()));
    assert!(rows.contains(&"kecamatan|31.71.01|Gambir|1|".to_owned()));
    assert!(rows.contains(&"unplaced|kecamatan||0|".to_owned()));
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("kecamatan|")).count(),
        44
    );
}

#[tokio::test]
async fn the_english_page_uses_english_words_and_marks() {
    let app = seeded().await;
    let html = page(&app, "lang=en&from=2021-01-01&to=2022-01-01").await;
    assert_has(&html, "<html lang=\"en\">");
    assert_has(&html, "Showing: 1 Jan 2021 – 31 Dec 2021 · every category");
    assert_eq!(headline(&html, "Reports"), "5");
    assert_eq!(headline(&html, "Completed"), "20.0%");
    assert_eq!(headline(&html, "Average coordination time"), "1.50 hours");
    assert_has(&html, "<title>Dec 2021: 1 report</title>");
    assert_has(&html, "<tr><td>Waiting</td>");
    assert_has(
        &html,
        "<li class=\"c5\">Kota Administrasi Jakarta Selatan <strong>3</strong></li>",
    );
    // The other language keeps the period.
    assert_has(
        &html,
        "href=\"/statistik?from=2021-01-01&amp;to=2022-01-01&amp;lang=id\"",
    );
}

#[tokio::test]
async fn many_categories_chart_the_top_eight_and_the_rest_as_others() {
    let app = TestApp::spawn().await;
    let at = utc(2022, 3, 3, 3, 0);
    let mut codes = vec!["jalan", "jalan"];
    codes.extend([
        "gangguan-ketenteraman-ketertiban",
        "jalan",
        "parkir-liar",
        "pohon",
        "sampah",
        "pelanggaran-perda-pergub",
        "bantuan-sosial",
        "pendataan-kesehatan",
        "hubungan-pekerja-pengusaha",
        "fasilitas-kesehatan-pusat-swasta",
        "fasos-fasum",
    ]);
    for (i, code) in codes.into_iter().enumerate() {
        file(
            &app,
            code,
            "31.74.01",
            Channel::parse("jaki").unwrap(),
            &format!("p{i}"),
            at,
        )
        .await;
    }
    let html = page(&app, "from=2022-03-01&to=2022-04-01").await;
    assert_has(&html, "<title>Jalan: 3 laporan</title>");
    assert_has(&html, "<title>Pelanggaran Perda/Pergub: 1 laporan</title>");
    // Ties by name: the last three of the ten with one report each are put together.
    assert_has(&html, "<title>Lainnya (3 kategori): 3 laporan</title>");
    assert!(!html.contains("<title>Pohon:"));
    assert_has(&html, "<tr><td>Pohon</td><td class=\"n\">1</td></tr>");
    let chart = html.split("id=\"category-h\"").nth(1).unwrap();
    let chart = chart.split("</svg>").next().unwrap();
    assert_eq!(chart.matches("<rect ").count(), 9);
    // No larger than Jalan, the rest is drawn to scale, without a break.
    assert!(!chart.contains("class=\"cut\""), "{chart}");
}
