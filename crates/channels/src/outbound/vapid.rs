//! The deployment's VAPID key (RFC 8292): one P-256 key that tells the push services every
//! message comes from this deployment. It is derived from the identity key (the caller hands
//! in the derivation), so every instance has the same one and nothing new is configured or
//! backed up; the JWT is signed here with ES256 (p256's deterministic ECDSA).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use reqwest::Url;

/// How long a VAPID token is valid; push services refuse more than 24 hours.
pub const TOKEN_LIFETIME_SECS: i64 = 12 * 3600;

/// The deployment's VAPID signing key. Never printed.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VapidKey(<redacted>)")
    }
}

impl VapidKey {
    /// The key from `seed(attempt)`, 32 bytes per attempt: the first that is a valid P-256
    /// scalar (non-zero, below the group order) is taken. A random 32 bytes is out of range
    /// with a probability of about 2^-32, so attempt 0 serves in practice; `None` only if
    /// all 256 fail, which does not happen.
    pub fn derive(mut seed: impl FnMut(u8) -> [u8; 32]) -> Option<Self> {
        (0..=u8::MAX).find_map(|attempt| {
            let bytes = seed(attempt);
            SigningKey::from_bytes(&bytes.into())
                .ok()
                .map(|signing| Self { signing })
        })
    }

    /// The public key as browsers take it (`applicationServerKey`): the uncompressed SEC1
    /// point, base64url without padding.
    pub fn public_key(&self) -> String {
        let point = self.signing.verifying_key().to_encoded_point(false);
        URL_SAFE_NO_PAD.encode(point.as_bytes())
    }

    /// The `Authorization` header value for a message to `endpoint`: `vapid t=JWT, k=KEY`,
    /// the JWT's audience the endpoint's origin, its subject `contact` (a `mailto:` or the
    /// site's https URL), expiring [`TOKEN_LIFETIME_SECS`] after `now` (Unix seconds).
    pub fn authorization(&self, endpoint: &Url, contact: &str, now: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": endpoint.origin().ascii_serialization(),
            "exp": now + TOKEN_LIFETIME_SECS,
            "sub": contact,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        format!("vapid t={signed}.{signature}, k={}", self.public_key())
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier as _;

    use super::*;

    fn seed(first: u8) -> impl FnMut(u8) -> [u8; 32] {
        move |attempt| [first.wrapping_add(attempt); 32]
    }

    #[test]
    fn the_same_seed_gives_the_same_key_and_another_seed_another() {
        let a = VapidKey::derive(seed(7)).unwrap();
        let b = VapidKey::derive(seed(7)).unwrap();
        let c = VapidKey::derive(seed(8)).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert_ne!(a.public_key(), c.public_key());
        // 65 bytes: 0x04, x, y.
        assert_eq!(URL_SAFE_NO_PAD.decode(a.public_key()).unwrap().len(), 65);
    }

    #[test]
    fn a_scalar_out_of_range_is_skipped_for_the_next_attempt() {
        // All ones is above the P-256 group order, zero is no key: both are refused.
        let mut tried = Vec::new();
        let key = VapidKey::derive(|attempt| {
            tried.push(attempt);
            match attempt {
                0 => [0xff; 32],
                1 => [0; 32],
                _ => [5; 32],
            }
        })
        .unwrap();
        assert_eq!(tried, [0, 1, 2]);
        assert_eq!(
            key.public_key(),
            VapidKey::derive(|_| [5; 32]).unwrap().public_key()
        );
    }

    #[test]
    fn the_token_is_an_es256_jwt_for_the_endpoints_origin() {
        let key = VapidKey::derive(seed(1)).unwrap();
        let endpoint = Url::parse("https://fcm.googleapis.com/fcm/send/abc:def").unwrap();
        let header = key.authorization(&endpoint, "mailto:crm@jakarta.go.id", 1_000);
        let (token, k) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(k, key.public_key());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(signed.split_once('.').unwrap().1)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["sub"], "mailto:crm@jakarta.go.id");
        assert_eq!(claims["exp"], 1_000 + TOKEN_LIFETIME_SECS);
        let public = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        public.verify(signed.as_bytes(), &signature).unwrap();
        assert!(!format!("{key:?}").contains(&key.public_key()));
    }
}
