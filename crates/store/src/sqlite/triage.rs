//! The triage queue and the classifier's counts in SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use aduan_domain::report::{Report, TriageMark};
use aduan_domain::{CategoryCode, RegionCode, ReportId, UserId};

use super::reports::select_report;
use super::rows::{corrupt, instant, micros};
use super::{SqliteStore, aggregates};
use crate::{StoreError, StoreResult, TriageDecision, TriageRecord, TriageStore};

/// Put a newly filed report in the triage queue with what triage suggested.
pub(super) fn insert(conn: &Connection, report: ReportId, mark: &TriageMark) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO triage (report_id, suggested_category, confidence, suggested_region)
         VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            report.0,
            mark.category.as_ref().map(|c| c.as_str()),
            f64::from(mark.confidence),
            mark.region.as_ref().map(|r| r.as_str()),
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

fn record(conn: &Connection, report: ReportId) -> StoreResult<Option<TriageRecord>> {
    let row = conn
        .prepare_cached(
            "SELECT suggested_category, confidence, suggested_region, confirmed_by, confirmed_at
             FROM triage WHERE report_id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([report.0], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, f64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })
            .optional()
        })
        .map_err(StoreError::other)?;
    let Some((category, confidence, region, by, at)) = row else {
        return Ok(None);
    };
    Ok(Some(TriageRecord {
        report,
        suggested_category: category
            .map(|c| CategoryCode::parse(&c).map_err(|_| corrupt("category", &c)))
            .transpose()?,
        confidence: confidence as f32,
        suggested_region: region
            .map(|r| RegionCode::parse(&r).map_err(|_| corrupt("region", &r)))
            .transpose()?,
        confirmed_by: by.map(UserId),
        confirmed_at: at.map(instant).transpose()?,
    }))
}

fn confirm(
    conn: &Connection,
    report: ReportId,
    expected_version: i64,
    d: &TriageDecision,
) -> StoreResult<Report> {
    match record(conn, report)? {
        None => return Err(StoreError::NotFound),
        Some(r) if r.confirmed_at.is_some() => {
            return Err(StoreError::Conflict(
                "this report's triage is already settled".into(),
            ));
        }
        Some(_) => {}
    }
    let counted = aggregates::read(conn, report.0)?;
    let changed = conn
        .prepare_cached(
            "UPDATE reports SET category = ?1, region = ?2, holding_unit = ?3,
                 first_receiver = ?3, updated_at = ?4, version = version + 1
             WHERE id = ?5 AND version = ?6 AND state = 'waiting'",
        )
        .and_then(|mut s| {
            s.execute(params![
                d.category.as_str(),
                d.region.as_str(),
                d.holding_unit.as_str(),
                micros(d.at),
                report.0,
                expected_version
            ])
        })
        .map_err(StoreError::other)?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "the report changed since it was read, or is no longer waiting; reload".into(),
        ));
    }
    aggregates::shift(
        conn,
        counted.as_ref(),
        aggregates::read(conn, report.0)?.as_ref(),
    )?;
    conn.prepare_cached(
        "UPDATE triage SET confirmed_by = ?1, confirmed_at = ?2 WHERE report_id = ?3",
    )
    .and_then(|mut s| s.execute(params![d.by.0, micros(d.at), report.0]))
    .map_err(StoreError::other)?;
    let mut learn = conn
        .prepare_cached(
            "INSERT INTO triage_model (category, token, count) VALUES (?1, ?2, ?3)
             ON CONFLICT(category, token) DO UPDATE SET count = count + excluded.count",
        )
        .map_err(StoreError::other)?;
    for (category, token, count) in &d.learning {
        learn
            .execute(params![category.as_str(), token, count])
            .map_err(StoreError::other)?;
    }
    select_report(conn, "r.id = ?1", &report.0)
}

#[async_trait]
impl TriageStore for SqliteStore {
    async fn triage(&self, report: ReportId) -> StoreResult<Option<TriageRecord>> {
        self.readers.read(move |conn| record(conn, report)).await
    }

    async fn confirm_triage(
        &self,
        report: ReportId,
        expected_version: i64,
        decision: TriageDecision,
    ) -> StoreResult<Report> {
        self.writer
            .write(move |conn| confirm(conn, report, expected_version, &decision))
            .await
    }

    async fn triage_model(&self) -> StoreResult<Vec<(CategoryCode, String, u64)>> {
        self.readers
            .read(|conn| {
                let mut stmt = conn
                    .prepare_cached("SELECT category, token, count FROM triage_model")
                    .map_err(StoreError::other)?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })
                    .map_err(StoreError::other)?;
                rows.map(|row| {
                    let (category, token, count) = row.map_err(StoreError::other)?;
                    Ok((
                        CategoryCode::parse(&category)
                            .map_err(|_| corrupt("category", &category))?,
                        token,
                        u64::try_from(count).map_err(|_| corrupt("count", &category))?,
                    ))
                })
                .collect()
            })
            .await
    }
}
