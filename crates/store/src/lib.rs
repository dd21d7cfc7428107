//! Storage for aduan: traits named in domain words, and their SQLite implementation.
//!
//! Every surface talks to `dyn Store`; the contract tests in `tests/` hold each
//! implementation to the same behaviour.

mod error;
pub mod identity;
mod model;
pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::location::Boundary;
use aduan_domain::message::{Message, NewMessage};
use aduan_domain::report::{NewReport, PhotoInfo, Report, TimelineEntry};
use aduan_domain::ticket::{Ticket, TicketPrefix};
use aduan_domain::workflow::Transition;
use aduan_domain::{JurisdictionData, ReportId, UserId};

pub use error::{StoreError, StoreResult};
pub use model::{
    ActionRecord, ApiKey, Credentials, IdentityAccess, NewUser, ReportPage, ReportQuery,
    ReportScope, Session, User,
};

/// Jurisdiction data: settings, regions with boundaries, units, categories.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// The stored jurisdiction, or `None` before one is loaded.
    async fn jurisdiction(&self) -> StoreResult<Option<JurisdictionData>>;
    /// Insert or update everything in `data` (nothing is deleted).
    async fn save_jurisdiction(&self, data: JurisdictionData) -> StoreResult<()>;
    /// Insert or update regions with their boundaries.
    async fn save_boundaries(&self, boundaries: Vec<Boundary>) -> StoreResult<()>;
    /// Every stored boundary.
    async fn boundaries(&self) -> StoreResult<Vec<Boundary>>;
}

/// Accounts and sessions.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Create an account; `Conflict` when the username is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<User>;
    /// The account and its password hash, for signing in.
    async fn credentials(&self, username: &str) -> StoreResult<Credentials>;
    async fn count_users(&self) -> StoreResult<i64>;
    async fn create_session(&self, session: Session) -> StoreResult<()>;
    /// The account holding an unexpired session.
    async fn session_user(&self, token_hash: [u8; 32], now: DateTime<Utc>) -> StoreResult<User>;
    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()>;
    /// A person's own sealed identity (for showing them their profile).
    async fn sealed_identity(&self, user: UserId) -> StoreResult<Option<Vec<u8>>>;
    /// Write to the audit log that `by` looked at who reported `report`, and why; then hand
    /// over the reporter's sealed identity. Both in one transaction: no reveal unlogged.
    async fn reveal_reporter(
        &self,
        report: ReportId,
        by: UserId,
        reason: String,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<u8>>>;
    /// The identity access log, newest first; `before` is the last id of the previous page.
    async fn identity_access_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>>;
}

/// Reports, their timelines and photos.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// File a report: assign the next ticket of `local_date`, write the report, its reporter,
    /// the `submit` timeline entry and the photos in one transaction.
    async fn submit_report(
        &self,
        report: NewReport,
        prefix: TicketPrefix,
        local_date: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Report>;
    async fn report(&self, ticket: &Ticket) -> StoreResult<Report>;
    /// Apply a decided transition if the report is still at `expected_version`, appending the
    /// timeline entry and its attachments in the same transaction; `Conflict` otherwise.
    async fn apply_transition(
        &self,
        report: ReportId,
        expected_version: i64,
        transition: Transition,
        record: ActionRecord,
    ) -> StoreResult<Report>;
    async fn list_reports(&self, query: ReportQuery) -> StoreResult<ReportPage>;
    async fn timeline(&self, report: ReportId) -> StoreResult<Vec<TimelineEntry>>;
    async fn photos(&self, report: ReportId) -> StoreResult<Vec<PhotoInfo>>;
    /// One photo's bytes.
    async fn photo(&self, report: ReportId, photo: i64) -> StoreResult<(PhotoInfo, Vec<u8>)>;
    /// Tickets of reports marked as duplicates of this one.
    async fn duplicates_of(&self, ticket: &Ticket) -> StoreResult<Vec<Ticket>>;
    /// Append a message to a report's conversation; returns it as stored (its instant at
    /// the precision the store keeps). `NotFound` when the report does not exist.
    async fn post_message(&self, message: NewMessage) -> StoreResult<Message>;
    /// A report's conversation, oldest first.
    async fn messages(&self, report: ReportId) -> StoreResult<Vec<Message>>;
}

/// Keys of third-party apps (Open311 clients).
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Record a key by its hash; `Conflict` when the name (or the hash) is taken.
    async fn create_api_key(
        &self,
        name: String,
        key_hash: [u8; 32],
        at: DateTime<Utc>,
    ) -> StoreResult<ApiKey>;
    /// The key with this hash; `NotFound` when unknown or revoked.
    async fn api_key_by_hash(&self, key_hash: [u8; 32]) -> StoreResult<ApiKey>;
    /// Revoke the key named `name` (its name stays taken); `NotFound` when there is none.
    async fn revoke_api_key(&self, name: String, at: DateTime<Utc>) -> StoreResult<()>;
}

/// Everything a running aduan needs from storage.
pub trait Store: CatalogStore + AccountStore + ReportStore + ApiKeyStore {}
impl<T: CatalogStore + AccountStore + ReportStore + ApiKeyStore> Store for T {}
