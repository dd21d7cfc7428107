//! Jurisdiction data in SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, params};

use aduan_domain::jurisdiction::Settings;
use aduan_domain::location::{Boundary, geometry_to_json, parse_geometry};
use aduan_domain::{
    Category, CategoryCode, JurisdictionData, Region, RegionCode, RegionLevel, SlaTargets, Unit,
    UnitKind,
};

use super::SqliteStore;
use super::rows::{corrupt, parse_unit};
use crate::{CatalogStore, StoreError, StoreResult};

/// Insert or update everything in `data`.
fn write_jurisdiction(conn: &Connection, data: &JurisdictionData) -> StoreResult<()> {
    let settings = serde_json::to_string(&data.settings).map_err(StoreError::other)?;
    conn.execute(
        "INSERT INTO settings (id, data) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET data = excluded.data",
        [settings],
    )
    .map_err(StoreError::other)?;
    for region in &data.regions {
        upsert_region(conn, region, None)?;
    }
    for unit in &data.units {
        upsert_unit(conn, unit)?;
    }
    for category in &data.categories {
        upsert_category(conn, category)?;
    }
    Ok(())
}

fn read_revision(conn: &Connection) -> StoreResult<i64> {
    conn.query_row(
        "SELECT revision FROM catalog_revision WHERE id = 1",
        [],
        |r| r.get(0),
    )
    .map_err(StoreError::other)
}

/// Count one more save; the new revision.
fn raise_revision(conn: &Connection) -> StoreResult<i64> {
    conn.query_row(
        "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision",
        [],
        |r| r.get(0),
    )
    .map_err(StoreError::other)
}

