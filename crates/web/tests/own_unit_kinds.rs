//! A city brings its own kinds of unit, with no code changed: a made-up kabupaten
//! (packs/tests/sukamaju.json) whose Kantor Bupati and Kantor Camat receive reports located in
//! their regions, whose coordinator forwards to an UPTD but never to its verification team,
//! and whose admin pages name its kinds as its pack does, in both languages.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::{Value, json};

use aduan_domain::{Jurisdiction, JurisdictionData, Role};
use citizen_browser::{assert_good_page, location, page, staff_browser};
use common::{TestApp, ticket_of};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/tests/sukamaju.json"
));

const UPTD: &str = "uptd-jalan-cikaret";
const VERIFIERS: &str = "tim-verifikasi";

async fn file_at(app: &TestApp, region: &str) -> Value {
    let citizen = app.register_citizen(&app.unique("warga")).await;
    let resp = citizen
        .submit_report(&json!({
            "category": "jalan",
            "description": "Jalan desa berlubang dalam, membahayakan pengendara motor.",
            "location": {"region": region},
        }))
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text());
    resp.json()
}

#[tokio::test]
async fn a_kabupaten_routes_forwards_and_labels_its_own_kinds_of_unit() {
    // The pack hangs together as `aduan import` checks it: every unit of a kind it lists.
    let data: JurisdictionData = serde_json::from_str(PACK).unwrap();
    Jurisdiction::new(data.with_offices()).unwrap();
    let app = TestApp::spawn_with_pack(PACK).await;

    // Each report at the office of its region: the Kantor Camat where there is one, else
    // the Kantor Bupati the pack's template gives the kabupaten.
    let at_camat = file_at(&app, "32.99.01.2001").await;
    assert_eq!(at_camat["unit"]["code"], "camat-32.99.01");
    assert_eq!(at_camat["unit"]["name"], "Kantor Camat Cikaret");
    let at_bupati = file_at(&app, "32.99.02.2001").await;
    assert_eq!(at_bupati["unit"]["code"], "bupati-32.99");
    assert_eq!(at_bupati["unit"]["name"], "Kantor Bupati Sukamaju");
    let ticket = ticket_of(&at_bupati);
    assert!(ticket.starts_with("SKM"), "{ticket}");

    // The coordinator's page offers the UPTD, never the verification team.
    let browser = staff_browser(&app, Role::Coordinator, None).await;
    let html = page(&browser.get(&format!("/laporan/{ticket}")).await);
    assert!(html.contains(&format!("value=\"{UPTD}\"")), "{html}");
    assert!(!html.contains(&format!("value=\"{VERIFIERS}\"")), "{html}");

    // Forwarded to the UPTD, which takes it up; the verification team is refused.
    let coordinator = app.staff(Role::Coordinator, None).await;
    let refused = coordinator
        .act(&ticket, &json!({"action": "forward", "unit": VERIFIERS}))
        .await;
    refused.invalid("unit");
    let view = coordinator
        .act_ok(&ticket, json!({"action": "forward", "unit": UPTD}))
        .await;
    assert_eq!(view["state"], "coordination");
    assert_eq!(view["unit"]["code"], UPTD);
    let officer = app.staff(Role::Officer, Some(UPTD)).await;
    let view = officer.act_ok(&ticket, json!({"action": "accept"})).await;
    assert_eq!(view["state"], "in_progress");

    // The API names kinds by their codes.
    let units = app.anonymous().get("/units").await.expect(200);
    let uptd = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == UPTD)
        .unwrap();
    assert_eq!(uptd["kind"], "uptd");
    assert_eq!(uptd["parent"], "dinas-pupr");

    // The admin pages name the kinds as the pack does, and offer only those.
    let admin = staff_browser(&app, Role::Admin, None).await;
    for (lang, labels) in [
        (
            "id",
            [
                "Kantor Bupati",
                "Kantor Camat",
                "Perangkat Daerah",
                "UPTD",
                "Tim Verifikasi",
            ],
        ),
        (
            "en",
            [
                "Regent&#39;s office",
                "District head&#39;s office",
                "Regional agency",
                "Regional technical unit",
                "Verification team",
            ],
        ),
    ] {
        let list = page(&admin.get(&format!("/admin/unit?lang={lang}")).await);
        assert_good_page(&list, lang);
        let new = page(&admin.get(&format!("/admin/unit/baru?lang={lang}")).await);
        for label in labels {
            assert!(list.contains(label), "{lang} {label}: {list}");
            assert!(
                new.contains(&format!(">{label}</option>")),
                "{lang} {label}: {new}"
            );
        }
        for jakarta in ["suku_dinas", "kelurahan", "walikota", "satpol_pp"] {
            assert!(
                !new.contains(&format!("value=\"{jakarta}\"")),
                "{lang} {jakarta}"
            );
        }
    }
    let uptd_only = page(&admin.get("/admin/unit?jenis=uptd").await);
    assert!(uptd_only.contains(UPTD), "{uptd_only}");
    assert!(!uptd_only.contains("camat-32.99.01"), "{uptd_only}");

    // An admin adds a Kantor Camat for the other kecamatan: its reports go there at once.
    let form = "/admin/unit/baru";
    let csrf = admin.csrf(form).await;
    let resp = admin
        .post(
            form,
            &[
                ("csrf", csrf.as_str()),
                ("code", "camat-32.99.02"),
                ("name", "Kantor Camat Sukaresmi"),
                ("kind", "kantor_camat"),
                ("region", "32.99.02"),
                ("parent", ""),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/unit?done=added&lang=id");
    let at_new_camat = file_at(&app, "32.99.02.2001").await;
    assert_eq!(at_new_camat["unit"]["code"], "camat-32.99.02");
}
