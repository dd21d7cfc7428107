//! Contract: transitions change the report and append exactly one timeline entry, or change
//! nothing; of racing transitions on one version, one wins.

use std::sync::Arc;

use chrono::Duration;
use tokio::task::JoinSet;

use aduan_domain::report::{NewPhoto, PhotoInfo, PhotoKind, Report, TimelineEntry};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{ActionKind, ReportId, ReportState, Ticket, Visibility};
use aduan_store::{Store, StoreError};

use super::{
    cast, day, day1, is_conflict, jk, now, photo, record, simple_report, submit, transition, unit,
};

/// Everything a failed write must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    report: Report,
    timeline: Vec<TimelineEntry>,
    photos: Vec<PhotoInfo>,
}

async fn snapshot(store: &dyn Store, ticket: &Ticket) -> Snapshot {
    let report = store.report(ticket).await.unwrap();
    Snapshot {
        timeline: store.timeline(report.id).await.unwrap(),
        photos: store.photos(report.id).await.unwrap(),
        report,
    }
}

/// Apply `t` at the report's current version and check the bookkeeping every transition owes:
/// the version bumps, `updated_at` is the action's time, the returned report is the stored one,
/// and exactly one timeline entry (with its attachments) is appended.
async fn step(store: &dyn Store, before: &Report, t: Transition, rec: ActionRecord) -> Report {
    let timeline_before = store.timeline(before.id).await.unwrap();
    let photos_before = store.photos(before.id).await.unwrap();
    let after = store
        .apply_transition(before.id, before.version, t.clone(), rec.clone())
        .await
        .unwrap();
    assert_eq!(after.version, before.version + 1, "{:?}", t.action);
    assert_eq!(after.state, t.to);
    assert_eq!(after.updated_at, rec.at);
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(after.ticket, before.ticket);
    assert_eq!(after.reporter, before.reporter);
    assert_eq!(after.entered_by, before.entered_by);
    assert_eq!(store.report(&before.ticket).await.unwrap(), after);

    let timeline = store.timeline(before.id).await.unwrap();
    assert_eq!(timeline.len(), timeline_before.len() + 1, "{:?}", t.action);
    assert_eq!(timeline[..timeline_before.len()], timeline_before[..]);

    let photos = store.photos(before.id).await.unwrap();
    let sent: Vec<(PhotoKind, &NewPhoto)> = (rec.photos.before.iter())
        .map(|p| (PhotoKind::Before, p))
        .chain(rec.photos.after.iter().map(|p| (PhotoKind::Followup, p)))
        .collect();
    assert_eq!(photos.len(), photos_before.len() + sent.len());
    assert_eq!(photos[..photos_before.len()], photos_before[..]);
    let added = &photos[photos_before.len()..];
    for (info, (kind, sent)) in added.iter().zip(sent) {
        assert_eq!(info.kind, kind);
        assert_eq!(info.content_type, sent.content_type);
        assert_eq!(info.image, sent.image, "follow-up photo {}", info.id);
        assert_eq!(
            info.thumbnail, sent.thumbnail,
            "follow-up photo {}",
            info.id
        );
        assert_eq!(&store.photo(before.id, info.id).await.unwrap(), info);
    }
    assert_eq!(
        timeline.last().unwrap(),
        &TimelineEntry {
            at: rec.at,
            action: t.action,
            actor: Some(rec.actor),
            actor_role: rec.actor_role,
            actor_unit: rec.actor_unit.clone(),
            from_state: Some(t.from),
            to_state: t.to,
            note: rec.note.clone(),
            target: rec.target.clone(),
            attachments: added.iter().map(|p| p.id).collect(),
        }
    );
    after
}

