//! Third-party apps' keys in PostgreSQL: only their SHA-256 is kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;

use super::rows::{get, instant, micros, opt_instant};
use super::{PgStore, db_error};
use crate::{ApiKey, ApiKeyStore, StoreError, StoreResult};

/// The unique constraint PostgreSQL names for `api_keys.name`.
const NAME_CONSTRAINT: &str = "api_keys_name_key";

fn api_key(row: &PgRow) -> StoreResult<ApiKey> {
    Ok(ApiKey {
        id: get(row, 0)?,
        name: get(row, 1)?,
        created_at: instant(get(row, 2)?)?,
        revoked_at: opt_instant(get(row, 3)?)?,
    })
}

/// A broken uniqueness rule said in words: the name is taken, or the key is.
fn creation_error(e: sqlx::Error, name: &str) -> StoreError {
    let on_name = matches!(
        &e,
        sqlx::Error::Database(db) if db.constraint() == Some(NAME_CONSTRAINT)
    );
    match db_error(e) {
        StoreError::Conflict(_) if on_name => {
            StoreError::Conflict(format!("an API key named {name} exists"))
        }
        StoreError::Conflict(_) => StoreError::Conflict("that key is already issued".into()),
        other => other,
    }
}

#[async_trait]
impl ApiKeyStore for PgStore {
    async fn create_api_key(
        &self,
        name: String,
        key_hash: [u8; 32],
        at: DateTime<Utc>,
    ) -> StoreResult<ApiKey> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&name)
        .bind(&key_hash[..])
        .bind(micros(at))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| creation_error(e, &name))?;
        Ok(ApiKey {
            id,
            name,
            created_at: instant(micros(at))?,
            revoked_at: None,
        })
    }

    async fn api_key_by_hash(&self, key_hash: [u8; 32]) -> StoreResult<ApiKey> {
        let row = sqlx::query(
            "SELECT id, name, created_at, revoked_at FROM api_keys
             WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&key_hash[..])
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
        api_key(&row)
    }

    async fn revoke_api_key(&self, name: String, at: DateTime<Utc>) -> StoreResult<()> {
        // Revoking twice keeps the first revocation's time.
        let changed = sqlx::query(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE name = $1",
        )
        .bind(&name)
        .bind(micros(at))
        .execute(&self.pool)
        .await
        .map_err(db_error)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn list_api_keys(&self, after: Option<i64>, limit: u32) -> StoreResult<Vec<ApiKey>> {
        sqlx::query(
            "SELECT id, name, created_at, revoked_at FROM api_keys
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.unwrap_or(0))
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(api_key)
        .collect()
    }
}
