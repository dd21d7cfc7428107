//! The loaded jurisdiction: its data and the point-in-polygon index of its regions.

use std::sync::RwLock;

use aduan_domain::location::Boundary;
use aduan_domain::{
    CategoryCode, Coordinates, Jurisdiction, JurisdictionData, RegionCode, RegionIndex,
};
use aduan_store::{Store, StoreError};
use aduan_triage::{CategoryTerms, Model, PlaceName, Suggestion, TokenCount, Triage};

use crate::pages::RegionMap;

pub struct Catalog {
    pub jurisdiction: Jurisdiction,
    regions: RegionIndex,
    /// The finest regions drawn for choosing on a map (empty without boundaries).
    pub map: RegionMap,
    /// Free-text triage over this jurisdiction's categories and place names; it learns
    /// from coordinators' decisions while running.
    triage: RwLock<Triage>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no jurisdiction is loaded; start with --demo or load one")]
    Missing,
    #[error(transparent)]
    Data(#[from] aduan_domain::jurisdiction::DataError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Catalog {
    pub fn new(data: JurisdictionData, boundaries: Vec<Boundary>) -> Result<Self, CatalogError> {
        Self::with_model(data, boundaries, Model::default())
    }

    fn with_model(
        data: JurisdictionData,
        boundaries: Vec<Boundary>,
        model: Model,
    ) -> Result<Self, CatalogError> {
        let jurisdiction = Jurisdiction::new(data)?;
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
        let map = RegionMap::build(&boundaries, &jurisdiction);
        Ok(Self {
            triage: RwLock::new(Triage::new(categories, places, model)),
            map,
            jurisdiction,
            regions: RegionIndex::new(
                boundaries
                    .into_iter()
                    .map(|b| (b.region.code, b.shape))
                    .collect(),
            ),
        })
    }

    /// Read the jurisdiction and its boundaries from the store.
    pub async fn load(store: &dyn Store) -> Result<Self, CatalogError> {
        let data = store.jurisdiction().await?.ok_or(CatalogError::Missing)?;
        let boundaries = store.boundaries().await?;
        let model = Model::from_counts(store.triage_model().await?.into_iter().map(
            |(category, token, count)| TokenCount {
                category,
                token,
                count,
            },
        ));
        Self::with_model(data, boundaries, model)
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

    /// The finest loaded region containing the point, if any.
    pub fn locate(&self, at: Coordinates) -> Option<&RegionCode> {
        self.regions.locate(at)
    }

    pub fn has_boundaries(&self) -> bool {
        !self.regions.is_empty()
    }
}
