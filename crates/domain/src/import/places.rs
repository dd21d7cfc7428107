//! Region names as the previous system wrote them ("Jakarta Selatan", "Kota Administrasi
//! Jakarta Selatan", "KEBAYORAN BARU") resolved to region codes within their parent.

use std::collections::HashMap;

use crate::jurisdiction::Jurisdiction;
use crate::region::{RegionCode, RegionLevel};

/// Prefixes that name the kind of region rather than the region, longest first.
const PREFIXES: [&str; 12] = [
    "kabupaten administrasi ",
    "kota administrasi ",
    "kab. adm. ",
    "kota adm. ",
    "kabupaten ",
    "kelurahan ",
    "kecamatan ",
    "kota ",
    "kab. ",
    "kec. ",
    "kel. ",
    "kab ",
];

/// A name folded for comparison: lower case, single spaces, without a kind prefix.
pub(super) fn fold(name: &str) -> String {
    let mut folded = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if let Some(prefix) = PREFIXES.iter().find(|p| folded.starts_with(*p)) {
        folded.drain(..prefix.len());
    }
    folded
}

/// The jurisdiction's regions by level and folded name.
pub(super) struct Places<'a> {
    jurisdiction: &'a Jurisdiction,
    by_name: HashMap<(RegionLevel, String), Vec<RegionCode>>,
}

impl<'a> Places<'a> {
    pub fn new(jurisdiction: &'a Jurisdiction) -> Self {
        let mut by_name: HashMap<(RegionLevel, String), Vec<RegionCode>> = HashMap::new();
        for region in jurisdiction.regions() {
            by_name
                .entry((region.level, fold(&region.name)))
                .or_default()
                .push(region.code.clone());
        }
        Self {
            jurisdiction,
            by_name,
        }
    }

    /// The region of `level` called `name` inside `within` (anywhere when `None`).
    fn find(
        &self,
        level: RegionLevel,
        name: &str,
        within: Option<&RegionCode>,
    ) -> Option<&RegionCode> {
        self.by_name
            .get(&(level, fold(name)))?
            .iter()
            .find(|code| within.is_none_or(|w| code.is_within(w)))
    }

    fn display(&self, code: &RegionCode) -> String {
        self.jurisdiction
            .region(code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    }

    /// The finest region named by `kota`, `kecamatan` and `kelurahan`; a kelurahan given
    /// without its kecamatan is looked for in the whole kota.
    pub fn resolve(
        &self,
        kota: &str,
        kecamatan: Option<&str>,
        kelurahan: Option<&str>,
    ) -> Result<RegionCode, String> {
        fn given(name: Option<&str>) -> Option<&str> {
            name.map(str::trim).filter(|n| !n.is_empty())
        }
        let Some(kota_name) = given(Some(kota)) else {
            return Err("kota is empty".into());
        };
        let kota_code = self
            .find(RegionLevel::Kota, kota_name, None)
            .ok_or_else(|| format!("kota {kota_name:?} is not a kota of the jurisdiction"))?;
        let mut finest = kota_code;
        if let Some(name) = given(kecamatan) {
            finest = self
                .find(RegionLevel::Kecamatan, name, Some(kota_code))
                .ok_or_else(|| {
                    format!("kecamatan {name:?} is not in {}", self.display(kota_code))
                })?;
        }
        if let Some(name) = given(kelurahan) {
            let parent = finest.clone();
            finest = self
                .find(RegionLevel::Kelurahan, name, Some(&parent))
                .ok_or_else(|| format!("kelurahan {name:?} is not in {}", self.display(&parent)))?;
        }
        Ok(finest.clone())
    }
}
