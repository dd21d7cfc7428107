//! Keys of third-party apps in PostgreSQL. (Being ported: helper A.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::PgStore;
use crate::{ApiKey, ApiKeyStore, StoreResult};

#[async_trait]
impl ApiKeyStore for PgStore {
    async fn create_api_key(
        &self,
        _name: String,
        _key_hash: [u8; 32],
        _at: DateTime<Utc>,
    ) -> StoreResult<ApiKey> {
        todo!()
    }
    async fn api_key_by_hash(&self, _key_hash: [u8; 32]) -> StoreResult<ApiKey> {
        todo!()
    }
    async fn revoke_api_key(&self, _name: String, _at: DateTime<Utc>) -> StoreResult<()> {
        todo!()
    }
    async fn list_api_keys(&self, _after: Option<i64>, _limit: u32) -> StoreResult<Vec<ApiKey>> {
        todo!()
    }
}
