//! The loaded jurisdiction: its data and the point-in-polygon index of its regions.

use aduan_domain::location::Boundary;
use aduan_domain::{Coordinates, Jurisdiction, JurisdictionData, RegionCode, RegionIndex};
use aduan_store::{Store, StoreError};

pub struct Catalog {
    pub jurisdiction: Jurisdiction,
    regions: RegionIndex,
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
        Ok(Self {
            jurisdiction: Jurisdiction::new(data)?,
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
        Self::new(data, boundaries)
    }

    /// The finest loaded region containing the point, if any.
    pub fn locate(&self, at: Coordinates) -> Option<&RegionCode> {
        self.regions.locate(at)
    }

    pub fn has_boundaries(&self) -> bool {
        !self.regions.is_empty()
    }
}
