//! A jurisdiction as data: settings, regions, units and categories, and the lookups on them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::access;
use crate::category::Category;
use crate::channel::{Channel, ChannelKind, NamedChannel};
use crate::codes::{CategoryCode, UnitCode};
use crate::region::{Region, RegionCode, RegionLevel};
use crate::role::Role;
use crate::ticket::TicketPrefix;
use crate::unit::{Unit, UnitKind, UnitKindDef, UnitRole};
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
    /// The `jurisdiction_id` Open311 clients may send (e.g. `jakarta.go.id`); when unset,
    /// any `jurisdiction_id` is refused and clients omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open311_jurisdiction_id: Option<String>,
    /// The category of a report whose channel carries none (e-mail) until free-text triage
    /// exists; such channels are refused while it is unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_category: Option<CategoryCode>,
    /// The region whose office receives reports whose channel carries no place (e-mail),
    /// until triage places them: the intake desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_region: Option<RegionCode>,
    /// How people call the time zone, e.g. "waktu Jakarta" / "Jakarta time"; the IANA name
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone_label: Option<LocalLabel>,
    /// The channels this city runs (its app, desks, social accounts, partners), with their
    /// labels and kinds, in the order they are offered. Transport channels are always
    /// offered: listed here to place them among the city's own or to name them, else after
    /// the list with their names in code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<NamedChannel>,
    /// This city's kinds of unit, in the order the admin pages list them: what it calls
    /// them and the role each plays in routing. Every unit and office template names one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_kinds: Vec<UnitKindDef>,
}

/// A text in Indonesian and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalLabel {
    pub id: String,
    pub en: String,
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

fn refuse_duplicates<'a>(
    what: &str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<(), DataError> {
    let mut seen = std::collections::BTreeSet::new();
    for code in codes {
        if !seen.insert(code) {
            return Err(DataError(format!("{what} {code} appears twice")));
        }
    }
    Ok(())
}

/// Whether every unit and office template must name a kind the settings list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KindCheck {
    /// A pack's data: all must.
    Listed,
    /// Stored data: a unit may name a kind no longer listed.
    Lenient,
}

fn kind_role(kinds: &[UnitKindDef], kind: UnitKind) -> UnitRole {
    kinds
        .iter()
        .find(|k| k.kind == kind)
        .map_or(UnitRole::Service, |k| k.role)
}

