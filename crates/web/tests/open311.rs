//! Open311 GeoReport v2 at /open311/v2: discovery and services in JSON and XML, filing with
//! an API key (form and multipart), the spec's errors, and the public-only request list
//! that never names a reporter.
// Helpers fail their test by panicking, like assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use aduan_domain::Role;
use aduan_store::ReportScope;
use common::{Resp, TestApp, jpeg_with_exif, report_body, ticket_of};

/// Inside Kelurahan Gambir (Monas), so the point resolves to a region.
const LAT: &str = "-6.1754";
const LONG: &str = "106.8272";

async fn api_key(app: &TestApp, name: &str) -> String {
    let key = format!("kunci-rahasia-{name}-0123456789");
    app.store
        .create_api_key(name.into(), aduan_web::token_hash(&key), chrono::Utc::now())
        .await
        .unwrap();
    key
}

async fn get(app: &TestApp, path: &str) -> Resp {
    app.get_raw(&format!("/open311/v2{path}")).await
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Resp {
    let req = app
        .http
        .post(app.url(&format!("/open311/v2{path}")))
        .form(form);
    Resp::read(req.send().await.unwrap()).await
}

fn filing<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "jalan"),
        ("lat", LAT),
        ("long", LONG),
        ("address_string", "Jl. Medan Merdeka Barat"),
        ("description", description),
    ]
}

/// Assert the spec's JSON error: `[{"code": status, "description": …}]`.
#[track_caller]
fn spec_error(resp: &Resp, status: u16) -> String {
    assert_eq!(resp.status, status, "{resp:?}");
    let body = resp.json();
    let errors = body.as_array().expect("an array of errors");
    assert_eq!(errors.len(), 1, "{resp:?}");
    assert_eq!(errors[0]["code"], json!(status));
    errors[0]["description"].as_str().unwrap().to_owned()
}

#[track_caller]
fn xml_error(resp: &Resp, status: u16) {
    assert_eq!(resp.status, status, "{resp:?}");
    assert!(resp.header("content-type").unwrap().starts_with("text/xml"));
    let text = resp.text();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error>"));
    assert!(
        text.contains(&format!("<code>{status}</code><description>")),
        "{text}"
    );
    assert!(text.ends_with("</error></errors>"), "{text}");
}

fn tickets(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("an array of requests")
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect()
}

/// A citizen files a road report over the JSON API and makes it public.
async fn public_report(app: &TestApp, description: &str) -> (String, common::Client) {
    let citizen = app.register_citizen("warga").await;
    let mut body = report_body("jalan", "31.74.01");
    body["description"] = json!(description);
    let ticket = ticket_of(&citizen.submit_report(&body).await.expect(201));
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    (ticket, citizen)
}

