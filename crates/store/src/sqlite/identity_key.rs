//! The identity key's fingerprint in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::rows::micros;
use crate::identity::{KeyRotation, RotationCounts};
use crate::{KeyStore, SealedReporter, StoreError, StoreResult};

#[async_trait]
impl KeyStore for SqliteStore {
    fn is_shared(&self) -> bool {
        false
    }

    async fn identity_key_fingerprint(&self) -> StoreResult<Option<String>> {
        self.readers
            .read(|conn| {
                conn.query_row(
                    "SELECT fingerprint FROM identity_key WHERE id = 1",
                    [],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StoreError::other)
            })
            .await
    }

    async fn any_sealed_identity(&self) -> StoreResult<Option<SealedReporter>> {
        self.readers
            .read(|conn| {
                let account = conn
                    .query_row(
                        "SELECT u.username, i.sealed FROM identities i
                         JOIN users u ON u.id = i.user_id ORDER BY i.user_id LIMIT 1",
                        [],
                        |r| {
                            Ok(SealedReporter {
                                account: Some(r.get(0)?),
                                sealed: r.get(1)?,
                                reporter_key: None,
                            })
                        },
                    )
                    .optional()
                    .map_err(StoreError::other)?;
                if account.is_some() {
                    return Ok(account);
                }
                conn.query_row(
                    "SELECT reporter_key, sealed_identity FROM report_reporters
                     WHERE sealed_identity IS NOT NULL ORDER BY report_id LIMIT 1",
                    [],
                    |r| {
                        Ok(SealedReporter {
                            account: None,
                            reporter_key: r.get(0)?,
                            sealed: r.get(1)?,
                        })
                    },
                )
                .optional()
                .map_err(StoreError::other)
            })
            .await
    }

    async fn record_identity_key_fingerprint(
        &self,
        fingerprint: String,
        at: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.writer
            .write(move |conn| {
                conn.execute(
                    "INSERT INTO identity_key (id, fingerprint, recorded_at) VALUES (1, ?1, ?2)
                     ON CONFLICT (id) DO NOTHING",
                    params![fingerprint, micros(at)],
                )
                .map_err(StoreError::other)?;
                conn.query_row(
                    "SELECT fingerprint FROM identity_key WHERE id = 1",
                    [],
                    |r| r.get(0),
                )
                .map_err(StoreError::other)
            })
            .await
    }

    async fn rotate_identity_key(
        &self,
        rotation: KeyRotation,
        at: DateTime<Utc>,
    ) -> StoreResult<RotationCounts> {
        self.writer
            .write(move |conn| super::key_rotation::rotate(conn, &rotation, micros(at)))
            .await
    }
}
