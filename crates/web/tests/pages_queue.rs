//! The officers' queue `/petugas` over HTTP, as a browser without JavaScript uses it.

mod citizen_browser;
mod common;

use serde_json::json;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, hidden, location, page, staff_browser};
use common::{Client, SUDIN, TestApp, ticket_of};

#[tokio::test]
async fn an_officer_sees_the_units_queue_with_sla_and_overdue_flags() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    let reporter = citizen.register(&app, "warga").await;
    let taken = citizen
        .file("Jalan berlubang besar di depan sekolah.")
        .await;
    let late = citizen.file("Aspal amblas di tikungan dekat pasar.").await;
    let elsewhere = citizen.file("Trotoar rusak di dekat halte bus.").await;

    app.take_up(&taken).await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    coordinator
        .act_ok(&late, json!({"action": "forward", "unit": SUDIN}))
        .await;
    app.backdate(&late, 10).await;

    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let html = page(&officer.get("/petugas").await);
    assert_good_page(&html, "id");
    assert!(
        html.contains(&format!("href=\"/laporan/{taken}?lang=id\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/laporan/{late}?lang=id\"")),
        "{html}"
    );
    assert!(!html.contains(&elsewhere), "{html}");
    assert!(
        !html.contains(&reporter),
        "the reporter's identity leaked: {html}"
    );
    // Newest first.
    let (at_taken, at_late) = (html.find(&taken), html.find(&late));
    assert!(at_late < at_taken, "{html}");

    let late_card = card(&html, &late);
    assert!(late_card.contains("TERLAMBAT"), "{late_card}");
    assert!(late_card.contains("lewat 4 jam"), "{late_card}");
    assert!(late_card.contains("Batas koordinasi"), "{late_card}");
    assert!(late_card.contains("state-yellow"), "{late_card}");
    let taken_card = card(&html, &taken);
    assert!(!taken_card.contains("TERLAMBAT"), "{taken_card}");
    assert!(taken_card.contains("sisa "), "{taken_card}");
    assert!(taken_card.contains("Batas penyelesaian"), "{taken_card}");
    assert!(taken_card.contains(">Proses<"), "{taken_card}");

    let en = page(&officer.get("/petugas?lang=en").await);
    assert_good_page(&en, "en");
    assert!(card(&en, &late).contains("OVERDUE"), "{en}");
    assert!(card(&en, &late).contains("4 h overdue"), "{en}");
    assert!(card(&en, &taken).contains(" left"), "{en}");

    // The state filter narrows.
    let filtered = page(&officer.get("/petugas?state=in_progress").await);
    assert!(
        filtered.contains(&taken) && !filtered.contains(&late),
        "{filtered}"
    );
    assert!(
        filtered.contains("value=\"in_progress\" selected"),
        "{filtered}"
    );

    // A ticket search jumps to a report the officer may read, and says so when it cannot.
    let jump = officer.get(&format!("/petugas?ticket={late}")).await;
    assert_eq!(jump.status, 303, "{jump:?}");
    assert_eq!(location(&jump), format!("/laporan/{late}?lang=id"));
    let miss = page(&officer.get(&format!("/petugas?ticket={elsewhere}")).await);
    assert!(miss.contains("tidak ditemukan"), "{miss}");
    assert!(!miss.contains(&format!("/laporan/{elsewhere}")), "{miss}");
}

