//! Contract: what admins manage: accounts listed by role page by page, an account's role
//! and unit changed (its sessions see the change), every API key listed.

use std::sync::Arc;

use chrono::Duration;

use aduan_domain::{Role, UserId};
use aduan_store::{Session, Store, User};

use super::{create, is_not_found, now, unit};

/// Every page of the accounts holding one of `roles` (any when empty), `size` at a time.
async fn walk_users(store: &dyn Store, roles: &[Role], size: u32) -> Vec<User> {
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_users(roles.to_vec(), after, size).await.unwrap();
        assert!(page.len() <= size as usize);
        let Some(last) = page.last() else {
            return seen;
        };
        after = Some(last.id);
        seen.extend(page);
    }
}

pub async fn users_are_listed_by_role_page_by_page(store: Arc<dyn Store>) {
    let store = store.as_ref();
    assert!(store.list_users(vec![], None, 10).await.unwrap().is_empty());
    let mut officers = Vec::new();
    let mut everyone = Vec::new();
    let mut staff = Vec::new();
    for i in 0..7 {
        let officer = create(
            store,
            &format!("petugas{i}"),
            Role::Officer,
            Some("sudin-bina-marga-31.74"),
        )
        .await;
        let citizen = create(store, &format!("warga{i}"), Role::Citizen, None).await;
        everyone.extend([officer.clone(), citizen]);
        staff.push(officer.clone());
        officers.push(officer);
    }
    let admin = create(store, "admin", Role::Admin, None).await;
    everyone.push(admin.clone());
    staff.push(admin.clone());

    // In the order they were created, each once, whatever the page size.
    for size in [1, 3, 50] {
        assert_eq!(walk_users(store, &[], size).await, everyone, "size {size}");
        assert_eq!(
            walk_users(store, &[Role::Officer], size).await,
            officers,
            "size {size}"
        );
        assert_eq!(
            walk_users(store, &[Role::Admin, Role::Officer, Role::Validator], size).await,
            staff,
            "size {size}"
        );
    }
    assert_eq!(
        store.list_users(vec![Role::Admin], None, 10).await.unwrap(),
        vec![admin.clone()]
    );
    assert!(
        store
            .list_users(vec![Role::Validator], None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A page starts after the given id.
    let rest = store
        .list_users(vec![], Some(everyone[10].id), 50)
        .await
        .unwrap();
    assert_eq!(rest, everyone[11..].to_vec());
}

pub async fn updating_a_user_changes_role_and_unit_at_once(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let budi = create(store, "budi", Role::Officer, Some("sudin-bina-marga-31.74")).await;
    let siti = create(store, "siti", Role::Validator, Some("biro-pemerintahan")).await;
    let token = [5; 32];
    store
        .create_session(Session {
            token_hash: token,
            user: budi.id,
            created_at: now(),
            expires_at: now() + Duration::days(1),
            idle_timeout: None,
        })
        .await
        .unwrap();

    let promoted = store
        .update_user(budi.id, Role::Coordinator, None)
        .await
        .unwrap();
    assert_eq!(
        promoted,
        User {
            role: Role::Coordinator,
            unit: None,
            ..budi.clone()
        }
    );
    assert_eq!(store.user(budi.id).await.unwrap(), promoted);
    // A session already open sees the new role on its next lookup.
    assert_eq!(store.session_user(token, now()).await.unwrap(), promoted);
    // Nobody else changed.
    assert_eq!(store.user(siti.id).await.unwrap(), siti);

    let moved = store
        .update_user(budi.id, Role::Officer, Some(unit("kecamatan-31.74.01")))
        .await
        .unwrap();
    assert_eq!(moved.unit, Some(unit("kecamatan-31.74.01")));
    assert_eq!(moved.role, Role::Officer);
    assert_eq!(store.credentials("budi").await.unwrap().user, moved);

    let unknown = UserId(budi.id.0 + siti.id.0 + 1000);
    assert!(is_not_found(
        &store.update_user(unknown, Role::Admin, None).await
    ));
    assert!(is_not_found(&store.user(unknown).await));
}

pub async fn api_keys_are_listed_with_the_revoked_ones(store: Arc<dyn Store>) {
    let store = store.as_ref();
    assert!(store.list_api_keys(None, 10).await.unwrap().is_empty());
    let mut keys = Vec::new();
    for (i, name) in ["qlue", "lapor", "kelurahan-app", "warga-bot"]
        .iter()
        .enumerate()
    {
        let key = store
            .create_api_key((*name).into(), [i as u8 + 1; 32], now())
            .await
            .unwrap();
        keys.push(key);
    }
    let revoked_at = now() + Duration::minutes(5);
    store
        .revoke_api_key("lapor".into(), revoked_at)
        .await
        .unwrap();
    keys[1].revoked_at = Some(revoked_at);

    assert_eq!(store.list_api_keys(None, 10).await.unwrap(), keys);
    let first = store.list_api_keys(None, 3).await.unwrap();
    assert_eq!(first, keys[..3].to_vec());
    let rest = store.list_api_keys(Some(first[2].id), 3).await.unwrap();
    assert_eq!(rest, keys[3..].to_vec());
    assert!(
        store
            .list_api_keys(Some(keys[3].id), 3)
            .await
            .unwrap()
            .is_empty()
    );
}
