//! The reporter's review of completed work: satisfied keeps it completed; not satisfied
//! (with a reason) reopens it for the validator, who decides again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::json;

use aduan_domain::{ReportState, Role};
use common::{TestApp, ticket_of};

#[tokio::test]
async fn a_reporter_reopens_completed_work_with_a_reason_then_is_satisfied() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = ticket_of(
        &citizen
            .submit_report(&common::report_body("jalan", "31.74.01"))
            .await
            .expect(201),
    );
    app.document(&ticket).await;
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    let completed = app.stored(&ticket).await;
    assert_eq!(completed.state, ReportState::Completed);
    let view = citizen.get_report(&ticket).await.expect(200);
    let actions: Vec<&str> = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(actions.contains(&"review_satisfied") && actions.contains(&"review_unsatisfied"));

    // Not the reporter: refused, nothing changes.
    let other = app.register_citizen("tetangga").await;
    let refused = other
        .act(
            &ticket,
            &json!({"action": "review_unsatisfied", "comment": "Belum"}),
        )
        .await;
    assert!(matches!(refused.status, 403 | 404), "{refused:?}");
    // Not satisfied needs a reason.
    citizen
        .act(&ticket, &json!({"action": "review_unsatisfied"}))
        .await
        .invalid("comment");
    citizen
        .act(
            &ticket,
            &json!({"action": "review_unsatisfied", "comment": "  "}),
        )
        .await
        .invalid("comment");
    assert_eq!(app.stored(&ticket).await, completed, "nothing changed");

    let reopened = citizen
        .act_ok(
            &ticket,
            json!({"action": "review_unsatisfied", "comment": "Lubangnya masih ada di sisi kiri"}),
        )
        .await;
    assert_eq!(reopened["state"], "awaiting_validation", "{reopened}");
    // The validator sees it again, with the reporter's reason in the history.
    let queue = validator.list_all("state=awaiting_validation").await;
    assert!(queue.contains(&ticket), "{queue:?}");
    let timeline = validator.timeline(&ticket).await.expect(200);
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "review_unsatisfied", "{last}");
    assert_eq!(last["note"], "Lubangnya masih ada di sisi kiri", "{last}");

    validator
        .act_ok(&ticket, json!({"action": "validate"}))
        .await;
    let recompleted = app.stored(&ticket).await;
    let satisfied = citizen
        .act_ok(&ticket, json!({"action": "review_satisfied"}))
        .await;
    assert_eq!(satisfied["state"], "completed");
    let after = app.stored(&ticket).await;
    assert_eq!(after.state, ReportState::Completed);
    assert_eq!(
        after.completed_at, recompleted.completed_at,
        "a satisfied review does not move the completion time"
    );
    // Staff cannot review on the reporter's behalf.
    validator
        .act(&ticket, &json!({"action": "review_satisfied"}))
        .await
        .error(403, "forbidden");
}
