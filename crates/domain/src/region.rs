//! Administrative regions (kota/kabupaten, kecamatan, kelurahan) keyed by Kemendagri codes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// The level of an administrative region below the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// Kota administrasi or kabupaten administrasi (`31.71`).
    Kota,
    /// Kecamatan (`31.71.01`).
    Kecamatan,
    /// Kelurahan (`31.71.01.1001`).
    Kelurahan,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 3] = [Self::Kota, Self::Kecamatan, Self::Kelurahan];

    pub fn code(self) -> &'static str {
        match self {
            Self::Kota => "kota",
            Self::Kecamatan => "kecamatan",
            Self::Kelurahan => "kelurahan",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == raw)
    }
}

/// A Kemendagri region code such as `31.71.01.1001`: province, kota, kecamatan, kelurahan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let parts: Vec<&str> = raw.split('.').collect();
        let widths = [2, 2, 2, 4];
        let well_formed = (2..=4).contains(&parts.len())
            && parts
                .iter()
                .zip(widths)
                .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(CodeError {
                what: "region code",
                value: raw.chars().take(80).collect(),
                rule: "a Kemendagri code below the province: 31.71, 31.71.01 or 31.71.01.1001",
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level follows from the number of segments.
    pub fn level(&self) -> RegionLevel {
        match self.0.split('.').count() {
            2 => RegionLevel::Kota,
            3 => RegionLevel::Kecamatan,
            _ => RegionLevel::Kelurahan,
        }
    }

    /// The enclosing region below the province, from the code prefix.
    pub fn parent(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Kota => None,
            _ => self
                .0
                .rsplit_once('.')
                .map(|(head, _)| RegionCode(head.to_owned())),
        }
    }

    /// This region and all enclosing ones, innermost first.
    pub fn lineage(&self) -> Vec<RegionCode> {
        let mut out = vec![self.clone()];
        while let Some(parent) = out.last().and_then(RegionCode::parent) {
            out.push(parent);
        }
        out
    }

    /// The province segment (`31` for DKI Jakarta).
    pub fn province(&self) -> &str {
        self.0.split('.').next().unwrap_or_default()
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self == other || self.0.starts_with(&format!("{}.", other.0))
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<RegionCode> for String {
    fn from(value: RegionCode) -> Self {
        value.0
    }
}
impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A named administrative region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

impl Region {
    pub fn parent(&self) -> Option<RegionCode> {
        self.code.parent()
    }

    /// The name without the words that say what kind of region it is ("Kota Administrasi
    /// Jakarta Selatan" is "Jakarta Selatan"): what people call it, and the part that tells
    /// regions apart where space is short.
    pub fn short_name(&self) -> &str {
        const KIND_WORDS: &[&str] = &[
            "kota",
            "kabupaten",
            "kab.",
            "administrasi",
            "adm.",
            "kecamatan",
            "kelurahan",
            "desa",
        ];
        let mut rest = self.name.trim();
        while let Some((word, after)) = rest.split_once(char::is_whitespace) {
            if !KIND_WORDS.contains(&word.to_lowercase().as_str()) {
                break;
            }
            rest = after.trim_start();
        }
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_and_parents_come_from_the_code() {
        let kel = code("31.71.01.1001");
        assert_eq!(kel.level(), RegionLevel::Kelurahan);
        assert_eq!(kel.parent(), Some(code("31.71.01")));
        assert_eq!(code("31.71.01").parent(), Some(code("31.71")));
        assert_eq!(code("31.71").parent(), None);
        assert_eq!(
            kel.lineage(),
            vec![kel.clone(), code("31.71.01"), code("31.71")]
        );
        assert!(kel.is_within(&code("31.71")));
        assert!(!code("31.71.01").is_within(&code("31.72")));
        assert!(!code("31.72").is_within(&code("31.71")));
        assert_eq!(kel.province(), "31");
    }

    #[test]
    fn short_names_drop_the_words_for_the_kind_of_region() {
        let region = |name: &str| Region {
            code: code("31.74"),
            name: name.to_owned(),
            level: RegionLevel::Kota,
        };
        for (name, short) in [
            ("Kota Administrasi Jakarta Selatan", "Jakarta Selatan"),
            (
                "Kabupaten Administrasi Kepulauan Seribu",
                "Kepulauan Seribu",
            ),
            ("KOTA BOGOR", "BOGOR"),
            ("Kelurahan Gambir", "Gambir"),
            ("Gambir", "Gambir"),
            ("Kota", "Kota"),
            ("Kota Kota", "Kota"),
        ] {
            assert_eq!(region(name).short_name(), short, "{name}");
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "31",
            "3171",
            "31.7",
            "31.71.1",
            "31.71.01.101",
            "31.71.01.1001.1",
            "aa.bb",
            "",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?}");
        }
    }
}
