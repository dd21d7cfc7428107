//! Validated identifiers of the domain: region, unit and category codes, user and report ids.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a raw string is not a valid code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?} is not valid: {rule}")]
pub struct CodeError {
    pub what: &'static str,
    pub value: String,
    pub rule: &'static str,
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

macro_rules! slug_code {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, CodeError> {
                if is_slug(raw) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(CodeError {
                        what: $what,
                        value: raw.chars().take(80).collect(),
                        rule: "1-64 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit",
                    })
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_code!(
    /// The code of an organisational unit, e.g. `sudin-bina-marga-31.74`.
    UnitCode,
    "unit code"
);
slug_code!(
    /// The code of a report category, e.g. `jalan`.
    CategoryCode,
    "category code"
);

/// A database id of an account (staff or citizen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub i64);

/// A database id of a report; never shown outside, tickets are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_are_slugs() {
        assert!(UnitCode::parse("sudin-bina-marga-31.74").is_ok());
        assert!(UnitCode::parse("biro_pemerintahan").is_ok());
        for bad in ["", "Dinas", "-x", "a b", "x/y", &"a".repeat(65)] {
            assert!(UnitCode::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn codes_deserialize_through_parse() {
        let ok: Result<CategoryCode, _> = serde_json::from_str("\"jalan\"");
        assert_eq!(ok.map(|c| c.to_string()).ok(), Some("jalan".to_owned()));
        let bad: Result<CategoryCode, _> = serde_json::from_str("\"JALAN RAYA\"");
        assert!(bad.is_err());
    }
}
