//! A phone number as people write it, parsed once into E.164 (`+6281377774321`).
//!
//! Indonesians write the same mobile number as `0813-7777-4321`, `0813 7777 4321`,
//! `(0813) 7777-4321`, `0813.7777.4321`, `+62 813-7777-4321`, `+62813…` or `62813…`; a
//! Jakarta landline as `021-555-1234` or `(021) 5551234`. All of them are one
//! [`PhoneNumber`]. The rules:
//!
//! - spaces, dashes, dots and parentheses are only separators and are dropped;
//! - an Indonesian number starts with `0`, `62` or `+62`; what follows (the national
//!   number) is 8-12 digits and does not start with `0`; a mobile number (`8…`, written
//!   `08…`) has 9-12 digits after the `0`, a landline (area code and subscriber, `21…`,
//!   `751…`) 8-11;
//! - any other country's number is accepted only written internationally, `+` and 8-15
//!   digits (E.164), e.g. a visitor's `+1 (415) 867-5309`;
//! - anything else is refused: letters, a short code (`1708`), `00…`, too few or too many
//!   digits, or more than [`MAX_WRITTEN`] characters.

use std::fmt;

/// The longest writing of a number looked at (E.164's 15 digits with generous separators).
pub const MAX_WRITTEN: usize = 32;

/// A phone number in E.164 form: `+` and 8-15 digits, the first not `0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

/// Why a writing is not a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number is at most {MAX_WRITTEN} characters")]
    TooLong,
    #[error("a phone number has only digits, spaces, dashes, dots, parentheses and a leading +")]
    NotDigits,
    #[error("an Indonesian number starts with 0, 62 or +62, such as 0812-3456-7890")]
    NoCountry,
    #[error("an Indonesian number has 10-13 digits with its leading 0 (a landline 9-12)")]
    WrongLength,
}

/// Indonesia's country calling code.
const INDONESIA: &str = "62";

impl PhoneNumber {
    /// Parse a number as people write it (see the module's rules).
    pub fn parse(written: &str) -> Result<PhoneNumber, PhoneError> {
        if written.chars().count() > MAX_WRITTEN {
            return Err(PhoneError::TooLong);
        }
        let compact: String = written
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let (international, digits) = match compact.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, compact.as_str()),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::NotDigits);
        }
        if let Some(national) = digits.strip_prefix(INDONESIA) {
            return indonesian(national);
        }
        if international {
            return foreign(digits);
        }
        match digits.strip_prefix('0') {
            Some(national) => indonesian(national),
            None => Err(PhoneError::NoCountry),
        }
    }

    /// The number in E.164 form, `+6281377774321`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in E.164 form, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An Indonesian national number (after the `0` or `62`).
fn indonesian(national: &str) -> Result<PhoneNumber, PhoneError> {
    let length = if national.starts_with('8') {
        9..=12
    } else {
        8..=11
    };
    if national.starts_with('0') || !length.contains(&national.len()) {
        return Err(PhoneError::WrongLength);
    }
    Ok(PhoneNumber(format!("+{INDONESIA}{national}")))
}

/// Another country's number, written with its country code after `+`.
fn foreign(digits: &str) -> Result<PhoneNumber, PhoneError> {
    if digits.starts_with('0') {
        return Err(PhoneError::NoCountry);
    }
    if !(8..=15).contains(&digits.len()) {
        return Err(PhoneError::WrongLength);
    }
    Ok(PhoneNumber(format!("+{digits}")))
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<PhoneNumber> for String {
    fn from(number: PhoneNumber) -> String {
        number.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(written: &str) -> Result<String, PhoneError> {
        PhoneNumber::parse(written).map(String::from)
    }

    #[test]
    fn every_usual_writing_of_a_mobile_number_is_one_number() {
        for written in [
            "0813-7777-4321",
            "0813 7777 4321",
            "(0813) 7777-4321",
            "+62 813-7777-4321",
            "6281377774321",
            "+6281377774321",
            "0813.7777.4321",
            "081377774321",
            "  0813 - 7777 - 4321  ",
            "+62 (813) 7777 4321",
        ] {
            assert_eq!(
                parsed(written).as_deref(),
                Ok("+6281377774321"),
                "{written:?}"
            );
        }
    }

    #[test]
    fn mobile_numbers_have_10_to_13_digits_with_the_zero() {
        assert_eq!(parsed("0812-345-678").as_deref(), Ok("+62812345678"));
        assert_eq!(parsed("0812-3456-78901").as_deref(), Ok("+62812345678901"));
        assert_eq!(parsed("0812-345-67"), Err(PhoneError::WrongLength));
        assert_eq!(parsed("0812-3456-789012"), Err(PhoneError::WrongLength));
        assert_eq!(parsed("+62 812 345 67"), Err(PhoneError::WrongLength));
    }

    #[test]
    fn landlines_with_their_area_code_are_numbers_too() {
        assert_eq!(parsed("021-555-1234").as_deref(), Ok("+62215551234"));
        assert_eq!(parsed("(021) 3822255").as_deref(), Ok("+62213822255"));
        assert_eq!(parsed("021-3822-2555").as_deref(), Ok("+622138222555"));
        assert_eq!(parsed("0751-123456").as_deref(), Ok("+62751123456"));
        assert_eq!(parsed("021-5551"), Err(PhoneError::WrongLength));
        assert_eq!(parsed("021-5551-234567"), Err(PhoneError::WrongLength));
    }

    #[test]
    fn other_countries_only_written_internationally() {
        assert_eq!(parsed("+1 (415) 867-5309").as_deref(), Ok("+14158675309"));
        assert_eq!(parsed("+44 20 7946 0958").as_deref(), Ok("+442079460958"));
        assert_eq!(parsed("14158675309"), Err(PhoneError::NoCountry));
        assert_eq!(parsed("+0812345678"), Err(PhoneError::NoCountry));
        assert_eq!(parsed("+1234567"), Err(PhoneError::WrongLength));
        assert_eq!(parsed("+1234567890123456"), Err(PhoneError::WrongLength));
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        for (written, reason) in [
            ("", PhoneError::NotDigits),
            ("   ", PhoneError::NotDigits),
            ("+", PhoneError::NotDigits),
            ("0813-7777-432I", PhoneError::NotDigits),
            ("telepon saya", PhoneError::NotDigits),
            ("0813/7777/4321", PhoneError::NotDigits),
            ("+62abc45678901", PhoneError::NotDigits),
            ("0813-7777-4321 ext 5", PhoneError::NotDigits),
            ("٠٨١٣٧٧٧٧٤٣٢١", PhoneError::NotDigits),
            ("1708", PhoneError::NoCountry),
            ("813-7777-4321", PhoneError::NoCountry),
            ("00812345678", PhoneError::WrongLength),
            ("+62", PhoneError::WrongLength),
            ("62", PhoneError::WrongLength),
            ("+62 0813 7777 4321", PhoneError::WrongLength),
            ("0", PhoneError::WrongLength),
        ] {
            assert_eq!(parsed(written), Err(reason), "{written:?}");
        }
        let long = format!("0813{}", " ".repeat(MAX_WRITTEN));
        assert_eq!(parsed(&long), Err(PhoneError::TooLong));
    }

    #[test]
    fn a_parsed_number_parses_to_itself() {
        for written in ["0813-7777-4321", "021-555-1234", "+1 (415) 867-5309"] {
            let once = parsed(written).unwrap();
            assert_eq!(parsed(&once).as_deref(), Ok(once.as_str()));
        }
    }
}
