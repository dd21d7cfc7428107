//! Jurisdiction data in PostgreSQL: settings, regions (with their boundaries), units and
//! categories. A save is one transaction of upserts, rows taken in code order so that two
//! instances saving at once cannot deadlock; a read is one snapshot.

use async_trait::async_trait;
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use aduan_domain::jurisdiction::Settings;
use aduan_domain::location::{Boundary, geometry_to_json, parse_geometry};
use aduan_domain::{
    Category, CategoryCode, JurisdictionData, Region, RegionCode, RegionLevel, SlaTargets, Unit,
    UnitKind,
};

use super::rows::{corrupt, get, parse_unit};
use super::{PgStore, db_error};
use crate::{CatalogStore, StoreError, StoreResult};

/// Reads see one committed state of every table.
const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Insert or update everything in `data`, rows in code order.
async fn write_jurisdiction(conn: &mut PgConnection, data: &JurisdictionData) -> StoreResult<()> {
    let mut regions: Vec<&Region> = data.regions.iter().collect();
    regions.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let mut units: Vec<&Unit> = data.units.iter().collect();
    units.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let mut categories: Vec<&Category> = data.categories.iter().collect();
    categories.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    upsert_settings(conn, &data.settings).await?;
    for region in regions {
        upsert_region(conn, region, None).await?;
    }
    for unit in units {
        upsert_unit(conn, unit).await?;
    }
    for category in categories {
        upsert_category(conn, category).await?;
    }
    Ok(())
}

