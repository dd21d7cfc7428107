//! What the pages say, in Indonesian first and English: one field per string, so a string
//! missing in either language does not compile.

mod en;
mod id;

use serde::Deserialize;

pub use en::EN;
pub use id::ID;

/// The reader's language, from `?lang=`; Indonesian unless English is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Id => &ID,
            Self::En => &EN,
        }
    }
}

/// Every string a page shows.
pub struct Texts {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub site: &'static str,
    pub footer: &'static str,
    // Frame and navigation
    pub skip: &'static str,
    pub nav_label: &'static str,
    /// The button that opens the menu on a phone.
    pub nav_menu: &'static str,
    pub nav_report: &'static str,
    pub nav_track: &'static str,
    pub nav_mine: &'static str,
    pub nav_queue: &'static str,
    pub nav_desk: &'static str,
    pub nav_admin: &'static str,
    pub nav_login: &'static str,
    pub nav_register: &'static str,
    pub nav_logout: &'static str,
    /// The account menu's link to changing one's password.
    pub nav_password: &'static str,
    pub nav_my_data: &'static str,
    pub signed_in_as: &'static str,
    // Home and the public feed
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_privacy: &'static str,
    pub api_link: &'static str,
    pub feed_title: &'static str,
    pub nav_stats: &'static str,
    pub feed_intro: &'static str,
    pub category: &'static str,
    pub region: &'static str,
    pub all: &'static str,
    pub filter: &'static str,
    pub empty: &'static str,
    pub handled_by: &'static str,
    pub photo_alt: &'static str,
    /// A photo's label by what it shows: the reporter's, before the work, after it.
    pub photo_report: &'static str,
    pub photo_before: &'static str,
    pub photo_after: &'static str,
    /// A public card's link to its report.
    pub open_report: &'static str,
    pub next_page: &'static str,
    // Errors
    pub error_title: &'static str,
    pub not_found_title: &'static str,
    pub forbidden_title: &'static str,
    pub back_home: &'static str,
    pub server_error: &'static str,
    pub csrf_failed: &'static str,
    /// A page or form for admins only, refused to anyone else signed in.
    pub admins_only: &'static str,
    pub bad_link: &'static str,
    pub report_not_found: &'static str,
    pub citizens_only: &'static str,
    pub reporter_only: &'static str,
    pub conflict: &'static str,
    // Forms
    pub form_has_errors: &'static str,
    pub optional: &'static str,
    pub choose: &'static str,
    // Registering and signing in
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub username: &'static str,
    pub username_hint: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub contact_title: &'static str,
    pub contact_privacy: &'static str,
    pub display_name: &'static str,
    pub phone: &'static str,
    /// How a phone number may be written, shown under the field before any error.
    pub phone_hint: &'static str,
    pub email: &'static str,
    pub register_submit: &'static str,
    pub have_account: &'static str,
    pub login_title: &'static str,
    pub login_submit: &'static str,
    pub no_account: &'static str,
    /// The link to file without an account (`/lapor/tanpa-akun`).
    pub report_without_account: &'static str,
    pub err_username: &'static str,
    pub err_username_taken: &'static str,
    pub err_display_name: &'static str,
    pub err_phone: &'static str,
    pub err_email: &'static str,
    pub err_login: &'static str,
    /// `{}` is the number of minutes to wait.
    pub err_too_many_sign_ins: &'static str,
    pub err_too_many: &'static str,
    // Filing a report
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub description: &'static str,
    pub description_hint: &'static str,
    pub place: &'static str,
    pub place_hint: &'static str,
    pub kelurahan: &'static str,
    pub kecamatan: &'static str,
    pub use_location: &'static str,
    pub locating: &'static str,
    pub located: &'static str,
    pub locate_failed: &'static str,
    pub coordinates: &'static str,
    pub lat: &'static str,
    pub lon: &'static str,
    pub address: &'static str,
    pub photos: &'static str,
    pub photos_hint: &'static str,
    pub photos_again: &'static str,
    pub report_submit: &'static str,
    pub err_category: &'static str,
    pub err_description: &'static str,
    pub err_place: &'static str,
    pub err_address: &'static str,
    pub err_photo: &'static str,
    // My reports
    pub mine_empty: &'static str,
    // A report
    pub sent_notice: &'static str,
    pub sent_keep: &'static str,
    pub made_public: &'static str,
    pub review_title: &'static str,
    pub review_explain: &'static str,
    pub review_comment: &'static str,
    pub review_satisfied: &'static str,
    pub review_unsatisfied: &'static str,
    pub reviewed_satisfied: &'static str,
    pub reviewed_unsatisfied: &'static str,
    pub review_needs_comment: &'static str,
    /// The review the reporter gave: "You rated: Satisfied".
    pub review_given: &'static str,
    pub review_heading: &'static str,
    pub review_change: &'static str,
    pub review_change_explain: &'static str,
    pub made_private: &'static str,
    pub ticket: &'static str,
    pub status: &'static str,
    pub submitted: &'static str,
    pub updated: &'static str,
    pub address_label: &'static str,
    pub coordinates_label: &'static str,
    pub first_receiver: &'static str,
    pub coordinated: &'static str,
    pub estimated: &'static str,
    pub completed: &'static str,
    pub duplicate_of: &'static str,
    pub duplicates: &'static str,
    pub referred_to: &'static str,
    pub visibility: &'static str,
    pub public: &'static str,
    pub private: &'static str,
    pub public_explain: &'static str,
    pub private_explain: &'static str,
    pub make_public: &'static str,
    pub make_private: &'static str,
    pub photos_title: &'static str,
    pub photos_locked: &'static str,
    pub history: &'static str,
    pub by: &'static str,
    pub target: &'static str,
    // The officers' queue
    pub queue_title: &'static str,
    pub queue_intro: &'static str,
    pub queue_staff_only: &'static str,
    pub queue_empty: &'static str,
    pub queue_search: &'static str,
    pub queue_search_submit: &'static str,
    pub queue_ticket_missing: &'static str,
    pub queue_words: &'static str,
    pub feed_words: &'static str,
    pub view_todo: &'static str,
    pub view_incoming: &'static str,
    pub view_triage: &'static str,
    pub view_validation: &'static str,
    pub view_all: &'static str,
    pub queue_views: &'static str,
    pub queue_moved: &'static str,
    pub sla_coordination: &'static str,
    pub sla_completion: &'static str,
    pub sla_left: &'static str,
    pub sla_overdue: &'static str,
    pub sla_overdue_flag: &'static str,
    pub sla_none: &'static str,
    pub unit_days: &'static str,
    pub unit_hours: &'static str,
    pub unit_minutes: &'static str,
    // Tracking
    pub track_title: &'static str,
    pub track_hint: &'static str,
    pub track_submit: &'static str,
    pub err_ticket: &'static str,
    pub ticket_not_found: &'static str,
    pub private_report_hint: &'static str,
    // The conversation on a report
    pub message_title: &'static str,
    pub message_explain: &'static str,
    pub message_you: &'static str,
    pub message_reporter: &'static str,
    pub message_label: &'static str,
    pub message_submit: &'static str,
    pub message_empty: &'static str,
    pub message_invalid: &'static str,
    pub message_not_party: &'static str,
    pub message_sent: &'static str,
}

#[cfg(test)]
mod tests {
    use crate::password_policy::{MAX_CHARS, MIN_CHARS};

    #[test]
    fn the_password_hint_states_the_lengths_the_policy_enforces() {
        let lengths = format!("{MIN_CHARS}–{MAX_CHARS} ");
        for texts in [&super::ID, &super::EN] {
            assert!(
                texts.password_hint.starts_with(&lengths),
                "{}",
                texts.password_hint
            );
        }
    }
}
