//! Storage for aduan: traits named in domain words, and their SQLite and PostgreSQL
//! implementations.
//!
//! Every surface talks to `dyn Store`; the contract tests in `tests/` hold each
//! implementation to the same behaviour.

mod counts;
mod error;
pub mod identity;
mod listing;
mod model;
pub mod monitoring;
pub mod photo_store;
pub mod postgres;
pub mod privacy;
pub mod push;
pub mod schema;
pub mod sqlite;
pub mod support;
pub mod tracking;
mod values;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::import::ImportedReport;
use aduan_domain::location::Boundary;
use aduan_domain::message::{Message, NewMessage};
use aduan_domain::report::{ImageObject, NewPhoto, NewReport, PhotoInfo, Report, TimelineEntry};
use aduan_domain::stats::{StatsCounts, StatsQuery};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::ticket::{Ticket, TicketPrefix};
use aduan_domain::workflow::Transition;
use aduan_domain::{JurisdictionData, ReportId, Role, UnitCode, UserId};

pub use error::{StoreError, StoreResult};
pub use model::{
    ActiveSession, ApiKey, Credentials, IdentityAccess, NewUser, OutboxEntry, OutboxItem,
    OutboxKind, OutboxOutcome, OutboxState, ReportOrder, ReportPage, ReportQuery, ReportScope,
    SealedReporter, Session, TriageDecision, TriageRecord, User,
};
pub use monitoring::MonitoringStore;
pub use privacy::{AuditAction, AuditNote, PrivacyStore, ReporterMatch};
pub use push::{PushStore, PushSubscriptionRow};
pub use support::{NearQuery, NearReport, SupportStore, SupportedReport};
pub use tracking::TrackingStore;