pub async fn transitions_change_the_report_and_append_one_entry(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let t0 = now();
    let mut new = simple_report(c.citizen.id);
    new.photos = vec![photo(2, 5000)];
    let submitted = store.submit_report(new, jk(), day1(), t0).await.unwrap();
    let at = |minutes| t0 + Duration::minutes(minutes);

    // Koordinasi: the kelurahan passes it to the Suku Dinas.
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let mut rec = record(&c.coordinator, at(10));
    rec.note = Some("Kewenangan Sudin Bina Marga".into());
    rec.target = Some("sudin-bina-marga-31.74".into());
    let r = step(&*store, &submitted, forward, rec).await;
    assert_eq!(r.holding_unit, unit("sudin-bina-marga-31.74"));
    assert_eq!(r.first_receiver, unit("kel-31.74.01.1001"));
    assert_eq!(r.coordinated_at, None);
    assert_eq!(r.visibility, Visibility::Private);
    // A target on an action other than refer or mark-duplicate is only a timeline note.
    assert_eq!(r.referred_to, None);
    assert_eq!(r.duplicate_of, None);

    // Proses: the Suku Dinas takes it; coordination time stops.
    let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.officer, at(30))).await;
    assert_eq!(r.coordinated_at, Some(at(30)));
    assert_eq!(r.holding_unit, unit("sudin-bina-marga-31.74"));

    // EWS: an estimated completion date.
    let mut schedule = transition(ActionKind::Schedule, InProgress, Scheduled);
    schedule.estimated_completion = Some(day(2025, 3, 20));
    let r = step(&*store, &r, schedule, record(&c.officer, at(60))).await;
    assert_eq!(r.estimated_completion, Some(day(2025, 3, 20)));
    assert_eq!(r.coordinated_at, Some(at(30)));

    // The follow-up is documented with photos.
    let followup = transition(ActionKind::SubmitFollowup, Scheduled, AwaitingValidation);
    let mut rec = record(&c.officer, at(600));
    rec.note = Some("Lubang sudah ditambal".into());
    rec.photos.before = vec![photo(3, 40_000)];
    rec.photos.after = vec![photo(4, 10)];
    let r = step(&*store, &r, followup, rec).await;
    let kinds: Vec<PhotoKind> = store
        .photos(r.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.kind)
        .collect();
    assert_eq!(
        kinds,
        [PhotoKind::Report, PhotoKind::Before, PhotoKind::Followup]
    );

    // TL Ditolak, then documented again.
    let reject_followup = transition(
        ActionKind::RejectFollowup,
        AwaitingValidation,
        FollowupRejected,
    );
    let mut rec = record(&c.validator, at(700));
    rec.note = Some("Foto tidak menunjukkan lokasi".into());
    let r = step(&*store, &r, reject_followup, rec).await;
    assert_eq!(r.completed_at, None);
    let followup = transition(
        ActionKind::SubmitFollowup,
        FollowupRejected,
        AwaitingValidation,
    );
    let mut rec = record(&c.officer, at(800));
    rec.note = Some("Foto dengan papan nama jalan".into());
    rec.photos.after = vec![photo(5, 2048)];
    let r = step(&*store, &r, followup, rec).await;

    // Selesai.
    let mut validate = transition(ActionKind::Validate, AwaitingValidation, Completed);
    validate.marks_completed = true;
    let r = step(&*store, &r, validate, record(&c.validator, at(900))).await;
    assert_eq!(r.completed_at, Some(at(900)));
    assert_eq!(r.coordinated_at, Some(at(30)));
    assert_eq!(r.estimated_completion, Some(day(2025, 3, 20)));

    // The reporter makes it public, and private again; the state stays.
    let mut public = transition(ActionKind::MakePublic, Completed, Completed);
    public.new_visibility = Some(Visibility::Public);
    let r = step(&*store, &r, public, record(&c.citizen, at(1000))).await;
    assert_eq!(r.visibility, Visibility::Public);
    assert_eq!(r.completed_at, Some(at(900)));
    let mut private = transition(ActionKind::MakePrivate, Completed, Completed);
    private.new_visibility = Some(Visibility::Private);
    let r = step(&*store, &r, private, record(&c.citizen, at(1001))).await;
    assert_eq!(r.visibility, Visibility::Private);

    assert_eq!(r.version, 10);
    let timeline = store.timeline(r.id).await.unwrap();
    let actions: Vec<_> = timeline.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            ActionKind::Submit,
            ActionKind::Forward,
            ActionKind::Accept,
            ActionKind::Schedule,
            ActionKind::SubmitFollowup,
            ActionKind::RejectFollowup,
            ActionKind::SubmitFollowup,
            ActionKind::Validate,
            ActionKind::MakePublic,
            ActionKind::MakePrivate,
        ]
    );
    // Every photo belongs to exactly one entry.
    let attached: Vec<i64> = timeline
        .iter()
        .flat_map(|e| e.attachments.clone())
        .collect();
    let photos: Vec<i64> = store
        .photos(r.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(attached, photos);
}

