//! Ticket numbers: prefix + YYMMDD (jurisdiction date) + a per-day sequence, e.g. `JK2503050007`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// The sequence has at least this many digits; it grows beyond 9999 reports a day.
const MIN_SEQUENCE_DIGITS: usize = 4;

/// The longest ticket (an id kept from an imported system).
const MAX_TICKET_CHARS: usize = 40;

/// Prefix, date and sequence of an issued ticket (already upper case).
fn issued_parts(upper: &str) -> Option<(&str, NaiveDate, u32)> {
    let letters = upper.bytes().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = &upper[letters..];
    if !(1..=8).contains(&letters)
        || digits.len() < 6 + MIN_SEQUENCE_DIGITS
        || digits.len() > 6 + 9
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let date = NaiveDate::parse_from_str(&format!("20{}", &digits[..6]), "%Y%m%d").ok()?;
    let sequence = digits[6..].parse().ok()?;
    Some((&upper[..letters], date, sequence))
}

/// A ticket number as citizens and officers quote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ticket(String);

/// A ticket prefix: 1-8 capital ASCII letters (`JK` for Jakarta).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketPrefix(String);

impl TicketPrefix {
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        if (1..=8).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(CodeError {
                what: "ticket prefix",
                value: raw.chars().take(20).collect(),
                rule: "1-8 capital letters A-Z",
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for TicketPrefix {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<TicketPrefix> for String {
    fn from(value: TicketPrefix) -> Self {
        value.0
    }
}

impl Ticket {
    /// The ticket for the `sequence`-th report (1-based) of `date`, in jurisdiction time.
    pub fn issue(prefix: &TicketPrefix, date: NaiveDate, sequence: u32) -> Self {
        Self(format!(
            "{}{:02}{:02}{:02}{:0width$}",
            prefix.0,
            date.year().rem_euclid(100),
            date.month(),
            date.day(),
            sequence,
            width = MIN_SEQUENCE_DIGITS
        ))
    }

    /// Accepts what [`Ticket::issue`] produces, case-insensitively (people type tickets).
    /// Only issued tickets: use this to find ticket numbers in free text.
    pub fn parse_issued(raw: &str) -> Result<Self, CodeError> {
        let upper = raw.trim().to_ascii_uppercase();
        if issued_parts(&upper).is_some() {
            Ok(Self(upper))
        } else {
            Err(CodeError {
                what: "ticket",
                value: raw.chars().take(40).collect(),
                rule: "letters, the date as YYMMDD and a sequence, e.g. JK2503050007",
            })
        }
    }

    /// Accepts an issued ticket or the id a report kept from the system it was imported
    /// from: 1-40 characters of A-Z, 0-9, '-', '_' or '.', starting with a letter or digit,
    /// case-insensitively (normalised to upper case, like typed tickets). No '/': a ticket
    /// is one segment of a page's address.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let upper = raw.trim().to_ascii_uppercase();
        let well_formed = (1..=MAX_TICKET_CHARS).contains(&upper.len())
            && upper.as_bytes()[0].is_ascii_alphanumeric()
            && upper
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-_.".contains(&b));
        if well_formed {
            Ok(Self(upper))
        } else {
            Err(CodeError {
                what: "ticket",
                value: raw.chars().take(40).collect(),
                rule: "a ticket such as JK2503050007, or an imported id of 1-40 characters \
                       A-Z, 0-9, '-', '_', '.'",
            })
        }
    }

    /// The day and sequence of a ticket issued with `prefix` (`None` for other prefixes and
    /// for imported ids), so a store can keep issuing after it.
    pub fn issued_with(&self, prefix: &TicketPrefix) -> Option<(NaiveDate, u32)> {
        let (letters, date, sequence) = issued_parts(&self.0)?;
        (letters == prefix.0).then_some((date, sequence))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Ticket {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<Ticket> for String {
    fn from(value: Ticket) -> Self {
        value.0
    }
}
impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jk() -> TicketPrefix {
        TicketPrefix::parse("JK").unwrap()
    }

    #[test]
    fn issues_jakarta_style_numbers() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(Ticket::issue(&jk(), date, 7).as_str(), "JK2503050007");
        assert_eq!(Ticket::issue(&jk(), date, 12345).as_str(), "JK25030512345");
    }

    #[test]
    fn parses_what_it_issues_and_refuses_the_rest() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let t = Ticket::issue(&jk(), date, 1);
        assert_eq!(Ticket::parse_issued(t.as_str()), Ok(t.clone()));
        assert_eq!(Ticket::parse_issued("jk2611280001"), Ok(t.clone()));
        assert_eq!(Ticket::parse(" jk2611280001 "), Ok(t));
        for bad in [
            "",
            "JK",
            "JK26112800",
            "2611280001",
            "JK2613280001",
            "JK26112800x1",
            "ABCDEFGHI2611280001",
        ] {
            assert!(Ticket::parse_issued(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn imported_ids_are_tickets_in_upper_case() {
        for (raw, kept) in [
            ("crm-2021-000123", "CRM-2021-000123"),
            ("A", "A"),
            ("7.x_Y", "7.X_Y"),
            ("JK2613280001", "JK2613280001"),
        ] {
            assert_eq!(Ticket::parse(raw).unwrap().as_str(), kept);
            assert!(Ticket::parse_issued(raw).is_err(), "{raw:?}");
        }
        let forty = "A".repeat(40);
        assert_eq!(Ticket::parse(&forty).unwrap().as_str(), forty);
        for bad in [
            "",
            " ",
            "-A1",
            "/A",
            "CRM/2021",
            "A B",
            "Ä1",
            "A#1",
            &"A".repeat(41),
        ] {
            assert!(Ticket::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn knows_the_day_and_sequence_of_its_own_issued_tickets() {
        let date = NaiveDate::from_ymd_opt(2021, 2, 1).unwrap();
        let t = Ticket::issue(&jk(), date, 12345);
        assert_eq!(t.issued_with(&jk()), Some((date, 12345)));
        let other = TicketPrefix::parse("BD").unwrap();
        assert_eq!(t.issued_with(&other), None);
        assert_eq!(Ticket::parse("CRM-1").unwrap().issued_with(&jk()), None);
    }

    #[test]
    fn prefixes_are_capital_letters() {
        assert!(TicketPrefix::parse("JK").is_ok());
        assert!(TicketPrefix::parse("jk").is_err());
        assert!(TicketPrefix::parse("").is_err());
    }
}
