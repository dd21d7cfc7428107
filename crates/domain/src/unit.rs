//! Organisational units that receive and follow up reports.

use serde::{Deserialize, Serialize};

use crate::codes::UnitCode;
use crate::region::RegionCode;

/// What kind of office a unit is; decides where it sits in routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Kantor Kelurahan: the first receiver of reports located in it.
    Kelurahan,
    /// Kantor Kecamatan: first receiver where kelurahan are not loaded.
    Kecamatan,
    /// Kantor Wali Kota / Bupati.
    Walikota,
    /// A Dinas, Badan or Biro of the province (an OPD).
    Dinas,
    /// A Suku Dinas: a Dinas's office in one kota.
    SukuDinas,
    /// Satpol PP (public order).
    SatpolPp,
    /// The validation team (Biro Pemerintahan).
    Validation,
    /// Anything else (Inspektorat, BUMD, ...).
    Other,
}

impl UnitKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Kelurahan => "kelurahan",
            Self::Kecamatan => "kecamatan",
            Self::Walikota => "walikota",
            Self::Dinas => "dinas",
            Self::SukuDinas => "suku_dinas",
            Self::SatpolPp => "satpol_pp",
            Self::Validation => "validation",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Kelurahan,
            Self::Kecamatan,
            Self::Walikota,
            Self::Dinas,
            Self::SukuDinas,
            Self::SatpolPp,
            Self::Validation,
            Self::Other,
        ]
        .into_iter()
        .find(|k| k.code() == raw)
    }
}

/// What a city calls a kind of unit ("Suku Dinas", "Kantor Kelurahan"), in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitKindLabel {
    pub kind: UnitKind,
    /// Indonesian label.
    pub label: String,
    /// English label.
    pub label_en: String,
}

/// A unit: an office with staff. Territorial units name their region; a Suku Dinas names its Dinas.
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