/// The article of one ticket in the queue page.
// A helper fails its test by panicking, as assertions do.
#[allow(clippy::expect_used)]
fn card<'a>(html: &'a str, ticket: &str) -> &'a str {
    let heading = html
        .find(&format!("id=\"r-{ticket}\""))
        .expect("the ticket's card");
    let start = html[..heading].rfind("<article").unwrap_or(heading);
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn citizens_are_refused_and_anonymous_visitors_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let resp = anonymous.get("/petugas").await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert!(
        location(&resp).starts_with("/masuk?next=/petugas"),
        "{resp:?}"
    );

    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let resp = citizen.get("/petugas").await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert!(resp.text().contains("hanya untuk petugas"), "{resp:?}");

    // Validators work the validation queue.
    let validator = staff_browser(&app, Role::Validator, Some("biro-pemerintahan")).await;
    let html = page(&validator.get("/petugas").await);
    assert!(html.contains(">Menunggu validasi</a>"), "{html}");
    // Desk operators have their own page, not the queue; "my reports" are citizens' own.
    let operator = staff_browser(&app, Role::Operator, None).await;
    assert_eq!(operator.get("/petugas").await.status, 403);
    assert_eq!(operator.get("/laporan-saya").await.status, 403);
    assert_eq!(validator.get("/laporan-saya").await.status, 403);

    let coordinator = staff_browser(&app, Role::Coordinator, Some(SUDIN)).await;
    let html = page(&coordinator.get("/petugas").await);
    assert_good_page(&html, "id");
}

/// File a report through the API: `category` in `region`, at `at` (lat, lon) if given,
/// described as `description`; returns its ticket.
async fn filed(
    citizen: &Client,
    category: &str,
    region: &str,
    at: Option<(f64, f64)>,
    description: &str,
) -> String {
    let mut location = json!({ "region": region });
    if let Some((lat, lon)) = at {
        location["lat"] = json!(lat);
        location["lon"] = json!(lon);
    }
    let body = json!({"category": category, "description": description, "location": location});
    ticket_of(&citizen.submit_report(&body).await.expect(201))
}

const ROAD: &str = "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.";

/// The tickets of the cards on a queue page, top to bottom.
fn tickets_on(html: &str) -> Vec<String> {
    html.match_indices("<article class=\"report queue-card")
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find("id=\"r-")? + "id=\"r-".len();
            let end = rest[start..].find('"')?;
            Some(rest[start..start + end].to_owned())
        })
        .collect()
}

/// The link to the next page, as the page writes it (entities decoded).
fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn cards_show_the_masked_first_line_and_the_age_never_the_reporter() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    let reporter = citizen.register(&app, "warga").await;
    let ticket = citizen
        .file(
            "Lubang dalam di Jl. Tebet Raya, hubungi saya di 0813-7777-4321 atau ani@contoh.id\n\
             Baris kedua yang tidak ikut tampil di kartu.",
        )
        .await;
    app.backdate(&ticket, 75).await;
    app.take_up(&ticket).await;

    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let html = page(&officer.get("/petugas?view=perlu").await);
    assert_good_page(&html, "id");
    let shown = card(&html, &ticket);
    assert!(shown.contains("Lubang dalam di Jl. Tebet Raya"), "{shown}");
    assert!(
        shown.contains('…'),
        "a cut line ends with an ellipsis: {shown}"
    );
    assert!(!shown.contains("Baris kedua"), "{shown}");
    for secret in ["0813", "7777", "4321", "ani@contoh.id", "contoh.id"] {
        assert!(!shown.contains(secret), "{secret} unmasked: {shown}");
    }
    assert!(shown.contains("diterima 3 hari lalu"), "{shown}");
    assert!(shown.contains(">Jalan<"), "the category: {shown}");
    assert!(shown.contains("Tebet"), "the place: {shown}");
    assert!(!html.contains(&reporter), "the reporter leaked: {html}");
    // Its photo is the reporter's, on a private report: locked for the officer.
    assert!(!shown.contains("<img"), "{shown}");

    let en = page(&officer.get("/petugas?view=perlu&lang=en").await);
    assert!(card(&en, &ticket).contains("received 3 d ago"), "{en}");
}

