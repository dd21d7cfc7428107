//! Sealing, binding, the legacy format and the derived keys.

use super::*;

fn someone() -> Identity {
    Identity {
        name: Some("Siti Rahma".into()),
        phone: Some("081234567890".into()),
        email: Some("siti@example.org".into()),
        nik: Some("3171234567890001".into()),
        handle: None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How the code before bindings sealed: nonce and ciphertext under the master key, no
/// associated data.
fn seal_the_old_way(key: &IdentityKey, plain: &[u8], first_nonce_byte: u8) -> Vec<u8> {
    let mut nonce = [7u8; NONCE];
    nonce[0] = first_nonce_byte;
    let sealed = XChaCha20Poly1305::new(Key::from_slice(&key.0))
        .encrypt(XNonce::from_slice(&nonce), plain)
        .unwrap();
    [nonce.as_slice(), &sealed].concat()
}

#[test]
fn sealed_identity_opens_with_the_key_and_shows_nothing_without_it() {
    let key = IdentityKey::generate();
    let sealer = Sealer::new(&key);
    let binding = Binding::Account("siti");
    let sealed = sealer.seal(&someone(), binding).unwrap();
    for secret in ["Siti", "0812345", "siti@", "31712345"] {
        assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
    assert_eq!(sealed[0], VERSION);
    assert_eq!(sealer.open(&sealed, binding).unwrap(), someone());
    let other = Sealer::new(&IdentityKey::generate());
    assert!(other.open(&sealed, binding).is_err());
    // A fresh nonce each time: the same identity never seals to the same bytes.
    assert_ne!(sealer.seal(&someone(), binding).unwrap(), sealed);
}

#[test]
fn a_value_sealed_for_one_row_does_not_open_for_another() {
    let sealer = Sealer::new(&IdentityKey::generate());
    let key_a = sealer.reporter_key("sms", "081234567890");
    let key_b = sealer.reporter_key("sms", "081298765432");
    let rows = [
        Binding::Account("siti"),
        Binding::Account("budi"),
        Binding::Reporter(Some(&key_a)),
        Binding::Reporter(Some(&key_b)),
        Binding::Reporter(None),
        Binding::ReplyRoute(Some(&key_a)),
        Binding::ReplyRoute(Some(&key_b)),
        Binding::ReplyRoute(None),
        // A username that looks like a reporter key is still another row.
        Binding::Account(&key_a),
    ];
    for (i, sealed_for) in rows.iter().enumerate() {
        let sealed = sealer.seal(&someone(), *sealed_for).unwrap();
        for (j, opened_as) in rows.iter().enumerate() {
            let opened = sealer.open(&sealed, *opened_as);
            if i == j {
                assert_eq!(opened.unwrap(), someone());
            } else {
                assert!(
                    opened.is_err(),
                    "sealed for {sealed_for:?}, opened as {opened_as:?}"
                );
            }
        }
    }
}

#[test]
fn values_sealed_by_the_old_code_still_open() {
    let key = IdentityKey::generate();
    let sealer = Sealer::new(&key);
    let plain = serde_json::to_vec(&someone()).unwrap();
    // Any first byte, the version byte among them: the old format had no prefix.
    for first in [0u8, VERSION, 0xff] {
        let old = seal_the_old_way(&key, &plain, first);
        assert_eq!(
            sealer.open(&old, Binding::Account("siti")).unwrap(),
            someone()
        );
        assert_eq!(
            sealer.open_bytes(&old, Binding::ReplyRoute(None)).unwrap(),
            plain
        );
        // Still only with its key.
        let other = Sealer::new(&IdentityKey::generate());
        assert!(other.open(&old, Binding::Account("siti")).is_err());
    }
    // A new value never opens the old way: its key is not the master key.
    let new = sealer.seal(&someone(), Binding::Account("siti")).unwrap();
    assert!(
        sealer
            .legacy
            .decrypt(XNonce::from_slice(&new[..NONCE]), &new[NONCE..])
            .is_err()
    );
    assert!(sealer.open(&new[..10], Binding::Account("siti")).is_err());
}

#[test]
fn sealing_and_hashing_keys_differ_from_each_other_and_from_the_master() {
    let key = IdentityKey::from_base64(&STANDARD.encode((0u8..32).collect::<Vec<_>>())).unwrap();
    let sealing = key.derive(SEAL_LABEL);
    let hashing = key.derive(HASH_LABEL);
    assert_ne!(sealing, hashing);
    assert_ne!(sealing, key.0);
    assert_ne!(hashing, key.0);
    // Pinned (computed apart with Python's hmac): a change here locks out every database.
    assert_eq!(
        hex(&sealing),
        "487dc54f72feaff61f9df8a59462f4fa45e49b8990738b10d10ba91a60e84d52"
    );
    assert_eq!(
        hex(&hashing),
        "d099081b09a41c55a29979cb9bee1a178b46af48b1a2efb248259ae4e534ac6e"
    );
    let sealer = Sealer::new(&key);
    assert_eq!(sealer.hashing, hashing);
    // The reporter key is an HMAC under the hashing key, not under the master key.
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.0).unwrap();
    mac.update(b"aduan reporter key\x00sms\x00081234567890");
    let with_master = hex(&mac.finalize().into_bytes()[..16]);
    let reporter = sealer.reporter_key("sms", " 081234567890 ");
    assert!(reporter.starts_with("sms:"));
    assert_ne!(reporter, format!("sms:{with_master}"));
    assert_eq!(reporter, sealer.reporter_key("sms", "081234567890"));
}

#[test]
fn keys_round_trip_through_base64_and_never_print() {
    let key = IdentityKey::generate();
    let back = IdentityKey::from_base64(&key.to_base64()).unwrap();
    assert_eq!(back.0, key.0);
    assert!(IdentityKey::from_base64("c2hvcnQ=").is_err());
    assert_eq!(format!("{key:?}"), "IdentityKey(<redacted>)");
    assert_eq!(format!("{:?}", someone()), "Identity(<redacted>)");
}

#[test]
fn a_fingerprint_tells_keys_apart_and_reveals_no_derived_key() {
    let key = IdentityKey([7u8; 32]);
    let fingerprint = key.fingerprint();
    assert_eq!(fingerprint.len(), 32);
    assert_eq!(fingerprint, IdentityKey([7u8; 32]).fingerprint());
    assert_ne!(fingerprint, IdentityKey([8u8; 32]).fingerprint());
    let derived = [SEAL_LABEL, HASH_LABEL].map(|label| hex(&key.derive(label)));
    assert!(derived.iter().all(|d| !d.starts_with(&fingerprint)));
    assert!(!hex(&key.0).contains(&fingerprint));
}
