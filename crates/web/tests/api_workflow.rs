//! The CRM 2.0 lifecycle over HTTP: the whole loop, lost races, and coordinates.

mod common;

use chrono::Days;
use serde_json::{Value, json};

use aduan_domain::Role;
use common::{
    Client, PICTURE_SIZE, SUDIN, TestApp, dimensions, jakarta_today, jpeg, png, report_body,
    ticket_date, ticket_of,
};

const DINAS: &str = "dinas-bina-marga";
const BIRO: &str = "biro-pemerintahan";

/// One timeline line as (action, from, to, actor role, actor unit).
fn step(e: &Value) -> (String, Option<String>, String, String, Option<String>) {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let required = |v: &Value| s(v).unwrap_or_else(|| format!("<missing in {e}>"));
    (
        required(&e["action"]),
        s(&e["from_state"]),
        required(&e["to_state"]),
        required(&e["actor_role"]),
        s(&e["actor_unit"]["code"]),
    )
}

fn expected(
    action: &str,
    from: Option<&str>,
    to: &str,
    role: &str,
    unit: Option<&str>,
) -> (String, Option<String>, String, String, Option<String>) {
    (
        action.to_owned(),
        from.map(str::to_owned),
        to.to_owned(),
        role.to_owned(),
        unit.map(str::to_owned),
    )
}

