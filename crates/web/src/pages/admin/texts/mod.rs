//! What the admins' pages say, in Indonesian first and English: one field per string, so a
//! string missing in either language does not compile.

mod en;
mod id;

use aduan_domain::{Channel, Jurisdiction};

use crate::pages::Lang;

pub use en::ADMIN_EN;
pub use id::ADMIN_ID;

/// The admins' pages' texts in the reader's language.
pub fn admin_texts(lang: Lang) -> &'static AdminTexts {
    match lang {
        Lang::Id => &ADMIN_ID,
        Lang::En => &ADMIN_EN,
    }
}

/// A channel's name in the reader's language: the pack's when it lists the channel, else
/// the one in code (a transport channel's), else its code.
pub fn channel_label(j: &Jurisdiction, channel: Channel, lang: Lang) -> String {
    j.channel_label(channel, lang == Lang::En)
}

/// Every string the admins' pages show besides the frame's.
pub struct AdminTexts {
    // Common
    pub back: &'static str,
    pub created: &'static str,
    pub none: &'static str,
    pub not_found: &'static str,
    // The index
    pub index_title: &'static str,
    pub index_intro: &'static str,
    pub users_title: &'static str,
    pub users_desc: &'static str,
    pub keys_title: &'static str,
    pub keys_desc: &'static str,
    pub channels_title: &'static str,
    pub channels_desc: &'static str,
    pub audit_title: &'static str,
    pub audit_desc: &'static str,
    pub outbox_title: &'static str,
    pub outbox_desc: &'static str,
    pub units_title: &'static str,
    pub units_desc: &'static str,
    pub categories_title: &'static str,
    pub categories_desc: &'static str,
    pub routes_title: &'static str,
    pub routes_desc: &'static str,
    // Users
    pub users_intro: &'static str,
    pub all_staff: &'static str,
    pub filter_role: &'static str,
    pub role: &'static str,
    pub unit: &'static str,
    pub unit_hint: &'static str,
    pub users_empty: &'static str,
    pub create_user_title: &'static str,
    pub create_user_submit: &'static str,
    pub change_title: &'static str,
    pub change_submit: &'static str,
    pub user_created: &'static str,
    pub user_changed: &'static str,
    pub err_role: &'static str,
    pub err_unit_unknown: &'static str,
    pub err_unit_needed: &'static str,
    pub err_own_admin: &'static str,
    // The account lifecycle
    pub status_disabled: &'static str,
    pub disable_submit: &'static str,
    pub enable_submit: &'static str,
    pub user_disabled: &'static str,
    pub user_enabled: &'static str,
    pub temp_password_title: &'static str,
    pub temp_password_hint: &'static str,
    pub temp_password_submit: &'static str,
    pub temp_password_set: &'static str,
    pub err_own_disable: &'static str,
    // API keys
    pub keys_intro: &'static str,
    pub key_name: &'static str,
    pub key_name_hint: &'static str,
    pub key_scope: &'static str,
    pub key_scope_open311: &'static str,
    pub key_revoked: &'static str,
    pub key_active: &'static str,
    pub keys_empty: &'static str,
    pub key_create_title: &'static str,
    pub key_create_submit: &'static str,
    pub key_secret_title: &'static str,
    pub key_secret_label: &'static str,
    pub key_secret_once: &'static str,
    pub err_key_name: &'static str,
    pub err_key_taken: &'static str,
    pub revoke: &'static str,
    pub revoke_title: &'static str,
    pub revoke_explain: &'static str,
    pub revoke_confirm: &'static str,
    pub cancel: &'static str,
    pub key_revoked_notice: &'static str,
    pub key_missing: &'static str,
    // Channels
    pub channels_intro: &'static str,
    pub channels_secrets: &'static str,
    pub channel_code: &'static str,
    pub channel_kind: &'static str,
    pub kind_app: &'static str,
    pub kind_messaging: &'static str,
    pub kind_social: &'static str,
    pub kind_desk: &'static str,
    pub kind_partner: &'static str,
    pub webhook: &'static str,
    pub receives: &'static str,
    pub answers: &'static str,
    pub configured: &'static str,
    pub not_configured: &'static str,
    pub no_webhook: &'static str,
    pub via_api_keys: &'static str,
    pub base_missing: &'static str,
    // The identity audit log
    pub audit_intro: &'static str,
    pub audit_when: &'static str,
    pub audit_who: &'static str,
    pub audit_reason: &'static str,
    pub audit_empty: &'static str,
    pub audit_what: &'static str,
    /// Who acted when no one did: the retention job.
    pub audit_system: &'static str,
    /// Each audit action's label, by its code.
    pub audit_actions: [(&'static str, &'static str); 6],
    // The outbox
    pub outbox_intro: &'static str,
    pub outbox_state: &'static str,
    pub outbox_pending: &'static str,
    pub outbox_sent: &'static str,
    pub outbox_dead: &'static str,
    pub outbox_kind: &'static str,
    pub outbox_reply: &'static str,
    pub outbox_fetch: &'static str,
    pub outbox_push: &'static str,
    pub outbox_channel: &'static str,
    pub attempts: &'static str,
    pub next_try: &'static str,
    pub last_error: &'static str,
    pub done_at: &'static str,
    pub outbox_empty: &'static str,
    pub retry: &'static str,
    pub retried: &'static str,
    pub err_not_dead: &'static str,
    pub outbox_missing: &'static str,
}