/// Jurisdiction data: settings, regions with boundaries, units, categories.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// The stored jurisdiction, or `None` before one is loaded.
    async fn jurisdiction(&self) -> StoreResult<Option<JurisdictionData>>;
    /// Insert or update everything in `data` (nothing is deleted), raising the revision.
    async fn save_jurisdiction(&self, data: JurisdictionData) -> StoreResult<()>;
    /// As [`CatalogStore::save_jurisdiction`], only if the revision is still `expected`
    /// (the one the change was made from); the new revision. `Conflict`, saving nothing,
    /// when another change came first.
    async fn change_jurisdiction(&self, data: JurisdictionData, expected: i64) -> StoreResult<i64>;
    /// The jurisdiction's revision: 0 before any save, raised by every save of the
    /// jurisdiction or of boundaries. An instance that sees it move reloads its catalog.
    async fn catalog_revision(&self) -> StoreResult<i64>;
    /// Insert or update regions with their boundaries, raising the revision.
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
    /// A session in force at `now`: not past `expires_at`, not idle past its idle timeout
    /// since `last_seen_at`, of an account that is not disabled; `NotFound` otherwise.
    async fn session(&self, token_hash: [u8; 32], now: DateTime<Utc>)
    -> StoreResult<ActiveSession>;
    /// The account holding a session in force (see [`AccountStore::session`]).
    async fn session_user(&self, token_hash: [u8; 32], now: DateTime<Utc>) -> StoreResult<User> {
        self.session(token_hash, now).await.map(|s| s.user)
    }
    /// Record that a session was used at `at` (callers do so at most about once a minute per
    /// session, to keep writes cheap). An unknown session is not an error.
    async fn touch_session(&self, token_hash: [u8; 32], at: DateTime<Utc>) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: [u8; 32]) -> StoreResult<()>;
    /// Disable or enable an account; returns it as stored. Disabling ends every session of
    /// the account in the same transaction. `NotFound` when there is no such account.
    async fn set_disabled(&self, id: UserId, disabled: bool) -> StoreResult<User>;
    /// Replace an account's password hash, flagging whether it must be changed at the next
    /// sign-in, and end every session of the account except `keep` (the session of a person
    /// changing their own password), in one transaction. `NotFound` when there is no such
    /// account.
    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        must_change: bool,
        keep: Option<[u8; 32]>,
    ) -> StoreResult<()>;
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
    ) -> StoreResult<Option<SealedReporter>>;
    /// The identity access log, newest first; `before` is the last id of the previous page.
    async fn identity_access_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>>;
    /// The identity access log of instants `[from, to)`, oldest first (in the order it was
    /// written); `after` is the last id of the previous page.
    async fn identity_access_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityAccess>>;
    /// Accounts in the order they were created, only those holding one of `roles` (any
    /// role when empty); `after` is the last id of the previous page.
    async fn list_users(
        &self,
        roles: Vec<Role>,
        after: Option<UserId>,
        limit: u32,
    ) -> StoreResult<Vec<User>>;
    /// Give an account another role and unit; returns it as stored. `NotFound` when there
    /// is no such account.
    async fn update_user(
        &self,
        id: UserId,
        role: Role,
        unit: Option<UnitCode>,
    ) -> StoreResult<User>;
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
    /// Apply a decided transition if the report is still at `expected_version`: one
    /// transaction carries out [`aduan_domain::stepping::plan`] (the report's changes, the
    /// timeline entry and its attachments, the reply to the reporter); `Conflict` otherwise.
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
    /// One photo of the report (its images are in the photo store).
    async fn photo(&self, report: ReportId, photo: i64) -> StoreResult<PhotoInfo>;
    /// The images of up to `limit` photos past photo `after`, in id order: `(photo, display
    /// image, thumbnail)`, for finding the photo store's objects no photo names.
    async fn photo_images(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, ImageObject, ImageObject)>>;
    /// Up to `limit` photos stored before photos left the database, with their bytes,
    /// in the order they were stored (see [`photo_store`]).
    async fn photos_to_move(&self, limit: u32) -> StoreResult<Vec<PhotoToMove>>;
    /// Record that a photo waiting to be moved now has its images in the photo store (as
    /// `moved` says: re-encoded, so its type may have changed) and forget its bytes, in one
    /// transaction. `NotFound` when it was not waiting.
    async fn photo_moved(&self, photo: i64, moved: NewPhoto) -> StoreResult<()>;
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
    /// Every key, revoked ones too, in the order they were created; `after` is the last id
    /// of the previous page.
    async fn list_api_keys(&self, after: Option<i64>, limit: u32) -> StoreResult<Vec<ApiKey>>;
}

