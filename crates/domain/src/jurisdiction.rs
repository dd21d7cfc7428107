//! A jurisdiction as data: settings, regions, units and categories, and the lookups on them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::codes::{CategoryCode, UnitCode};
use crate::region::{Region, RegionCode, RegionLevel};
use crate::ticket::TicketPrefix;
use crate::unit::{Unit, UnitKind};
use crate::workflow::UnitDirectory;

/// The settings that make a city: its name, time zone and ticket prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub name: String,
    /// IANA time zone; all calendar arithmetic happens here.
    pub time_zone: Tz,
    pub ticket_prefix: TicketPrefix,
    /// How an imported kelurahan or kecamatan gets its office unit.
    #[serde(default)]
    pub office_templates: Vec<OfficeTemplate>,
}

/// "Every kelurahan has a Kantor Kelurahan": the code and name of the office for a region,
/// with `{code}` and `{name}` standing for the region's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeTemplate {
    pub level: RegionLevel,
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
}

impl OfficeTemplate {
    pub fn office_for(&self, region: &Region) -> Option<Unit> {
        if region.level != self.level {
            return None;
        }
        let code = UnitCode::parse(&self.code.replace("{code}", region.code.as_str())).ok()?;
        Some(Unit {
            code,
            name: self.name.replace("{name}", &region.name),
            kind: self.kind,
            region: Some(region.code.clone()),
            parent: None,
        })
    }
}

/// A whole jurisdiction data set, as shipped in a pack file or read back from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JurisdictionData {
    pub settings: Settings,
    pub regions: Vec<Region>,
    pub units: Vec<Unit>,
    pub categories: Vec<Category>,
}

impl JurisdictionData {
    /// Add the office of every region that has a template and no office yet, so a pack or
    /// an import of kelurahan brings its Kantor Kelurahan along.
    pub fn with_offices(mut self) -> Self {
        let existing: std::collections::BTreeSet<UnitCode> =
            self.units.iter().map(|u| u.code.clone()).collect();
        let offices: Vec<Unit> = self
            .regions
            .iter()
            .flat_map(|r| {
                self.settings
                    .office_templates
                    .iter()
                    .filter_map(|t| t.office_for(r))
            })
            .filter(|u| !existing.contains(&u.code))
            .collect();
        self.units.extend(offices);
        self
    }
}

/// Why a data set does not hang together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("jurisdiction data: {0}")]
pub struct DataError(pub String);

/// A loaded jurisdiction, indexed for lookups.
#[derive(Debug, Clone)]
pub struct Jurisdiction {
    pub settings: Settings,
    regions: BTreeMap<RegionCode, Region>,
    units: BTreeMap<UnitCode, Unit>,
    categories: BTreeMap<CategoryCode, Category>,
    /// First-receiving office of each region that has one.
    offices: BTreeMap<RegionCode, UnitCode>,
}

impl Jurisdiction {
    /// Index a data set, checking that every reference points at something that exists.
    pub fn new(data: JurisdictionData) -> Result<Self, DataError> {
        let regions: BTreeMap<_, _> = data
            .regions
            .into_iter()
            .map(|r| (r.code.clone(), r))
            .collect();
        let units: BTreeMap<_, _> = data
            .units
            .into_iter()
            .map(|u| (u.code.clone(), u))
            .collect();
        let categories: BTreeMap<_, _> = data
            .categories
            .into_iter()
            .map(|c| (c.code.clone(), c))
            .collect();
        for region in regions.values() {
            if region.code.level() != region.level {
                return Err(DataError(format!(
                    "region {} is a {} by its code, not a {}",
                    region.code,
                    region.code.level().code(),
                    region.level.code()
                )));
            }
        }
        for unit in units.values() {
            if let Some(region) = &unit.region
                && !regions.contains_key(region)
            {
                return Err(DataError(format!(
                    "unit {} names unknown region {region}",
                    unit.code
                )));
            }
            if let Some(parent) = &unit.parent
                && !units.contains_key(parent)
            {
                return Err(DataError(format!(
                    "unit {} names unknown parent {parent}",
                    unit.code
                )));
            }
        }
        for category in categories.values() {
            if !units.contains_key(&category.responsible_unit) {
                return Err(DataError(format!(
                    "category {} names unknown unit {}",
                    category.code, category.responsible_unit
                )));
            }
        }
        let offices = units
            .values()
            .filter(|u| {
                matches!(
                    u.kind,
                    UnitKind::Kelurahan | UnitKind::Kecamatan | UnitKind::Walikota
                )
            })
            .filter_map(|u| u.region.clone().map(|r| (r, u.code.clone())))
            .collect();
        Ok(Self {
            settings: data.settings,
            regions,
            units,
            categories,
            offices,
        })
    }

    pub fn to_data(&self) -> JurisdictionData {
        JurisdictionData {
            settings: self.settings.clone(),
            regions: self.regions.values().cloned().collect(),
            units: self.units.values().cloned().collect(),
            categories: self.categories.values().cloned().collect(),
        }
    }

    pub fn region(&self, code: &RegionCode) -> Option<&Region> {
        self.regions.get(code)
    }
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }
    pub fn category(&self, code: &CategoryCode) -> Option<&Category> {
        self.categories.get(code)
    }
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.values()
    }

    /// Whether kelurahan are loaded; reports then resolve to a kelurahan.
    pub fn has_level(&self, level: RegionLevel) -> bool {
        self.regions.values().any(|r| r.level == level)
    }

    /// The office that first receives a report located in `region`: the innermost enclosing
    /// region with an office (kelurahan, else kecamatan, else wali kota).
    pub fn first_receiver(&self, region: &RegionCode) -> Option<&Unit> {
        region
            .lineage()
            .iter()
            .find_map(|r| self.offices.get(r))
            .and_then(|code| self.units.get(code))
    }

    /// The unit a coordinator would most likely forward to: the responsible Dinas's Suku Dinas
    /// in the report's kota when there is one, else the Dinas itself.
    pub fn suggested_unit(&self, category: &Category, region: &RegionCode) -> Option<&Unit> {
        let dinas = self.units.get(&category.responsible_unit)?;
        let kota = region.lineage().pop();
        self.units
            .values()
            .find(|u| u.parent.as_ref() == Some(&dinas.code) && u.region == kota)
            .or(Some(dinas))
    }

    /// A jurisdiction's local date at an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.settings.time_zone).date_naive()
    }
}

impl UnitDirectory for Jurisdiction {
    fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.units.get(code)
    }
}
