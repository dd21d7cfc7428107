//! Accounts, sessions, identities and the identity access log in PostgreSQL. (Being
//! ported: helper A.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::{ReportId, Role, UnitCode, UserId};

use super::PgStore;
use crate::{AccountStore, Credentials, IdentityAccess, NewUser, Session, StoreResult, User};

#[async_trait]
impl AccountStore for PgStore {
    async fn create_user(&self, _user: NewUser) -> StoreResult<User> {
        todo!()
    }
    async fn user(&self, _id: UserId) -> StoreResult<User> {
        todo!()
    }
    async fn credentials(&self, _username: &str) -> StoreResult<Credentials> {
        todo!()
    }
    async fn count_users(&self) -> StoreResult<i64> {
        todo!()
    }
    async fn create_session(&self, _session: Session) -> StoreResult<()> {
        todo!()
    }
    async fn session_user(&self, _token_hash: [u8; 32], _now: DateTime<Utc>) -> StoreResult<User> {
        todo!()
    }
    async fn delete_session(&self, _token_hash: [u8; 32]) -> StoreResult<()> {
        todo!()
    }
    async fn sealed_identity(&self, _user: UserId) -> StoreResult<Option<Vec<u8>>> {
        todo!()
    }
    async fn reveal_reporter(
        &self,
        _report: ReportId,
        _by: UserId,
        _reason: String,
        _at: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<u8>>> {
        todo!()
    }
    async fn identity_access_log(
        &self,
        _before: Option<i64>,
        _limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>> {
        todo!()
    }
    async fn list_users(
        &self,
        _roles: Vec<Role>,
        _after: Option<UserId>,
        _limit: u32,
    ) -> StoreResult<Vec<User>> {
        todo!()
    }
    async fn update_user(
        &self,
        _id: UserId,
        _role: Role,
        _unit: Option<UnitCode>,
    ) -> StoreResult<User> {
        todo!()
    }
}
