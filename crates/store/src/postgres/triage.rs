//! The triage queue and the classifier's counts in PostgreSQL.
//!
//! A decision locks the report's row first (as a transition does), so of two coordinators
//! deciding at once one wins and the other gets `Conflict`; the model's counts are atomic
//! upserts taken in sorted key order, so concurrent decisions neither lose a count nor
//! deadlock.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::PgConnection;

use aduan_domain::report::Report;
use aduan_domain::{CategoryCode, RegionCode, ReportId, ReportState, UserId};

use super::reports::{lock_unchanged, select_report};
use super::rows::{corrupt, instant, micros};
use super::{PgStore, aggregates, db_error};
use crate::{StoreError, StoreResult, TriageDecision, TriageRecord, TriageStore};

type TriageRow = (
    Option<String>,
    f32,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

async fn record(conn: &mut PgConnection, report: ReportId) -> StoreResult<Option<TriageRecord>> {
    let row: Option<TriageRow> = sqlx::query_as(
        "SELECT suggested_category, confidence, suggested_region, confirmed_by, confirmed_at
         FROM triage WHERE report_id = $1",
    )
    .bind(report.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    let Some((category, confidence, region, by, at)) = row else {
        return Ok(None);
    };
    Ok(Some(TriageRecord {
        report,
        suggested_category: category
            .map(|c| CategoryCode::parse(&c).map_err(|_| corrupt("category", &c)))
            .transpose()?,
        confidence,
        suggested_region: region
            .map(|r| RegionCode::parse(&r).map_err(|_| corrupt("region", &r)))
            .transpose()?,
        confirmed_by: by.map(UserId),
        confirmed_at: at.map(instant).transpose()?,
    }))
}

/// Add a decision's learning to the model: counts summed per key, upserted in key order.
async fn learn(
    conn: &mut PgConnection,
    learning: &[(CategoryCode, String, u64)],
) -> StoreResult<()> {
    let mut counts: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for (category, token, count) in learning {
        let count = i64::try_from(*count)
            .map_err(|_| StoreError::Other(format!("a learnt count of {count} is out of range")))?;
        let sum = counts
            .entry((category.as_str(), token.as_str()))
            .or_default();
        *sum = sum
            .checked_add(count)
            .ok_or_else(|| StoreError::other("a learnt count is out of range"))?;
    }
    for ((category, token), count) in counts {
        sqlx::query(
            "INSERT INTO triage_model (category, token, count) VALUES ($1, $2, $3)
             ON CONFLICT (category, token) DO UPDATE SET count = triage_model.count + excluded.count",
        )
        .bind(category)
        .bind(token)
        .bind(count)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

async fn confirm(
    conn: &mut PgConnection,
    report: ReportId,
    expected_version: i64,
    d: &TriageDecision,
) -> StoreResult<Report> {
    let unchanged = lock_unchanged(conn, report, expected_version, ReportState::Waiting).await?;
    match record(conn, report).await? {
        None => return Err(StoreError::NotFound),
        Some(r) if r.confirmed_at.is_some() => {
            return Err(StoreError::Conflict(
                "this report's triage is already settled".into(),
            ));
        }
        Some(_) => {}
    }
    if !unchanged {
        return Err(StoreError::Conflict(
            "the report changed since it was read, or is no longer waiting; reload".into(),
        ));
    }
    let counted = aggregates::read(conn, report.0).await?;
    sqlx::query(
        "UPDATE reports SET category = $1, region = $2, holding_unit = $3,
             first_receiver = $3, updated_at = $4, version = version + 1
         WHERE id = $5",
    )
    .bind(d.category.as_str())
    .bind(d.region.as_str())
    .bind(d.holding_unit.as_str())
    .bind(micros(d.at))
    .bind(report.0)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    let after = aggregates::read(conn, report.0).await?;
    aggregates::shift(conn, counted.as_ref(), after.as_ref()).await?;
    sqlx::query("UPDATE triage SET confirmed_by = $1, confirmed_at = $2 WHERE report_id = $3")
        .bind(d.by.0)
        .bind(micros(d.at))
        .bind(report.0)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    learn(conn, &d.learning).await?;
    select_report(conn, report).await
}

#[async_trait]
impl TriageStore for PgStore {
    async fn triage(&self, report: ReportId) -> StoreResult<Option<TriageRecord>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        record(&mut conn, report).await
    }

    async fn confirm_triage(
        &self,
        report: ReportId,
        expected_version: i64,
        decision: TriageDecision,
    ) -> StoreResult<Report> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let decided = confirm(&mut tx, report, expected_version, &decision).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(decided)
    }

    async fn triage_model(&self) -> StoreResult<Vec<(CategoryCode, String, u64)>> {
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT category, token, count FROM triage_model")
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        rows.into_iter()
            .map(|(category, token, count)| {
                Ok((
                    CategoryCode::parse(&category).map_err(|_| corrupt("category", &category))?,
                    token,
                    u64::try_from(count).map_err(|_| corrupt("count", &count.to_string()))?,
                ))
            })
            .collect()
    }
}
