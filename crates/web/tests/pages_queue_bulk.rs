//! Coordinators forward several reports at once from `/petugas`, as a browser without
//! JavaScript posts the form: each report through the workflow as a single forward, the
//! refused ones named with why, and nothing done for a forged form, another role, or too
//! many reports.

mod citizen_browser;
mod common;

use serde_json::json;

use aduan_domain::{ReportState, Role};
use citizen_browser::{assert_good_page, hidden, page, staff_browser};
use common::{SUDIN, TestApp, ticket_of};

const PATH: &str = "/petugas/teruskan";

/// Each of `tickets` still waits where it arrived.
async fn unchanged(app: &TestApp, tickets: [String; 2]) {
    for t in tickets {
        assert_eq!(app.stored(&t).await.state, ReportState::Waiting, "{t}");
    }
}

async fn three_waiting(app: &TestApp) -> [String; 3] {
    let citizen = app.register_citizen("warga").await;
    let mut tickets = Vec::new();
    for _ in 0..3 {
        tickets.push(ticket_of(&citizen.file("jalan", "31.74.01").await));
    }
    [tickets[0].clone(), tickets[1].clone(), tickets[2].clone()]
}

#[tokio::test]
async fn a_coordinator_forwards_the_ticked_reports_and_hears_which_were_refused() {
    let app = TestApp::spawn().await;
    let [a, b, c] = three_waiting(&app).await;
    // One of them rejected meanwhile: it cannot be forwarded any more.
    let api_coordinator = app.staff(Role::Coordinator, None).await;
    api_coordinator
        .act_ok(
            &c,
            json!({"action": "reject", "reason": "Bukan laporan yang sah."}),
        )
        .await;

    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let queue = page(&coordinator.get("/petugas?view=masuk").await);
    assert_good_page(&queue, "id");
    assert!(
        queue.contains(&format!("name=\"ticket\" value=\"{a}\"")),
        "{queue}"
    );
    assert!(queue.contains("Teruskan yang dipilih"), "{queue}");
    assert!(
        queue.contains("action=\"/petugas/teruskan?lang=id\""),
        "{queue}"
    );
    let csrf = hidden(&queue, "csrf");

    let resp = coordinator
        .post(
            PATH,
            &[
                ("csrf", &csrf),
                ("ticket", &a),
                ("ticket", &b),
                ("ticket", &c),
                ("ticket", "JK9901019999"),
                ("unit", SUDIN),
            ],
        )
        .await;
    let html = page(&resp);
    assert_good_page(&html, "id");
    assert!(html.contains("2 laporan diteruskan."), "{html}");
    assert!(html.contains("2 laporan tidak diteruskan:"), "{html}");
    assert!(
        html.contains(&format!(
            "<strong>{c}</strong>: laporan ini berstatus Ditolak"
        )),
        "{html}"
    );
    assert!(
        html.contains("<strong>JK9901019999</strong>: laporan tidak ditemukan"),
        "{html}"
    );
    for forwarded in [&a, &b] {
        let stored = app.stored(forwarded).await;
        assert_eq!(stored.state, ReportState::Coordination, "{forwarded}");
        assert_eq!(stored.holding_unit.as_str(), SUDIN, "{forwarded}");
        // The same step as a single forward: in the timeline, by a coordinator.
        let timeline = api_coordinator.timeline(forwarded).await.expect(200);
        let steps = timeline.as_array().cloned().unwrap_or_default();
        assert!(
            steps
                .iter()
                .any(|s| s["action"] == "forward" && s["actor_role"] == "coordinator"),
            "{timeline}"
        );
    }
    assert_eq!(app.stored(&c).await.state, ReportState::Rejected);

    // In English too.
    let en = coordinator
        .post(
            &format!("{PATH}?lang=en"),
            &[("csrf", &csrf), ("ticket", &c), ("unit", SUDIN)],
        )
        .await;
    assert_eq!(en.status, 409, "{en:?}");
    assert!(en.text().contains("0 report(s) forwarded."), "{en:?}");
}

#[tokio::test]
async fn forged_forms_other_roles_and_too_many_reports_change_nothing() {
    let app = TestApp::spawn().await;
    let [a, b, _] = three_waiting(&app).await;
    let coordinator = staff_browser(&app, Role::Coordinator, None).await;
    let csrf = hidden(&page(&coordinator.get("/petugas").await), "csrf");

    let forged = coordinator
        .post(
            PATH,
            &[
                ("csrf", "not-the-session's"),
                ("ticket", &a),
                ("unit", SUDIN),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{forged:?}");
    let missing = coordinator
        .post(PATH, &[("ticket", &a), ("unit", SUDIN)])
        .await;
    assert_eq!(missing.status, 403, "{missing:?}");
    unchanged(&app, [a.clone(), b.clone()]).await;

    // Officers and validators see no checkboxes, and their posts are refused.
    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let officer_queue = page(&officer.get("/petugas").await);
    assert!(
        !officer_queue.contains("name=\"ticket\" value="),
        "{officer_queue}"
    );
    assert!(
        !officer_queue.contains("Teruskan yang dipilih"),
        "{officer_queue}"
    );
    let officer_csrf = hidden(&officer_queue, "csrf");
    let refused = officer
        .post(
            PATH,
            &[("csrf", &officer_csrf), ("ticket", &a), ("unit", SUDIN)],
        )
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert!(refused.text().contains("Hanya koordinator"), "{refused:?}");
    let validator = staff_browser(&app, Role::Validator, Some("biro-pemerintahan")).await;
    let validator_queue = page(&validator.get("/petugas").await);
    assert!(
        !validator_queue.contains("name=\"ticket\" value="),
        "{validator_queue}"
    );
    // Not signed in: off to sign in.
    let anonymous = citizen_browser::Browser::new(&app);
    let away = anonymous
        .post(PATH, &[("ticket", &a), ("unit", SUDIN)])
        .await;
    assert_eq!(away.status, 303, "{away:?}");

    // More than 50 at once, no report, or a unit not in the catalog: refused whole.
    let many: Vec<String> = (1..=51).map(|n| format!("JK26010{n:05}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf), ("unit", SUDIN), ("ticket", &a)];
    fields.extend(many.iter().map(|t| ("ticket", t.as_str())));
    let too_many = coordinator.post(PATH, &fields).await;
    assert_eq!(too_many.status, 400, "{too_many:?}");
    assert!(too_many.text().contains("paling banyak 50"), "{too_many:?}");
    let none = coordinator
        .post(PATH, &[("csrf", &csrf), ("unit", SUDIN)])
        .await;
    assert_eq!(none.status, 400, "{none:?}");
    let bad_unit = coordinator
        .post(
            PATH,
            &[
                ("csrf", &csrf),
                ("ticket", &a),
                ("unit", "unit-yang-tidak-ada"),
            ],
        )
        .await;
    assert_eq!(bad_unit.status, 400, "{bad_unit:?}");
    unchanged(&app, [a, b]).await;
}
