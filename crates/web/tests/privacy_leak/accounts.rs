//! Accounts of the leak test's scene made straight in the store, for what the API does not
//! offer: a citizen with every identity field set, an admin allowed to reveal identities.

use chrono::Utc;

use aduan_domain::Role;
use aduan_store::NewUser;
use aduan_store::identity::{Binding, Identity, IdentityKey, Sealer};

use crate::common::canary::Person;
use crate::common::{Client, TestApp};

/// A citizen created in the store with every identity field set (the API registers only
/// name, phone and e-mail), signed in over HTTP.
pub async fn full_identity_citizen(app: &TestApp, key: &IdentityKey, person: &Person) -> Client {
    let identity = Identity {
        name: Some(person.name.clone()),
        phone: Some(person.phone.clone()),
        email: Some(person.email.clone()),
        nik: Some(person.nik.clone()),
        handle: Some(person.handle.clone()),
    };
    let sealed = Sealer::new(key)
        .seal(&identity, Binding::Account(&person.username))
        .expect("seal");
    app.store
        .create_user(NewUser {
            username: person.username.clone(),
            password_hash: app.password_hash().await,
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            sealed_identity: Some(sealed),
            created_at: Utc::now(),
        })
        .await
        .expect("create B");
    app.login_as(&person.username).await
}
