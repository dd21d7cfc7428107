//! The store contract: behaviour every `Store` implementation (SQLite today, PostgreSQL later)
//! must show, written against `dyn Store` only.
//!
//! Each check takes a fresh, empty store and panics on the first broken promise. An
//! implementation's test file runs them all with `store_contract_tests!(fresh_store)`, where
//! `fresh_store` is an `async fn() -> (Arc<dyn Store>, impl Sized)`: the second value is kept
//! alive for the test's duration (a temporary directory, a throwaway database).

use chrono::{DateTime, NaiveDate, Utc};

use aduan_domain::report::{
    FollowupPhotos, ImageObject, NewPhoto, NewReport, PhotoEvidence, Report,
};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, Coordinates, RegionCode, ReportState, Role, Ticket,
    TicketPrefix, UnitCode, UserId,
};
use aduan_store::{NewUser, ReportQuery, Store, StoreError, StoreResult, User};

/// Generates one `#[tokio::test]` per contract check, each on its own fresh store.
/// Every check must be listed here: this list is what an implementation runs.
macro_rules! store_contract_tests {
    ($fresh:path) => {
        store_contract_tests!(@each $fresh;
            jurisdiction_is_absent_then_round_trips,
            jurisdiction_saves_are_upserts,
            boundaries_round_trip_and_survive_jurisdiction_saves,
            boundary_coordinates_round_trip_bit_for_bit,
            catalog_revisions_refuse_a_change_made_from_an_older_one,
            accounts_create_and_read,
            duplicate_username_is_a_conflict,
            sessions_expire_and_can_be_deleted,
            disabling_ends_sessions_and_enabling_lets_sign_in_again,
            setting_a_password_flags_it_and_ends_other_sessions,
            idle_sessions_end_and_use_keeps_them,
            listing_shows_disabled_accounts,
            submit_assigns_tickets_per_local_day,
            submitted_report_reads_back_with_timeline_and_photos,
            unknown_ticket_and_photo_are_not_found,
            submit_returns_the_report_as_stored,
            create_user_returns_the_user_as_stored,
            concurrent_submissions_get_gap_free_sequences,
            transitions_change_the_report_and_append_one_entry,
            coordination_time_is_stamped_once,
            duplicate_and_refer_record_their_target,
            stale_version_is_a_conflict_and_changes_nothing,
            wrong_from_state_is_a_conflict_and_changes_nothing,
            two_racing_transitions_one_wins,
            sixteen_racing_transitions_one_wins,
            list_scopes_select_the_right_reports,
            list_filters_narrow_the_scope,
            pagination_visits_every_report_once_newest_first,
            the_sla_order_puts_the_most_overdue_first_and_closed_reports_last,
            the_nearest_order_pages_by_distance_and_puts_unplaced_reports_last,
            a_failing_write_does_not_poison_concurrent_ones,
            sealed_identity_is_kept_apart_and_returned_to_its_owner,
            revealing_a_reporter_is_logged_with_its_reason,
            revealing_an_unknown_report_logs_nothing,
            the_access_log_of_a_period_comes_oldest_first_page_by_page,
            messages_round_trip_oldest_first,
            messages_stay_with_their_report,
            concurrent_messages_are_all_kept_in_posting_order,
            api_keys_are_found_by_hash_and_names_are_unique,
            the_identity_key_fingerprint_is_recorded_once,
            rotating_the_identity_key_reseals_everything_and_keeps_the_counts,
            a_rotation_refused_changes_nothing,
            sealed_reporter_identity_without_an_account_is_revealed,
            offset_and_states_select_pages,
            a_redelivered_message_files_one_report,
            replies_are_queued_with_the_steps_that_tell_the_reporter,
            push_subscriptions_keep_the_newest_few_per_citizen,
            a_step_queues_a_push_only_for_a_subscribed_account,
            a_claim_holds_messages_until_its_lease_runs_out,
            failed_attempts_back_off_then_die_and_admins_retry,
            monitoring_reads_the_schema_the_backlog_and_the_open_reports,
            outbox_pages_newest_first,
            fetched_photos_attach_to_the_report_once,
            concurrent_claims_hand_each_message_to_one_claimer,
            triaged_reports_wait_until_a_coordinator_decides,
            learning_accumulates_across_decisions,
            racing_triage_decisions_one_wins_per_report,
            channel_counts_count_reports_and_distinct_reporters,
            a_channel_only_a_pack_names_is_stored_read_and_counted,
            stats_counts_follow_local_months_and_categories,
            stats_counts_follow_triage_and_every_step,
            concurrent_submissions_keep_exact_counts,
            users_are_listed_by_role_page_by_page,
            updating_a_user_changes_role_and_unit_at_once,
            api_keys_are_listed_with_the_revoked_ones,
            imported_reports_are_stored_as_they_were_once,
            importing_nothing_changes_nothing,
            search_finds_reports_by_stems_within_the_scope,
            imported_reports_are_searchable,
            public_search_finds_only_what_the_feed_shows,
            retention_erases_identities_of_reports_closed_before_the_cutoff,
            a_data_subject_is_found_by_key_and_every_act_is_logged,
            an_erased_account_is_a_tombstone_and_its_reports_stay_anonymous,
            a_tracking_code_is_kept_as_its_hash_and_a_new_one_replaces_it,
            supporting_twice_counts_once_and_withdrawing_removes_it,
            open_reports_near_a_pin_are_the_latest_of_the_category_within_the_radius,
            a_first_tracking_code_goes_sealed_with_the_acknowledgement_once,
        );
    };
    (@each $fresh:path; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let (store, _keep_alive) = $fresh().await;
                $crate::contract::$check(store).await;
            }
        )+
    };
}

