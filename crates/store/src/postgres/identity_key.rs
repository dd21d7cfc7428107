//! The identity key's fingerprint in PostgreSQL, shared by every instance.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::rows::micros;
use super::{PgStore, db_error};
use crate::identity::{KeyRotation, RotationCounts};
use crate::{KeyStore, SealedReporter, StoreResult};

#[async_trait]
impl KeyStore for PgStore {
    fn is_shared(&self) -> bool {
        true
    }

    async fn identity_key_fingerprint(&self) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT fingerprint FROM identity_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn any_sealed_identity(&self) -> StoreResult<Option<SealedReporter>> {
        let account: Option<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT u.username, i.sealed FROM identities i
             JOIN users u ON u.id = i.user_id ORDER BY i.user_id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        if let Some((username, sealed)) = account {
            return Ok(Some(SealedReporter {
                sealed,
                account: Some(username),
                reporter_key: None,
            }));
        }
        let reporter: Option<(Option<String>, Vec<u8>)> = sqlx::query_as(
            "SELECT reporter_key, sealed_identity FROM report_reporters
             WHERE sealed_identity IS NOT NULL ORDER BY report_id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(reporter.map(|(reporter_key, sealed)| SealedReporter {
            sealed,
            account: None,
            reporter_key,
        }))
    }

    async fn record_identity_key_fingerprint(
        &self,
        fingerprint: String,
        at: DateTime<Utc>,
    ) -> StoreResult<String> {
        // Two instances starting at once: one inserts, the other finds its row.
        sqlx::query(
            "INSERT INTO identity_key (id, fingerprint, recorded_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&fingerprint)
        .bind(micros(at))
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        sqlx::query_scalar("SELECT fingerprint FROM identity_key WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn rotate_identity_key(
        &self,
        rotation: KeyRotation,
        at: DateTime<Utc>,
    ) -> StoreResult<RotationCounts> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let counts = super::key_rotation::rotate(&mut tx, &rotation, micros(at)).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(counts)
    }
}
