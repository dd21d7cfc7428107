//! Third-party apps' keys in SQLite: only their SHA-256 is kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;
use super::accounts::is_unique_violation;
use super::rows::{instant, micros};
use crate::{ApiKey, ApiKeyStore, StoreError, StoreResult};

fn api_key(row: &Row<'_>) -> StoreResult<ApiKey> {
    let get = StoreError::other;
    Ok(ApiKey {
        id: row.get(0).map_err(get)?,
        name: row.get(1).map_err(get)?,
        created_at: instant(row.get(2).map_err(get)?)?,
        revoked_at: row
            .get::<_, Option<i64>>(3)
            .map_err(get)?
            .map(instant)
            .transpose()?,
    })
}

#[async_trait]
impl ApiKeyStore for SqliteStore {
    async fn create_api_key(
        &self,
        name: String,
        key_hash: [u8; 32],
        at: DateTime<Utc>,
    ) -> StoreResult<ApiKey> {
        self.writer
            .write(move |conn| {
                let inserted = conn
                    .prepare_cached(
                        "INSERT INTO api_keys (name, key_hash, created_at) VALUES (?1, ?2, ?3)",
                    )
                    .and_then(|mut s| s.execute(params![name, key_hash.as_slice(), micros(at)]));
                match inserted {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::Conflict(format!(
                            "an API key named {name} exists"
                        )));
                    }
                    Err(e) => return Err(StoreError::other(e)),
                }
                Ok(ApiKey {
                    id: conn.last_insert_rowid(),
                    name,
                    created_at: instant(micros(at))?,
                    revoked_at: None,
                })
            })
            .await
    }

    async fn api_key_by_hash(&self, key_hash: [u8; 32]) -> StoreResult<ApiKey> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT id, name, created_at, revoked_at FROM api_keys
                         WHERE key_hash = ?1 AND revoked_at IS NULL",
                    )
                    .map_err(StoreError::other)?;
                let found = stmt
                    .query_row([key_hash.as_slice()], |row| Ok(api_key(row)))
                    .optional()
                    .map_err(StoreError::other)?;
                found.unwrap_or(Err(StoreError::NotFound))
            })
            .await
    }

    async fn revoke_api_key(&self, name: String, at: DateTime<Utc>) -> StoreResult<()> {
        self.writer
            .write(move |conn| {
                let changed = conn
                    .prepare_cached(
                        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2) WHERE name = ?1",
                    )
                    .and_then(|mut s| s.execute(params![name, micros(at)]))
                    .map_err(StoreError::other)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn list_api_keys(&self, after: Option<i64>, limit: u32) -> StoreResult<Vec<ApiKey>> {
        self.readers
            .read(move |conn| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT id, name, created_at, revoked_at FROM api_keys
                         WHERE id > ?1 ORDER BY id LIMIT ?2",
                    )
                    .map_err(StoreError::other)?;
                let mut found = stmt
                    .query(params![after.unwrap_or(0), limit.clamp(1, 500)])
                    .map_err(StoreError::other)?;
                let mut keys = Vec::new();
                while let Some(row) = found.next().map_err(StoreError::other)? {
                    keys.push(api_key(row)?);
                }
                Ok(keys)
            })
            .await
    }
}
