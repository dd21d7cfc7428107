//! Contract: the identity key's fingerprint is recorded once, by the first start, and a
//! store made before fingerprints shows one of its sealed identities to check a key with.

use std::sync::Arc;

use aduan_domain::Role;
use aduan_store::Store;

use super::{create, now};

pub async fn the_identity_key_fingerprint_is_recorded_once(store: Arc<dyn Store>) {
    let store = store.as_ref();
    assert_eq!(store.identity_key_fingerprint().await.unwrap(), None);
    assert!(store.any_sealed_identity().await.unwrap().is_none());
    let first = "00112233445566778899aabbccddeeff".to_owned();
    let recorded = store
        .record_identity_key_fingerprint(first.clone(), now())
        .await
        .unwrap();
    assert_eq!(recorded, first);
    // Another key does not replace it: the recorded one is returned, nothing written.
    let other = store
        .record_identity_key_fingerprint("ffeeddccbbaa99887766554433221100".into(), now())
        .await
        .unwrap();
    assert_eq!(other, first);
    assert_eq!(store.identity_key_fingerprint().await.unwrap(), Some(first));

    create(store, "siti", Role::Citizen, None).await;
    let sample = store.any_sealed_identity().await.unwrap().expect("one");
    assert_eq!(sample.sealed, b"sealed:siti".to_vec());
    assert_eq!(sample.account.as_deref(), Some("siti"));
}
