//! Revealing who reported: only an admin holding the identity permission, only with a
//! reason, and every reveal in the append-only audit log that admins read; no refused or
//! failed attempt is logged, and the revealed identity never reaches the log output.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use aduan_domain::Role;
use common::canary::{self, Person, contains, found_in, response_bytes};
use common::{Client, Resp, SUDIN, TestApp, ticket_of};

const KECAMATAN: &str = "kecamatan-31.74.01";
const BIRO: &str = "biro-pemerintahan";
const AUDIT: &str = "/audit/identity-access";
const REASON: &str = "Penetapan Pengadilan Negeri Jakarta Selatan No. 123/Pdt.P/2026";

async fn reveal(client: &Client, ticket: &str, reason: &str) -> Resp {
    client
        .post_json(
            &format!("/reports/{ticket}/reporter"),
            &json!({ "reason": reason }),
        )
        .await
}

/// The audit log's entries, newest first (asserts 200 and a single page).
async fn audit_log(admin: &Client) -> Vec<Value> {
    let page = admin.get(AUDIT).await.expect(200);
    assert_eq!(page["next_cursor"], Value::Null, "{page}");
    page["items"].as_array().expect("items").clone()
}

#[track_caller]
fn anonymous_answer(person: &Person, what: &str, resp: &Resp) {
    let found = found_in(&person.all("the reporter"), &response_bytes(resp));
    assert!(found.is_empty(), "{what} reveals {found:?}: {resp:?}");
}

#[tokio::test]
async fn only_an_admin_with_the_permission_reveals_and_only_with_a_reason() {
    canary::captured_logs();
    let app = TestApp::spawn().await;
    let person = Person::new();
    let reporter = app.register_person(&person).await;
    let ticket = ticket_of(&reporter.file("jalan", "31.74.01").await);
    let admin = app.staff(Role::Admin, None).await;
    let allowed = app.identity_admin().await;

    // Everyone else is refused, the reporter included, with the answer naming no one.
    let refused = [
        ("the reporter", reporter.clone()),
        ("another citizen", app.register_citizen("warga").await),
        (
            "the handling officer",
            app.staff(Role::Officer, Some(KECAMATAN)).await,
        ),
        (
            "an officer elsewhere",
            app.staff(Role::Officer, Some(SUDIN)).await,
        ),
        ("a validator", app.staff(Role::Validator, Some(BIRO)).await),
        ("a coordinator", app.staff(Role::Coordinator, None).await),
        (
            "the kecamatan's coordinator",
            app.staff(Role::Coordinator, Some(KECAMATAN)).await,
        ),
        ("an operator", app.staff(Role::Operator, None).await),
        ("an admin without the permission", admin.clone()),
    ];
    for (who, client) in &refused {
        let resp = reveal(client, &ticket, REASON).await;
        resp.error(403, "forbidden");
        anonymous_answer(&person, who, &resp);
        if *who != "an admin without the permission" {
            client.get(AUDIT).await.error(403, "forbidden");
        }
    }
    let nobody = app.anonymous();
    reveal(&nobody, &ticket, REASON)
        .await
        .error(401, "unauthorized");
    nobody.get(AUDIT).await.error(401, "unauthorized");

    // The permission without a proper reason, or for no report, reveals nothing either.
    for reason in ["pendek", "     pendek ya     ", ""] {
        let resp = reveal(&allowed, &ticket, reason).await;
        resp.invalid("reason");
        anonymous_answer(&person, "a short reason", &resp);
    }
    reveal(&allowed, &ticket, &"x".repeat(1001))
        .await
        .invalid("reason");
    let resp = allowed
        .post_json(&format!("/reports/{ticket}/reporter"), &json!({}))
        .await;
    assert_eq!(resp.status, 422, "{resp:?}");
    anonymous_answer(&person, "no reason", &resp);
    for unknown in ["JK2001010001", "bukan-tiket"] {
        let resp = reveal(&allowed, unknown, REASON).await;
        resp.error(404, "not_found");
    }
    assert_eq!(
        audit_log(&admin).await,
        Vec::<Value>::new(),
        "nothing was revealed"
    );

    // With the permission and a reason: who reported, and the log says so.
    let before = Utc::now();
    let resp = reveal(&allowed, &ticket, &format!("  {REASON}  ")).await;
    let after = Utc::now();
    let identity = resp.expect(200);
    assert_eq!(
        identity,
        json!({
            "ticket": ticket, "channel": "jaki", "username": person.username,
            "name": person.name, "phone": person.stored_phone(), "email": person.email,
            "nik": null, "handle": null,
        })
    );
    for reader in [&admin, &allowed] {
        let log = audit_log(reader).await;
        assert_eq!(log.len(), 1, "{log:?}");
        let entry = &log[0];
        assert_eq!(entry["actor"], allowed.username.as_str());
        assert_eq!(entry["ticket"], ticket.as_str());
        assert_eq!(entry["reason"], REASON, "kept trimmed");
        assert!(entry["id"].is_i64(), "{entry}");
        let at: DateTime<Utc> = entry["at"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("a time: {entry}"));
        assert!(before <= at && at <= after, "{at} within {before}..{after}");
        anonymous_answer(&person, "the audit log", &reader.get(AUDIT).await);
    }
    // Revealing is no change to the report.
    assert_eq!(app.stored(&ticket).await.version, 1);

    // The identity went to the admin who asked, not into the log output.
    let log = canary::log_snapshot();
    assert!(contains(
        &log,
        format!("/reports/{ticket}/reporter").as_bytes()
    ));
    let found = found_in(&person.all("the reporter"), &log);
    assert!(found.is_empty(), "the log reveals {found:?}");
}

