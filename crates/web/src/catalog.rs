//! The loaded jurisdiction: its data and the point-in-polygon index of its regions.

use std::sync::{Arc, RwLock};

use aduan_domain::location::Boundary;
use aduan_domain::{
    CategoryCode, Coordinates, Jurisdiction, JurisdictionData, RegionCode, RegionIndex,
};
use aduan_store::{Store, StoreError};
use aduan_triage::{CategoryTerms, Model, PlaceName, Suggestion, TokenCount, Triage};

use crate::region_shapes::RegionMap;

pub struct Catalog {
    pub jurisdiction: Jurisdiction,
    /// Shared with the catalogs that replace this one: an admin's change touches units and
    /// categories, never regions or their boundaries.
    regions: Arc<RegionIndex>,
    /// The finest regions drawn for choosing on a map (empty without boundaries); shared
    /// like the boundaries it is drawn from.
    pub map: Arc<RegionMap>,
    /// Free-text triage over this jurisdiction's categories and place names; it learns
    /// from coordinators' decisions while running.
    triage: RwLock<Triage>,
    /// The store's catalog revision this catalog was read at (or saved as): a change is
    /// made from it, and a newer one in the store means another instance changed it.
    pub revision: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no jurisdiction is loaded: run `aduan init --pack FILE` first (or serve --demo)")]
    Missing,
    #[error(transparent)]
    Data(#[from] aduan_domain::jurisdiction::DataError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Catalog {
    pub fn new(data: JurisdictionData, boundaries: Vec<Boundary>) -> Result<Self, CatalogError> {
        Self::with_model(data, boundaries, Model::default(), 0)
    }

    fn with_model(
        data: JurisdictionData,
        boundaries: Vec<Boundary>,
        model: Model,
        revision: i64,
    ) -> Result<Self, CatalogError> {
        let jurisdiction = Jurisdiction::stored(data)?;
        let map = RegionMap::build(&boundaries, &jurisdiction);
        let regions = RegionIndex::new(
            boundaries
                .into_iter()
                .map(|b| (b.region.code, b.shape))
                .collect(),
        );
        Ok(Self::indexed(
            jurisdiction,
            Arc::new(regions),
            Arc::new(map),
            model,
            revision,
        ))
    }

    fn indexed(
        jurisdiction: Jurisdiction,
        regions: Arc<RegionIndex>,
        map: Arc<RegionMap>,
        model: Model,
        revision: i64,
    ) -> Self {
        let categories = jurisdiction
            .categories()
            .map(|c| CategoryTerms {
                code: c.code.clone(),
                name: c.name.clone(),
                keywords: c.keywords.clone(),
            })
            .collect();
        let places = jurisdiction
            .regions()
            .map(|r| PlaceName {
                region: r.code.clone(),
                name: r.name.clone(),
            })
            .collect();
        Self {
            triage: RwLock::new(Triage::new(categories, places, model)),
            map,
            jurisdiction,
            regions,
            revision,
        }
    }

    /// This catalog with `data` (changed units or categories, same regions) in place of its
    /// jurisdiction, checked as a loaded one is. The boundaries are shared and triage keeps
    /// everything it has learnt so far, so nothing is read from the store. `revision`: the
    /// one the store gave the saved change.
    pub fn revised(&self, data: JurisdictionData, revision: i64) -> Result<Self, CatalogError> {
        let model = match self.triage.read() {
            Ok(triage) => triage.model().clone(),
            Err(poisoned) => poisoned.into_inner().model().clone(),
        };
        Ok(Self::indexed(
            Jurisdiction::stored(data)?,
            Arc::clone(&self.regions),
            Arc::clone(&self.map),
            model,
            revision,
        ))
    }

    /// Read the jurisdiction, its boundaries and what triage learnt from the store.
    pub async fn load(store: &dyn Store) -> Result<Self, CatalogError> {
        // The revision first: if a change lands while the rest is read, the catalog is
        // labelled older than it is, and the next check reloads it; never the reverse.
        let revision = store.catalog_revision().await?;
        let data = store.jurisdiction().await?.ok_or(CatalogError::Missing)?;
        let boundaries = store.boundaries().await?;
        let model = Model::from_counts(store.triage_model().await?.into_iter().map(
            |(category, token, count)| TokenCount {
                category,
                token,
                count,
            },
        ));
        Self::with_model(data, boundaries, model, revision)
    }

    /// What triage suggests for a free text.
    pub fn suggest(&self, text: &str) -> Suggestion {
        match self.triage.read() {
            Ok(triage) => triage.suggest(text),
            Err(poisoned) => poisoned.into_inner().suggest(text),
        }
    }

    /// Teach triage a coordinator's decision (the store keeps the same counts).
    pub fn learn(&self, category: &CategoryCode, text: &str) {
        match self.triage.write() {
            Ok(mut triage) => triage.learn(category, text),
            Err(poisoned) => poisoned.into_inner().learn(category, text),
        }
    }

    /// What triage has learnt so far (for tests of what survives a change).
    #[cfg(test)]
    pub(crate) fn learnt(&self) -> Model {
        match self.triage.read() {
            Ok(triage) => triage.model().clone(),
            Err(poisoned) => poisoned.into_inner().model().clone(),
        }
    }

    /// The finest loaded region containing the point, if any.
    pub fn locate(&self, at: Coordinates) -> Option<&RegionCode> {
        self.regions.locate(at)
    }

    /// A point inside a loaded region, the same for the same seed (see
    /// [`RegionIndex::point_within`]).
    pub fn point_within(&self, region: &RegionCode, seed: u64) -> Option<Coordinates> {
        self.regions.point_within(region, seed)
    }

    pub fn has_boundaries(&self) -> bool {
        !self.regions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const PACK: &str = include_str!("../../../packs/jakarta.json");

    fn model_of(catalog: &Catalog) -> Model {
        catalog.learnt()
    }

    #[test]
    fn a_revised_catalog_keeps_what_triage_learnt_and_checks_its_data() {
        let data: JurisdictionData = serde_json::from_str(PACK).unwrap();
        let catalog = Catalog::new(data.clone(), Vec::new()).unwrap();
        let jalan = CategoryCode::parse("jalan").unwrap();
        catalog.learn(&jalan, "aspal mengelupas di depan pasar");
        let learnt = model_of(&catalog);
        assert_eq!(learnt.documents(), 1);

        let mut changed = data.clone();
        changed.categories[0].sla.completion_hours = 5;
        let revised = catalog.revised(changed, 1).unwrap();
        assert_eq!(model_of(&revised), learnt);
        assert_eq!(
            revised
                .jurisdiction
                .categories()
                .find(|c| c.code == data.categories[0].code)
                .map(|c| c.sla.completion_hours),
            Some(5)
        );

        let mut broken = data;
        broken.categories[0].responsible_unit = aduan_domain::UnitCode::parse("nowhere").unwrap();
        assert!(matches!(
            catalog.revised(broken, 1),
            Err(CatalogError::Data(_))
        ));
    }
}
