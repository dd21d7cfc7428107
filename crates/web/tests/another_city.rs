//! Any city as data: the whole CRM 2.0 loop, the statistics and the dashboard on the Kota
//! Bogor pack (packs/bogor.json), with no code changed, and no answer naming Jakarta.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use citizen_browser::{Browser, location, photo_part, report_form, staff_browser, ticket_in};
use common::{Client, Resp, TestApp, jakarta_today, png, report_body, ticket_of};

const BOGOR_PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/bogor.json"
));

const DINAS: &str = "dinas-pupr";
const VALIDATOR: &str = "bagian-tata-pemerintahan";
/// Kelurahan Sempur, Kecamatan Bogor Tengah (Kemendagri 32.71.03.1006).
const SEMPUR: &str = "32.71.03.1006";

/// What a page or answer of another city must not say. The IANA zone `Asia/Jakarta` is the
/// standard name of Western Indonesia Time, not a mention of the city, and is left out.
const JAKARTA_WORDS: [&str; 5] = ["Jakarta", "JAKI", "DKI", "Balai Kota", "Gubernur"];

#[track_caller]
fn names_no_jakarta(what: &str, text: &str) {
    let text = text.replace("Asia/Jakarta", "");
    for word in JAKARTA_WORDS {
        assert!(
            !text.to_lowercase().contains(&word.to_lowercase()),
            "{what} names {word:?}: {text}"
        );
    }
}

/// A 200 answer that names no Jakarta; its body.
#[track_caller]
fn clean(what: &str, resp: Resp) -> String {
    assert_eq!(resp.status, 200, "{what}: {}", resp.text());
    let text = resp.text();
    names_no_jakarta(what, &text);
    text
}

/// An action whose answer names no Jakarta; the report view.
async fn act(client: &Client, ticket: &str, body: Value) -> Value {
    let resp = client.act(ticket, &body).await;
    let text = clean(&format!("{body}"), resp);
    serde_json::from_str(&text).expect("a report view")
}

#[test]
fn the_check_sees_each_word_whatever_its_case() {
    for word in JAKARTA_WORDS {
        let caught = std::panic::catch_unwind(|| names_no_jakarta("t", &format!("x {word} y")));
        assert!(caught.is_err(), "{word}");
        let lower = word.to_lowercase();
        let caught = std::panic::catch_unwind(|| names_no_jakarta("t", &format!("x{lower}y")));
        assert!(caught.is_err(), "{lower}");
    }
    names_no_jakarta("t", "time_zone: Asia/Jakarta, Kota Bogor");
}

