//! Organisational units that receive and follow up reports, and their kinds.
//!
//! A city's kinds of unit are data: its pack lists them in `settings.unit_kinds`
//! ([`UnitKindDef`]: a code, labels in Indonesian and English, a role, and optionally the level
//! of region a unit of the kind serves and the kind a unit of it belongs to). Jakarta has
//! Kantor Kelurahan, Suku Dinas and Satpol PP; a kabupaten may have a Kantor Bupati and UPTD.
//! Code never names a kind: it decides only from the city-neutral [`UnitRole`] each kind
//! declares, which the [`Jurisdiction`](crate::Jurisdiction) answers for a unit.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::{CodeError, UnitCode};
use crate::region::{RegionCode, RegionLevel};

/// The longest code of a kind of unit, in bytes.
const MAX_KIND: usize = 32;

/// A kind of unit, by the code its city's pack gives it (`kelurahan`, `suku_dinas`, `uptd`):
/// 1-32 characters of a-z, 0-9 and '_', starting with a letter. Stored and shown as that
/// code; what the kind means (its labels, its role) is in the pack's `settings.unit_kinds`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitKind {
    /// The code, padded with zero bytes (which no code contains, so the derived order is the
    /// codes' order).
    bytes: [u8; MAX_KIND],
    len: u8,
}

impl UnitKind {
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let valid = (1..=MAX_KIND).contains(&raw.len())
            && raw.as_bytes()[0].is_ascii_lowercase()
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let (true, Ok(len)) = (valid, u8::try_from(raw.len())) else {
            return Err(CodeError {
                what: "unit kind",
                value: raw.chars().take(80).collect(),
                rule: "1-32 characters of a-z, 0-9 or '_', starting with a letter",
            });
        };
        let mut bytes = [0; MAX_KIND];
        bytes[..raw.len()].copy_from_slice(raw.as_bytes());
        Ok(Self { bytes, len })
    }

    pub fn code(&self) -> &str {
        // Only ASCII is ever stored, so the fallback is never taken.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitKind({:?})", self.code())
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for UnitKind {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UnitKind> for String {
    fn from(value: UnitKind) -> Self {
        value.code().to_owned()
    }
}

/// What units of a kind do in routing: the only thing code decides from a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    /// The office of a region (Kantor Kelurahan, Kecamatan, Wali Kota or Bupati): with a
    /// region, the first receiver of reports located there (the innermost region with one).
    /// Answers for no category.
    RegionOffice,
    /// The validation team (Biro Pemerintahan): reports are never forwarded to it and it
    /// answers for no category.
    Validation,
    /// One region's office of an agency (a Suku Dinas of its Dinas): needs its parent, is
    /// suggested for forwarding in its region, receives what its parent disposes to it, and
    /// answers for no category itself (its parent does).
    Branch,
    /// Any other unit that handles reports (a Dinas, Satpol PP, an UPTD, an inspectorate):
    /// receives forwarded reports and may answer for categories. A kind's role when its pack
    /// names none, and the role of a stored unit whose kind the settings no longer list.
    #[default]
    Service,
}

impl UnitRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::RegionOffice => "region_office",
            Self::Validation => "validation",
            Self::Branch => "branch",
            Self::Service => "service",
        }
    }
}

/// A kind of unit as a city defines it in its pack (`settings.unit_kinds`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitKindDef {
    pub kind: UnitKind,
    /// What the city calls it, in Indonesian ("Suku Dinas", "Kantor Kelurahan").
    pub label: String,
    /// In English.
    pub label_en: String,
    #[serde(default)]
    pub role: UnitRole,
    /// The level of the region a unit of this kind serves (a Kantor Kelurahan's kelurahan, a
    /// Suku Dinas's kota): a unit added on the admin pages needs a region of this level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<RegionLevel>,
    /// The kind of unit a unit of this kind belongs to (a Suku Dinas's Dinas, a kota's Satpol
    /// PP's Satpol PP): a branch needs a parent of this kind, another kind may have one. A
    /// unit of a kind that names none has no parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<UnitKind>,
}

/// A unit: an office with staff. An office or a branch names its region; a branch names the
/// unit it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<UnitCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_short_codes_that_read_back_as_written() {
        for code in ["kelurahan", "suku_dinas", "uptd", "kantor_bupati", "a2"] {
            let kind = UnitKind::parse(code).unwrap();
            assert_eq!(kind.code(), code);
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{code}\""));
            let back: UnitKind = serde_json::from_str(&format!("\"{code}\"")).unwrap();
            assert_eq!(back, kind);
        }
        let long = "k".repeat(33);
        for bad in ["", "Dinas", "suku-dinas", "_x", "9x", "a b", long.as_str()] {
            assert!(UnitKind::parse(bad).is_err(), "{bad:?} must be refused");
        }
        let bad: Result<UnitKind, _> = serde_json::from_str("\"Suku Dinas\"");
        assert!(bad.is_err());
    }

    #[test]
    fn kinds_order_as_their_codes() {
        let mut kinds: Vec<UnitKind> = ["walikota", "kecamatan", "kelurahan", "kec"]
            .into_iter()
            .map(|c| UnitKind::parse(c).unwrap())
            .collect();
        kinds.sort();
        let codes: Vec<&str> = kinds.iter().map(UnitKind::code).collect();
        assert_eq!(codes, ["kec", "kecamatan", "kelurahan", "walikota"]);
    }

    #[test]
    fn a_kind_without_a_role_is_a_service() {
        let def: UnitKindDef =
            serde_json::from_str(r#"{"kind": "uptd", "label": "UPTD", "label_en": "UPTD"}"#)
                .unwrap();
        assert_eq!(def.role, UnitRole::Service);
        assert_eq!((def.level, def.parent), (None, None));
        let office: UnitKindDef = serde_json::from_str(
            r#"{"kind": "kantor_bupati", "label": "Kantor Bupati", "label_en": "Regent's office",
                "role": "region_office", "level": "kota"}"#,
        )
        .unwrap();
        assert_eq!(office.role, UnitRole::RegionOffice);
        assert_eq!(office.level, Some(RegionLevel::Kota));
    }
}