#[tokio::test]
async fn a_report_goes_through_the_whole_crm_loop() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;

    // Submission: private, waiting, at the office of the kecamatan it is in.
    let before = jakarta_today();
    let view = citizen
        .submit_report(&json!({
            "category": "jalan",
            "description": "Jalan berlubang besar di depan SDN 01, sudah dua motor jatuh.",
            "location": {"region": "31.74.01"},
        }))
        .await
        .expect(201);
    let after = jakarta_today();
    let ticket = ticket_of(&view);
    let date = ticket_date(&ticket);
    assert!(
        date == before || date == after,
        "{ticket} carries Jakarta's date"
    );
    assert_eq!(view["state"], "waiting");
    assert_eq!(view["status"]["code"], "waiting");
    assert_eq!(view["status"]["label"], "Menunggu");
    assert_eq!(view["visibility"], "private");
    assert_eq!(view["unit"]["code"], "kecamatan-31.74.01");
    assert_eq!(view["first_receiver"]["code"], "kecamatan-31.74.01");
    assert_eq!(view["category"]["name"], "Jalan");
    assert_eq!(view["channel"], "jaki");
    assert_eq!(view["is_mine"], true);
    assert_eq!(view["coordinated_at"], Value::Null);
    assert_eq!(view["completed_at"], Value::Null);
    assert_eq!(view["version"], 1);

    // Koordinasi: the jurisdiction-wide coordinator passes it to the Dinas.
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator
        .act_ok(&ticket, json!({"action": "forward", "unit": DINAS}))
        .await;
    assert_eq!(view["state"], "coordination");
    assert_eq!(view["unit"]["code"], DINAS);

    // Disposisi: the Dinas instructs its Suku Dinas in Jakarta Selatan.
    let dinas = app.staff(Role::Officer, Some(DINAS)).await;
    let view = dinas
        .act_ok(&ticket, json!({"action": "dispose", "unit": SUDIN}))
        .await;
    assert_eq!(view["state"], "disposition");
    assert_eq!(view["unit"]["code"], SUDIN);

    // Proses, then EWS.
    let officer = app.staff(Role::Officer, Some(SUDIN)).await;
    let view = officer.act_ok(&ticket, json!({"action": "accept"})).await;
    assert_eq!(view["state"], "in_progress");
    let coordinated_at = view["coordinated_at"].clone();
    assert!(coordinated_at.is_string(), "accepting stamps coordination");
    let ews = jakarta_today()
        .checked_add_days(Days::new(7))
        .expect("a date")
        .to_string();
    let view = officer
        .act_ok(
            &ticket,
            json!({"action": "schedule", "estimated_completion": ews}),
        )
        .await;
    assert_eq!(view["state"], "scheduled");
    assert_eq!(view["estimated_completion"], ews.as_str());

    // The follow-up, documented with a photo.
    let note = "Lubang sudah ditambal dan dipadatkan oleh tim Sudin.";
    let view = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": note}),
            vec![png()],
        )
        .await
        .expect(200);
    assert_eq!(view["state"], "awaiting_validation");
    let photos = view["photos"].as_array().expect("photos");
    assert_eq!(photos.len(), 1, "{view}");
    assert_eq!(photos[0]["kind"], "followup");
    assert_eq!(photos[0]["content_type"], "image/png");

    // TL Ditolak, with a reason.
    let validator = app.staff(Role::Validator, Some(BIRO)).await;
    let reason = "Foto tidak menunjukkan lokasi yang dilaporkan.";
    let view = validator
        .act_ok(
            &ticket,
            json!({"action": "reject_followup", "reason": reason}),
        )
        .await;
    assert_eq!(view["state"], "followup_rejected");
    assert_eq!(view["status"]["label"], "TL Ditolak");

    // The unit takes it up again and documents again.
    let view = officer.act_ok(&ticket, json!({"action": "accept"})).await;
    assert_eq!(view["state"], "in_progress");
    assert_eq!(
        view["coordinated_at"], coordinated_at,
        "coordination is stamped once"
    );
    let view = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Foto lokasi dengan papan nama jalan."}),
            vec![jpeg()],
        )
        .await
        .expect(200);
    assert_eq!(view["state"], "awaiting_validation");

    // Selesai.
    let view = validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    assert_eq!(view["state"], "completed");
    assert!(view["completed_at"].is_string());
    assert_eq!(view["coordinated_at"], coordinated_at);

    // The citizen follows it to the end.
    let mine = citizen.get_report(&ticket).await.expect(200);
    assert_eq!(mine["state"], "completed");
    assert_eq!(mine["status"]["label"], "Selesai");
    assert_eq!(mine["coordinated_at"], coordinated_at);
    assert_eq!(mine["version"], 10);
    let timeline = citizen.timeline(&ticket).await.expect(200);
    let entries = timeline.as_array().expect("a list");
    let steps: Vec<_> = entries.iter().map(step).collect();
    let sudin = Some(SUDIN);
    assert_eq!(
        steps,
        vec![
            expected("submit", None, "waiting", "citizen", None),
            expected(
                "forward",
                Some("waiting"),
                "coordination",
                "coordinator",
                None
            ),
            expected(
                "dispose",
                Some("coordination"),
                "disposition",
                "officer",
                Some(DINAS)
            ),
            expected(
                "accept",
                Some("disposition"),
                "in_progress",
                "officer",
                sudin
            ),
            expected(
                "schedule",
                Some("in_progress"),
                "scheduled",
                "officer",
                sudin
            ),
            expected(
                "submit_followup",
                Some("scheduled"),
                "awaiting_validation",
                "officer",
                sudin
            ),
            expected(
                "reject_followup",
                Some("awaiting_validation"),
                "followup_rejected",
                "validator",
                Some(BIRO)
            ),
            expected(
                "accept",
                Some("followup_rejected"),
                "in_progress",
                "officer",
                sudin
            ),
            expected(
                "submit_followup",
                Some("in_progress"),
                "awaiting_validation",
                "officer",
                sudin
            ),
            expected(
                "validate",
                Some("awaiting_validation"),
                "completed",
                "validator",
                Some(BIRO)
            ),
        ]
    );
    assert_eq!(entries[1]["target"], DINAS);
    assert_eq!(entries[2]["target"], SUDIN);
    assert_eq!(entries[5]["note"], note);
    assert_eq!(entries[6]["note"], reason);
    assert_eq!(entries[6]["status"]["label"], "TL Ditolak");
    let ats: Vec<&str> = entries.iter().filter_map(|e| e["at"].as_str()).collect();
    assert_eq!(ats.len(), entries.len());
    assert!(
        ats.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {ats:?}"
    );

    // The documentation photos: attached to their steps, fetchable by the officer.
    let urls: Vec<String> = [5, 8]
        .iter()
        .map(|&i| {
            let att = entries[i]["attachments"].as_array().expect("attachments");
            assert_eq!(att.len(), 1, "{}", entries[i]);
            att[0].as_str().expect("a url").to_owned()
        })
        .collect();
    for (url, kind) in urls.iter().zip(["image/png", "image/jpeg"]) {
        assert!(url.starts_with(&format!("/api/v1/reports/{ticket}/photos/")));
        for reader in [&officer, &citizen] {
            let photo = reader.get_url(url).await;
            assert_eq!(photo.status, 200, "{url}: {photo:?}");
            assert_eq!(photo.header("content-type").as_deref(), Some(kind));
            assert_eq!(dimensions(&photo.body), PICTURE_SIZE);
        }
    }
    let officer_view = officer.get_report(&ticket).await.expect(200);
    assert_eq!(officer_view["photos"].as_array().map(Vec::len), Some(2));
    assert_eq!(officer_view["is_mine"], false);
}

