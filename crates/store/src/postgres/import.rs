//! Reports imported from the system aduan replaces, in PostgreSQL. (Being ported: helper C.)

use async_trait::async_trait;

use aduan_domain::import::ImportedReport;

use super::PgStore;
use crate::{ImportOutcome, ImportStore, StoreResult};

#[async_trait]
impl ImportStore for PgStore {
    async fn import_reports(&self, _reports: Vec<ImportedReport>) -> StoreResult<ImportOutcome> {
        todo!()
    }
}
