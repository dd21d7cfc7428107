//! Personal-data duties (UU 27/2022): erasing reporters' identities once their reports have
//! long been closed, a citizen erasing their own account, and an admin answering a data
//! subject's request. Every such act is written to the identity access log with its reason.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::report::Report;
use aduan_domain::{ReportId, UserId};

use crate::{SealedReporter, StoreResult};

/// What an entry of the identity access log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A reporter's identity was revealed for one report.
    Reveal,
    /// An admin searched a data subject's reports (their identities opened for the matches).
    SubjectSearch,
    /// An admin exported a data subject's reports with their identities.
    SubjectExport,
    /// An admin erased a data subject's identities and reply routes.
    SubjectErase,
    /// A citizen erased their own account.
    AccountErase,
    /// The retention job erased the identities of reports closed long ago.
    Retention,
}

impl AuditAction {
    pub const ALL: [AuditAction; 6] = [
        Self::Reveal,
        Self::SubjectSearch,
        Self::SubjectExport,
        Self::SubjectErase,
        Self::AccountErase,
        Self::Retention,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Reveal => "reveal",
            Self::SubjectSearch => "subject_search",
            Self::SubjectExport => "subject_export",
            Self::SubjectErase => "subject_erase",
            Self::AccountErase => "account_erase",
            Self::Retention => "retention",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == raw)
    }
}

/// Who did what to identities, when and why: written with the act, in its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditNote {
    pub at: DateTime<Utc>,
    /// `None`: aduan itself (the retention job).
    pub actor: Option<UserId>,
    pub action: AuditAction,
    pub reason: String,
}

/// A report whose reporter key matched a data subject's request, with the reporter's
/// sealed identity when one is left.
#[derive(Debug, Clone, PartialEq)]
pub struct ReporterMatch {
    pub report: Report,
    pub sealed: Option<SealedReporter>,
}

/// The most reports one data-subject request finds, exports or erases.
pub const MAX_SUBJECT_REPORTS: u32 = 1000;

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Reports in a final state (completed, rejected, duplicate, referred) not changed since
    /// before `closed_before` whose reporter row still holds a sealed identity or reply
    /// route, with ids above `after`, in id order, at most `limit` (1-10000).
    async fn expired_reporters(
        &self,
        closed_before: DateTime<Utc>,
        after: Option<ReportId>,
        limit: u32,
    ) -> StoreResult<Vec<ReportId>>;
    /// Erase the sealed identity and the reply route of these reports' reporters and drop
    /// the replies still waiting to be sent to them, in one transaction; the reporter key
    /// (the statistics count distinct reporters by it) and an account's link stay. With a
    /// note, one log entry per report erased is written in that transaction. The number
    /// of reports that held something to erase.
    async fn erase_reporters(
        &self,
        reports: Vec<ReportId>,
        note: Option<AuditNote>,
    ) -> StoreResult<u64>;
    /// The reports (at most `limit`, oldest first) whose reporter key is one of `keys`,
    /// with the reporters' sealed identities; one log entry per report found (one without
    /// a report when none is) is written in the same transaction.
    async fn find_reporters(
        &self,
        keys: Vec<String>,
        limit: u32,
        note: AuditNote,
    ) -> StoreResult<Vec<ReporterMatch>>;
    /// Write one entry to the identity access log about no single report.
    async fn record_audit(&self, note: AuditNote, detail: Option<String>) -> StoreResult<()>;
    /// Erase a citizen's account in one transaction: its identity, password and sessions
    /// go, it is renamed `tombstone` and disabled for good; its reports stay, no longer
    /// linked to it (their reporter keys stay for the statistics), without reply routes or
    /// waiting replies; a log entry (action `account_erase`) records it. The number of
    /// reports unlinked. `NotFound` when there is no such citizen account.
    async fn erase_account(
        &self,
        user: UserId,
        tombstone: String,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
