//! Contract: the account lifecycle — disabling, passwords set by admins and by their
//! owners, and sessions that end when idle.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use aduan_domain::{Role, UserId};
use aduan_store::{Session, Store, User};

use super::{create, is_not_found, now};

fn session(token_hash: [u8; 32], user: &User, at: DateTime<Utc>, idle: Option<i64>) -> Session {
    Session {
        token_hash,
        user: user.id,
        created_at: at,
        expires_at: at + Duration::hours(12),
        idle_timeout: idle.map(Duration::minutes),
    }
}

pub async fn disabling_ends_sessions_and_enabling_lets_sign_in_again(store: Arc<dyn Store>) {
    let t = now();
    let budi = create(
        &*store,
        "budi",
        Role::Officer,
        Some("sudin-bina-marga-31.74"),
    )
    .await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    assert!(!budi.disabled);
    for token in [[1u8; 32], [2u8; 32]] {
        store
            .create_session(session(token, &budi, t, None))
            .await
            .unwrap();
    }
    store
        .create_session(session([3; 32], &siti, t, None))
        .await
        .unwrap();

    let disabled = store.set_disabled(budi.id, true).await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(
        disabled,
        User {
            disabled: true,
            ..budi.clone()
        }
    );
    assert_eq!(store.user(budi.id).await.unwrap(), disabled);
    // Every session of the account ended at once; nobody else's.
    assert!(is_not_found(&store.session([1; 32], t).await));
    assert!(is_not_found(&store.session_user([2; 32], t).await));
    assert_eq!(store.session_user([3; 32], t).await.unwrap(), siti);
    // A session opened for a disabled account (a race with signing in) is refused too.
    store
        .create_session(session([4; 32], &budi, t, None))
        .await
        .unwrap();
    assert!(is_not_found(&store.session([4; 32], t).await));
    // Signing in still finds the account (to refuse it as a wrong password would be).
    assert!(store.credentials("budi").await.unwrap().user.disabled);

    let enabled = store.set_disabled(budi.id, false).await.unwrap();
    assert_eq!(enabled, budi);
    store
        .create_session(session([5; 32], &budi, t, None))
        .await
        .unwrap();
    assert_eq!(store.session_user([5; 32], t).await.unwrap(), budi);
    assert!(is_not_found(
        &store.set_disabled(UserId(budi.id.0 + 1000), true).await
    ));
}

pub async fn setting_a_password_flags_it_and_ends_other_sessions(store: Arc<dyn Store>) {
    let t = now();
    let budi = create(&*store, "budi", Role::Validator, Some("biro-pemerintahan")).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    store
        .create_session(session([1; 32], &budi, t, None))
        .await
        .unwrap();
    store
        .create_session(session([2; 32], &budi, t, None))
        .await
        .unwrap();
    store
        .create_session(session([3; 32], &siti, t, None))
        .await
        .unwrap();

    // An admin's temporary password: flagged, and every session of the account ends.
    store
        .set_password(budi.id, "$argon2id$temporary".into(), true, None)
        .await
        .unwrap();
    let credentials = store.credentials("budi").await.unwrap();
    assert_eq!(credentials.password_hash, "$argon2id$temporary");
    assert!(credentials.user.must_change_password);
    assert!(store.user(budi.id).await.unwrap().must_change_password);
    assert!(is_not_found(&store.session([1; 32], t).await));
    assert!(is_not_found(&store.session([2; 32], t).await));
    assert_eq!(store.session_user([3; 32], t).await.unwrap(), siti);

    // The owner chooses their own from one session: that one stays, the others end.
    store
        .create_session(session([4; 32], &budi, t, None))
        .await
        .unwrap();
    store
        .create_session(session([5; 32], &budi, t, None))
        .await
        .unwrap();
    store
        .set_password(budi.id, "$argon2id$own".into(), false, Some([4; 32]))
        .await
        .unwrap();
    let credentials = store.credentials("budi").await.unwrap();
    assert_eq!(credentials.password_hash, "$argon2id$own");
    assert_eq!(credentials.user, budi);
    assert_eq!(store.session_user([4; 32], t).await.unwrap(), budi);
    assert!(is_not_found(&store.session([5; 32], t).await));
    assert!(is_not_found(
        &store
            .set_password(UserId(budi.id.0 + 1000), "x".into(), false, None)
            .await
    ));
}

pub async fn idle_sessions_end_and_use_keeps_them(store: Arc<dyn Store>) {
    let t = now();
    let budi = create(&*store, "budi", Role::Coordinator, None).await;
    let siti = create(&*store, "siti", Role::Citizen, None).await;
    // Staff: at most 120 minutes idle; a citizen: no idle limit.
    store
        .create_session(session([1; 32], &budi, t, Some(120)))
        .await
        .unwrap();
    store
        .create_session(session([2; 32], &siti, t, None))
        .await
        .unwrap();

    let fresh = store.session([1; 32], t).await.unwrap();
    assert_eq!(fresh.user, budi);
    assert_eq!(fresh.last_seen_at, t);
    assert!(
        store
            .session([1; 32], t + Duration::minutes(119))
            .await
            .is_ok()
    );
    assert!(is_not_found(
        &store.session([1; 32], t + Duration::minutes(121)).await
    ));
    // Without the idle limit, only the expiry counts.
    assert!(
        store
            .session([2; 32], t + Duration::minutes(700))
            .await
            .is_ok()
    );

    // Used at 100 minutes: idle counts from there.
    let used = t + Duration::minutes(100);
    store.touch_session([1; 32], used).await.unwrap();
    assert_eq!(
        store.session([1; 32], used).await.unwrap().last_seen_at,
        used
    );
    assert!(
        store
            .session([1; 32], t + Duration::minutes(210))
            .await
            .is_ok()
    );
    assert!(is_not_found(
        &store.session([1; 32], t + Duration::minutes(221)).await
    ));
    // A late touch never moves it back.
    store.touch_session([1; 32], t).await.unwrap();
    assert_eq!(
        store.session([1; 32], used).await.unwrap().last_seen_at,
        used
    );
    // Use never outlives the expiry.
    store
        .touch_session([1; 32], t + Duration::minutes(700))
        .await
        .unwrap();
    assert!(is_not_found(
        &store.session([1; 32], t + Duration::minutes(721)).await
    ));
    // Touching an unknown session is harmless.
    store.touch_session([9; 32], t).await.unwrap();
}

pub async fn listing_shows_disabled_accounts(store: Arc<dyn Store>) {
    let budi = create(
        &*store,
        "budi",
        Role::Officer,
        Some("sudin-bina-marga-31.74"),
    )
    .await;
    let ani = create(&*store, "ani", Role::Operator, Some("kec-31.74.01")).await;
    store.set_disabled(budi.id, true).await.unwrap();
    let listed = store.list_users(vec![], None, 10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|u| u.id == budi.id && u.disabled));
    assert!(listed.iter().any(|u| u.id == ani.id && !u.disabled));
}
