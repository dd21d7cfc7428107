//! Supporters and the open reports near a point, in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::params;

use aduan_domain::{ReportId, UserId};

use super::{SqliteStore, rows};
use crate::support::{
    MAX_NEAR_CANDIDATES, MAX_SUPPORT_READ, NearQuery, NearReport, SUPPORTING_COLUMN, SupportStore,
    SupportedReport, near_area, near_sql, nearest_of,
};
use crate::{StoreError, StoreResult};

#[async_trait]
impl SupportStore for SqliteStore {
    async fn support_report(
        &self,
        report: ReportId,
        citizen: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.writer
            .write(move |conn| {
                rows::require_report(conn, report)?;
                let added = conn
                    .prepare_cached(
                        "INSERT INTO report_supporters (report_id, user_id, supported_at)
                         VALUES (?1, ?2, ?3) ON CONFLICT (report_id, user_id) DO NOTHING",
                    )
                    .and_then(|mut s| s.execute(params![report.0, citizen.0, rows::micros(at)]))
                    .map_err(StoreError::other)?;
                Ok(added == 1)
            })
            .await
    }

    async fn withdraw_support(&self, report: ReportId, citizen: UserId) -> StoreResult<bool> {
        self.writer
            .write(move |conn| {
                conn.prepare_cached(
                    "DELETE FROM report_supporters WHERE report_id = ?1 AND user_id = ?2",
                )
                .and_then(|mut s| s.execute(params![report.0, citizen.0]))
                .map(|removed| removed == 1)
                .map_err(StoreError::other)
            })
            .await
    }

    async fn supporter_counts(&self, reports: Vec<ReportId>) -> StoreResult<Vec<u64>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached("SELECT count(*) FROM report_supporters WHERE report_id = ?1")
                    .map_err(StoreError::other)?;
                reports
                    .iter()
                    .take(MAX_SUPPORT_READ as usize)
                    .map(|id| {
                        stmt.query_row([id.0], |r| r.get::<_, i64>(0))
                            .map(|n| n.max(0) as u64)
                            .map_err(StoreError::other)
                    })
                    .collect()
            })
            .await
    }

    async fn supported_reports(
        &self,
        citizen: UserId,
        limit: u32,
    ) -> StoreResult<Vec<SupportedReport>> {
        self.readers
            .read(move |conn| {
                let sql = format!(
                    "SELECT {columns}, s.supported_at,
                         (SELECT count(*) FROM report_supporters c WHERE c.report_id = r.id)
                     FROM report_supporters s JOIN reports r ON r.id = s.report_id
                 LEFT JOIN report_reporters rr ON rr.report_id = r.id
                     WHERE s.user_id = ?1
                     ORDER BY s.supported_at DESC, r.id DESC LIMIT ?2",
                    columns = rows::REPORT_COLUMNS,
                );
                let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
                let mut found = stmt
                    .query(params![citizen.0, limit.min(MAX_SUPPORT_READ)])
                    .map_err(StoreError::other)?;
                let mut out = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    let get = |e: rusqlite::Error| StoreError::other(e);
                    out.push(SupportedReport {
                        report: rows::report(row)?,
                        supported_at: rows::instant(row.get(24).map_err(get)?)?,
                        supporters: row.get::<_, i64>(25).map_err(get)?.max(0) as u64,
                    });
                }
                Ok(out)
            })
            .await
    }

    async fn open_reports_near(&self, q: NearQuery) -> StoreResult<Vec<NearReport>> {
        self.readers
            .read(move |conn| {
                let area = near_area(&q);
                let mut stmt = conn
                    .prepare_cached(&near_sql(|n| format!("?{n}")))
                    .map_err(StoreError::other)?;
                let mut found = stmt
                    .query(params![
                        q.category.to_string(),
                        area.lat_min,
                        area.lat_max,
                        area.lon_min,
                        area.lon_max,
                        q.citizen.0,
                        q.citizen.0,
                        MAX_NEAR_CANDIDATES,
                    ])
                    .map_err(StoreError::other)?;
                let mut candidates = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    let supporting: bool = row.get(SUPPORTING_COLUMN).map_err(StoreError::other)?;
                    candidates.push((rows::report(row)?, supporting));
                }
                Ok(nearest_of(&q, candidates))
            })
            .await
    }
}
