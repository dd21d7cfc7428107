//! The records the store reads and writes besides the domain's own types.

use chrono::{DateTime, Utc};

use aduan_domain::search::SearchText;
use aduan_domain::{CategoryCode, Coordinates, RegionCode, ReportState, Role, UnitCode, UserId};

/// An account as the application sees it. Contact details are not part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    /// Staff only: a citizen's name is part of their sealed identity.
    pub display_name: Option<String>,
    pub role: Role,
    pub unit: Option<UnitCode>,
    /// May reveal a reporter's identity, with a reason, into the audit log.
    pub can_view_identity: bool,
    pub created_at: DateTime<Utc>,
    /// Disabled by an admin: cannot sign in, holds no session.
    pub disabled: bool,
    /// Holds a temporary password an admin set: must choose their own before anything else.
    pub must_change_password: bool,
}

/// A report's reporter's sealed identity, with what it was sealed for (see
/// [`crate::identity::Binding`]).
#[derive(Clone, PartialEq)]
pub struct SealedReporter {
    pub sealed: Vec<u8>,
    /// The account's username when the identity is the reporter's account's own.
    pub account: Option<String>,
    /// The report's reporter key otherwise.
    pub reporter_key: Option<String>,
}

impl SealedReporter {
    /// What the identity was sealed for, to open it with.
    pub fn binding(&self) -> crate::identity::Binding<'_> {
        match &self.account {
            Some(username) => crate::identity::Binding::Account(username),
            None => crate::identity::Binding::Reporter(self.reporter_key.as_deref()),
        }
    }
}

/// Never print the sealed identity.
impl std::fmt::Debug for SealedReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedReporter")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// An account to create; the password arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub unit: Option<UnitCode>,
    pub can_view_identity: bool,
    /// The person's identity, already sealed (see [`crate::identity::Sealer`]).
    pub sealed_identity: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

impl NewUser {
    /// The account as stored under `id`, created at `created_at` (at the precision the
    /// store keeps).
    pub(crate) fn stored(self, id: UserId, created_at: DateTime<Utc>) -> User {
        User {
            id,
            username: self.username,
            display_name: self.display_name,
            role: self.role,
            unit: self.unit,
            can_view_identity: self.can_view_identity,
            created_at,
            disabled: false,
            must_change_password: false,
        }
    }
}

/// One entry of the identity access log: a reveal of a reporter's identity, or another act
/// on identities (see [`crate::AuditAction`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityAccess {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `None`: aduan itself (the retention job).
    pub actor: Option<UserId>,
    pub actor_username: Option<String>,
    /// `None` for an entry about no single report.
    pub ticket: Option<aduan_domain::Ticket>,
    pub reason: String,
    pub action: crate::AuditAction,
    /// What the entry counts (e.g. the retention job's cutoff and how many it erased).
    pub detail: Option<String>,
}

/// An account with its password hash, only for signing in.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// A bearer-token session; only the SHA-256 of the token is stored.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: [u8; 32],
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// How long the session may go unused before it ends (`None`: only `expires_at` ends it).
    pub idle_timeout: Option<chrono::Duration>,
}

/// A session still in force, and when it was last used (recorded at most about once a
/// minute, see [`crate::AccountStore::touch_session`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveSession {
    pub user: User,
    pub last_seen_at: DateTime<Utc>,
}

/// Which reports a reader may list at all; filters narrow it further.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportScope {
    /// Jurisdiction-wide staff.
    All,
    /// Reports a unit holds.
    HeldBy(UnitCode),
    /// Reports in given states (a validator's queue).
    InStates(Vec<ReportState>),
    /// A citizen's own reports.
    ReportedBy(UserId),
    /// Reports an operator entered at a desk.
    EnteredBy(UserId),
    /// Reports their reporters made public: the public feed.
    Public,
}

/// The order a list of reports is read in. Every order ends on the id, newest first, so that
/// a cursor (the last row's sort key and id) says exactly where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ReportOrder {
    /// Newest first.
    #[default]
    Newest,
    /// The SLA clock's due instant, soonest (most overdue) first; reports whose clock has
    /// stopped (closed ones) last. The targets are each category's, as stored.
    SlaDue,
    /// Nearest to this point first (a flat approximation that orders a city's distances
    /// correctly); reports without a location last.
    Nearest(Coordinates),
}

impl ReportOrder {
    /// Whether pages in this order are cut by a sort key besides the id.
    pub fn is_keyed(self) -> bool {
        self != Self::Newest
    }
}

/// A page request over reports, newest first; `after` is the last id of the previous page.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportQuery {
    pub scope: ReportScope,
    pub state: Option<ReportState>,
    /// Any of these states (empty: any state); with `state`, both must hold.
    pub states: Vec<ReportState>,
    pub category: Option<CategoryCode>,
    pub unit: Option<UnitCode>,
    pub region: Option<RegionCode>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub after: Option<i64>,
    /// Reports to skip before the page starts (page-numbered clients such as Open311's
    /// `page`/`page_size`); 0 with cursors.
    pub offset: u32,
    pub limit: u32,
    /// Only reports in the triage queue: still waiting, triaged, and nobody confirmed yet.
    pub awaiting_triage: bool,
    /// Only reports whose description or address holds every word of this search (stemmed).
    /// It narrows the scope like any filter: a reader finds nothing the scope hides.
    pub text: Option<SearchText>,
    pub order: ReportOrder,
    /// With a keyed order and `after`: the sort key of the previous page's last report (as
    /// [`ReportPage::next_key`] gave it).
    pub after_key: Option<f64>,
}

