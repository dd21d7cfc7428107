//! Reports made through the store at exact instants, for the statistics tests: filed on a
//! channel by an opaque reporter key, then moved through the workflow.

use chrono::{DateTime, Duration, TimeZone, Utc};

use aduan_domain::report::{FollowupPhotos, NewReport, Report};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, RegionCode, ReportState, Role, TicketPrefix, UnitCode,
};
use aduan_store::NewUser;

use super::TestApp;

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub async fn file(
    app: &TestApp,
    cat: &str,
    place: &str,
    channel: Channel,
    key: &str,
    at: DateTime<Utc>,
) -> Report {
    let report = NewReport {
        category: CategoryCode::parse(cat).unwrap(),
        description: "Laporan uji statistik".into(),
        staff_description: None,
        location: None,
        region: RegionCode::parse(place).unwrap(),
        address: None,
        channel,
        first_receiver: UnitCode::parse("dinas-bina-marga").unwrap(),
        reporter: None,
        entered_by: None,
        submitted_by_role: Role::Citizen,
        photos: vec![],
        reporter_identity: None,
        channel_message_id: None,
        reply_route: None,
        reporter_key: Some(key.to_owned()),
        fetch_media: Vec::new(),
        triage: None,
    };
    // The ticket's day in WIB (UTC+7, no daylight saving).
    let date = (at + Duration::hours(7)).date_naive();
    let jk = TicketPrefix::parse("JK").unwrap();
    app.store.submit_report(report, jk, date, at).await.unwrap()
}

pub async fn step(
    app: &TestApp,
    report: Report,
    action: ActionKind,
    to: ReportState,
    at: DateTime<Utc>,
) -> Report {
    let t = Transition {
        action,
        from: report.state,
        to,
        new_holding_unit: None,
        marks_coordinated: to == ReportState::InProgress,
        marks_completed: to == ReportState::Completed,
        new_visibility: None,
        estimated_completion: None,
    };
    let actor = app
        .store
        .create_user(NewUser {
            username: app.unique("koordinator"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$x".into(),
            display_name: None,
            role: Role::Coordinator,
            unit: None,
            can_view_identity: false,
            sealed_identity: None,
            created_at: at,
        })
        .await
        .unwrap();
    let rec = ActionRecord {
        actor: actor.id,
        actor_role: actor.role,
        actor_unit: None,
        at,
        note: None,
        target: None,
        photos: FollowupPhotos::default(),
    };
    app.store
        .apply_transition(report.id, report.version, t, rec)
        .await
        .unwrap()
}