mod accounts;
pub use accounts::*;
mod admin;
pub use admin::*;
mod api_keys;
pub use api_keys::*;
mod identity;
pub use identity::*;
mod identity_key;
pub use identity_key::*;
mod import;
pub use import::*;
mod key_rotation;
pub use key_rotation::*;
mod jurisdiction;
pub use jurisdiction::*;
mod lifecycle;
pub use lifecycle::*;
mod listing;
pub use listing::*;
mod messages;
mod ordering;
pub use ordering::*;
mod outbox;
pub use outbox::*;
mod privacy;
pub use privacy::*;
mod push;
pub use push::*;
mod redelivery;
pub use messages::*;
pub use redelivery::*;
mod resilience;
pub use resilience::*;
mod search;
pub use search::*;
mod stats;
pub use stats::*;
mod support;
pub use support::*;
mod tracking;
pub use tracking::*;
mod stats_figures;
pub use stats_figures::*;
mod submission;
pub use submission::*;
mod transitions;
pub use transitions::*;
mod triage;
pub use triage::*;
mod unit_kinds_upgrade;
pub use unit_kinds_upgrade::*;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn category(code: &str) -> CategoryCode {
    CategoryCode::parse(code).unwrap()
}

pub fn jk() -> TicketPrefix {
    TicketPrefix::parse("JK").unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 5 March 2025, the first day most checks file reports on.
fn day1() -> NaiveDate {
    day(2025, 3, 5)
}

/// An instant with whole microseconds, the precision every store keeps (SQLite INTEGER
/// micros, PostgreSQL timestamptz), so values compare equal after a round trip.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap()
}

fn ticket(date: NaiveDate, sequence: u32) -> Ticket {
    Ticket::issue(&jk(), date, sequence)
}

fn new_user(username: &str, role: Role, unit_code: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${username}"),
        display_name: Some(format!("Pak {username}")),
        role,
        unit: unit_code.map(unit),
        can_view_identity: false,
        sealed_identity: Some(format!("sealed:{username}").into_bytes()),
        created_at: now(),
    }
}

pub async fn create(
    store: &dyn Store,
    username: &str,
    role: Role,
    unit_code: Option<&str>,
) -> User {
    store
        .create_user(new_user(username, role, unit_code))
        .await
        .unwrap()
}

/// Bytes that would break a store treating photos as text: NULs, 0xFF, every byte value.
fn photo_bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn photo(seed: u8, len: usize) -> NewPhoto {
    NewPhoto {
        content_type: if seed.is_multiple_of(2) {
            "image/jpeg"
        } else {
            "image/png"
        },
        image: ImageObject::of(&photo_bytes(seed, len)),
        thumbnail: ImageObject::of(&photo_bytes(seed.wrapping_add(100), len / 10 + 1)),
        // Odd seeds carry evidence, so both shapes round-trip.
        evidence: if seed.is_multiple_of(2) {
            PhotoEvidence::default()
        } else {
            PhotoEvidence {
                captured_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
                    .and_then(|d| d.and_hms_opt(9, 15, u32::from(seed % 60))),
                location: Some(Coordinates::parse(-6.1754, 106.8272).unwrap()),
            }
        },
    }
}