impl ReportQuery {
    pub fn new(scope: ReportScope, limit: u32) -> Self {
        Self {
            scope,
            state: None,
            states: Vec::new(),
            category: None,
            unit: None,
            region: None,
            created_from: None,
            created_before: None,
            after: None,
            offset: 0,
            limit,
            awaiting_triage: false,
            text: None,
            order: ReportOrder::Newest,
            after_key: None,
        }
    }
}

/// One page of reports and where the next starts.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub reports: Vec<aduan_domain::report::Report>,
    /// The id to pass as `after` for the next page, when there is one.
    pub next_after: Option<i64>,
    /// With a keyed order, the sort key to pass as `after_key` with `next_after`.
    pub next_key: Option<f64>,
}

/// A third-party app's key (Open311); only the SHA-256 of the key is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What an outbox message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// Tell the reporter, on their channel, of a step of their report.
    Reply,
    /// Fetch a photo the report's channel holds and attach it to the report.
    FetchMedia,
    /// Tell the reporter's browsers of a step by Web Push (a citizen account that asked).
    Push,
}

impl OutboxKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::FetchMedia => "fetch_media",
            Self::Push => "push",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Reply, Self::FetchMedia, Self::Push]
            .into_iter()
            .find(|k| k.code() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting for its (next) attempt.
    Pending,
    /// Done.
    Sent,
    /// Gave up after the last attempt, or failed for good: waits for an admin to retry.
    Dead,
}

impl OutboxState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Dead]
            .into_iter()
            .find(|s| s.code() == raw)
    }
}

/// An outbox message claimed for delivery.
#[derive(Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub report: aduan_domain::ReportId,
    pub ticket: aduan_domain::Ticket,
    pub kind: OutboxKind,
    pub channel: aduan_domain::Channel,
    /// JSON: `{"action", "state", "note"}` for a reply, a `MediaFetch` for a photo.
    pub payload: String,
    /// Attempts before this one.
    pub attempts: u32,
    /// The reporter's sealed reply route (for replies).
    pub sealed_reply: Option<Vec<u8>>,
    /// The report's reporter key, the route's binding (see [`crate::identity::Binding`]).
    pub reporter_key: Option<String>,
}

/// Never print the sealed route.
impl std::fmt::Debug for OutboxItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxItem")
            .field("id", &self.id)
            .field("ticket", &self.ticket)
            .field("kind", &self.kind)
            .field("channel", &self.channel)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboxOutcome {
    Delivered,
    /// Try again at `at`; the error is kept for admins.
    RetryAt {
        at: DateTime<Utc>,
        error: String,
    },
    /// Give up: the message waits in the dead-letter list.
    Dead {
        error: String,
    },
}

/// How an attempt's outcome leaves its message.
pub(crate) struct Settlement<'a> {
    pub state: OutboxState,
    /// When to try again (a retry only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub error: Option<&'a str>,
    /// When it was done with: sent or dead.
    pub done_at: Option<DateTime<Utc>>,
}

impl OutboxOutcome {
    /// What this outcome, reached at `at`, makes of its message.
    pub(crate) fn settlement(&self, at: DateTime<Utc>) -> Settlement<'_> {
        let (state, next_attempt_at, error) = match self {
            Self::Delivered => (OutboxState::Sent, None, None),
            Self::RetryAt { at, error } => (OutboxState::Pending, Some(*at), Some(error.as_str())),
            Self::Dead { error } => (OutboxState::Dead, None, Some(error.as_str())),
        };
        Settlement {
            state,
            next_attempt_at,
            error,
            done_at: (state != OutboxState::Pending).then_some(at),
        }
    }
}

/// An outbox message as admins see it: no address, no text.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub id: i64,
    pub ticket: aduan_domain::Ticket,
    pub kind: OutboxKind,
    pub channel: aduan_domain::Channel,
    pub state: OutboxState,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
}

/// A report's triage: what was suggested, and whether a coordinator has settled it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageRecord {
    pub report: aduan_domain::ReportId,
    pub suggested_category: Option<aduan_domain::CategoryCode>,
    pub confidence: f32,
    pub suggested_region: Option<aduan_domain::RegionCode>,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A coordinator's decision on a triaged report.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageDecision {
    pub category: aduan_domain::CategoryCode,
    pub region: aduan_domain::RegionCode,
    /// The office that receives the report in its (possibly corrected) region.
    pub holding_unit: aduan_domain::UnitCode,
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// Counts the classifier learns from this decision: (category, token, count); token ""
    /// counts documents. Added in the same transaction.
    pub learning: Vec<(aduan_domain::CategoryCode, String, u64)>,
}
