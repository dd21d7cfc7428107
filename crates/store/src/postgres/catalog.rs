//! Jurisdiction data in PostgreSQL. (Being ported: helper A.)

use async_trait::async_trait;

use aduan_domain::JurisdictionData;
use aduan_domain::location::Boundary;

use super::PgStore;
use crate::{CatalogStore, StoreResult};

#[async_trait]
impl CatalogStore for PgStore {
    async fn jurisdiction(&self) -> StoreResult<Option<JurisdictionData>> {
        todo!()
    }
    async fn save_jurisdiction(&self, _data: JurisdictionData) -> StoreResult<()> {
        todo!()
    }
    async fn save_boundaries(&self, _boundaries: Vec<Boundary>) -> StoreResult<()> {
        todo!()
    }
    async fn boundaries(&self) -> StoreResult<Vec<Boundary>> {
        todo!()
    }
}
