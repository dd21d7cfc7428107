//! Reporter identity, sealed at rest: name, phone, e-mail, NIK and channel handle are
//! encrypted with a key from the configuration (never stored in the database), so a stolen
//! database file does not reveal who reported. Each sealed value is bound to its row (see
//! [`Binding`]), and the sealing and hashing keys are derived apart from the master key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
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

/// The 256-bit master key the sealing and hashing keys are derived from.
#[derive(Clone)]
pub struct IdentityKey([u8; 32]);

impl std::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKey(<redacted>)")
    }
}

/// HKDF-SHA256 `info` labels: one key per job, so no value made with one key can serve as
/// another (a reporter key never helps to open a sealed identity, nor the reverse).
const SEAL_LABEL: &[u8] = b"aduan v1 identity sealing key";
const HASH_LABEL: &[u8] = b"aduan v1 reporter key hashing key";
const FINGERPRINT_LABEL: &[u8] = b"aduan v1 identity key fingerprint";
/// The deployment's VAPID key (Web Push), with an attempt counter after it (see
/// [`IdentityKey::vapid_seed`]).
const VAPID_LABEL: &[u8] = b"aduan v1 web push vapid key";

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

    /// What the database records to recognise this key (see [`crate::KeyStore`]): a
    /// labelled HKDF output, so it tells nothing about the key nor the keys derived for
    /// sealing and hashing. 32 hex digits, safe to print and log.
    pub fn fingerprint(&self) -> String {
        self.derive(FINGERPRINT_LABEL)
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// 32 bytes for the deployment's VAPID key (a P-256 scalar), attempt `attempt`: the
    /// caller takes the first attempt that is a valid scalar, so every instance given this
    /// key signs Web Push messages with the same VAPID key, and nothing else is configured.
    pub fn vapid_seed(&self, attempt: u8) -> [u8; 32] {
        self.derive(&[VAPID_LABEL, &[attempt]].concat())
    }

    /// A 256-bit key for one job, derived from this one with HKDF-SHA256.
    fn derive(&self, label: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit (255 * 32): expanding cannot fail.
        if hkdf::Hkdf::<sha2::Sha256>::new(None, &self.0)
            .expand(label, &mut out)
            .is_err()
        {
            unreachable!("HKDF-SHA256 refused a 32-byte output");
        }
        out
    }
}

