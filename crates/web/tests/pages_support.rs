//! "Saya juga mengalami ini", as a browser without JavaScript does it: `/lapor/serupa` shows
//! the open reports of a category near a pin (a private one without its text, ticket or
//! photos), a citizen supports one once however often they press, withdraws it, follows
//! its state in "Laporan yang saya dukung"; forged or foreign references, one's own report
//! and forms from elsewhere change nothing; staff never see supporters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use reqwest::multipart::Form;

use aduan_domain::{Role, Ticket};
use aduan_store::identity::Binding;
use citizen_browser::{
    Browser, assert_good_page, hidden, location, page, photo_part, report_form_at, staff_browser,
    ticket_in,
};
use common::{TestApp, png};

/// Tebet, where the reports of these tests are.
const LAT: &str = "-6.229700";
const LON: &str = "106.853200";
/// About 60 m north of the pin.
const NEAR_LAT: &str = "-6.229160";

const SECRET: &str = "Lubang di depan rumah Bu Sari nomor 12, RAHASIA-PRIVAT";
const PUBLIC_TEXT: &str = "Jalan ambles dekat halte, telepon 0812-3456-7890";

/// File a road report through `/lapor` at a point; its ticket.
async fn file_at(browser: &Browser, description: &str, lat: &str, lon: &str) -> String {
    let form_page = page(&browser.get("/lapor").await);
    let form: Form = report_form_at(&form_page, description, "31.74.01", lat, lon)
        .part("photo", photo_part(png()));
    let resp = browser.post_multipart("/lapor", form).await;
    ticket_in(&location(&resp))
}

