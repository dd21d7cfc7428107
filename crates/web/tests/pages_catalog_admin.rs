//! The admins' catalog pages over HTTP: units, categories with SLA targets, routing; every
//! change in force at once (queue, API, routing), kept across a restart, refused with the
//! error beside the field when wrong.

mod citizen_browser;
mod common;

use serde_json::{Value, json};

use aduan_domain::{CategoryCode, Role};
use aduan_web::Catalog;
use citizen_browser::{Browser, assert_good_page, location, page};
use common::{PASSWORD, SUDIN, TestApp, report_body, ticket_of};

async fn sign_in(app: &TestApp, role: Role, unit: Option<&str>) -> Browser {
    let username = app.unique(role.code());
    app.create_account(&username, role, unit, None).await;
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    browser
}

/// Post a form from the page at `form_page` with its CSRF value added.
async fn submit(
    browser: &Browser,
    form_page: &str,
    to: &str,
    fields: &[(&str, &str)],
) -> common::Resp {
    let csrf = browser.csrf(form_page).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    browser.post(to, &all).await
}

fn category_fields<'a>(
    unit: &'a str,
    coordination: &'a str,
    completion: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Jalan"),
        ("name_en", "Roads"),
        ("responsible_unit", unit),
        ("coordination_hours", coordination),
        ("completion_hours", completion),
    ]
}

async fn categories(app: &TestApp) -> Value {
    app.anonymous().get("/categories").await.expect(200)
}

fn entry<'a>(list: &'a Value, code: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|e| e["code"] == code))
        .unwrap_or_else(|| panic!("{code} is listed in {list}"))
}

/// The queue card of one ticket.
fn card<'a>(html: &'a str, ticket: &str) -> &'a str {
    card_of(html, &format!("r-{ticket}"))
}

/// The card (article) with the id `id`.
fn card_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("the card {id}: {html}"));
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn the_pages_render_for_an_admin_in_both_languages() {
    let app = TestApp::spawn().await;
    let admin = sign_in(&app, Role::Admin, None).await;
    let pages = [
        ("/admin/unit", "Kantor Kecamatan", "Halaman 1 dari"),
        (
            "/admin/unit?jenis=kecamatan&hal=2",
            "Kantor Kecamatan",
            "Halaman 2 dari 2",
        ),
        ("/admin/unit/baru", "name=\"code\"", "Tambah unit"),
        (
            "/admin/unit/sudin-bina-marga-31.74",
            "Jakarta Selatan",
            "Dinas Bina Marga",
        ),
        ("/admin/kategori", "Parkir Liar", "Halaman 1 dari 2"),
        (
            "/admin/kategori/baru",
            "name=\"code\"",
            "Target koordinasi (jam)",
        ),
        (
            "/admin/kategori/jalan",
            "value=\"336\"",
            "value=\"dinas-bina-marga\" selected",
        ),
        (
            "/admin/rute",
            "Penanggung jawab tiap kategori",
            "Jakarta Selatan",
        ),
    ];
    for (path, expected, also) in pages {
        let html = page(&admin.get(path).await);
        assert_good_page(&html, "id");
        assert!(
            html.contains(expected) && html.contains(also),
            "{path}: {html}"
        );
        let sep = if path.contains('?') { '&' } else { '?' };
        let en = page(&admin.get(&format!("{path}{sep}lang=en")).await);
        assert_good_page(&en, "en");
        assert!(en.contains("?lang=en"), "{path}: links keep English: {en}");
    }
    // The filter narrows to one kind; the next page of a list is linked.
    let dinas = page(&admin.get("/admin/unit?jenis=dinas").await);
    assert!(
        dinas.contains("Dinas Kesehatan") && !dinas.contains("Suku Dinas Bina Marga"),
        "{dinas}"
    );
    let units = page(&admin.get("/admin/unit").await);
    assert!(
        units.contains("href=\"/admin/unit?lang=id&#38;hal=2\" rel=\"next\""),
        "{units}"
    );

    // Trying the routing: a road report in Tebet goes to the kecamatan office, then to
    // the Suku Dinas Bina Marga of Jakarta Selatan.
    let route = page(
        &admin
            .get("/admin/rute?kategori=jalan&wilayah=31.74.01")
            .await,
    );
    let result = &route[route.find("id=\"route\"").expect("a route")..];
    assert!(result.contains("Kantor Kecamatan Tebet"), "{result}");
    assert!(
        result.contains("Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan"),
        "{result}"
    );
    let unknown = admin
        .get("/admin/rute?kategori=tidak-ada&wilayah=31.74.01")
        .await;
    assert_eq!(unknown.status, 422, "{unknown:?}");
    assert!(
        unknown.text().contains("id=\"try-category-error\""),
        "{unknown:?}"
    );

    assert_eq!(admin.get("/admin/unit/tidak-ada").await.status, 404);
    assert_eq!(admin.get("/admin/kategori/tidak-ada").await.status, 404);
}