/// A report forwarded straight to the Suku Dinas, with `n` of its officers signed in.
async fn contested(app: &TestApp, n: usize) -> (String, Vec<Client>) {
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    coordinator
        .act_ok(&ticket, json!({"action": "forward", "unit": SUDIN}))
        .await;
    let mut officers = Vec::new();
    for _ in 0..n {
        officers.push(app.staff(Role::Officer, Some(SUDIN)).await);
    }
    (ticket, officers)
}

async fn accepts_in_timeline(app: &TestApp, ticket: &str) -> usize {
    let coordinator = app.staff(Role::Coordinator, None).await;
    let timeline = coordinator.timeline(ticket).await.expect(200);
    timeline.as_array().map_or(0, |entries| {
        entries.iter().filter(|e| e["action"] == "accept").count()
    })
}

#[tokio::test]
async fn two_officers_accepting_at_once_one_wins_one_gets_409() {
    let app = TestApp::spawn().await;
    let (ticket, officers) = contested(&app, 2).await;
    let accept = json!({"action": "accept"});
    let (a, b) = tokio::join!(
        officers[0].act(&ticket, &accept),
        officers[1].act(&ticket, &accept)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} / {b:?}");
    let loser = if a.status == 409 { &a } else { &b };
    loser.error(409, "conflict");
    assert_eq!(accepts_in_timeline(&app, &ticket).await, 1);
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.version, 3, "submit, forward, one accept");
}