async fn make_public(browser: &Browser, ticket: &str) {
    let path = format!("/laporan/{ticket}");
    let csrf = browser.csrf(&path).await;
    let resp = browser
        .post(
            &format!("{path}/visibilitas"),
            &[
                ("csrf", csrf.as_str()),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
}

fn similar_path(lat: &str, lon: &str, lang: &str) -> String {
    format!("/lapor/serupa?lang={lang}&kategori=jalan&lat={lat}&lon={lon}")
}

/// The references of the "Saya juga mengalami ini" buttons on a page, in order.
fn offers(html: &str) -> Vec<String> {
    html.match_indices("name=\"ref\" value=\"")
        .map(|(at, marker)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn supporters(app: &TestApp, ticket: &str) -> u64 {
    let report = app.stored(ticket).await;
    app.store.supporter_counts(vec![report.id]).await.unwrap()[0]
}

/// Siti's private report and her public one, near the pin; Budi to look for them.
struct Street {
    siti: Browser,
    budi: Browser,
    budi_name: String,
    private: String,
    public: String,
}

async fn street(app: &TestApp) -> Street {
    let siti = Browser::new(app);
    siti.register(app, "siti").await;
    let private = file_at(&siti, SECRET, NEAR_LAT, LON).await;
    let public = file_at(&siti, PUBLIC_TEXT, LAT, LON).await;
    make_public(&siti, &public).await;
    let budi = Browser::new(app);
    let budi_name = budi.register(app, "budi").await;
    Street {
        siti,
        budi,
        budi_name,
        private,
        public,
    }
}

#[tokio::test]
async fn similar_reports_show_a_private_one_without_its_text_or_ticket_and_a_public_one_masked() {
    let app = TestApp::spawn().await;
    let s = street(&app).await;
    for fragment in [false, true] {
        let mut path = similar_path(LAT, LON, "id");
        if fragment {
            path.push_str("&bagian=1");
        }
        let html = page(&s.budi.get(&path).await);
        if !fragment {
            assert_good_page(&html, "id");
            assert!(html.contains("Laporan serupa di sekitar"), "{html}");
        }
        // Both, the latest first, each with its button.
        assert_eq!(offers(&html).len(), 2, "{html}");
        assert!(html.contains("Saya juga mengalami ini"), "{html}");
        // The private one: category, state, kelurahan, age, a coarse distance; nothing else.
        assert!(!html.contains(&s.private), "{html}");
        assert!(!html.contains("RAHASIA"), "{html}");
        assert!(!html.contains("Bu Sari"), "{html}");
        assert!(html.contains("kurang dari 250 m"), "{html}");
        assert!(html.contains("Laporan privat"), "{html}");
        assert!(html.contains("Menunggu"), "{html}");
        // The public one as its card reads: its ticket, its masked first line.
        assert!(html.contains(&format!("/laporan/{}", s.public)), "{html}");
        assert!(html.contains("Jalan ambles dekat halte"), "{html}");
        assert!(!html.contains("0812-3456-7890"), "{html}");
        assert!(html.contains("sekitar 10 m"), "{html}");
        // No photos of either.
        assert!(!html.contains("<img"), "{html}");
    }
    // In English too.
    let en = page(&s.budi.get(&similar_path(LAT, LON, "en")).await);
    assert_good_page(&en, "en");
    assert!(en.contains("I have this problem too"), "{en}");
    assert!(en.contains("less than 250 m"), "{en}");

    // Far away, or another category: nothing to offer.
    let far = page(&s.budi.get(&similar_path("-6.2400", LON, "id")).await);
    assert!(offers(&far).is_empty(), "{far}");
    assert!(far.contains("Tidak ada laporan serupa"), "{far}");
    let trees = "/lapor/serupa?kategori=pohon&lat=-6.2297&lon=106.8532";
    assert!(offers(&page(&s.budi.get(trees).await)).is_empty());
    // Siti is never offered her own reports.
    let own = page(&s.siti.get(&similar_path(LAT, LON, "id")).await);
    assert!(offers(&own).is_empty(), "{own}");
    // Without a pin the page asks for one.
    let empty = page(&s.budi.get("/lapor/serupa").await);
    assert!(empty.contains("tempatkan titik lokasi"), "{empty}");
}

#[tokio::test]
async fn only_signed_in_citizens_look_for_similar_reports() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let resp = anonymous.get(&similar_path(LAT, LON, "id")).await;
    assert_eq!(resp.status, 303);
    assert!(location(&resp).starts_with("/masuk"), "{resp:?}");
    // The script's fragment never gets a sign-in page to put into the form.
    let fragment = anonymous
        .get(&format!("{}&bagian=1", similar_path(LAT, LON, "id")))
        .await;
    assert_eq!(fragment.status, 403);
    assert!(fragment.text().is_empty());
    let officer = staff_browser(&app, Role::Officer, Some("sudin-bina-marga-31.74")).await;
    assert_eq!(officer.get(&similar_path(LAT, LON, "id")).await.status, 403);

    // /lapor holds the block, the link that works without the script, and the script.
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let form = page(&citizen.get("/lapor").await);
    assert!(form.contains("id=\"serupa-daftar\""), "{form}");
    assert!(form.contains("href=\"/lapor/serupa?lang=id\""), "{form}");
    assert!(
        form.contains("<script src=\"/aset/serupa.js\" defer>"),
        "{form}"
    );
    // The support form is outside the report form: forms do not nest.
    let report_form = form.find("data-outbox").expect("the report form");
    let report_form_end = form[report_form..].find("</form>").unwrap() + report_form;
    let support_form = form
        .find("<form id=\"dukung-form\"")
        .expect("the support form");
    assert!(support_form > report_form_end, "{form}");
    let script = citizen.get("/aset/serupa.js").await;
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn supporting_twice_counts_once_is_followed_in_my_reports_and_can_be_withdrawn() {
    let app = TestApp::spawn().await;
    let s = street(&app).await;
    let list = page(&s.budi.get(&similar_path(LAT, LON, "id")).await);
    let csrf = hidden(&list, "csrf");
    let refs = offers(&list);
    // The latest first: the public one, then the private one.
    let (public_ref, private_ref) = (refs[0].clone(), refs[1].clone());

    for _ in 0..2 {
        let resp = s
            .budi
            .post(
                "/laporan-saya/dukung?lang=id",
                &[("csrf", csrf.as_str()), ("ref", private_ref.as_str())],
            )
            .await;
        assert_eq!(resp.status, 303, "{resp:?}");
        assert_eq!(location(&resp), "/laporan-saya?dukungan=tercatat&lang=id");
    }
    assert_eq!(supporters(&app, &s.private).await, 1);
    let mine = page(&s.budi.get("/laporan-saya?dukungan=tercatat&lang=id").await);
    assert_good_page(&mine, "id");
    assert!(mine.contains("Dukungan Anda tercatat"), "{mine}");
    assert!(mine.contains("Laporan yang saya dukung"), "{mine}");
    assert!(mine.contains("Menunggu"), "{mine}");
    assert!(mine.contains("1 warga juga mengalami ini"), "{mine}");
    // A private report: no ticket, no link to its page, no text.
    assert!(!mine.contains(&s.private), "{mine}");
    assert!(!mine.contains("RAHASIA"), "{mine}");
    // And the page stays closed to the supporter.
    assert_eq!(
        s.budi.get(&format!("/laporan/{}", s.private)).await.status,
        404
    );

    // The list says it is supported already.
    let again = page(&s.budi.get(&similar_path(LAT, LON, "id")).await);
    assert!(
        again.contains("Anda sudah mendukung laporan ini"),
        "{again}"
    );
    assert_eq!(offers(&again).len(), 1, "{again}");

    // The public one: counted on its page and its /publik card, for anyone.
    let resp = s
        .budi
        .post(
            "/laporan-saya/dukung",
            &[("csrf", csrf.as_str()), ("ref", public_ref.as_str())],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let anyone = Browser::new(&app);
    let public_page = page(&anyone.get(&format!("/laporan/{}", s.public)).await);
    assert!(
        public_page.contains("1 warga juga mengalami ini"),
        "{public_page}"
    );
    let feed = page(&anyone.get("/publik").await);
    assert!(feed.contains("1 warga juga mengalami ini"), "{feed}");
    // Its reporter sees the count on her private report's page too.
    let own = page(&s.siti.get(&format!("/laporan/{}", s.private)).await);
    assert!(own.contains("1 warga juga mengalami ini"), "{own}");

    // An officer moves the private one on: Budi sees its new state and that it moved.
    app.take_up(&s.private).await;
    let moved = page(&s.budi.get("/laporan-saya").await);
    assert!(moved.contains("Proses"), "{moved}");
    assert!(
        moved.contains("Ada perkembangan sejak Anda mendukung"),
        "{moved}"
    );

    // Withdrawn ("Batal dukung", from the list's own form; the latest supported first):
    // gone, counted no more.
    let withdraw_ref = offers(&moved)[1].clone();
    let resp = s
        .budi
        .post(
            "/laporan-saya/batal-dukung?lang=id",
            &[("csrf", csrf.as_str()), ("ref", withdraw_ref.as_str())],
        )
        .await;
    assert_eq!(location(&resp), "/laporan-saya?dukungan=batal&lang=id");
    assert_eq!(supporters(&app, &s.private).await, 0);
    let after = page(&s.budi.follow(&resp).await);
    assert!(after.contains("Dukungan Anda dibatalkan"), "{after}");
    assert_eq!(offers(&after).len(), 1, "{after}");
}

#[tokio::test]
async fn own_reports_forged_references_and_forms_from_elsewhere_change_nothing() {
    let app = TestApp::spawn().await;
    let s = street(&app).await;
    let list = page(&s.budi.get(&similar_path(LAT, LON, "id")).await);
    let csrf = hidden(&list, "csrf");
    let budis_ref = offers(&list)[1].clone();
    let post = |browser: &Browser, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, String)> = fields;
        let browser = browser.http.clone();
        let url = app.url("/laporan-saya/dukung");
        async move { common::Resp::read(browser.post(url).form(&fields).send().await.unwrap()).await }
    };

    // No CSRF value, or another's: 403.
    let resp = post(&s.budi, vec![("ref", budis_ref.clone())]).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    let resp = post(
        &s.budi,
        vec![
            ("csrf", "bukan-milik-saya".into()),
            ("ref", budis_ref.clone()),
        ],
    )
    .await;
    assert_eq!(resp.status, 403, "{resp:?}");
    // From another site, even with the right value.
    let resp = s
        .budi
        .http
        .post(app.url("/laporan-saya/dukung"))
        .header("origin", "https://jahat.example")
        .form(&[("csrf", csrf.as_str()), ("ref", budis_ref.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(supporters(&app, &s.private).await, 0);

    // Budi's reference is his alone: Ani cannot use it.
    let ani = Browser::new(&app);
    ani.register(&app, "ani").await;
    let anis_csrf = ani.csrf("/laporan-saya").await;
    let resp = post(
        &ani,
        vec![("csrf", anis_csrf.clone()), ("ref", budis_ref.clone())],
    )
    .await;
    assert_eq!(resp.status, 404, "{resp:?}");
    // A made-up reference, or a ticket: nothing.
    for made_up in [s.private.clone(), "AAAA".into(), String::new()] {
        let resp = post(&ani, vec![("csrf", anis_csrf.clone()), ("ref", made_up)]).await;
        assert_eq!(resp.status, 404, "{resp:?}");
    }
    assert_eq!(supporters(&app, &s.private).await, 0);

    // Siti is never offered her own report (not in the list, no button on its public
    // page); a reference for it sealed as the server would is refused all the same.
    let own_page = page(&s.siti.get(&format!("/laporan/{}", s.public)).await);
    assert!(!own_page.contains("Saya juga mengalami ini"), "{own_page}");
    let siti_id = app.stored(&s.public).await.reporter.unwrap();
    let ticket = Ticket::parse(&s.public).unwrap();
    let sealed = app
        .state
        .sealer
        .seal_bytes(
            ticket.as_str().as_bytes(),
            Binding::SupportOffer(&siti_id.0.to_string()),
        )
        .unwrap();
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed);
    let sitis_csrf = s.siti.csrf("/laporan-saya").await;
    let resp = post(&s.siti, vec![("csrf", sitis_csrf), ("ref", forged)]).await;
    assert_eq!(resp.status, 409, "{resp:?}");
    assert_eq!(supporters(&app, &s.public).await, 0);
    // Another citizen reading the public report is offered it.
    let budis_view = page(&s.budi.get(&format!("/laporan/{}", s.public)).await);
    assert!(
        budis_view.contains("Saya juga mengalami ini"),
        "{budis_view}"
    );
}

#[tokio::test]
async fn staff_never_see_who_supports_a_report_nor_how_many() {
    let app = TestApp::spawn().await;
    let s = street(&app).await;
    let list = page(&s.budi.get(&similar_path(LAT, LON, "id")).await);
    let csrf = hidden(&list, "csrf");
    for reference in offers(&list) {
        let resp = s
            .budi
            .post(
                "/laporan-saya/dukung",
                &[("csrf", csrf.as_str()), ("ref", reference.as_str())],
            )
            .await;
        assert_eq!(resp.status, 303, "{resp:?}");
    }
    assert_eq!(supporters(&app, &s.public).await, 1);
    let officer = app.take_up(&s.public).await;
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    for ticket in [&s.public, &s.private] {
        let staff_page = page(&coordinator.get(&format!("/laporan/{ticket}")).await);
        for word in [
            "mengalami ini",
            "dukung-form",
            "batal-dukung",
            s.budi_name.as_str(),
        ] {
            assert!(!staff_page.contains(word), "{word}: {staff_page}");
        }
        let api = officer
            .get(&format!("/api/v1/reports/{ticket}"))
            .await
            .text();
        for word in ["support", "dukung", s.budi_name.as_str()] {
            assert!(!api.to_lowercase().contains(word), "{word}: {api}");
        }
    }
    let queue = page(&coordinator.get("/petugas").await);
    assert!(!queue.contains("mengalami ini"), "{queue}");
}