#[tokio::test]
async fn others_are_refused_and_anonymous_visitors_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let paths = [
        "/admin/unit",
        "/admin/unit/baru",
        "/admin/kategori",
        "/admin/kategori/jalan",
        "/admin/rute",
    ];
    let anonymous = Browser::new(&app);
    for path in paths {
        let resp = anonymous.get(path).await;
        assert_eq!(resp.status, 303, "{path}: {resp:?}");
        assert_eq!(location(&resp), format!("/masuk?next={path}&lang=id"));
    }
    let citizen = Browser::new(&app);
    citizen.register(&app, "warga").await;
    let officer = sign_in(&app, Role::Officer, Some(SUDIN)).await;
    let coordinator = sign_in(&app, Role::Coordinator, None).await;
    let operator = sign_in(&app, Role::Operator, None).await;
    for browser in [&citizen, &officer, &coordinator, &operator] {
        for path in paths {
            let resp = browser.get(path).await;
            assert_eq!(resp.status, 403, "{path}: {resp:?}");
            assert!(resp.text().contains("hanya untuk admin"), "{resp:?}");
        }
        // Even with its own session's CSRF value, a non-admin changes nothing.
        let csrf = browser.csrf("/").await;
        let mut fields = category_fields("dinas-bina-marga", "6", "1");
        fields.push(("csrf", &csrf));
        assert_eq!(
            browser.post("/admin/kategori/jalan", &fields).await.status,
            403
        );
    }
    assert_eq!(
        entry(&categories(&app).await, "jalan")["completion_hours"],
        336
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_value_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = sign_in(&app, Role::Admin, None).await;
    let fields = category_fields("dinas-bina-marga", "6", "48");
    let resp = admin.post("/admin/kategori/jalan", &fields).await;
    assert_eq!(resp.status, 403, "{resp:?}");
    let mut forged = fields.clone();
    forged.push(("csrf", "bukan-milik-sesi-ini"));
    assert_eq!(
        admin.post("/admin/kategori/jalan", &forged).await.status,
        403
    );
    let unit = [
        ("name", "Dinas Baru"),
        ("code", "dinas-baru"),
        ("kind", "dinas"),
    ];
    assert_eq!(admin.post("/admin/unit/baru", &unit).await.status, 403);
    assert_eq!(
        entry(&categories(&app).await, "jalan")["completion_hours"],
        336
    );
    let units = app.anonymous().get("/units").await.expect(200);
    assert!(!units.to_string().contains("dinas-baru"), "{units}");
}

#[tokio::test]
async fn an_sla_change_is_in_force_at_once_and_survives_a_restart() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    app.take_up(&ticket).await;
    let officer = sign_in(&app, Role::Officer, Some(SUDIN)).await;
    let before = page(&officer.get("/petugas").await);
    assert!(
        card(&before, &ticket).contains("sisa 13 hari 23 jam"),
        "{before}"
    );

    let admin = sign_in(&app, Role::Admin, None).await;
    let form = "/admin/kategori/jalan";
    let resp = submit(
        &admin,
        form,
        form,
        &category_fields("dinas-bina-marga", "4", "48"),
    )
    .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/kategori?done=saved&lang=id");
    let listed = page(&admin.follow(&resp).await);
    assert!(listed.contains("class=\"notice\""), "{listed}");
    assert!(
        card_of(&listed, "c-jalan").contains("<dt>Target penyelesaian (jam)</dt><dd>48</dd>"),
        "{listed}"
    );

    let after = page(&officer.get("/petugas").await);
    assert!(
        card(&after, &ticket).contains("sisa 1 hari 23 jam"),
        "{after}"
    );
    let road = entry(&categories(&app).await, "jalan").clone();
    assert_eq!(
        (
            road["coordination_hours"].clone(),
            road["completion_hours"].clone()
        ),
        (json!(4), json!(48))
    );

    // A restart reads the jurisdiction from the same database afresh.
    let reopened = app.reopen_store().await;
    let catalog = Catalog::load(reopened.as_ref())
        .await
        .expect("load the catalog");
    let jalan = CategoryCode::parse("jalan").expect("a code");
    let sla = catalog.jurisdiction.category(&jalan).expect("jalan").sla;
    assert_eq!((sla.coordination_hours, sla.completion_hours), (4, 48));
    assert_eq!(
        catalog.jurisdiction.units().count(),
        app.state.catalog().jurisdiction.units().count()
    );
}

