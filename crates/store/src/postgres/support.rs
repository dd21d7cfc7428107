//! Supporters and the open reports near a point, in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::{ReportId, UserId};

use super::{PgStore, db_error, rows};
use crate::support::{
    MAX_NEAR_CANDIDATES, MAX_SUPPORT_READ, NearQuery, NearReport, SUPPORTING_COLUMN, SupportStore,
    SupportedReport, near_area, near_sql, nearest_of,
};
use crate::{StoreError, StoreResult};

#[async_trait]
impl SupportStore for PgStore {
    async fn support_report(
        &self,
        report: ReportId,
        citizen: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // One statement: the report's existence and the insert are read in one snapshot.
        let outcome: Option<bool> = sqlx::query_scalar(
            "WITH target AS (SELECT id FROM reports WHERE id = $1),
                  added AS (
                      INSERT INTO report_supporters (report_id, user_id, supported_at)
                      SELECT id, $2, $3 FROM target
                      ON CONFLICT (report_id, user_id) DO NOTHING
                      RETURNING 1)
             SELECT EXISTS (SELECT 1 FROM added) FROM target",
        )
        .bind(report.0)
        .bind(citizen.0)
        .bind(rows::micros(at))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        outcome.ok_or(StoreError::NotFound)
    }

    async fn withdraw_support(&self, report: ReportId, citizen: UserId) -> StoreResult<bool> {
        let removed =
            sqlx::query("DELETE FROM report_supporters WHERE report_id = $1 AND user_id = $2")
                .bind(report.0)
                .bind(citizen.0)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(removed.rows_affected() == 1)
    }

    async fn supporter_counts(&self, reports: Vec<ReportId>) -> StoreResult<Vec<u64>> {
        let ids: Vec<i64> = reports
            .iter()
            .take(MAX_SUPPORT_READ as usize)
            .map(|r| r.0)
            .collect();
        let counted: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT report_id, count(*) FROM report_supporters
             WHERE report_id = ANY($1) GROUP BY report_id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(ids
            .iter()
            .map(|id| {
                counted
                    .iter()
                    .find(|(r, _)| r == id)
                    .map_or(0, |(_, n)| (*n).max(0) as u64)
            })
            .collect())
    }

    async fn supported_reports(
        &self,
        citizen: UserId,
        limit: u32,
    ) -> StoreResult<Vec<SupportedReport>> {
        let sql = format!(
            "SELECT {columns}, s.supported_at,
                 (SELECT count(*) FROM report_supporters c WHERE c.report_id = r.id)
             FROM report_supporters s JOIN reports r ON r.id = s.report_id
                 LEFT JOIN report_reporters rr ON rr.report_id = r.id
             WHERE s.user_id = $1
             ORDER BY s.supported_at DESC, r.id DESC LIMIT $2",
            columns = rows::REPORT_COLUMNS,
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(citizen.0)
            .bind(i64::from(limit.min(MAX_SUPPORT_READ)))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        found
            .iter()
            .map(|row| {
                Ok(SupportedReport {
                    report: rows::report(row)?,
                    supported_at: rows::instant(rows::get(row, 24)?)?,
                    supporters: rows::get::<i64>(row, 25)?.max(0) as u64,
                })
            })
            .collect()
    }

    async fn open_reports_near(&self, q: NearQuery) -> StoreResult<Vec<NearReport>> {
        let area = near_area(&q);
        let found = sqlx::query(sqlx::AssertSqlSafe(near_sql(|n| format!("${n}"))))
            .bind(q.category.to_string())
            .bind(area.lat_min)
            .bind(area.lat_max)
            .bind(area.lon_min)
            .bind(area.lon_max)
            .bind(q.citizen.0)
            .bind(q.citizen.0)
            .bind(i64::from(MAX_NEAR_CANDIDATES))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let candidates = found
            .iter()
            .map(|row| {
                Ok((
                    rows::report(row)?,
                    rows::get::<bool>(row, SUPPORTING_COLUMN)?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(nearest_of(&q, candidates))
    }
}
