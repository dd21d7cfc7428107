//! Figures computed from the data in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::params;

use aduan_domain::Channel;
use aduan_domain::stats::{StatsCounts, StatsQuery};

use super::SqliteStore;
use super::rows::{corrupt, micros};
use crate::{ChannelCount, StatsStore, StoreError, StoreResult};

#[async_trait]
impl StatsStore for SqliteStore {
    async fn channel_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ChannelCount>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT r.channel, COUNT(*), COUNT(DISTINCT rr.reporter_key)
                         FROM reports r JOIN report_reporters rr ON rr.report_id = r.id
                         WHERE r.created_at >= ?1 AND r.created_at < ?2
                         GROUP BY r.channel ORDER BY COUNT(*) DESC, r.channel",
                    )
                    .map_err(StoreError::other)?;
                let rows = stmt
                    .query_map(params![micros(from), micros(to)], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })
                    .map_err(StoreError::other)?;
                rows.map(|row| {
                    let (channel, reports, reporters) = row.map_err(StoreError::other)?;
                    Ok(ChannelCount {
                        channel: Channel::parse(&channel)
                            .ok_or_else(|| corrupt("channel", &channel))?,
                        reports: u64::try_from(reports).unwrap_or_default(),
                        reporters: u64::try_from(reporters).unwrap_or_default(),
                    })
                })
                .collect()
            })
            .await
    }

    async fn stats_counts(&self, query: StatsQuery) -> StoreResult<StatsCounts> {
        self.readers
            .read(move |conn| super::stats_counts::stats_counts(conn, &query))
            .await
    }
}