#[tokio::test]
async fn a_responsible_unit_change_routes_the_next_report_to_the_new_unit() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    let before = ticket_of(&citizen.file("jalan", "31.74.01").await);
    let view = coordinator.get_report(&before).await.expect(200);
    assert_eq!(view["suggested_unit"]["code"], SUDIN);

    let admin = sign_in(&app, Role::Admin, None).await;
    let form = "/admin/kategori/jalan";
    let resp = submit(
        &admin,
        form,
        form,
        &category_fields("dinas-citata", "6", "336"),
    )
    .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(
        entry(&categories(&app).await, "jalan")["responsible_unit"],
        "dinas-citata"
    );

    let next = ticket_of(&citizen.file("jalan", "31.74.01").await);
    let view = coordinator.get_report(&next).await.expect(200);
    assert_eq!(view["suggested_unit"]["code"], "dinas-citata", "{view}");
    coordinator
        .act_ok(&next, json!({"action": "forward", "unit": "dinas-citata"}))
        .await;
    let route = page(
        &admin
            .get("/admin/rute?kategori=jalan&wilayah=31.74.01")
            .await,
    );
    assert!(
        route.contains("Dinas Cipta Karya, Tata Ruang dan Pertanahan"),
        "{route}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_beside_the_field_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let admin = sign_in(&app, Role::Admin, None).await;
    let saved_categories = categories(&app).await;
    let saved_units = app.anonymous().get("/units").await.expect(200);
    let form = "/admin/kategori/jalan";
    let cases = [
        (
            category_fields("dinas-bina-marga", "0", "48"),
            "coordination_hours",
            "Paling sedikit 1 jam.",
        ),
        (
            category_fields("dinas-bina-marga", "6", "-48"),
            "completion_hours",
            "Paling sedikit 1 jam.",
        ),
        (
            category_fields("dinas-bina-marga", "6", "2.5"),
            "completion_hours",
            "jam bulat",
        ),
        (
            category_fields("dinas-bina-marga", "6", "100000"),
            "completion_hours",
            "Paling banyak 8760 jam.",
        ),
        (
            category_fields("dinas-tidak-ada", "6", "48"),
            "responsible_unit",
            "Unit ini tidak ada.",
        ),
        (
            category_fields("biro-pemerintahan", "6", "48"),
            "responsible_unit",
            "tidak bisa menjadi penanggung jawab",
        ),
    ];
    for (fields, field, message) in cases {
        let resp = submit(&admin, form, form, &fields).await;
        assert_eq!(resp.status, 422, "{field}: {resp:?}");
        let html = resp.text();
        let error = format!("<p class=\"error\" id=\"{field}-error\">");
        let at = html
            .find(&error)
            .unwrap_or_else(|| panic!("{field} error: {html}"));
        assert!(html[at..].contains(message), "{field}: {html}");
        assert!(html.contains(&format!("id=\"{field}\"")), "{html}");
        assert_good_page(&html, "id");
    }
    let mut nameless = category_fields("dinas-bina-marga", "6", "48");
    nameless[0] = ("name", " ");
    let resp = submit(&admin, form, form, &nameless).await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text().contains("id=\"name-error\">Wajib diisi."),
        "{resp:?}"
    );
    assert!(resp.text().contains("<code>jalan</code>"), "{resp:?}");

    let new = "/admin/unit/baru";
    let duplicate = [
        ("code", "dinas-bina-marga"),
        ("name", "Dinas Lain"),
        ("kind", "dinas"),
        ("region", ""),
        ("parent", ""),
    ];
    let resp = submit(&admin, new, new, &duplicate).await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text()
            .contains("id=\"code-error\">Kode ini sudah dipakai."),
        "{resp:?}"
    );
    // What was typed is shown again.
    assert!(resp.text().contains("value=\"Dinas Lain\""), "{resp:?}");
    let unit = "/admin/unit/dinas-bina-marga";
    let resp = submit(&admin, unit, unit, &[("name", "")]).await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text().contains("id=\"name-error\">Wajib diisi."),
        "{resp:?}"
    );
    let en = submit(&admin, unit, &format!("{unit}?lang=en"), &[("name", "  ")]).await;
    assert_eq!(en.status, 422, "{en:?}");
    assert!(en.text().contains("id=\"name-error\">Required."), "{en:?}");

    assert_eq!(categories(&app).await, saved_categories);
    assert_eq!(app.anonymous().get("/units").await.expect(200), saved_units);
}

