//! The reporter's identity as they may have written it into their own text, gathered where
//! the application holds it in the clear (an account's sealed identity opened, or what a
//! channel or desk gave before it is sealed), to mask it before anyone else reads the text.
//! What is gathered lives only in memory while a report or message is filed.

use aduan_domain::scrub::WrittenIdentity;
use aduan_store::User;
use aduan_store::identity::{Binding, Identity};

use crate::app_error::AppResult;
use crate::state::AppState;

/// Everything `identity` knows, as the reporter might write it.
pub fn of_identity(identity: &Identity) -> WrittenIdentity {
    WrittenIdentity::default()
        .name(identity.name.as_deref())
        .phone(identity.phone.as_deref())
        .email(identity.email.as_deref())
        .nik(identity.nik.as_deref())
        .handle(identity.handle.as_deref())
}

/// An account's identity, its username and display name included (`account` as read with
/// the request's session: only the sealed identity is read here).
pub async fn of_account(state: &AppState, account: &User) -> AppResult<WrittenIdentity> {
    let identity = match state.store.sealed_identity(account.id).await? {
        Some(sealed) => state
            .sealer
            .open(&sealed, Binding::Account(&account.username))?,
        None => Identity::default(),
    };
    Ok(of_identity(&identity)
        .name(account.display_name.as_deref())
        .handle(Some(&account.username)))
}
