//! Who may read, list and act on which report: 401 without a session, 404 for reports out
//! of reach (their existence is not revealed), 403 for a role that may not take an action.

mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use common::{Client, SUDIN, TestApp, ticket_of, tickets_of};

const TEBET: &str = "kecamatan-31.74.01";
const GAMBIR: &str = "kecamatan-31.71.01";

async fn assert_unchanged(app: &TestApp, ticket: &str, state: &str, version: i64) {
    let stored = app.stored(ticket).await;
    assert_eq!(stored.state.code(), state, "{ticket} state");
    assert_eq!(stored.version, version, "{ticket} version");
}

#[tokio::test]
async fn an_officer_of_another_unit_can_neither_read_nor_act() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let own = app.staff(Role::Officer, Some(TEBET)).await;
    own.get_report(&ticket).await.expect(200);

    for unit in [GAMBIR, SUDIN, "dinas-bina-marga"] {
        let other = app.staff(Role::Officer, Some(unit)).await;
        other.get_report(&ticket).await.error(404, "not_found");
        other.timeline(&ticket).await.error(404, "not_found");
        for action in [
            json!({"action": "accept"}),
            json!({"action": "forward", "unit": SUDIN}),
        ] {
            other.act(&ticket, &action).await.error(404, "not_found");
        }
    }
    assert_unchanged(&app, &ticket, "waiting", 1).await;
}

#[tokio::test]
async fn a_citizen_reads_only_their_own_reports_and_never_acts_as_staff() {
    let app = TestApp::spawn().await;
    let alice = app.register_citizen("alice").await;
    let bob = app.register_citizen("bob").await;
    let ticket = alice.file_road_report().await;

    bob.get_report(&ticket).await.error(404, "not_found");
    bob.timeline(&ticket).await.error(404, "not_found");
    bob.act(&ticket, &json!({"action": "make_public"}))
        .await
        .error(404, "not_found");

    for action in [
        json!({"action": "accept"}),
        json!({"action": "forward", "unit": SUDIN}),
        json!({"action": "reject", "reason": "Saya berubah pikiran."}),
        json!({"action": "validate"}),
    ] {
        alice.act(&ticket, &action).await.error(403, "forbidden");
    }
    let view = alice.get_report(&ticket).await.expect(200);
    assert_eq!(view["actions"], json!(["make_public"]));
    assert_unchanged(&app, &ticket, "waiting", 1).await;
}

#[tokio::test]
async fn each_role_takes_only_its_own_actions() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;
    let officer = app.document(&ticket).await;
    assert_unchanged(&app, &ticket, "awaiting_validation", 4).await;

    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    let view = validator.get_report(&ticket).await.expect(200);
    assert_eq!(view["actions"], json!(["validate", "reject_followup"]));
    for action in [
        json!({"action": "accept"}),
        json!({"action": "forward", "unit": "dinas-bina-marga"}),
        json!({"action": "submit_followup", "note": "Sudah beres."}),
        json!({"action": "make_public"}),
    ] {
        validator
            .act(&ticket, &action)
            .await
            .error(403, "forbidden");
    }
    for action in [
        json!({"action": "validate"}),
        json!({"action": "reject_followup", "reason": "Foto buram."}),
    ] {
        officer.act(&ticket, &action).await.error(403, "forbidden");
    }
    let coordinator = app.staff(Role::Coordinator, None).await;
    coordinator
        .act(&ticket, &json!({"action": "validate"}))
        .await
        .error(403, "forbidden");
    assert_unchanged(&app, &ticket, "awaiting_validation", 4).await;

    // A coordinator without a unit coordinates but does not take reports on itself.
    let fresh = citizen.file_road_report().await;
    coordinator
        .act(&fresh, &json!({"action": "accept"}))
        .await
        .error(403, "forbidden");
    // A validator does not see reports before they are documented.
    validator.get_report(&fresh).await.error(404, "not_found");
    validator
        .act(&fresh, &json!({"action": "accept"}))
        .await
        .error(404, "not_found");
    assert_unchanged(&app, &fresh, "waiting", 1).await;
}

#[tokio::test]
async fn without_a_valid_session_the_answer_is_401() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = citizen.file_road_report().await;

    let nobody = app.anonymous();
    let unknown = Client {
        token: Some("bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMDAwMDAwMDAwMDA".into()),
        ..app.anonymous()
    };
    for caller in [&nobody, &unknown] {
        caller.get("/reports").await.error(401, "unauthorized");
        caller.get("/me").await.error(401, "unauthorized");
        caller
            .act(&ticket, &json!({"action": "accept"}))
            .await
            .error(401, "unauthorized");
        caller
            .submit_report(&common::report_body("jalan", "31.74.01"))
            .await
            .error(401, "unauthorized");
    }
    // A private report is not there for the public; a bad token is refused, not ignored.
    nobody.get_report(&ticket).await.error(404, "not_found");
    unknown.get_report(&ticket).await.error(401, "unauthorized");
    let wrong_scheme = nobody
        .send(
            app.http
                .get(app.url("/api/v1/reports"))
                .header("authorization", "Basic d2FyZ2E6cmFoYXNpYQ=="),
        )
        .await;
    wrong_scheme.error(401, "unauthorized");
    assert_unchanged(&app, &ticket, "waiting", 1).await;
}

fn listed(page: &Value) -> Vec<String> {
    let mut tickets = tickets_of(page);
    tickets.sort();
    tickets
}

fn sorted(mut tickets: Vec<String>) -> Vec<String> {
    tickets.sort();
    tickets
}

#[tokio::test]
async fn each_reader_lists_only_what_they_may_see() {
    let app = TestApp::spawn().await;
    let alice = app.register_citizen("alice").await;
    let bob = app.register_citizen("bob").await;
    let a1 = alice.file_road_report().await;
    let a2 = ticket_of(&alice.file("sampah", "31.74.01").await);
    let b1 = ticket_of(&bob.file("jalan", "31.71.01").await);

    assert_eq!(
        listed(&alice.list("").await),
        sorted(vec![a1.clone(), a2.clone()])
    );
    assert_eq!(listed(&bob.list("").await), vec![b1.clone()]);
    let tebet = app.staff(Role::Officer, Some(TEBET)).await;
    let gambir = app.staff(Role::Officer, Some(GAMBIR)).await;
    assert_eq!(
        listed(&tebet.list("").await),
        sorted(vec![a1.clone(), a2.clone()])
    );
    assert_eq!(listed(&gambir.list("").await), vec![b1.clone()]);
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    assert_eq!(listed(&validator.list("").await), Vec::<String>::new());

    // a1 moves to the Suku Dinas and awaits validation.
    let sudin = app.document(&a1).await;
    assert_eq!(listed(&tebet.list("").await), vec![a2.clone()]);
    assert_eq!(listed(&sudin.list("").await), vec![a1.clone()]);
    assert_eq!(listed(&validator.list("").await), vec![a1.clone()]);
    assert_eq!(
        listed(&alice.list("").await),
        sorted(vec![a1.clone(), a2.clone()])
    );

    let coordinator = app.staff(Role::Coordinator, None).await;
    assert_eq!(
        listed(&coordinator.list("").await),
        sorted(vec![a1.clone(), a2.clone(), b1.clone()])
    );
    // Filters narrow a scope; they never widen it.
    assert_eq!(
        listed(&gambir.list(&format!("unit={TEBET}")).await),
        Vec::<String>::new()
    );
    assert_eq!(
        listed(&bob.list("region=31.74").await),
        Vec::<String>::new()
    );
}