#[tokio::test]
async fn bogor_runs_the_whole_loop_and_its_answers_never_name_jakarta() {
    let app = TestApp::spawn_with_pack(BOGOR_PACK).await;

    // The catalog is Bogor's.
    let anonymous = app.anonymous();
    for path in ["/categories", "/units", "/regions", "/channels"] {
        clean(path, anonymous.get(path).await);
    }
    let regions = anonymous.get("/regions?level=kecamatan").await.expect(200);
    let mut names: Vec<&str> = regions
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "Bogor Barat",
            "Bogor Selatan",
            "Bogor Tengah",
            "Bogor Timur",
            "Bogor Utara",
            "Tanah Sareal"
        ]
    );

    // Submission: at the Kantor Kelurahan of the place, with Bogor's ticket prefix.
    let citizen = app.register_citizen("warga").await;
    let resp = citizen
        .submit_report(&json!({
            "category": "jalan",
            "description": "Jalan berlubang besar di Jl. Jalak Harupat, dekat Lapangan Sempur.",
            "location": {"region": SEMPUR},
        }))
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text());
    names_no_jakarta("the submission", &resp.text());
    let view = resp.json();
    let ticket = ticket_of(&view);
    assert!(ticket.starts_with("BGR"), "{ticket}");
    assert_eq!(view["state"], "waiting");
    let kelurahan = format!("kelurahan-{SEMPUR}");
    assert_eq!(view["unit"]["code"], kelurahan.as_str());
    assert_eq!(view["unit"]["name"], "Kantor Kelurahan Sempur");

    // Koordinasi to the Dinas, which takes it up itself (Bogor has no Suku Dinas).
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = act(
        &coordinator,
        &ticket,
        json!({"action": "forward", "unit": DINAS}),
    )
    .await;
    assert_eq!(view["state"], "coordination");
    assert_eq!(view["unit"]["code"], DINAS);
    let officer = app.staff(Role::Officer, Some(DINAS)).await;
    let view = act(&officer, &ticket, json!({"action": "accept"})).await;
    assert_eq!(view["state"], "in_progress");

    // The follow-up, documented with a photo.
    let resp = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Lubang sudah ditambal."}),
            vec![png()],
        )
        .await;
    let view: Value = serde_json::from_str(&clean("the follow-up", resp)).expect("a view");
    assert_eq!(view["state"], "awaiting_validation");
    assert_eq!(view["photos"].as_array().map(Vec::len), Some(1));

    // Validated by Bogor's validation team: Selesai.
    let validator = app.staff(Role::Validator, Some(VALIDATOR)).await;
    let view = act(&validator, &ticket, json!({"action": "validate"})).await;
    assert_eq!(view["state"], "completed");

    // The citizen follows it to the end.
    let mine = clean("the report", citizen.get_report(&ticket).await);
    let mine: Value = serde_json::from_str(&mine).expect("a view");
    assert_eq!(mine["state"], "completed");
    clean("the timeline", citizen.timeline(&ticket).await);
    clean(
        "the citizen's list",
        citizen.get("/reports?mine=true").await,
    );

    // Statistics: the API, the dashboard in both languages and its downloads.
    // Today in WIB and the day after, a period that holds the report whatever the hour.
    let today = jakarta_today();
    let period = format!("from={today}&to={}", today.succ_opt().expect("a tomorrow"));
    let stats = clean(
        "the stats",
        anonymous.get(&format!("/stats?{period}")).await,
    );
    let stats: Value = serde_json::from_str(&stats).expect("figures");
    assert_eq!(stats["reports"], 1, "{stats}");
    assert_eq!(stats["by_status"]["completed"], 1, "{stats}");
    for path in [
        format!("/statistik?{period}"),
        format!("/statistik?{period}&lang=en"),
        format!("/statistik.csv?{period}"),
        format!("/statistik.json?{period}"),
        "/".to_owned(),
        "/publik".to_owned(),
    ] {
        let body = clean(&path, app.get_raw(&path).await);
        if path.starts_with("/statistik?") {
            assert!(body.contains("Kota Bogor"), "{path} names the city: {body}");
        }
    }
}

#[tokio::test]
async fn bogor_offers_its_own_channels_and_defaults() {
    let app = TestApp::spawn_with_pack(BOGOR_PACK).await;

    // The channels: the transport ones and the desks the pack lists, in its order, none of
    // Jakarta's.
    let channels = clean("/channels", app.anonymous().get("/channels").await);
    let channels: Value = serde_json::from_str(&channels).expect("a list");
    let codes: Vec<&str> = channels
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "web",
            "email",
            "sms",
            "whatsapp",
            "twitter",
            "facebook",
            "instagram",
            "lapor",
            "walikota",
            "kecamatan",
            "kelurahan",
            "inspektorat",
            "media",
            "open311"
        ]
    );

    // A citizen who names no channel files on the web (Bogor has no app in the pack).
    let citizen = app.register_citizen("warga").await;
    let view = citizen.file("sampah", SEMPUR).await;
    assert_eq!(view["channel"], "web");
    // Jakarta's app is no channel of Bogor's.
    let mut body = report_body("sampah", SEMPUR);
    body["channel"] = json!("jaki");
    citizen.submit_report(&body).await.invalid("channel");

    // An operator who names none files at the pack's first desk.
    let operator = app.staff(Role::Operator, None).await;
    let view = operator.file("sampah", SEMPUR).await;
    assert_eq!(view["channel"], "walikota");
}