/// The reasons of the audit log, in the order listed.
fn reasons(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|e| e["reason"].as_str()).collect()
}

#[tokio::test]
async fn every_reveal_is_listed_newest_first_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let person = Person::new();
    let reporter = app.register_person(&person).await;
    let mine = ticket_of(&reporter.file("jalan", "31.74.01").await);
    let operator = app.staff(Role::Operator, None).await;
    let desk = ticket_of(&operator.file("jalan", "31.74.01").await);
    let allowed = app.identity_admin().await;
    let admin = app.staff(Role::Admin, None).await;

    let first = "Permintaan penyidik Polda Metro Jaya nomor 1";
    let second = "Permintaan penyidik Polda Metro Jaya nomor 2";
    let third = "Permintaan penyidik Polda Metro Jaya nomor 3";
    reveal(&allowed, &mine, first).await.expect(200);
    // A desk report has no reporter account: the reveal shows nothing, and is still logged.
    let nobody = reveal(&allowed, &desk, second).await.expect(200);
    assert_eq!(
        nobody,
        json!({
            "ticket": desk, "channel": "balai_kota", "username": null, "name": null,
            "phone": null, "email": null, "nik": null, "handle": null,
        })
    );
    reveal(&allowed, &mine, third).await.expect(200);

    let log = audit_log(&admin).await;
    assert_eq!(reasons(&log), [third, second, first]);
    let tickets: Vec<&str> = log.iter().filter_map(|e| e["ticket"].as_str()).collect();
    assert_eq!(tickets, [mine.as_str(), desk.as_str(), mine.as_str()]);
    assert!(log.iter().all(|e| e["actor"] == allowed.username.as_str()));
    let ids: Vec<i64> = log.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    // One at a time, then two at a time: the same entries, in the same order.
    for (limit, pages) in [
        (1, vec![vec![third], vec![second], vec![first]]),
        (2, vec![vec![third, second], vec![first]]),
    ] {
        let mut cursor: Option<String> = None;
        for (i, expected) in pages.iter().enumerate() {
            let query = match &cursor {
                Some(c) => format!("{AUDIT}?limit={limit}&cursor={c}"),
                None => format!("{AUDIT}?limit={limit}"),
            };
            let page = admin.get(&query).await.expect(200);
            let items = page["items"].as_array().expect("items");
            assert_eq!(&reasons(items), expected, "limit {limit}, page {i}");
            cursor = page["next_cursor"].as_str().map(str::to_owned);
            assert_eq!(cursor.is_some(), i + 1 < pages.len(), "{page}");
        }
    }
    for bad in ["?limit=0", "?limit=201", "?cursor=bukan-kursor"] {
        let resp = admin.get(&format!("{AUDIT}{bad}")).await;
        assert_eq!(resp.status, 422, "{bad}: {resp:?}");
    }
    let found = found_in(&person.all("the reporter"), &admin.get(AUDIT).await.body);
    assert!(
        found.is_empty(),
        "the audit log names the reporter: {found:?}"
    );
}

/// The permission is only worth something if an admin without it cannot hand it out (to a
/// new account of their own, and then reveal through it).
#[tokio::test]
async fn an_admin_without_the_permission_cannot_grant_it() {
    let app = TestApp::spawn().await;
    let admin = app.staff(Role::Admin, None).await;
    let username = app.unique("admin-baru");
    let resp = admin
        .post_json(
            "/users",
            &json!({
                "username": username, "password": common::PASSWORD, "role": "admin",
                "can_view_identity": true,
            }),
        )
        .await;
    assert_eq!(
        resp.status, 403,
        "an admin without the identity permission created an account holding it: {resp:?}"
    );
}
