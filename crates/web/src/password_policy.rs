//! Which new passwords are accepted: long enough and not easily guessed.
//!
//! Every place that sets a password (registration, and the account commands and endpoints)
//! calls [`check`]; signing in never does, so an account made before the policy still signs
//! in with its old password. Strength is estimated by `zxcvbn` (dictionaries of common
//! passwords, names and words, keyboard patterns, sequences, repeats, dates), given the
//! username and a few words every Jakarta attacker tries first as extra dictionary entries.

use std::fmt;

/// Fewest characters a new password may have.
pub const MIN_CHARS: usize = 10;
/// Most characters: argon2 hashes any length, but an unbounded one is work for nothing.
pub const MAX_CHARS: usize = 128;

/// Words guessed first against an Indonesian service, on top of zxcvbn's English lists.
const LOCAL_WORDS: &[&str] = &[
    "aduan",
    "jakarta",
    "indonesia",
    "rahasia",
    "katasandi",
    "sandi",
    "sayang",
    "sayangku",
    "cinta",
    "bismillah",
    "merdeka",
    "garuda",
    "pancasila",
    "admin",
    "warga",
    "petugas",
    "operator",
    "jaki",
    "crm",
    "pemprov",
    "dki",
];

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    /// Made of the username (or the username made of it).
    ContainsUsername,
    /// A common password, a word, a keyboard walk, a sequence or a repeat.
    Guessable,
}

impl Weakness {
    /// The reason in Indonesian, for the pages.
    pub fn indonesian(self) -> String {
        match self {
            Self::TooShort => format!("Kata sandi minimal {MIN_CHARS} karakter."),
            Self::TooLong => format!("Kata sandi maksimal {MAX_CHARS} karakter."),
            Self::ContainsUsername => "Kata sandi tidak boleh memuat nama pengguna.".into(),
            Self::Guessable => "Kata sandi ini terlalu mudah ditebak (umum, kata biasa, \
                 urutan atau pola papan ketik). Pilih yang lebih panjang dan acak."
                .into(),
        }
    }

    /// The reason in English, for the API and `?lang=en`.
    pub fn english(self) -> String {
        match self {
            Self::TooShort => format!("must be at least {MIN_CHARS} characters"),
            Self::TooLong => format!("must be at most {MAX_CHARS} characters"),
            Self::ContainsUsername => "must not contain the username".into(),
            Self::Guessable => "is too easy to guess (a common password, a word, a sequence \
                 or a keyboard pattern); choose a longer, less predictable one"
                .into(),
        }
    }
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

impl std::error::Error for Weakness {}

/// Whether `password` may become the password of the account `username`.
pub fn check(password: &str, username: &str) -> Result<(), Weakness> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    let lower = password.to_lowercase();
    let username = username.trim().to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username) {
        return Err(Weakness::ContainsUsername);
    }
    let mut inputs: Vec<&str> = LOCAL_WORDS.to_vec();
    // The parts of a username such as `budi.santoso-88` are guessed separately.
    let parts: Vec<&str> = username
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| p.len() >= 3)
        .collect();
    inputs.push(&username);
    inputs.extend(parts);
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Three {
        return Err(Weakness::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_common_and_patterned_passwords() {
        for weak in [
            "password",
            "12345678",
            "1234567890",
            "qwertyuiop",
            "passwordpassword",
            "aaaaaaaaaaaa",
            "abcdefghijkl",
            "password123",
            "rahasia123",
            "jakarta2024",
            "iloveyou123",
        ] {
            assert!(check(weak, "someone").is_err(), "{weak} was accepted");
        }
    }

    #[test]
    fn refuses_the_username_in_any_case() {
        assert_eq!(
            check("Budi.Santoso!2024", "budi.santoso"),
            Err(Weakness::ContainsUsername)
        );
        assert!(check("santoso19880101", "budi.santoso").is_err());
    }

    #[test]
    fn accepts_long_unpredictable_passwords() {
        for strong in [
            "kata-sandi-rahasia",
            "kuda-merah-lari-pagi",
            "Tj8#kq2!Lm9z",
            "correct horse battery staple",
        ] {
            assert_eq!(check(strong, "warga-1"), Ok(()), "{strong} was refused");
        }
    }

    #[test]
    fn bounds_the_length() {
        assert_eq!(check("Tj8#kq2!L", "x"), Err(Weakness::TooShort));
        assert_eq!(check(&"Tj8#kq2!Lm".repeat(13), "x"), Err(Weakness::TooLong));
    }

    #[test]
    fn explains_in_both_languages() {
        for w in [
            Weakness::TooShort,
            Weakness::TooLong,
            Weakness::ContainsUsername,
            Weakness::Guessable,
        ] {
            assert!(w.indonesian().starts_with("Kata sandi"));
            assert!(!w.english().is_empty());
        }
    }
}