/// What a sealed value is and whose it is: sealed as the AEAD's associated data, so a value
/// copied into another row (another account, another reporter) does not open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding<'a> {
    /// An account's own identity, by its username.
    Account(&'a str),
    /// The identity a channel or a desk gave for a report's reporter, by the report's
    /// reporter key (`None` only when nothing but a name was known).
    Reporter(Option<&'a str>),
    /// How to answer a report's reporter, by the report's reporter key.
    ReplyRoute(Option<&'a str>),
    /// A browser's Web Push subscription, by the citizen account's id.
    PushSubscription(i64),
    /// A report offered to one citizen account to support, by the account's id: an opaque
    /// reference that names no ticket and works for that account alone.
    SupportOffer(&'a str),
    /// A report's tracking code on its way to the reporter, by the report's ticket.
    TrackingCode(&'a str),
}

impl Binding<'_> {
    fn associated_data(self) -> Vec<u8> {
        let (what, whose) = match self {
            Self::Account(username) => ("user-identity", Some(username)),
            Self::Reporter(key) => ("reporter-identity", key),
            Self::ReplyRoute(key) => ("reply-route", key),
            Self::PushSubscription(user) => {
                return format!("aduan v1 push-subscription:{user}").into_bytes();
            }
            Self::SupportOffer(account) => ("support-offer", Some(account)),
            Self::TrackingCode(ticket) => ("tracking-code", Some(ticket)),
        };
        // "-" for no key cannot be confused with a key: reporter keys are "channel:hex".
        format!("aduan v1 {what}:{}", whose.unwrap_or("-")).into_bytes()
    }
}

/// Seals and opens identities with XChaCha20-Poly1305 (random 192-bit nonce per value).
///
/// Format: [`VERSION`], nonce, ciphertext, sealed with the derived sealing key and the
/// value's [`Binding`] as associated data. Values sealed before (nonce and ciphertext under
/// the master key, no associated data) still open, so existing databases keep working.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// What sealed values before keys were derived: read only.
    legacy: XChaCha20Poly1305,
    /// Keys the reporter keys (an HMAC key).
    hashing: [u8; 32],
}

const NONCE: usize = 24;
/// The first byte of a value sealed with the derived key and a binding.
const VERSION: u8 = 1;

impl Sealer {
    pub fn new(key: &IdentityKey) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&key.derive(SEAL_LABEL))),
            legacy: XChaCha20Poly1305::new(Key::from_slice(&key.0)),
            hashing: key.derive(HASH_LABEL),
        }
    }

    pub fn seal(&self, identity: &Identity, binding: Binding<'_>) -> StoreResult<Vec<u8>> {
        let plain = serde_json::to_vec(identity).map_err(StoreError::other)?;
        self.seal_bytes(&plain, binding)
    }

    /// Seal any identifying value (a reply route's JSON) the same way as an identity.
    pub fn seal_bytes(&self, plain: &[u8], binding: Binding<'_>) -> StoreResult<Vec<u8>> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let aad = binding.associated_data();
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::other("cannot seal an identity"))?;
        Ok([&[VERSION], nonce.as_slice(), &sealed].concat())
    }

    pub fn open(&self, sealed: &[u8], binding: Binding<'_>) -> StoreResult<Identity> {
        let plain = self.open_bytes(sealed, binding)?;
        serde_json::from_slice(&plain).map_err(StoreError::other)
    }

    /// Open what [`Sealer::seal_bytes`] sealed for the same `binding`, or what the code
    /// before bindings sealed.
    pub fn open_bytes(&self, sealed: &[u8], binding: Binding<'_>) -> StoreResult<Vec<u8>> {
        if let Some((&VERSION, rest)) = sealed.split_first()
            && rest.len() >= NONCE
        {
            let (nonce, body) = rest.split_at(NONCE);
            let aad = binding.associated_data();
            if let Ok(plain) = self.cipher.decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            ) {
                return Ok(plain);
            }
        }
        // A legacy value: its random nonce may begin with the version byte too.
        if sealed.len() < NONCE {
            return Err(StoreError::other("a sealed identity is truncated"));
        }
        let (nonce, body) = sealed.split_at(NONCE);
        self.legacy
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| {
                StoreError::other(
                    "cannot open a sealed identity: wrong identity key, or sealed for another row?",
                )
            })
    }

    /// A stable, opaque key for "the same person on this channel", for counting distinct
    /// reporters without identity: an HMAC-SHA256 of the channel and address under the
    /// hashing key, so it cannot be reversed (or even checked against a guessed number)
    /// without the identity key.
    pub fn reporter_key(&self, channel: &str, address: &str) -> String {
        let address = address.trim().to_lowercase();
        let hex = self.keyed_hex(
            b"aduan reporter key\0",
            &[channel.as_bytes(), b"\0", address.as_bytes()],
        );
        format!("{channel}:{hex}")
    }

    /// The reporter key of a reporter without an account who reached us on `channel` (a
    /// channel's code): their address on the channel they are answered on (`reply`: that
    /// channel's code and the address), else the most stable thing they told us about
    /// themself. `None` when nothing but a name is known. Filing and `aduan key rotate`
    /// both ask this, so a reporter's key comes out the same either way.
    pub fn reporter_key_for(
        &self,
        channel: &str,
        identity: &Identity,
        reply: Option<(&str, &str)>,
    ) -> Option<String> {
        reply
            .map(|(on, address)| self.reporter_key(on, address))
            .or_else(|| identity.nik.as_deref().map(|n| self.reporter_key("nik", n)))
            .or_else(|| {
                identity
                    .phone
                    .as_deref()
                    .map(|p| self.reporter_key("phone", p))
            })
            .or_else(|| {
                identity
                    .email
                    .as_deref()
                    .map(|e| self.reporter_key("email", e))
            })
            .or_else(|| {
                identity
                    .handle
                    .as_deref()
                    .map(|h| self.reporter_key(channel, h))
            })
    }

    /// An HMAC-SHA256 of `parts` under the hashing key, after `label`: 16 bytes as hex.
    /// What finds a browser's Web Push subscription again without keeping its endpoint in
    /// the clear: a keyed hash of the endpoint.
    pub fn push_endpoint_key(&self, endpoint: &str) -> String {
        let hex = self.keyed_hex(b"aduan push endpoint\0", &[endpoint.trim().as_bytes()]);
        format!("push:{hex}")
    }

    fn keyed_hex(&self, label: &[u8], parts: &[&[u8]]) -> String {
        use hmac::Mac;
        let digest = match <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.hashing) {
            Ok(mut mac) => {
                mac.update(label);
                for part in parts {
                    mac.update(part);
                }
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        };
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }
}

mod rotation;
pub use rotation::{KeyRotation, OpenedReporter, ReporterRow, Resealed, RotationCounts};

#[cfg(test)]
mod tests;