fn upsert_region(conn: &Connection, region: &Region, boundary: Option<&str>) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO regions (code, name, level, boundary) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level,
             boundary = COALESCE(excluded.boundary, regions.boundary)",
    )
    .and_then(|mut s| {
        s.execute(params![
            region.code.as_str(),
            region.name,
            region.level.code(),
            boundary
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

fn upsert_unit(conn: &Connection, unit: &Unit) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO units (code, name, kind, region, parent) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             region = excluded.region, parent = excluded.parent",
    )
    .and_then(|mut s| {
        s.execute(params![
            unit.code.as_str(),
            unit.name,
            unit.kind.code(),
            unit.region.as_ref().map(|r| r.as_str()),
            unit.parent.as_ref().map(|p| p.as_str()),
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

fn upsert_category(conn: &Connection, c: &Category) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO categories (code, name, name_en, responsible_unit, coordination_hours,
             completion_hours, keywords, icon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
             responsible_unit = excluded.responsible_unit,
             coordination_hours = excluded.coordination_hours,
             completion_hours = excluded.completion_hours,
             keywords = excluded.keywords, icon = excluded.icon",
    )
    .and_then(|mut s| {
        s.execute(params![
            c.code.as_str(),
            c.name,
            c.name_en,
            c.responsible_unit.as_str(),
            c.sla.coordination_hours,
            c.sla.completion_hours,
            serde_json::to_string(&c.keywords).unwrap_or_else(|_| "[]".into()),
            c.icon,
        ])
    })
    .map_err(StoreError::other)?;
    Ok(())
}

fn load(conn: &Connection) -> StoreResult<Option<JurisdictionData>> {
    let settings: Option<String> =
        match conn.query_row("SELECT data FROM settings WHERE id = 1", [], |r| r.get(0)) {
            Ok(data) => Some(data),
            Err(rusqlite::Error::QueryReturnedNoRows) => None,
            Err(e) => return Err(StoreError::other(e)),
        };
    let Some(settings) = settings else {
        return Ok(None);
    };
    let settings: Settings =
        serde_json::from_str(&settings).map_err(|e| StoreError::Other(format!("settings: {e}")))?;
    let mut stmt = conn
        .prepare("SELECT code, name, level FROM regions ORDER BY code")
        .map_err(StoreError::other)?;
    let regions = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(StoreError::other)?
        .map(|row| {
            let (code, name, level) = row.map_err(StoreError::other)?;
            Ok(Region {
                code: RegionCode::parse(&code).map_err(|_| corrupt("region", &code))?,
                name,
                level: RegionLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut stmt = conn
        .prepare("SELECT code, name, kind, region, parent FROM units ORDER BY code")
        .map_err(StoreError::other)?;
    let units = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .map_err(StoreError::other)?
        .map(|row| {
            let (code, name, kind, region, parent) = row.map_err(StoreError::other)?;
            Ok(Unit {
                code: parse_unit(Some(code))?.ok_or_else(|| corrupt("unit", ""))?,
                name,
                kind: UnitKind::parse(&kind).map_err(|_| corrupt("unit kind", &kind))?,
                region: region
                    .map(|r| RegionCode::parse(&r).map_err(|_| corrupt("region", &r)))
                    .transpose()?,
                parent: parse_unit(parent)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut stmt = conn
        .prepare(
            "SELECT code, name, name_en, responsible_unit, coordination_hours, completion_hours,
                 keywords, icon
             FROM categories ORDER BY name",
        )
        .map_err(StoreError::other)?;
    let categories = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .map_err(StoreError::other)?
        .map(|row| {
            let (code, name, name_en, unit, coordination_hours, completion_hours, keywords, icon) =
                row.map_err(StoreError::other)?;
            let keywords: Vec<String> =
                serde_json::from_str(&keywords).map_err(|_| corrupt("keywords", &code))?;
            Ok(Category {
                code: CategoryCode::parse(&code).map_err(|_| corrupt("category", &code))?,
                name,
                name_en,
                responsible_unit: parse_unit(Some(unit))?.ok_or_else(|| corrupt("unit", ""))?,
                sla: SlaTargets {
                    coordination_hours,
                    completion_hours,
                },
                keywords,
                icon,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(JurisdictionData {
        settings,
        regions,
        units,
        categories,
    }))
}

#[async_trait]
impl CatalogStore for SqliteStore {
    async fn jurisdiction(&self) -> StoreResult<Option<JurisdictionData>> {
        self.readers.read(load).await
    }

    async fn save_jurisdiction(&self, data: JurisdictionData) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                write_jurisdiction(conn, &data)?;
                raise_revision(conn).map(|_| ())
            })
            .await
    }

    async fn change_jurisdiction(&self, data: JurisdictionData, expected: i64) -> StoreResult<i64> {
        self.writer
            .write(move |conn| {
                let current = read_revision(conn)?;
                if current != expected {
                    return Err(StoreError::Conflict(format!(
                        "the jurisdiction changed meanwhile (revision {current}, not {expected})"
                    )));
                }
                write_jurisdiction(conn, &data)?;
                raise_revision(conn)
            })
            .await
    }

    async fn catalog_revision(&self) -> StoreResult<i64> {
        self.readers.read(read_revision).await
    }

    async fn save_boundaries(&self, boundaries: Vec<Boundary>) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                for b in &boundaries {
                    upsert_region(conn, &b.region, Some(&geometry_to_json(&b.shape)))?;
                }
                raise_revision(conn).map(|_| ())
            })
            .await
    }

    async fn boundaries(&self) -> StoreResult<Vec<Boundary>> {
        self.readers
            .read(|conn| {
                let mut stmt = conn
                    .prepare("SELECT code, name, boundary FROM regions WHERE boundary IS NOT NULL")
                    .map_err(StoreError::other)?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    })
                    .map_err(StoreError::other)?;
                rows.map(|row| {
                    let (code, name, boundary) = row.map_err(StoreError::other)?;
                    let code = RegionCode::parse(&code).map_err(|_| corrupt("region", &code))?;
                    Ok(Boundary {
                        region: Region {
                            level: code.level(),
                            code,
                            name,
                        },
                        shape: parse_geometry(&boundary).map_err(|e| corrupt("boundary", &e))?,
                    })
                })
                .collect()
            })
            .await
    }
}