/// A report located in `region_code`, first received by `receiver`.
fn report_at(
    category_code: &str,
    region_code: &str,
    receiver: &str,
    reporter: Option<UserId>,
    entered_by: Option<UserId>,
) -> NewReport {
    NewReport {
        category: category(category_code),
        description: format!("Jalan berlubang di {region_code}, membahayakan pengendara motor"),
        staff_description: None,
        location: Some(Coordinates::parse(-6.2297, 106.8532).unwrap()),
        region: region(region_code),
        address: Some("Jl. Tebet Raya No. 1".into()),
        channel: if entered_by.is_some() {
            Channel::parse("kecamatan").unwrap()
        } else {
            Channel::parse("jaki").unwrap()
        },
        first_receiver: unit(receiver),
        reporter,
        entered_by,
        submitted_by_role: if entered_by.is_some() {
            Role::Operator
        } else {
            Role::Citizen
        },
        photos: vec![],
        reporter_identity: None,
        channel_message_id: None,
        reply_route: None,
        reporter_key: None,
        fetch_media: Vec::new(),
        triage: None,
    }
}

pub fn simple_report(reporter: UserId) -> NewReport {
    report_at(
        "jalan",
        "31.74.01.1001",
        "kel-31.74.01.1001",
        Some(reporter),
        None,
    )
}

async fn submit(store: &dyn Store, report: NewReport, date: NaiveDate) -> Report {
    store
        .submit_report(report, jk(), date, now())
        .await
        .unwrap()
}

fn transition(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
    Transition {
        action,
        from,
        to,
        new_holding_unit: None,
        marks_coordinated: false,
        marks_completed: false,
        new_visibility: None,
        estimated_completion: None,
    }
}

fn record(actor: &User, at: DateTime<Utc>) -> ActionRecord {
    ActionRecord {
        actor: actor.id,
        actor_role: actor.role,
        actor_unit: actor.unit.clone(),
        at,
        note: None,
        target: None,
        photos: FollowupPhotos::default(),
    }
}

fn is_conflict<T: std::fmt::Debug>(result: &StoreResult<T>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(result: &StoreResult<T>) -> bool {
    matches!(result, Err(StoreError::NotFound))
}

/// The cast of a report's life.
struct Cast {
    citizen: User,
    coordinator: User,
    officer: User,
    validator: User,
}

async fn cast(store: &dyn Store) -> Cast {
    Cast {
        citizen: create(store, "siti", Role::Citizen, None).await,
        coordinator: create(
            store,
            "lurah-tebet-barat",
            Role::Coordinator,
            Some("kel-31.74.01.1001"),
        )
        .await,
        officer: create(
            store,
            "petugas-bm",
            Role::Officer,
            Some("sudin-bina-marga-31.74"),
        )
        .await,
        validator: create(
            store,
            "validator",
            Role::Validator,
            Some("biro-pemerintahan"),
        )
        .await,
    }
}

/// Walk every page of `query` with page size `limit`, checking the page protocol.
async fn walk(store: &dyn Store, query: ReportQuery, limit: u32) -> Vec<Ticket> {
    let mut seen = Vec::new();
    let mut after = None;
    let mut last_id = i64::MAX;
    for _ in 0..1000 {
        let page = store
            .list_reports(ReportQuery {
                after,
                limit,
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(page.reports.len() <= limit as usize, "limit {limit}");
        for report in &page.reports {
            assert!(report.id.0 < last_id, "newest first, limit {limit}");
            last_id = report.id.0;
            seen.push(report.ticket.clone());
        }
        match page.next_after {
            Some(next) => {
                assert_eq!(
                    page.reports.len(),
                    limit as usize,
                    "only a full page has a next"
                );
                assert_eq!(Some(next), page.reports.last().map(|r| r.id.0));
                after = Some(next);
            }
            None => return seen,
        }
    }
    panic!("pagination with limit {limit} does not end");
}
