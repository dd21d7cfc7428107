//! Contract: accounts and sessions.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use aduan_domain::{Role, UserId};
use aduan_store::{Session, Store, User};

use super::{create, is_conflict, is_not_found, new_user, now, unit};

pub async fn accounts_create_and_read(store: Arc<dyn Store>) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let wanted = new_user("budi", Role::Officer, Some("sudin-bina-marga-31.74"));
    let budi = store.create_user(wanted.clone()).await.unwrap();
    assert_eq!(budi.username, "budi");
    assert_eq!(budi.role, Role::Officer);
    assert_eq!(budi.unit, Some(unit("sudin-bina-marga-31.74")));
    assert_eq!(budi.display_name.as_deref(), Some("Pak budi"));
    assert_eq!(budi.created_at, wanted.created_at);

    let siti = create(&*store, "siti", Role::Citizen, None).await;
    assert_ne!(budi.id, siti.id);
    assert_eq!(siti.unit, None);
    assert_eq!(store.count_users().await.unwrap(), 2);

    assert_eq!(store.user(budi.id).await.unwrap(), budi);
    assert_eq!(store.user(siti.id).await.unwrap(), siti);
    assert!(is_not_found(
        &store.user(UserId(budi.id.0 + siti.id.0 + 1000)).await
    ));

    let credentials = store.credentials("budi").await.unwrap();
    assert_eq!(credentials.user, budi);
    assert_eq!(credentials.password_hash, wanted.password_hash);
    assert!(is_not_found(&store.credentials("nobody").await));
    // Usernames are looked up exactly.
    assert!(is_not_found(&store.credentials("bud").await));
}

pub async fn duplicate_username_is_a_conflict(store: Arc<dyn Store>) {
    let first = create(&*store, "ani", Role::Citizen, None).await;
    let again = store
        .create_user(new_user("ani", Role::Operator, Some("kec-31.74.01")))
        .await;
    assert!(is_conflict(&again), "{again:?}");
    assert_eq!(store.count_users().await.unwrap(), 1);
    // The first account is untouched.
    assert_eq!(store.credentials("ani").await.unwrap().user, first);
    // And the store keeps working.
    create(&*store, "ani2", Role::Citizen, None).await;
    assert_eq!(store.count_users().await.unwrap(), 2);
}

pub async fn sessions_expire_and_can_be_deleted(store: Arc<dyn Store>) {
    let t = now();
    let budi = create(&*store, "budi", Role::Officer, Some("dinas-bina-marga")).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    let live = [1u8; 32];
    let other = [2u8; 32];
    let expired = [3u8; 32];
    let session = |token_hash, user: &User, created: DateTime<Utc>, ttl_hours| Session {
        token_hash,
        user: user.id,
        created_at: created,
        expires_at: created + Duration::hours(ttl_hours),
        idle_timeout: None,
    };
    store
        .create_session(session(expired, &budi, t - Duration::hours(10), 1))
        .await
        .unwrap();
    store
        .create_session(session(live, &budi, t, 12))
        .await
        .unwrap();
    store
        .create_session(session(other, &siti, t, 12))
        .await
        .unwrap();

    assert_eq!(store.session_user(live, t).await.unwrap(), budi);
    assert_eq!(store.session_user(other, t).await.unwrap(), siti);
    assert!(is_not_found(&store.session_user(expired, t).await));
    assert!(is_not_found(&store.session_user([9u8; 32], t).await));
    // The live session expires too, in time.
    assert!(is_not_found(
        &store.session_user(live, t + Duration::hours(13)).await
    ));

    store.delete_session(live).await.unwrap();
    assert!(is_not_found(&store.session_user(live, t).await));
    // Only that session went.
    assert_eq!(store.session_user(other, t).await.unwrap(), siti);
    // Signing out twice is harmless.
    store.delete_session(live).await.unwrap();
}