/// The kinds of unit hang together: each listed once, a kind's parent kind listed, a branch
/// naming its parent kind; and, for a pack, every unit and office template naming a listed kind.
fn check_kinds(data: &JurisdictionData, check: KindCheck) -> Result<(), DataError> {
    let kinds = &data.settings.unit_kinds;
    refuse_duplicates("unit kind", kinds.iter().map(|k| k.kind.code()))?;
    let listed = |kind: UnitKind| kinds.iter().any(|k| k.kind == kind);
    for def in kinds {
        match def.parent {
            Some(parent) if !listed(parent) => {
                return Err(DataError(format!(
                    "unit kind {} belongs to kind {parent}, which settings.unit_kinds does not list",
                    def.kind
                )));
            }
            None if def.role == UnitRole::Branch => {
                return Err(DataError(format!(
                    "unit kind {} is a branch but names no parent kind",
                    def.kind
                )));
            }
            _ => {}
        }
    }
    if check == KindCheck::Lenient {
        return Ok(());
    }
    if let Some(unit) = data.units.iter().find(|u| !listed(u.kind)) {
        return Err(DataError(format!(
            "unit {} is of kind {}, which settings.unit_kinds does not list",
            unit.code, unit.kind
        )));
    }
    if let Some(template) = data
        .settings
        .office_templates
        .iter()
        .find(|t| !listed(t.kind))
    {
        return Err(DataError(format!(
            "the office template {:?} gives units of kind {}, which settings.unit_kinds does not list",
            template.code, template.kind
        )));
    }
    Ok(())
}

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
    /// Index a data set as a pack gives it, checking that every reference points at something
    /// that exists: among others, every unit and office template names a kind of unit the
    /// settings list.
    pub fn new(data: JurisdictionData) -> Result<Self, DataError> {
        Self::index(data, KindCheck::Listed)
    }

    /// Index a data set read back from the store, checked as [`Jurisdiction::new`] does
    /// except that a unit or office template may name a kind the settings no longer list (a
    /// pack imported again without it: units are never deleted). Such a unit reads as a
    /// [`UnitRole::Service`] unit, labelled by its kind's code.
    pub fn stored(data: JurisdictionData) -> Result<Self, DataError> {
        Self::index(data, KindCheck::Lenient)
    }

    fn index(data: JurisdictionData, kinds: KindCheck) -> Result<Self, DataError> {
        refuse_duplicates("region", data.regions.iter().map(|r| r.code.as_str()))?;
        refuse_duplicates("unit", data.units.iter().map(|u| u.code.as_str()))?;
        refuse_duplicates("category", data.categories.iter().map(|c| c.code.as_str()))?;
        refuse_duplicates(
            "channel",
            data.settings.channels.iter().map(|c| c.code.code()),
        )?;
        for listed in &data.settings.channels {
            if let Some(kind) = listed.code.transport_kind()
                && kind != listed.kind
            {
                return Err(DataError(format!(
                    "channel {} is a transport channel of kind {}, not {}",
                    listed.code,
                    kind.code(),
                    listed.kind.code()
                )));
            }
        }
        check_kinds(&data, kinds)?;
        // A pack's typo is told at import; one read back keeps loading (an icon aduan stopped
        // drawing is guessed instead, see `category_icon::icon_of`).
        if kinds == KindCheck::Listed
            && let Some(c) = data.categories.iter().find(|c| {
                c.icon
                    .as_deref()
                    .is_some_and(|i| !crate::category_icon::is_icon(i))
            })
        {
            return Err(DataError(format!(
                "category {} names unknown icon {:?} (known: {})",
                c.code,
                c.icon.as_deref().unwrap_or_default(),
                crate::category_icon::ICONS.join(", ")
            )));
        }
        for template in &data.settings.office_templates {
            let probe = template.code.replace("{code}", "31.71.01.1001");
            if UnitCode::parse(&probe).is_err() {
                return Err(DataError(format!(
                    "office template {:?} does not give valid unit codes",
                    template.code
                )));
            }
        }
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
        let role_of = |unit: &Unit| kind_role(&data.settings.unit_kinds, unit.kind);
        for category in categories.values() {
            match units.get(&category.responsible_unit) {
                None => {
                    return Err(DataError(format!(
                        "category {} names unknown unit {}",
                        category.code, category.responsible_unit
                    )));
                }
                Some(unit) if role_of(unit) == UnitRole::Validation => {
                    return Err(DataError(format!(
                        "category {}: the validation team cannot be the responsible unit",
                        category.code
                    )));
                }
                Some(_) => {}
            }
        }
        let offices = units
            .values()
            .filter(|u| role_of(u) == UnitRole::RegionOffice)
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

    /// The channels this city takes, with their names and kinds: those its pack lists, in
    /// the pack's order, then the transport channels it leaves out, in code order.
    pub fn channels(&self) -> Vec<NamedChannel> {
        let listed = &self.settings.channels;
        let left_out = Channel::TRANSPORT
            .into_iter()
            .filter(|t| !listed.iter().any(|n| n.code == *t))
            .filter_map(NamedChannel::transport);
        listed.iter().cloned().chain(left_out).collect()
    }

    /// A channel as this city names it: the pack's entry, else a transport channel's names
    /// in code; `None` when the city does not run it.
    pub fn channel(&self, code: Channel) -> Option<NamedChannel> {
        self.settings
            .channels
            .iter()
            .find(|n| n.code == code)
            .cloned()
            .or_else(|| NamedChannel::transport(code))
    }

    /// The label of a channel in this city: the pack's, else the one in code, else (a
    /// channel the city no longer runs, on a stored report) its code.
    pub fn channel_label(&self, code: Channel, english: bool) -> String {
        match self.channel(code) {
            Some(n) if english => n.label_en,
            Some(n) => n.label,
            None => code.code().to_owned(),
        }
    }

    /// A citizen's channel when they name none: the city's first app, else the web.
    pub fn citizen_channel(&self) -> Channel {
        self.first_channel_of(ChannelKind::App)
            .unwrap_or(Channel::Web)
    }

    /// An operator's channel when they name none: the city's first desk, else the first
    /// channel an operator may file through.
    pub fn desk_channel(&self) -> Channel {
        self.first_channel_of(ChannelKind::Desk)
            .or_else(|| {
                self.channels()
                    .into_iter()
                    .find(|c| access::may_file_through(Role::Operator, c))
                    .map(|c| c.code)
            })
            .unwrap_or(Channel::Web)
    }

    /// The first of the city's own (named, not transport) channels of a kind, e.g. where
    /// what arrives on its leaders' own social accounts files (`meta`).
    pub fn first_channel_of(&self, kind: ChannelKind) -> Option<Channel> {
        self.settings
            .channels
            .iter()
            .find(|n| n.kind == kind && !n.code.is_transport())
            .map(|n| n.code)
    }

    /// This city's kinds of unit, in its pack's order.
    pub fn unit_kinds(&self) -> &[UnitKindDef] {
        &self.settings.unit_kinds
    }

    /// The kind of unit this city calls `code`; `None` when its settings do not list it.
    pub fn unit_kind(&self, code: &str) -> Option<&UnitKindDef> {
        self.settings
            .unit_kinds
            .iter()
            .find(|k| k.kind.code() == code)
    }

    /// The pack's label of a kind of unit; `None` for a kind it does not list.
    pub fn unit_kind_label(&self, kind: UnitKind, english: bool) -> Option<&str> {
        let named = self.settings.unit_kinds.iter().find(|k| k.kind == kind)?;
        Some(if english {
            &named.label_en
        } else {
            &named.label
        })
    }

    /// The role of a kind of unit: the one its definition declares; a service for a kind the
    /// settings do not list.
    pub fn kind_role(&self, kind: UnitKind) -> UnitRole {
        kind_role(&self.settings.unit_kinds, kind)
    }

    /// The role `unit` plays in routing, from its kind.
    pub fn unit_role(&self, unit: &Unit) -> UnitRole {
        self.kind_role(unit.kind)
    }

    /// How people call the time zone ("waktu Jakarta"): the pack's label, else its IANA name.
    pub fn time_zone_label(&self, english: bool) -> String {
        match &self.settings.time_zone_label {
            Some(l) if english => l.en.clone(),
            Some(l) => l.id.clone(),
            None => self.settings.time_zone.name().to_owned(),
        }
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

    fn unit_role(&self, unit: &Unit) -> UnitRole {
        Jurisdiction::unit_role(self, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::SlaTargets;
    use crate::fixtures::{kind, unit_kinds};

    fn data() -> JurisdictionData {
        let region = |code: &str, name: &str| Region {
            code: RegionCode::parse(code).unwrap(),
            name: name.into(),
            level: RegionCode::parse(code).unwrap().level(),
        };
        let unit = |code: &str, of: &str, region: Option<&str>, parent: Option<&str>| Unit {
            code: UnitCode::parse(code).unwrap(),
            name: code.to_uppercase(),
            kind: kind(of),
            region: region.map(|r| RegionCode::parse(r).unwrap()),
            parent: parent.map(|p| UnitCode::parse(p).unwrap()),
        };
        JurisdictionData {
            settings: Settings {
                name: "Test".into(),
                time_zone: chrono_tz::Asia::Jakarta,
                ticket_prefix: TicketPrefix::parse("JK").unwrap(),
                office_templates: vec![OfficeTemplate {
                    level: RegionLevel::Kecamatan,
                    kind: kind("kecamatan"),
                    code: "kecamatan-{code}".into(),
                    name: "Kantor Kecamatan {name}".into(),
                }],
                open311_jurisdiction_id: None,
                default_category: None,
                default_region: None,
                time_zone_label: None,
                channels: Vec::new(),
                unit_kinds: unit_kinds(&[
                    ("kecamatan", UnitRole::RegionOffice),
                    ("dinas", UnitRole::Service),
                    ("suku_dinas", UnitRole::Service),
                    ("validation", UnitRole::Validation),
                ]),
            },
            regions: vec![
                region("31.74", "Jakarta Selatan"),
                region("31.74.01", "Tebet"),
            ],
            units: vec![
                unit("dinas-bm", "dinas", None, None),
                unit(
                    "sudin-bm-31.74",
                    "suku_dinas",
                    Some("31.74"),
                    Some("dinas-bm"),
                ),
                unit("biro", "validation", None, None),
            ],
            categories: vec![Category {
                code: CategoryCode::parse("jalan").unwrap(),
                name: "Jalan".into(),
                name_en: "Roads".into(),
                responsible_unit: UnitCode::parse("dinas-bm").unwrap(),
                sla: SlaTargets::default(),
                keywords: Vec::new(),
                icon: None,
            }],
        }
    }

    #[test]
    fn offices_come_from_templates_and_receive_reports() {
        let j = Jurisdiction::new(data().with_offices()).unwrap();
        let kelurahan = RegionCode::parse("31.74.01.1001").unwrap();
        let receiver = j.first_receiver(&kelurahan).unwrap();
        assert_eq!(receiver.code.as_str(), "kecamatan-31.74.01");
        assert_eq!(receiver.name, "Kantor Kecamatan Tebet");
        let jalan = j.category(&CategoryCode::parse("jalan").unwrap()).unwrap();
        let suggested = j.suggested_unit(jalan, &kelurahan).unwrap();
        assert_eq!(suggested.code.as_str(), "sudin-bm-31.74");
        assert!(
            j.first_receiver(&RegionCode::parse("31.75").unwrap())
                .is_none()
        );
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let mut twice = data();
        twice.units.push(twice.units[0].clone());
        assert!(Jurisdiction::new(twice).is_err());

        let mut orphan = data();
        orphan.units[1].parent = Some(UnitCode::parse("nowhere").unwrap());
        assert!(Jurisdiction::new(orphan).is_err());

        let mut validator_owned = data();
        validator_owned.categories[0].responsible_unit = UnitCode::parse("biro").unwrap();
        assert!(Jurisdiction::new(validator_owned).is_err());

        let mut bad_template = data();
        bad_template.settings.office_templates[0].code = "Kantor {code}".into();
        assert!(Jurisdiction::new(bad_template).is_err());
    }

    #[test]
    fn kinds_of_unit_must_hang_together() {
        let mut twice = data();
        let first = twice.settings.unit_kinds[0].clone();
        twice.settings.unit_kinds.push(first);
        assert!(Jurisdiction::new(twice).is_err());

        let mut unlisted_parent = data();
        unlisted_parent.settings.unit_kinds[2].parent = Some(kind("badan"));
        assert!(Jurisdiction::new(unlisted_parent).is_err());

        let mut orphan_branch = data();
        orphan_branch.settings.unit_kinds[2].role = UnitRole::Branch;
        assert!(Jurisdiction::stored(orphan_branch.clone()).is_err());
        orphan_branch.settings.unit_kinds[2].parent = Some(kind("dinas"));
        assert!(Jurisdiction::new(orphan_branch).is_ok());

        // Stored data is checked the same way, but for kinds no longer listed.
        let mut dropped = data();
        dropped
            .settings
            .unit_kinds
            .retain(|k| k.kind != kind("dinas"));
        assert!(Jurisdiction::new(dropped.clone()).is_err());
        let j = Jurisdiction::stored(dropped).unwrap();
        let dinas = j.units().find(|u| u.kind == kind("dinas")).unwrap();
        assert_eq!(j.unit_role(dinas), UnitRole::Service);
    }

    #[test]
    fn roles_decide_offices_and_who_may_answer_for_a_category() {
        let j = Jurisdiction::new(data().with_offices()).unwrap();
        let roles: Vec<(&str, UnitRole)> = j
            .units()
            .map(|u| (u.code.as_str(), j.unit_role(u)))
            .collect();
        assert_eq!(
            roles,
            [
                ("biro", UnitRole::Validation),
                ("dinas-bm", UnitRole::Service),
                ("kecamatan-31.74.01", UnitRole::RegionOffice),
                ("sudin-bm-31.74", UnitRole::Service),
            ]
        );
        // A kind that is not a region office gives no office, even with a region.
        let mut renamed = data();
        renamed.settings.unit_kinds[0].role = UnitRole::Service;
        let j = Jurisdiction::new(renamed.with_offices()).unwrap();
        let kelurahan = RegionCode::parse("31.74.01.1001").unwrap();
        assert!(j.first_receiver(&kelurahan).is_none());
    }

    #[test]
    fn local_dates_are_jakarta_dates() {
        let j = Jurisdiction::new(data()).unwrap();
        let late_utc = DateTime::parse_from_rfc3339("2026-11-28T18:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            j.local_date(late_utc),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
    }
}
