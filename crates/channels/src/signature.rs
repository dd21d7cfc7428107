//! Webhook authenticity: an HMAC-SHA256 of the exact request body under a shared secret,
//! sent as `sha256=<hex>` (the scheme GitHub, Meta's `X-Hub-Signature-256` and most inbound
//! mail relays use). Compared in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether `header` (`sha256=<64 hex digits>`) signs `body` under `secret`.
pub fn verify_sha256(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The `sha256=<hex>` value for `body` under `secret` (what a sender computes).
pub fn sign_sha256(secret: &[u8], body: &[u8]) -> String {
    let digest = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_its_own_signature_and_nothing_else() {
        let body = b"From: a@b.c\r\n\r\nhello";
        let signature = sign_sha256(b"rahasia", body);
        assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64);
        assert!(verify_sha256(b"rahasia", body, &signature));
        assert!(!verify_sha256(b"other secret", body, &signature));
        assert!(!verify_sha256(
            b"rahasia",
            b"From: a@b.c\r\n\r\nhellO",
            &signature
        ));
        assert!(!verify_sha256(b"rahasia", body, ""));
        assert!(!verify_sha256(
            b"rahasia",
            body,
            &signature.replace("sha256=", "sha1=")
        ));
        assert!(!verify_sha256(b"rahasia", body, "sha256=zz"));
        assert!(!verify_sha256(
            b"rahasia",
            body,
            &signature[..signature.len() - 2]
        ));
    }

    #[test]
    fn a_known_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign_sha256(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
