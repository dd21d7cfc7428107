//! A length of time as operators write it in the configuration: a whole number and a unit,
//! `s`, `m`, `h` or `d` (`30s`, `5m`, `24h`, `7d`).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number of seconds, written with the largest unit that divides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub Duration);

impl Span {
    pub const fn secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }

    /// `N` followed by `s`, `m`, `h` or `d`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let expected = || format!("{text:?}: expected a whole number and s, m, h or d (e.g. 24h)");
        let Some(unit) = text.chars().last() else {
            return Err(expected());
        };
        let scale: u64 = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 24 * 3600,
            _ => return Err(expected()),
        };
        let number = &text[..text.len() - 1];
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        let n: u64 = number.parse().map_err(|_| expected())?;
        n.checked_mul(scale)
            .map(Self::secs)
            .ok_or_else(|| format!("{text:?} is too long"))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        for (scale, unit) in [(24 * 3600, 'd'), (3600, 'h'), (60, 'm')] {
            if secs != 0 && secs.is_multiple_of(scale) {
                return write!(f, "{}{unit}", secs / scale);
            }
        }
        write!(f, "{secs}s")
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_print_back() {
        for (text, secs, shown) in [
            ("30s", 30, "30s"),
            ("90s", 90, "90s"),
            ("120s", 120, "2m"),
            ("5m", 300, "5m"),
            ("24h", 86_400, "1d"),
            ("7d", 604_800, "7d"),
        ] {
            let span = Span::parse(text);
            assert_eq!(span, Ok(Span::secs(secs)), "{text}");
            assert_eq!(Span::secs(secs).to_string(), shown);
        }
        for bad in [
            "",
            "h",
            "24",
            "1.5h",
            "-1h",
            "24 h",
            "3w",
            "99999999999999999999d",
        ] {
            assert!(Span::parse(bad).is_err(), "{bad}");
        }
    }
}