pub async fn coordination_time_is_stamped_once(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let t0 = now();
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let at = |minutes| t0 + Duration::minutes(minutes);

    let mut accept = transition(ActionKind::Accept, Waiting, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.coordinator, at(5))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));

    // Forwarded onward and taken again, still claiming to coordinate: the first time stands.
    let mut forward = transition(ActionKind::Forward, InProgress, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let r = step(&*store, &r, forward, record(&c.coordinator, at(6))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));
    let mut schedule = transition(ActionKind::Schedule, Coordination, Scheduled);
    schedule.marks_coordinated = true;
    schedule.estimated_completion = Some(day(2025, 4, 1));
    let r = step(&*store, &r, schedule, record(&c.officer, at(90))).await;
    assert_eq!(r.coordinated_at, Some(at(5)));
    assert_eq!(r.completed_at, None);
}

pub async fn duplicate_and_refer_record_their_target(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let original = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let copy = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let another_copy = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let national = submit(&*store, simple_report(c.citizen.id), day1()).await;
    assert!(
        store
            .duplicates_of(&original.ticket)
            .await
            .unwrap()
            .is_empty()
    );

    for dup in [&copy, &another_copy] {
        let mut rec = record(&c.coordinator, now());
        rec.target = Some(original.ticket.to_string());
        let r = step(
            &*store,
            dup,
            transition(ActionKind::MarkDuplicate, Waiting, Duplicate),
            rec,
        )
        .await;
        assert_eq!(r.duplicate_of, Some(original.ticket.clone()));
        assert_eq!(r.referred_to, None);
    }
    assert_eq!(
        store.duplicates_of(&original.ticket).await.unwrap(),
        vec![copy.ticket.clone(), another_copy.ticket.clone()]
    );
    assert!(store.duplicates_of(&copy.ticket).await.unwrap().is_empty());
    assert_eq!(store.report(&original.ticket).await.unwrap(), original);

    let mut rec = record(&c.coordinator, now());
    rec.target = Some("LAPOR! 1708 (Kementerian PUPR)".into());
    rec.note = Some("Jalan nasional, bukan kewenangan Pemprov".into());
    let r = step(
        &*store,
        &national,
        transition(ActionKind::Refer, Waiting, Referred),
        rec,
    )
    .await;
    assert_eq!(
        r.referred_to.as_deref(),
        Some("LAPOR! 1708 (Kementerian PUPR)")
    );
    assert_eq!(r.duplicate_of, None);
    assert!(
        store
            .duplicates_of(&national.ticket)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn stale_version_is_a_conflict_and_changes_nothing(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let mut forward = transition(ActionKind::Forward, Waiting, Coordination);
    forward.new_holding_unit = Some(unit("sudin-bina-marga-31.74"));
    let r = step(&*store, &r, forward, record(&c.coordinator, now())).await;
    assert_eq!(r.version, 2);
    let before = snapshot(&*store, &r.ticket).await;

    // Decided on version 1 (or a version from the future), carrying photos and every flag.
    for stale in [1, 3, 0, -1] {
        let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
        accept.marks_coordinated = true;
        accept.marks_completed = true;
        accept.new_holding_unit = Some(unit("dinas-bina-marga"));
        accept.new_visibility = Some(Visibility::Public);
        accept.estimated_completion = Some(day(2025, 4, 1));
        let mut rec = record(&c.officer, now());
        rec.note = Some("tidak boleh tersimpan".into());
        rec.photos.after = vec![photo(6, 3000)];
        let result = store.apply_transition(r.id, stale, accept, rec).await;
        assert!(is_conflict(&result), "version {stale}: {result:?}");
        assert_eq!(
            snapshot(&*store, &r.ticket).await,
            before,
            "version {stale}"
        );
    }

    // The right version still works afterwards.
    let mut accept = transition(ActionKind::Accept, Coordination, InProgress);
    accept.marks_coordinated = true;
    let r = step(&*store, &r, accept, record(&c.officer, now())).await;
    assert_eq!(r.version, 3);

    // A report that does not exist is never changed.
    let missing = store
        .apply_transition(
            ReportId(r.id.0 + 1000),
            1,
            transition(ActionKind::Accept, Waiting, InProgress),
            record(&c.officer, now()),
        )
        .await;
    assert!(
        matches!(missing, Err(StoreError::Conflict(_) | StoreError::NotFound)),
        "{missing:?}"
    );
}

pub async fn wrong_from_state_is_a_conflict_and_changes_nothing(store: Arc<dyn Store>) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let before = snapshot(&*store, &r.ticket).await;
    // The right version, but decided on a state the report is not in.
    for from in [Coordination, InProgress, Completed] {
        let mut t = transition(ActionKind::Validate, from, Completed);
        t.marks_completed = true;
        let mut rec = record(&c.validator, now());
        rec.photos.after = vec![photo(7, 10)];
        let result = store.apply_transition(r.id, r.version, t, rec).await;
        assert!(is_conflict(&result), "from {from:?}: {result:?}");
        assert_eq!(snapshot(&*store, &r.ticket).await, before, "from {from:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Races
// ---------------------------------------------------------------------------------------------

/// `n` concurrent transitions decided on the same version, each forwarding to its own unit:
/// one wins, the rest lose with `Conflict`, and the stored report is the winner's.
async fn race(store: Arc<dyn Store>, n: usize) {
    use ReportState::*;
    let c = cast(&*store).await;
    let r = submit(&*store, simple_report(c.citizen.id), day1()).await;
    let mut jobs = JoinSet::new();
    for i in 0..n {
        let store = Arc::clone(&store);
        let mut t = transition(ActionKind::Forward, Waiting, Coordination);
        t.new_holding_unit = Some(unit(&format!("unit-{i}")));
        let mut rec = record(&c.coordinator, now());
        rec.target = Some(format!("unit-{i}"));
        rec.photos.after = vec![photo(i as u8, 64)];
        let (id, version) = (r.id, r.version);
        jobs.spawn(async move { store.apply_transition(id, version, t, rec).await });
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    while let Some(joined) = jobs.join_next().await {
        match joined.unwrap() {
            Ok(report) => winners.push(report),
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(other) => panic!("a lost race must be a conflict, not {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one of {n} wins");
    assert_eq!(conflicts, n - 1);
    let winner = &winners[0];
    assert_eq!(winner.version, 2);
    let stored = store.report(&r.ticket).await.unwrap();
    assert_eq!(&stored, winner);
    let timeline = store.timeline(r.id).await.unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(
        timeline[1].target.as_deref(),
        Some(winner.holding_unit.as_str())
    );
    // Only the winner's photo was kept.
    let photos = store.photos(r.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(timeline[1].attachments, vec![photos[0].id]);
}

pub async fn two_racing_transitions_one_wins(store: Arc<dyn Store>) {
    race(store, 2).await;
}

pub async fn sixteen_racing_transitions_one_wins(store: Arc<dyn Store>) {
    race(store, 16).await;
}