/// Work done after the request that caused it: answers to reporters on their channels and
/// photos fetched from channels. Rows are written in the same transaction as the change
/// that causes them (a transactional outbox).
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claim up to `limit` pending messages due at `now` that no one holds, holding each
    /// for `lease`: a worker that dies lets its claims run out and another takes them.
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>>;
    /// Record how an attempt ended (counting it), releasing the claim.
    async fn finish_outbox(
        &self,
        id: i64,
        outcome: OutboxOutcome,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Attach a photo fetched for a `fetch_media` message to its report and mark the
    /// message done, in one transaction; a message already done attaches nothing.
    async fn attach_fetched_photo(
        &self,
        id: i64,
        photo: NewPhoto,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Messages in `state` (any when `None`), newest first; `before` is the last id of the
    /// previous page.
    async fn outbox(
        &self,
        state: Option<OutboxState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>>;
    /// Put a dead message back in the queue, due now, with its attempts reset. `NotFound`
    /// when there is no such message; `Conflict` when it is not dead.
    async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;
}

/// The triage queue of reports from channels without a category or a place, and what the
/// classifier learnt from coordinators' decisions.
#[async_trait]
pub trait TriageStore: Send + Sync {
    /// A report's triage, or `None` when it was not triaged.
    async fn triage(&self, report: ReportId) -> StoreResult<Option<TriageRecord>>;
    /// Settle a report's triage: set its category, region and holding office if it is
    /// still at `expected_version` and waiting, mark the triage confirmed and add the
    /// decision's learning to the model, in one transaction. `Conflict` when the report
    /// changed or the triage is already settled.
    async fn confirm_triage(
        &self,
        report: ReportId,
        expected_version: i64,
        decision: TriageDecision,
    ) -> StoreResult<Report>;
    /// Every count the classifier has learnt: (category, token, count).
    async fn triage_model(&self) -> StoreResult<Vec<(aduan_domain::CategoryCode, String, u64)>>;
}

/// Figures computed from the data.
#[async_trait]
pub trait StatsStore: Send + Sync {
    /// The counts behind the published statistics: reports submitted in
    /// `[query.from, query.to)`, of `query.categories` only when that is not empty, with
    /// reports per bucket split at `query.boundaries`. One consistent snapshot.
    async fn stats_counts(&self, query: StatsQuery) -> StoreResult<StatsCounts>;
}

/// What an import of another system's history did.
/// A photo stored before photos left the database: its row and its bytes, to be cleaned
/// into a display image and a thumbnail in the photo store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoToMove {
    pub photo: i64,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOutcome {
    pub imported: u64,
    /// Reports skipped because their ticket is already stored (an earlier run).
    pub already_present: u64,
}

/// Reports imported from the system aduan replaces.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Store each report as it was (state, times, one `submit` timeline entry), all in one
    /// transaction; a report whose ticket is already stored is skipped, so running an
    /// import again changes nothing. Issued tickets among them move the day's ticket
    /// sequence past them.
    async fn import_reports(&self, reports: Vec<ImportedReport>) -> StoreResult<ImportOutcome>;
}

/// A schema migration a store has not had yet (`aduan migrate --check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMigration {
    pub version: i64,
    pub name: String,
}

/// Which identity key the store's sealed values and reporter keys were made with, known
/// by its fingerprint ([`identity::IdentityKey::fingerprint`]); the key itself is never
/// stored.
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Whether several instances may share this store (PostgreSQL): then no instance may
    /// create an identity key on its own, each must be given the one they share.
    fn is_shared(&self) -> bool;
    /// The recorded fingerprint, `None` before the first start.
    async fn identity_key_fingerprint(&self) -> StoreResult<Option<String>>;
    /// One sealed identity, if the store holds any (an account's first, else a report's
    /// reporter's): to check a key on a store made before fingerprints were recorded.
    async fn any_sealed_identity(&self) -> StoreResult<Option<SealedReporter>>;
    /// Record `fingerprint` unless one is recorded already (the first start), and return
    /// the one recorded: when it differs, nothing was written.
    async fn record_identity_key_fingerprint(
        &self,
        fingerprint: String,
        at: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// Re-seal every sealed value under the new key, give every reporter key its
    /// counterpart under it (see [`identity::KeyRotation`]) and record the new key's
    /// fingerprint, all in one transaction, reading a page of rows at a time. `Conflict`
    /// (and nothing changed) when the recorded fingerprint is not the old key's or any
    /// value does not open with the old key. Only with every instance stopped.
    async fn rotate_identity_key(
        &self,
        rotation: identity::KeyRotation,
        at: DateTime<Utc>,
    ) -> StoreResult<identity::RotationCounts>;
}

/// Everything a running aduan needs from storage.
pub trait Store:
    CatalogStore
    + AccountStore
    + ReportStore
    + ApiKeyStore
    + OutboxStore
    + TriageStore
    + StatsStore
    + ImportStore
    + MonitoringStore
    + KeyStore
    + PrivacyStore
    + TrackingStore
    + PushStore
    + SupportStore
{
}
impl<
    T: CatalogStore
        + AccountStore
        + ReportStore
        + ApiKeyStore
        + OutboxStore
        + TriageStore
        + StatsStore
        + ImportStore
        + MonitoringStore
        + KeyStore
        + PrivacyStore
        + TrackingStore
        + PushStore
        + SupportStore,
> Store for T
{
}