#[tokio::test]
async fn eight_officers_accepting_at_once_exactly_one_succeeds() {
    let app = TestApp::spawn().await;
    let (ticket, officers) = contested(&app, 8).await;
    let tasks: Vec<_> = officers
        .into_iter()
        .map(|officer| {
            let ticket = ticket.clone();
            tokio::spawn(async move { officer.act(&ticket, &json!({"action": "accept"})).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the request task"));
    }
    let won = answers.iter().filter(|r| r.status == 200).count();
    assert_eq!(won, 1, "{answers:?}");
    for lost in answers.iter().filter(|r| r.status != 200) {
        lost.error(409, "conflict");
    }
    assert_eq!(accepts_in_timeline(&app, &ticket).await, 1);
    assert_eq!(app.stored(&ticket).await.version, 3);
}

#[tokio::test]
async fn coordinates_land_at_the_kelurahan_that_contains_them() {
    let app = TestApp::spawn_with_boundaries().await;
    let citizen = app.register_citizen("warga").await;
    // Monas.
    let view = citizen
        .submit_report(&json!({
            "category": "sampah",
            "description": "Sampah menumpuk di pintu masuk Monas sejak kemarin.",
            "location": {"lat": -6.1754, "lon": 106.8272},
        }))
        .await
        .expect(201);
    assert_eq!(view["region"]["code"], "31.71.01.1001");
    assert_eq!(view["region"]["name"], "Gambir");
    let path: Vec<&str> = view["region_path"]
        .as_array()
        .expect("a region path")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(path, ["31.71.01", "31.71"]);
    assert_eq!(view["unit"]["code"], "kelurahan-31.71.01.1001");
    assert_eq!(view["first_receiver"]["code"], "kelurahan-31.71.01.1001");
    assert_eq!(view["location"]["lat"], -6.1754);
    assert_eq!(view["location"]["lon"], 106.8272);

    // The Kelurahan's own officer reads it; a neighbouring kelurahan's does not.
    let lurah = app
        .staff(Role::Officer, Some("kelurahan-31.71.01.1001"))
        .await;
    lurah.get_report(&ticket_of(&view)).await.expect(200);
    let neighbour = app
        .staff(Role::Officer, Some("kelurahan-31.71.01.1002"))
        .await;
    neighbour
        .get_report(&ticket_of(&view))
        .await
        .error(404, "not_found");

    // Bandung is not in Jakarta.
    let mut outside = report_body("sampah", "31.71.01");
    outside["location"] = json!({"lat": -6.9175, "lon": 107.6191});
    citizen.submit_report(&outside).await.invalid("location");
    assert_eq!(
        citizen.list("").await["items"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn coordinators_close_what_is_not_for_the_city_to_follow_up() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let coordinator = app.staff(Role::Coordinator, None).await;
    let original = citizen.file_road_report().await;
    let copy = citizen.file_road_report().await;
    let spam = citizen.file_road_report().await;
    let toll = citizen.file_road_report().await;

    // Duplikat: linked both ways.
    let view = coordinator
        .act_ok(&copy, json!({"action": "mark_duplicate", "of": original}))
        .await;
    assert_eq!(view["state"], "duplicate");
    assert_eq!(view["duplicate_of"], original.as_str());
    let view = citizen.get_report(&original).await.expect(200);
    assert_eq!(view["duplicates"], json!([copy]));
    assert_eq!(view["state"], "waiting");

    // Ditolak, with its reason.
    let reason = "Bukan laporan: isi tidak jelas.";
    let view = coordinator
        .act_ok(&spam, json!({"action": "reject", "reason": reason}))
        .await;
    assert_eq!(view["state"], "rejected");
    assert_eq!(view["status"]["label"], "Ditolak");
    let timeline = citizen.timeline(&spam).await.expect(200);
    assert_eq!(timeline[1]["note"], reason);

    // Bukan Wewenang: referred to the national channel.
    let to = "LAPOR! (Kementerian Pekerjaan Umum)";
    let view = coordinator
        .act_ok(
            &toll,
            json!({"action": "refer", "to": to, "reason": "Jalan tol kewenangan pusat."}),
        )
        .await;
    assert_eq!(view["state"], "referred");
    assert_eq!(view["referred_to"], to);

    // Closed is closed; nothing merges into a closed report.
    let officer = app.staff(Role::Officer, Some("kecamatan-31.74.01")).await;
    for closed in [&copy, &spam, &toll] {
        officer
            .act(closed, &json!({"action": "accept"}))
            .await
            .error(409, "conflict");
        assert_eq!(
            citizen.get_report(closed).await.expect(200)["actions"],
            json!(["make_public"])
        );
    }
    let another = citizen.file_road_report().await;
    for closed in [&copy, &spam] {
        coordinator
            .act(&another, &json!({"action": "mark_duplicate", "of": closed}))
            .await
            .invalid("of");
    }
    assert_eq!(app.stored(&another).await.version, 1);
}

/// The operator watching the Governor's social accounts files what they find there as
/// `governor_social`; no one else may file through that channel over the API.
#[tokio::test]
async fn only_a_desk_operator_files_as_governor_social() {
    let app = TestApp::spawn().await;
    let operator = app.staff(Role::Operator, None).await;
    let mut body = report_body("pohon", "31.71.01");
    body["channel"] = json!("governor_social");
    let view = operator.submit_report(&body).await.expect(201);
    assert_eq!(view["channel"], "governor_social");
    let ticket = ticket_of(&view);
    assert_eq!(
        app.stored(&ticket).await.channel,
        aduan_domain::Channel::parse("governor_social").unwrap()
    );

    let citizen = app.register_citizen("warga").await;
    citizen.submit_report(&body).await.invalid("channel");
    for (role, unit) in [
        (Role::Coordinator, None),
        (Role::Officer, Some(SUDIN)),
        (Role::Validator, None),
        (Role::Admin, None),
    ] {
        let staff = app.staff(role, unit).await;
        staff.submit_report(&body).await.error(403, "forbidden");
    }
    app.anonymous()
        .submit_report(&body)
        .await
        .error(401, "unauthorized");
    let stored = app
        .store
        .list_reports(aduan_store::ReportQuery::new(
            aduan_store::ReportScope::All,
            50,
        ))
        .await
        .unwrap()
        .reports;
    assert_eq!(stored.len(), 1, "{stored:#?}");
}

#[tokio::test]
async fn an_operator_files_at_the_desk_for_a_citizen() {
    let app = TestApp::spawn().await;
    let operator = app.staff(Role::Operator, None).await;
    let view = operator.file("pohon", "31.71.01").await;
    let ticket = ticket_of(&view);
    assert_eq!(view["channel"], "balai_kota");
    assert_eq!(view["state"], "waiting");
    assert_eq!(view["visibility"], "private");
    assert_eq!(view["is_mine"], false);
    assert_eq!(view["unit"]["code"], "kecamatan-31.71.01");
    let mut body = report_body("pohon", "31.71.01");
    body["channel"] = json!("kelurahan");
    let at_kelurahan = operator.submit_report(&body).await.expect(201);
    assert_eq!(at_kelurahan["channel"], "kelurahan");
    body["channel"] = json!("jaki");
    operator.submit_report(&body).await.invalid("channel");

    let listed = operator.list_all("").await;
    assert_eq!(listed, vec![ticket_of(&at_kelurahan), ticket.clone()]);
    for action in [
        json!({"action": "accept"}),
        json!({"action": "make_public"}),
        json!({"action": "forward", "unit": DINAS}),
    ] {
        operator.act(&ticket, &action).await.error(403, "forbidden");
    }
    // Another desk's operator does not see it.
    let other = app.staff(Role::Operator, None).await;
    other.get_report(&ticket).await.error(404, "not_found");
    let timeline = operator.timeline(&ticket).await.expect(200);
    assert_eq!(timeline[0]["actor_role"], "operator");
}