/// The revision, its row locked until the transaction ends.
async fn lock_revision(conn: &mut PgConnection) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1 FOR UPDATE")
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Count one more save; the new revision.
async fn raise_revision(conn: &mut PgConnection) -> StoreResult<i64> {
    sqlx::query_scalar(
        "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision",
    )
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

async fn upsert_settings(conn: &mut PgConnection, settings: &Settings) -> StoreResult<()> {
    let data = serde_json::to_string(settings).map_err(StoreError::other)?;
    sqlx::query(
        "INSERT INTO settings (id, data) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data",
    )
    .bind(data)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Insert or update a region; a region saved without a boundary keeps the one it has.
async fn upsert_region(
    conn: &mut PgConnection,
    region: &Region,
    boundary: Option<String>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO regions (code, name, level, boundary) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
             boundary = COALESCE(excluded.boundary, regions.boundary)",
    )
    .bind(region.code.as_str())
    .bind(&region.name)
    .bind(region.level.code())
    .bind(boundary)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn upsert_unit(conn: &mut PgConnection, unit: &Unit) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO units (code, name, kind, region, parent) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             region = excluded.region, parent = excluded.parent",
    )
    .bind(unit.code.as_str())
    .bind(&unit.name)
    .bind(unit.kind.code())
    .bind(unit.region.as_ref().map(|r| r.as_str()))
    .bind(unit.parent.as_ref().map(|p| p.as_str()))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn upsert_category(conn: &mut PgConnection, c: &Category) -> StoreResult<()> {
    let keywords = serde_json::to_string(&c.keywords).map_err(StoreError::other)?;
    sqlx::query(
        "INSERT INTO categories (code, name, name_en, responsible_unit, coordination_hours,
             completion_hours, keywords, icon)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
             responsible_unit = excluded.responsible_unit,
             coordination_hours = excluded.coordination_hours,
             completion_hours = excluded.completion_hours,
             keywords = excluded.keywords, icon = excluded.icon",
    )
    .bind(c.code.as_str())
    .bind(&c.name)
    .bind(&c.name_en)
    .bind(c.responsible_unit.as_str())
    .bind(i64::from(c.sla.coordination_hours))
    .bind(i64::from(c.sla.completion_hours))
    .bind(keywords)
    .bind(c.icon.as_deref())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

fn region_code(raw: &str) -> StoreResult<RegionCode> {
    RegionCode::parse(raw).map_err(|_| corrupt("region", raw))
}

fn hours(row: &PgRow, index: usize, code: &str) -> StoreResult<u32> {
    let raw: i64 = get(row, index)?;
    u32::try_from(raw).map_err(|_| corrupt("SLA hours of category", code))
}

fn region_row(row: &PgRow) -> StoreResult<Region> {
    let code: String = get(row, 0)?;
    let level: String = get(row, 2)?;
    Ok(Region {
        code: region_code(&code)?,
        name: get(row, 1)?,
        level: RegionLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?,
    })
}

fn unit_row(row: &PgRow) -> StoreResult<Unit> {
    let code: String = get(row, 0)?;
    let kind: String = get(row, 2)?;
    let region: Option<String> = get(row, 3)?;
    Ok(Unit {
        code: parse_unit(Some(code))?.ok_or_else(|| corrupt("unit", ""))?,
        name: get(row, 1)?,
        kind: UnitKind::parse(&kind).map_err(|_| corrupt("unit kind", &kind))?,
        region: region.as_deref().map(region_code).transpose()?,
        parent: parse_unit(get(row, 4)?)?,
    })
}

fn category_row(row: &PgRow) -> StoreResult<Category> {
    let code: String = get(row, 0)?;
    let unit: String = get(row, 3)?;
    let keywords: String = get(row, 6)?;
    let keywords: Vec<String> =
        serde_json::from_str(&keywords).map_err(|_| corrupt("keywords", &code))?;
    let icon: Option<String> = get(row, 7)?;
    Ok(Category {
        code: CategoryCode::parse(&code).map_err(|_| corrupt("category", &code))?,
        name: get(row, 1)?,
        name_en: get(row, 2)?,
        responsible_unit: parse_unit(Some(unit))?.ok_or_else(|| corrupt("unit", ""))?,
        sla: SlaTargets {
            coordination_hours: hours(row, 4, &code)?,
            completion_hours: hours(row, 5, &code)?,
        },
        keywords,
        icon,
    })
}

fn boundary_row(row: &PgRow) -> StoreResult<Boundary> {
    let code: String = get(row, 0)?;
    let boundary: String = get(row, 2)?;
    let code = region_code(&code)?;
    Ok(Boundary {
        region: Region {
            level: code.level(),
            code,
            name: get(row, 1)?,
        },
        shape: parse_geometry(&boundary).map_err(|e| corrupt("boundary", &e))?,
    })
}

/// The data set as stored, in the SQLite store's order (byte order of codes and names).
async fn load(conn: &mut PgConnection) -> StoreResult<Option<JurisdictionData>> {
    let settings: Option<String> = sqlx::query_scalar("SELECT data FROM settings WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    let Some(settings) = settings else {
        return Ok(None);
    };
    let settings: Settings =
        serde_json::from_str(&settings).map_err(|e| StoreError::Other(format!("settings: {e}")))?;
    let regions = sqlx::query("SELECT code, name, level FROM regions ORDER BY code COLLATE \"C\"")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(region_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let units = sqlx::query(
        "SELECT code, name, kind, region, parent FROM units ORDER BY code COLLATE \"C\"",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?
    .iter()
    .map(unit_row)
    .collect::<StoreResult<Vec<_>>>()?;
    let categories = sqlx::query(
        "SELECT code, name, name_en, responsible_unit, coordination_hours, completion_hours,
             keywords, icon
         FROM categories ORDER BY name COLLATE \"C\", code COLLATE \"C\"",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?
    .iter()
    .map(category_row)
    .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(JurisdictionData {
        settings,
        regions,
        units,
        categories,
    }))
}

#[async_trait]
impl CatalogStore for PgStore {
    async fn jurisdiction(&self) -> StoreResult<Option<JurisdictionData>> {
        let mut tx = self.pool.begin_with(SNAPSHOT).await.map_err(db_error)?;
        let data = load(&mut tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(data)
    }

    async fn save_jurisdiction(&self, data: JurisdictionData) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // The revision row first: saves queue up on its lock, one at a time.
        lock_revision(&mut tx).await?;
        write_jurisdiction(&mut tx, &data).await?;
        raise_revision(&mut tx).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn change_jurisdiction(&self, data: JurisdictionData, expected: i64) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let current = lock_revision(&mut tx).await?;
        if current != expected {
            return Err(StoreError::Conflict(format!(
                "the jurisdiction changed meanwhile (revision {current}, not {expected})"
            )));
        }
        write_jurisdiction(&mut tx, &data).await?;
        let revision = raise_revision(&mut tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(revision)
    }

    async fn catalog_revision(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn save_boundaries(&self, boundaries: Vec<Boundary>) -> StoreResult<()> {
        let mut boundaries: Vec<&Boundary> = boundaries.iter().collect();
        boundaries.sort_by(|a, b| a.region.code.as_str().cmp(b.region.code.as_str()));
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        lock_revision(&mut tx).await?;
        for b in boundaries {
            upsert_region(&mut tx, &b.region, Some(geometry_to_json(&b.shape))).await?;
        }
        raise_revision(&mut tx).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn boundaries(&self) -> StoreResult<Vec<Boundary>> {
        sqlx::query(
            "SELECT code, name, boundary FROM regions WHERE boundary IS NOT NULL
             ORDER BY code COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(boundary_row)
        .collect()
    }
}