#[tokio::test]
async fn a_thumbnail_shows_only_a_photo_the_officer_may_see() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let ticket = citizen.file("Pohon tumbang menutup jalan di Tebet.").await;
    app.take_up(&ticket).await;
    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let private = page(&officer.get("/petugas").await);
    assert!(!card(&private, &ticket).contains("<img"), "{private}");

    // Made public by its reporter, its photo is everyone's, the officer's too.
    let path = format!("/laporan/{ticket}");
    let csrf = hidden(&page(&citizen.get(&path).await), "csrf");
    let made_public = citizen
        .post(
            &format!("{path}/visibilitas"),
            &[
                ("csrf", &csrf),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(made_public.status, 303, "{made_public:?}");
    let public = page(&officer.get("/petugas").await);
    let shown = card(&public, &ticket);
    assert!(shown.contains("<img class=\"thumb\""), "{shown}");
    assert!(shown.contains("loading=\"lazy\""), "{shown}");
    assert!(
        shown.contains(&format!("alt=\"Foto laporan {ticket}\"")),
        "{shown}"
    );
    let start = shown.find("src=\"").map(|at| at + 5).unwrap_or_default();
    let src = &shown[start..start + shown[start..].find('"').unwrap_or_default()];
    assert!(
        src.starts_with(&format!("/api/v1/reports/{ticket}/photos/")),
        "{src}"
    );
    let photo = officer.get(src).await;
    assert_eq!(photo.status, 200, "{photo:?}");
    assert!(
        photo
            .header("content-type")
            .unwrap_or_default()
            .starts_with("image/"),
        "{photo:?}"
    );
}

#[tokio::test]
async fn work_views_put_the_soonest_due_first_and_filters_narrow_across_pages() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    // Roads: coordinated within 6 h; trees within 3 h (the pack's targets).
    let road = filed(&citizen, "jalan", "31.74.01", None, ROAD).await; // due in 6 h
    let tree = filed(&citizen, "pohon", "31.74.02", None, ROAD).await; // due in 3 h
    let late = filed(&citizen, "jalan", "31.74.01", None, ROAD).await; // 4 h overdue
    let rubbish = filed(&citizen, "sampah", "31.74.01", None, ROAD).await; // due in 4 h
    app.backdate(&late, 10).await;
    app.backdate(&rubbish, 2).await;

    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let html = page(&coordinator.get("/petugas?view=masuk").await);
    assert_good_page(&html, "id");
    assert_eq!(
        tickets_on(&html),
        [
            late.as_str(),
            tree.as_str(),
            rubbish.as_str(),
            road.as_str()
        ],
        "{html}"
    );
    assert!(html.contains("value=\"sla\" selected"), "{html}");
    // Newest first when asked, and by default outside the work views.
    let newest = page(&coordinator.get("/petugas?view=masuk&urut=baru").await);
    assert_eq!(
        tickets_on(&newest),
        [
            rubbish.as_str(),
            late.as_str(),
            tree.as_str(),
            road.as_str()
        ]
    );
    let all = page(&coordinator.get("/petugas").await);
    assert_eq!(
        tickets_on(&all),
        [
            rubbish.as_str(),
            late.as_str(),
            tree.as_str(),
            road.as_str()
        ]
    );

    // By place and by category, alone and together.
    let setiabudi = page(
        &coordinator
            .get("/petugas?view=masuk&kelurahan=31.74.02")
            .await,
    );
    assert_eq!(tickets_on(&setiabudi), [tree.as_str()]);
    assert!(
        setiabudi.contains("value=\"31.74.02\" selected"),
        "{setiabudi}"
    );
    let roads = page(&coordinator.get("/petugas?view=masuk&kategori=jalan").await);
    assert_eq!(tickets_on(&roads), [late.as_str(), road.as_str()]);
    assert!(roads.contains("value=\"jalan\" selected"), "{roads}");
    let both = page(
        &coordinator
            .get("/petugas?view=masuk&kategori=sampah&kelurahan=31.74.01")
            .await,
    );
    assert_eq!(tickets_on(&both), [rubbish.as_str()]);
    // A code the catalog does not know filters nothing rather than everything.
    let unknown = page(
        &coordinator
            .get("/petugas?view=masuk&kategori=tidak-ada")
            .await,
    );
    assert_eq!(tickets_on(&unknown).len(), 4);

    // 21 more roads in Tebet, each an hour older: two pages, in order, with the filter kept.
    let mut more = Vec::new();
    for hours in 0..21 {
        let ticket = filed(&citizen, "jalan", "31.74.01", None, ROAD).await;
        app.backdate(&ticket, hours + 1).await;
        more.push(ticket);
    }
    let first = page(
        &coordinator
            .get("/petugas?view=masuk&kategori=jalan&kelurahan=31.74.01")
            .await,
    );
    let mut seen = tickets_on(&first);
    assert_eq!(seen.len(), 20);
    let next = next_link(&first).unwrap_or_else(|| panic!("a next page: {first}"));
    for kept in [
        "view=masuk",
        "kategori=jalan",
        "kelurahan=31.74.01",
        "urut=sla",
    ] {
        assert!(next.contains(kept), "{next}");
    }
    let second = page(&coordinator.get(&next).await);
    assert!(next_link(&second).is_none(), "{second}");
    seen.extend(tickets_on(&second));
    // The most overdue first (the oldest: every one is a road, due 6 h after filing):
    // 21 h down to 11 h old, the late one (10 h, filed before the other of 10 h), then
    // 10 h down to 1 h, then the newest.
    let by_age: Vec<String> = more.iter().rev().cloned().collect();
    let mut expected = by_age[..11].to_vec();
    expected.push(late.clone());
    expected.extend(by_age[11..].iter().cloned());
    expected.push(road.clone());
    assert_eq!(seen, expected);
    // A cursor is this page's own: one of another order is refused.
    let cursor = next.split("cursor=").nth(1).unwrap_or_default();
    let other = coordinator
        .get(&format!("/petugas?view=masuk&urut=baru&cursor={cursor}"))
        .await;
    assert_eq!(other.status, 400, "{other:?}");
}