/// A channel no code knows: Bogor's pack gains `lapor_warga`, a desk, and the city lists it,
/// files through it, counts it and names it, with no code changed.
#[tokio::test]
async fn a_channel_only_the_pack_names_is_listed_filed_counted_and_named() {
    let mut pack: Value = serde_json::from_str(BOGOR_PACK).unwrap();
    pack["settings"]["channels"].as_array_mut().unwrap().insert(
        0,
        json!({"code": "lapor_warga", "label": "Pos Lapor Warga",
               "label_en": "Citizens' report post", "kind": "desk"}),
    );
    let app = TestApp::spawn_with_pack(&pack.to_string()).await;
    let anonymous = app.anonymous();

    // Listed where the pack puts it, with its name.
    let channels = clean("/channels", anonymous.get("/channels").await);
    let channels: Value = serde_json::from_str(&channels).unwrap();
    assert_eq!(
        channels[0],
        json!({"code": "lapor_warga", "name": "Pos Lapor Warga"})
    );

    // Now the operators' first desk: filed through by default and by name.
    let operator = app.staff(Role::Operator, None).await;
    let by_default = operator.file("sampah", SEMPUR).await;
    assert_eq!(by_default["channel"], "lapor_warga");
    let mut body = report_body("jalan", SEMPUR);
    body["channel"] = json!("lapor_warga");
    let named = operator.submit_report(&body).await.expect(201);
    assert_eq!(named["channel"], "lapor_warga");
    // A desk is no citizen's channel.
    let citizen = app.register_citizen("warga").await;
    citizen.submit_report(&body).await.invalid("channel");

    // Counted in the statistics, and named on the dashboard and in its download.
    let today = jakarta_today();
    let period = format!("from={today}&to={}", today.succ_opt().expect("a tomorrow"));
    let stats = clean("/stats", anonymous.get(&format!("/stats?{period}")).await);
    let stats: Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["by_channel"][0]["channel"], "lapor_warga", "{stats}");
    assert_eq!(stats["by_channel"][0]["reports"], 2, "{stats}");
    let board = clean(
        "/statistik",
        app.get_raw(&format!("/statistik?{period}")).await,
    );
    assert!(board.contains("Pos Lapor Warga"), "{board}");
    let csv = clean(
        "/statistik.csv",
        app.get_raw(&format!("/statistik.csv?{period}")).await,
    );
    assert!(
        csv.contains("channel,lapor_warga,Pos Lapor Warga,2,"),
        "{csv}"
    );

    // The desk form offers it first, chosen; the admins' page names it in both languages.
    let desk_browser = staff_browser(&app, Role::Operator, None).await;
    let desk = clean("/meja", desk_browser.get("/meja").await);
    assert!(
        desk.contains("<option value=\"lapor_warga\" selected>Pos Lapor Warga</option>"),
        "{desk}"
    );
    let admin = staff_browser(&app, Role::Admin, None).await;
    let channels_page = clean("/admin/kanal", admin.get("/admin/kanal").await);
    assert!(channels_page.contains("Pos Lapor Warga"), "{channels_page}");
    let in_english = clean(
        "/admin/kanal?lang=en",
        admin.get("/admin/kanal?lang=en").await,
    );
    // The name as the pack gives it, HTML-escaped.
    assert!(
        in_english.contains("Citizens&#39; report post"),
        "{in_english}"
    );
}

#[tokio::test]
async fn bogor_pages_name_no_jakarta_to_citizens_operators_or_admins() {
    let app = TestApp::spawn_with_pack(BOGOR_PACK).await;

    // A citizen files through the form and reads the report's page.
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let form_page = clean("/lapor", citizen.get("/lapor").await);
    let form = report_form(
        &form_page,
        "Jalan berlubang di Jl. Sempur Kaler sejak seminggu, berbahaya.",
        SEMPUR,
    )
    .part("photo", photo_part(png()));
    let resp = citizen.post_multipart("/lapor", form).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let ticket = ticket_in(&location(&resp));
    for path in [format!("/laporan/{ticket}"), "/laporan-saya".to_owned()] {
        clean(&path, citizen.get(&path).await);
    }

    // The operator's desk offers Bogor's desks, the first chosen.
    let operator = staff_browser(&app, Role::Operator, None).await;
    let desk = clean("/meja", operator.get("/meja").await);
    assert!(desk.contains("Kantor Wali Kota"), "{desk}");
    assert!(
        !desk.contains("value=\"balai_kota\""),
        "Jakarta's desk is no choice: {desk}"
    );

    // The officers' queue and the admins' channel page, in both languages.
    let officer = staff_browser(&app, Role::Officer, Some("dinas-lingkungan-hidup")).await;
    clean("/petugas", officer.get("/petugas").await);
    let admin = staff_browser(&app, Role::Admin, None).await;
    for path in [
        "/admin/kanal",
        "/admin/kanal?lang=en",
        "/admin/unit",
        "/admin/kategori",
    ] {
        clean(path, admin.get(path).await);
    }
}