#[tokio::test]
async fn discovery_and_services_in_json_and_xml() {
    let app = TestApp::spawn().await;
    let discovery = get(&app, "/discovery.json").await.expect(200);
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let xml = get(&app, "/discovery.xml").await;
    assert_eq!(xml.status, 200);
    assert!(xml.text().contains("<discovery><changeset>"));
    assert!(xml.text().contains("<formats><format>text/xml</format>"));

    let services = get(&app, "/services.json").await.expect(200);
    let jalan = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "jalan")
        .expect("the road category is a service");
    for field in ["service_name", "description", "group"] {
        assert!(
            jalan[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
    assert_eq!(jalan["metadata"], false);
    assert_eq!(jalan["type"], "realtime");
    assert_eq!(jalan["keywords"], "");

    let xml = get(&app, "/services.xml").await;
    assert_eq!(xml.status, 200);
    assert!(xml.header("content-type").unwrap().starts_with("text/xml"));
    let text = xml.text();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>"));
    assert!(text.contains("<service_code>jalan</service_code>"));
    assert!(text.contains("<metadata>false</metadata><type>realtime</type>"));
    assert!(text.ends_with("</service></services>"));

    let definition = get(&app, "/services/jalan.json").await.expect(200);
    assert_eq!(
        definition,
        json!({"service_code": "jalan", "attributes": []})
    );
    let xml = get(&app, "/services/jalan.xml").await;
    assert!(xml.text().ends_with(
        "<service_definition><service_code>jalan</service_code><attributes></attributes></service_definition>"
    ));
    spec_error(&get(&app, "/services/tidak-ada.json").await, 404);
    xml_error(&get(&app, "/services/tidak-ada.xml").await, 404);
    spec_error(&get(&app, "/services.html").await, 404);
    spec_error(&get(&app, "/nothing.json").await, 404);
    spec_error(
        &get(&app, "/services.json?jurisdiction_id=bandung").await,
        404,
    );
    get(&app, "/services.json?jurisdiction_id=jakarta.go.id")
        .await
        .expect(200);
}

#[tokio::test]
async fn api_key_is_required_and_errors_follow_the_spec() {
    let app = TestApp::spawn_with_boundaries().await;
    let key = api_key(&app, "qlue").await;
    let description = "Jalan berlubang besar di depan halte.";
    let mut form = filing(&key, description);
    form.retain(|(k, _)| *k != "api_key");
    spec_error(&post_form(&app, "/requests.json", &form).await, 403);
    xml_error(&post_form(&app, "/requests.xml", &form).await, 403);
    form.push(("api_key", "bukan-kunci"));
    spec_error(&post_form(&app, "/requests.json", &form).await, 403);
    xml_error(&post_form(&app, "/requests.xml", &form).await, 403);

    let without = |field: &str| {
        let mut form = filing(&key, description);
        form.retain(|(k, _)| *k != field);
        form
    };
    for field in ["service_code", "lat", "long", "description"] {
        let message = spec_error(
            &post_form(&app, "/requests.json", &without(field)).await,
            400,
        );
        assert!(message.contains(field), "{field}: {message}");
    }
    let mut unknown = filing(&key, description);
    unknown[1] = ("service_code", "tidak-ada");
    spec_error(&post_form(&app, "/requests.json", &unknown).await, 400);
    xml_error(&post_form(&app, "/requests.xml", &unknown).await, 400);
    let mut far = filing(&key, description);
    far[2] = ("lat", "51.5");
    spec_error(&post_form(&app, "/requests.json", &far).await, 400);
    let mut bad = filing(&key, description);
    bad[2] = ("lat", "utara");
    spec_error(&post_form(&app, "/requests.json", &bad).await, 400);
    let mut elsewhere = filing(&key, description);
    elsewhere.push(("jurisdiction_id", "bandung"));
    spec_error(&post_form(&app, "/requests.json", &elsewhere).await, 404);
    // Nothing of the refused calls was filed.
    let all = app
        .store
        .list_reports(aduan_store::ReportQuery::new(ReportScope::All, 50))
        .await
        .unwrap();
    assert!(all.reports.is_empty());
}

#[tokio::test]
async fn a_form_post_files_a_private_open311_report_without_keeping_identity_in_the_clear() {
    let app = TestApp::spawn_with_boundaries().await;
    let key = api_key(&app, "qlue").await;
    let email = "budi.santoso.open311@example.com";
    let phone = "081299887766";
    let mut form = filing(&key, "Jalan berlubang besar di depan halte bus.");
    form.extend([
        ("jurisdiction_id", "jakarta.go.id"),
        ("email", email),
        ("first_name", "Budisantoso"),
        ("last_name", "Wiryawangsa"),
        ("phone", phone),
        ("device_id", "perangkat-qlue-77"),
    ]);
    let resp = post_form(&app, "/requests.json", &form).await;
    let body = resp.expect(200);
    let item = &body[0];
    let ticket = item["service_request_id"].as_str().unwrap().to_owned();
    assert!(item["service_notice"].as_str().is_some());
    assert_eq!(item["account_id"], Value::Null);

    let report = app.stored(&ticket).await;
    assert_eq!(report.channel.code(), "open311");
    assert_eq!(report.visibility.code(), "private");
    assert_eq!(report.state.code(), "waiting");
    assert_eq!(report.reporter, None);
    assert_eq!(report.entered_by, None);
    assert_eq!(report.address.as_deref(), Some("Jl. Medan Merdeka Barat"));

    // The identity is kept, sealed: an auditor's reveal finds it, the file never shows it.
    app.create_account("auditor", Role::Admin, None, None).await;
    let auditor = app.store.credentials("auditor").await.unwrap().user;
    let sealed = app
        .store
        .reveal_reporter(
            report.id,
            auditor.id,
            "court order".into(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let sealed = sealed.expect("a sealed identity");
    assert_eq!(sealed.account, None);
    let opened = app
        .state
        .sealer
        .open(&sealed.sealed, sealed.binding())
        .unwrap();
    assert_eq!(opened.email.as_deref(), Some(email));
    let secrets = [
        email,
        phone,
        "Budisantoso",
        "Wiryawangsa",
        "perangkat-qlue-77",
    ];
    let db = app.stored_bytes().await;
    for secret in secrets {
        assert!(
            !common::canary::contains(&db, secret.as_bytes()),
            "{secret} in the clear"
        );
    }

    // Private: not listed, not readable, no token.
    assert!(tickets(&get(&app, "/requests.json").await.expect(200)).is_empty());
    spec_error(&get(&app, &format!("/requests/{ticket}.json")).await, 404);
    xml_error(&get(&app, &format!("/requests/{ticket}.xml")).await, 404);
    spec_error(&get(&app, &format!("/tokens/{ticket}.json")).await, 404);
    let listed = get(&app, &format!("/requests.json?service_request_id={ticket}")).await;
    assert!(tickets(&listed.expect(200)).is_empty());

    // Staff handling it see the report, never who sent it.
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator.get_report(&ticket).await;
    let timeline = coordinator.timeline(&ticket).await;
    let xml = post_form(&app, "/requests.xml", &form).await;
    assert_eq!(xml.status, 200);
    assert!(
        xml.text()
            .contains("<service_requests><request><service_request_id>")
    );
    for resp in [&resp, &view, &timeline, &xml] {
        assert_eq!(resp.status / 100, 2, "{resp:?}");
        for secret in secrets {
            assert!(!resp.text().contains(secret), "{secret} in {resp:?}");
        }
    }
    assert_eq!(view.json()["channel"], "open311");
}

#[tokio::test]
async fn a_multipart_post_with_media_stores_a_cleaned_photo() {
    let app = TestApp::spawn_with_boundaries().await;
    let key = api_key(&app, "qlue").await;
    let mut form = Form::new();
    for (name, value) in filing(&key, "Lampu jalan mati sejak seminggu.") {
        form = form.text(name.to_owned(), value.to_owned());
    }
    let marker = "GPS-RUMAH-PELAPOR-123";
    form = form.part(
        "media",
        Part::bytes(jpeg_with_exif(marker))
            .file_name("foto.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let req = app
        .http
        .post(app.url("/open311/v2/requests.xml"))
        .multipart(form);
    let resp = Resp::read(req.send().await.unwrap()).await;
    assert_eq!(resp.status, 200, "{resp:?}");
    let text = resp.text();
    let start = text.find("<service_request_id>").unwrap() + "<service_request_id>".len();
    let end = text.find("</service_request_id>").unwrap();
    let report = app.stored(&text[start..end]).await;
    let photos = app.store.photos(report.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].content_type, "image/jpeg");
    let info = app.store.photo(report.id, photos[0].id).await.unwrap();
    let bytes = app.state.photos.get(&info.image).await.unwrap();
    assert!(!common::canary::contains(&bytes, marker.as_bytes()));
}

#[tokio::test]
async fn requests_list_only_public_reports_scrubbed_with_open_and_closed() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("rahasia").await;
    let private = citizen.file_road_report().await;
    let (public, _) = public_report(
        &app,
        "Jalan rusak parah, hubungi saya di 081234567890 untuk detail.",
    )
    .await;

    let list = get(&app, "/requests.json").await.expect(200);
    assert_eq!(tickets(&list), vec![public.clone()]);
    let item = &list[0];
    assert_eq!(item["status"], "open");
    assert_eq!(item["service_code"], "jalan");
    let description = item["description"].as_str().unwrap();
    assert!(!description.contains("081234567890"), "{description}");
    assert!(description.starts_with("Jalan rusak parah"));
    assert!(item["agency_responsible"].as_str().is_some());
    assert!(item["requested_datetime"].as_str().unwrap().ends_with('Z'));
    for field in [
        "status_notes",
        "updated_datetime",
        "lat",
        "long",
        "media_url",
        "zipcode",
    ] {
        assert!(item.get(field).is_some(), "{field}");
    }
    let ids = get(
        &app,
        &format!("/requests.json?service_request_id={private},{public}"),
    )
    .await
    .expect(200);
    assert_eq!(tickets(&ids), vec![public.clone()]);
    let one = get(&app, &format!("/requests/{public}.json"))
        .await
        .expect(200);
    assert_eq!(tickets(&one), vec![public.clone()]);
    let token = get(&app, &format!("/tokens/{public}.json"))
        .await
        .expect(200);
    assert_eq!(
        token,
        json!([{"service_request_id": public, "token": public}])
    );
    let xml = get(&app, "/requests.xml").await;
    let text = xml.text();
    assert!(text.contains(&format!(
        "<service_requests><request><service_request_id>{public}</service_request_id><status>open</status>"
    )));
    assert!(!text.contains(&private));
    assert!(!text.contains("081234567890"));

    // Through to completion: closed, with the officer's public note, scrubbed.
    let officer = app.take_up(&public).await;
    officer
        .act_ok(
            &public,
            json!({"action": "submit_followup", "note": "Sudah ditambal; info 081298765432."}),
        )
        .await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&public, json!({"action": "validate"}))
        .await;
    let closed = get(&app, "/requests.json?status=closed").await.expect(200);
    assert_eq!(tickets(&closed), vec![public.clone()]);
    assert_eq!(closed[0]["status"], "closed");
    let notes = closed[0]["status_notes"].as_str().unwrap();
    assert!(notes.starts_with("Sudah ditambal"), "{notes}");
    assert!(!notes.contains("081298765432"), "{notes}");
    assert!(tickets(&get(&app, "/requests.json?status=open").await.expect(200)).is_empty());
    spec_error(&get(&app, "/requests.json?status=finished").await, 400);
    let filtered = get(&app, "/requests.json?service_code=sampah")
        .await
        .expect(200);
    assert!(tickets(&filtered).is_empty());
    let window = get(
        &app,
        "/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-12-31T00:00:00%2B07:00",
    )
    .await
    .expect(200);
    assert!(tickets(&window).is_empty());
    spec_error(&get(&app, "/requests.json?start_date=kemarin").await, 400);
}

#[tokio::test]
async fn requests_page_with_page_and_page_size() {
    let app = TestApp::spawn().await;
    let mut filed = Vec::new();
    for i in 0..5 {
        let (ticket, _) =
            public_report(&app, &format!("Jalan berlubang nomor {i} di Tebet.")).await;
        filed.push(ticket);
    }
    filed.reverse();
    let page = |n: u32| {
        let app = &app;
        async move {
            tickets(
                &get(app, &format!("/requests.json?page={n}&page_size=2"))
                    .await
                    .expect(200),
            )
        }
    };
    assert_eq!(page(1).await, filed[0..2].to_vec());
    assert_eq!(page(2).await, filed[2..4].to_vec());
    assert_eq!(page(3).await, filed[4..5].to_vec());
    assert!(page(4).await.is_empty());
    assert_eq!(
        tickets(&get(&app, "/requests.json").await.expect(200)),
        filed
    );
    spec_error(&get(&app, "/requests.json?page_size=201").await, 400);
    spec_error(&get(&app, "/requests.json?page=0").await, 400);
}

/// A control character sent in a form (U+0000 cannot even be stored in PostgreSQL) is
/// dropped before the request is read; the rest of the text is filed.
#[tokio::test]
async fn control_characters_in_a_form_are_dropped() {
    let app = TestApp::spawn_with_boundaries().await;
    let key = api_key(&app, "qlue").await;
    let form = filing(&key, "Jalan\u{0} berlubang\u{7} di depan\nhalte bus.");
    let body = post_form(&app, "/requests.json", &form).await.expect(200);
    let ticket = body[0]["service_request_id"].as_str().unwrap().to_owned();
    let report = app.stored(&ticket).await;
    assert_eq!(report.description, "Jalan berlubang di depan\nhalte bus.");
    assert_eq!(
        get(&app, "/requests.json?status=open\u{0}").await.status,
        200
    );
}