#[tokio::test]
async fn distances_show_from_the_readers_position_and_a_bad_one_is_refused() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let near = filed(
        &citizen,
        "jalan",
        "31.74.01",
        Some((-6.2300, 106.8540)),
        ROAD,
    )
    .await;
    let far = filed(
        &citizen,
        "jalan",
        "31.74.01",
        Some((-6.2297, 106.8900)),
        ROAD,
    )
    .await;
    let unplaced = filed(&citizen, "jalan", "31.74.01", None, ROAD).await;
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;

    let html = page(
        &coordinator
            .get("/petugas?view=masuk&urut=jarak&dari=-6.2297,106.8532")
            .await,
    );
    assert_good_page(&html, "id");
    assert_eq!(
        tickets_on(&html),
        [near.as_str(), far.as_str(), unplaced.as_str()],
        "{html}"
    );
    assert!(card(&html, &near).contains("90 m dari Anda"), "{html}");
    assert!(card(&html, &far).contains("4,1 km dari Anda"), "{html}");
    assert!(
        card(&html, &unplaced).contains("tanpa titik lokasi"),
        "{html}"
    );
    assert!(html.contains("value=\"-6.229700,106.853200\""), "{html}");
    // Without a position, the distance sort says what it needs and keeps the SLA order.
    let missing = page(&coordinator.get("/petugas?view=masuk&urut=jarak").await);
    assert!(missing.contains("isi lokasi Anda"), "{missing}");
    assert!(!missing.contains("dari Anda<"), "{missing}");

    for bad in [
        "-6.2297",
        "abc,def",
        "95,106",
        "-6.2,1e3",
        "NaN,NaN",
        "-6.2;106.8",
    ] {
        let resp = coordinator
            .get(&format!("/petugas?view=masuk&urut=jarak&dari={bad}"))
            .await;
        assert_eq!(resp.status, 400, "{bad}: {resp:?}");
        let html = resp.text();
        assert!(html.contains("Lokasi tidak dapat dibaca"), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(tickets_on(&html).is_empty(), "{html}");
    }
}
