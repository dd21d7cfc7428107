//! Figures computed from the data in PostgreSQL. (Being ported: helper C.)

use async_trait::async_trait;

use aduan_domain::stats::{StatsCounts, StatsQuery};

use super::PgStore;
use crate::{StatsStore, StoreResult};

#[async_trait]
impl StatsStore for PgStore {
    async fn stats_counts(&self, _query: StatsQuery) -> StoreResult<StatsCounts> {
        todo!()
    }
}
