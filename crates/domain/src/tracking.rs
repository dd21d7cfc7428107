//! The secret tracking code of a report filed without an account (at a desk, by e-mail,
//! SMS, WhatsApp, ...): with its ticket it lets the reporter follow a private report on
//! `/lacak`. Ten characters of Crockford's base32 (no I, L, O or U: nothing to misread),
//! 50 random bits; typed back in any case, with spaces or dashes, O read as 0 and I or L
//! as 1. Only a hash of it, bound to the ticket, is ever stored.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Ticket;

/// The characters of a code, each standing for 5 bits.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code: 50 bits.
pub const LENGTH: usize = 10;
/// The longest input read as a code (spaces and dashes included): bounds the work.
const MAX_INPUT: usize = 40;

/// A tracking code, in its canonical form (ten characters of [`ALPHABET`]).
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// The code these random bytes make (their low 50 bits); the caller draws them from a
    /// cryptographically secure generator.
    pub fn from_random(random: [u8; 8]) -> Self {
        let mut bits = u64::from_le_bytes(random);
        let mut code = String::with_capacity(LENGTH);
        for _ in 0..LENGTH {
            code.push(char::from(ALPHABET[(bits & 31) as usize]));
            bits >>= 5;
        }
        Self(code)
    }

    /// A code as a person typed it; `None` when it cannot be one.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > MAX_INPUT {
            return None;
        }
        let mut code = String::with_capacity(LENGTH);
        for c in raw.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            code.push(c);
        }
        (code.len() == LENGTH).then_some(Self(code))
    }

    /// The code as printed and sent: two groups of five (`ABCDE-12345`).
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }

    /// What is stored of the code: a hash bound to its report's ticket, so that one hash
    /// says nothing of another report's code.
    pub fn hash(&self, ticket: &Ticket) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"aduan tracking code\0");
        h.update(ticket.to_string().as_bytes());
        h.update(b"\0");
        h.update(self.0.as_bytes());
        h.finalize().into()
    }

    /// Whether this is the code whose hash `stored` is, for `ticket`; compared in constant
    /// time.
    pub fn matches(&self, ticket: &Ticket, stored: &[u8; 32]) -> bool {
        bool::from(self.hash(ticket).ct_eq(stored))
    }
}

/// Never printed by accident (logs, panics): the code is a secret.
impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackingCode(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ticket(raw: &str) -> Ticket {
        Ticket::parse(raw).unwrap()
    }

    #[test]
    fn a_code_is_ten_unambiguous_characters_shown_in_two_groups() {
        let code = TrackingCode::from_random([0xff; 8]);
        assert_eq!(code.display(), "ZZZZZ-ZZZZZ");
        let code = TrackingCode::from_random([0; 8]);
        assert_eq!(code.display(), "00000-00000");
        let code = TrackingCode::from_random(*b"\x01\x23\x45\x67\x89\xab\xcd\xef");
        assert_eq!(code.display().len(), 11);
        assert!(!code.display().contains(['I', 'L', 'O', 'U']));
    }

    #[test]
    fn typed_codes_are_read_forgivingly_and_nonsense_is_refused() {
        let code = TrackingCode::parse("AB1CD-0EF23").unwrap();
        for typed in ["ab1cd-0ef23", " AB1CD 0EF23 ", "ABlCD-oEF23", "abicd0ef23"] {
            assert_eq!(TrackingCode::parse(typed), Some(code.clone()), "{typed}");
        }
        for bad in [
            "",
            "AB1CD-0EF2",
            "AB1CD-0EF234",
            "AB1CD-0EF2U",
            "AB1CD-0EF2é",
            "AB1CD/0EF23",
        ] {
            assert_eq!(TrackingCode::parse(bad), None, "{bad}");
        }
        assert_eq!(TrackingCode::parse(&"A".repeat(10_000)), None);
    }

    #[test]
    fn the_hash_binds_the_code_to_its_ticket() {
        let code = TrackingCode::parse("AB1CD0EF23").unwrap();
        let (one, two) = (ticket("JK2612050001"), ticket("JK2612050002"));
        let stored = code.hash(&one);
        assert!(code.matches(&one, &stored));
        assert!(!code.matches(&two, &stored));
        let other = TrackingCode::parse("AB1CD0EF24").unwrap();
        assert!(!other.matches(&one, &stored));
        assert_eq!(format!("{code:?}"), "TrackingCode(..)");
    }

    proptest! {
        #[test]
        fn every_code_made_reads_back_as_itself(random: [u8; 8]) {
            let code = TrackingCode::from_random(random);
            prop_assert_eq!(TrackingCode::parse(&code.display()), Some(code.clone()));
            prop_assert_eq!(TrackingCode::parse(&code.display().to_lowercase()), Some(code));
        }
    }
}
