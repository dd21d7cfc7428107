//! The retention of reporters' identities: once a report has been closed (completed,
//! rejected, duplicate, referred) for longer than the retention period, who reported it and
//! how to answer them are erased, leaving the report anonymous and every statistic as it
//! was (the reporter key, a keyed hash that names no one without the identity key, stays
//! to count distinct reporters). `aduan serve` runs it at start and then daily.

use chrono::{DateTime, Months, Utc};

use aduan_store::{AuditAction, AuditNote, Store, StoreResult};

/// The retention period unless the operator sets another (`--identity-retention-months`).
pub const DEFAULT_MONTHS: u32 = 24;
/// The periods an operator may set, in months.
pub const MONTHS: std::ops::RangeInclusive<u32> = 1..=120;
/// Reports erased per transaction: a store with a million expired reports is never
/// locked for long.
const BATCH: u32 = 500;

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRun {
    /// Reports closed before this instant had their reporters' identities erased.
    pub closed_before: DateTime<Utc>,
    pub erased: u64,
}

/// The instant `months` before `now`: reports closed before it are past retention.
pub fn cutoff(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Erase the identities and reply routes of the reporters of every report closed before
/// `closed_before`, in batches, then, when it erased any, write one entry to the identity
/// access log (at `now`, by aduan itself) with the cutoff and how many. A run that finds
/// nothing to erase touches no identity and leaves the log alone (its log line says so).
pub async fn erase_expired_identities(
    store: &dyn Store,
    closed_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<RetentionRun> {
    let mut erased = 0;
    let mut after = None;
    loop {
        let batch = store.expired_reporters(closed_before, after, BATCH).await?;
        let Some(last) = batch.last().copied() else {
            break;
        };
        after = Some(last);
        erased += store.erase_reporters(batch, None).await?;
    }
    if erased == 0 {
        return Ok(RetentionRun {
            closed_before,
            erased,
        });
    }
    store
        .record_audit(
            AuditNote {
                at: now,
                actor: None,
                action: AuditAction::Retention,
                reason: "the retention period of reporters' identities has passed".to_owned(),
            },
            Some(format!(
                "closed before {}: {erased} reports erased",
                closed_before.to_rfc3339()
            )),
        )
        .await?;
    Ok(RetentionRun {
        closed_before,
        erased,
    })
}

/// How often the retention job runs while serving.
const EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Run [`erase_expired_identities`] for a retention of `months` at once and then daily,
/// until `stop` turns true. A failed run is logged and tried again the next day.
pub async fn erase_daily(
    state: crate::state::AppState,
    months: u32,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let now = Utc::now();
        match erase_expired_identities(state.store.as_ref(), cutoff(now, months), now).await {
            Ok(run) => {
                tracing::info!(
                    closed_before = %run.closed_before.to_rfc3339(),
                    erased = run.erased,
                    "erased the identities of reports closed past the retention period"
                );
                if let Some(metrics) = state.metrics() {
                    metrics.identities_erased(run.erased);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "the retention job failed; it runs again tomorrow")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
