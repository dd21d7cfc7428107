//! Ticket numbers: prefix + YYMMDD (jurisdiction date) + a per-day sequence, e.g. `JK2503050007`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// The sequence has at least this many digits; it grows beyond 9999 reports a day.
const MIN_SEQUENCE_DIGITS: usize = 4;

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
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let upper = raw.trim().to_ascii_uppercase();
        let letters = upper.bytes().take_while(|b| b.is_ascii_uppercase()).count();
        let digits = &upper[letters..];
        let date_ok = digits.len() >= 6 + MIN_SEQUENCE_DIGITS
            && digits.len() <= 6 + 9
            && digits.bytes().all(|b| b.is_ascii_digit())
            && NaiveDate::parse_from_str(&format!("20{}", &digits[..6]), "%Y%m%d").is_ok();
        if (1..=8).contains(&letters) && date_ok {
            Ok(Self(upper))
        } else {
            Err(CodeError {
                what: "ticket",
                value: raw.chars().take(40).collect(),
                rule: "letters, the date as YYMMDD and a sequence, e.g. JK2503050007",
            })
        }
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
        assert_eq!(Ticket::parse(t.as_str()), Ok(t.clone()));
        assert_eq!(Ticket::parse("jk2611280001"), Ok(t));
        for bad in [
            "",
            "JK",
            "JK26112800",
            "2611280001",
            "JK2613280001",
            "JK26112800x1",
            "ABCDEFGHI2611280001",
        ] {
            assert!(Ticket::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn prefixes_are_capital_letters() {
        assert!(TicketPrefix::parse("JK").is_ok());
        assert!(TicketPrefix::parse("jk").is_err());
        assert!(TicketPrefix::parse("").is_err());
    }
}
