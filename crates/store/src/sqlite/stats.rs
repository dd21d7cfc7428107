//! Figures computed from the data in SQLite.

use async_trait::async_trait;

use aduan_domain::stats::{StatsCounts, StatsQuery};

use super::SqliteStore;
use crate::{StatsStore, StoreResult};

#[async_trait]
impl StatsStore for SqliteStore {
    async fn stats_counts(&self, query: StatsQuery) -> StoreResult<StatsCounts> {
        self.readers
            .read(move |conn| super::stats_counts::stats_counts(conn, &query))
            .await
    }
}