#[tokio::test]
async fn a_new_unit_and_category_can_be_used_at_once() {
    let app = TestApp::spawn().await;
    let admin = sign_in(&app, Role::Admin, None).await;
    let new = "/admin/unit/baru";
    let fields = [
        ("code", "sudin-kesehatan-31.74"),
        ("name", "Suku Dinas Kesehatan Jakarta Selatan"),
        ("kind", "suku_dinas"),
        ("region", "31.74"),
        ("parent", "dinas-kesehatan"),
    ];
    let resp = submit(&admin, new, new, &fields).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(location(&resp), "/admin/unit?done=added&lang=id");
    let units = app.anonymous().get("/units").await.expect(200);
    let added = entry(&units, "sudin-kesehatan-31.74");
    assert_eq!(added["parent"], "dinas-kesehatan");
    assert_eq!(added["region"], "31.74");

    // Renamed, and shown under its new name.
    let edit = "/admin/unit/sudin-kesehatan-31.74";
    let resp = submit(&admin, edit, edit, &[("name", "Sudin Kesehatan Jaksel")]).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let units = app.anonymous().get("/units").await.expect(200);
    assert_eq!(
        entry(&units, "sudin-kesehatan-31.74")["name"],
        "Sudin Kesehatan Jaksel"
    );

    // A new category answered by the Dinas; its report is suggested to the new branch,
    // forwarded there and seen by the branch's officer.
    let new = "/admin/kategori/baru";
    let fields = [
        ("code", "puskesmas"),
        ("name", "Puskesmas"),
        ("name_en", "Community health centres"),
        ("responsible_unit", "dinas-kesehatan"),
        ("coordination_hours", "6"),
        ("completion_hours", "72"),
    ];
    let resp = submit(&admin, new, new, &fields).await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(
        entry(&categories(&app).await, "puskesmas")["completion_hours"],
        72
    );
    let citizen = app.register_citizen("warga").await;
    let ticket = ticket_of(
        &citizen
            .submit_report(&report_body("puskesmas", "31.74.01"))
            .await
            .expect(201),
    );
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator.get_report(&ticket).await.expect(200);
    assert_eq!(
        view["suggested_unit"]["code"], "sudin-kesehatan-31.74",
        "{view}"
    );
    coordinator
        .act_ok(
            &ticket,
            json!({"action": "forward", "unit": "sudin-kesehatan-31.74"}),
        )
        .await;
    let officer = sign_in(&app, Role::Officer, Some("sudin-kesehatan-31.74")).await;
    let queue = page(&officer.get("/petugas").await);
    assert!(card(&queue, &ticket).contains("Puskesmas"), "{queue}");
}

#[tokio::test]
async fn with_kelurahan_loaded_a_report_is_routed_from_the_kelurahan_office() {
    let app = TestApp::spawn_with_boundaries().await;
    let admin = sign_in(&app, Role::Admin, None).await;
    let html = page(
        &admin
            .get("/admin/rute?kategori=pohon&wilayah=31.74.01.1001")
            .await,
    );
    assert_good_page(&html, "id");
    assert!(
        html.contains("<optgroup label=\"Tebet\">"),
        "kelurahan under their kecamatan"
    );
    let result = &html[html.find("id=\"route\"").expect("a route")..];
    assert!(result.contains("Kantor Kelurahan Tebet Timur"), "{result}");
    assert!(
        result.contains("Suku Dinas Pertamanan dan Hutan Kota Kota Administrasi Jakarta Selatan"),
        "{result}"
    );
}
