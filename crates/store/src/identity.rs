//! Reporter identity, sealed at rest: name, phone, e-mail, NIK and channel handle are
//! encrypted with a key from the configuration (never stored in the database), so a stolen
//! database file does not reveal who reported.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::{StoreError, StoreResult};

/// Who a person is. Only the person themself, and an auditor with a reason, ever see it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Nomor Induk Kependudukan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    /// The account or handle on the channel the report came through (e.g. an X handle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Never print identity, not even in debug logs.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(<redacted>)")
    }
}

/// The 256-bit key that seals identities.
#[derive(Clone)]
pub struct IdentityKey([u8; 32]);

impl std::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKey(<redacted>)")
    }
}

impl IdentityKey {
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }

    /// From its base64 text (as in `ADUAN_IDENTITY_KEY` or the key file).
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| "the identity key is not base64".to_owned())?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the identity key must be 32 bytes".to_owned())?;
        Ok(Self(key))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

/// Seals and opens identities with XChaCha20-Poly1305 (random 192-bit nonce per value).
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// Keys the reporter keys (an HMAC key, kept apart from the cipher by its label).
    key: [u8; 32],
}

const NONCE: usize = 24;

impl Sealer {
    pub fn new(key: &IdentityKey) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&key.0)),
            key: key.0,
        }
    }

    pub fn seal(&self, identity: &Identity) -> StoreResult<Vec<u8>> {
        let plain = serde_json::to_vec(identity).map_err(StoreError::other)?;
        self.seal_bytes(&plain)
    }

    /// Seal any identifying value (a reply route's JSON) the same way as an identity.
    pub fn seal_bytes(&self, plain: &[u8]) -> StoreResult<Vec<u8>> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain)
            .map_err(|_| StoreError::other("cannot seal an identity"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    pub fn open(&self, sealed: &[u8]) -> StoreResult<Identity> {
        let plain = self.open_bytes(sealed)?;
        serde_json::from_slice(&plain).map_err(StoreError::other)
    }

    /// Open what [`Sealer::seal_bytes`] sealed.
    pub fn open_bytes(&self, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        if sealed.len() < NONCE {
            return Err(StoreError::other("a sealed identity is truncated"));
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| StoreError::other("cannot open a sealed identity: wrong identity key?"))?;
        Ok(plain)
    }

    /// A stable, opaque key for "the same person on this channel", for counting distinct
    /// reporters without identity: an HMAC-SHA256 of the channel and address under the
    /// identity key, so it cannot be reversed (or even checked against a guessed number)
    /// without the key.
    pub fn reporter_key(&self, channel: &str, address: &str) -> String {
        use hmac::Mac;
        let digest = match <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(b"aduan reporter key\0");
                mac.update(channel.as_bytes());
                mac.update(b"\0");
                mac.update(address.trim().to_lowercase().as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        };
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("{channel}:{hex}")
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn sealed_identity_opens_with_the_key_and_shows_nothing_without_it() {
        let key = IdentityKey::generate();
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal(&someone()).unwrap();
        for secret in ["Siti", "0812345", "siti@", "31712345"] {
            assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
        assert_eq!(sealer.open(&sealed).unwrap(), someone());
        let other = Sealer::new(&IdentityKey::generate());
        assert!(other.open(&sealed).is_err());
        // A fresh nonce each time: the same identity never seals to the same bytes.
        assert_ne!(sealer.seal(&someone()).unwrap(), sealed);
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
}
