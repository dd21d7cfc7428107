//! The gauges that need a store query (the outbox's backlog, reports past their SLA by
//! unit), read on a timer rather than at each scrape: however often Prometheus (or several
//! of them) scrapes, the store answers these twice every [`REFRESH_EVERY`]. Neither query
//! reads every report: the backlog walks the outbox's state index over pending and dead
//! rows, the SLA one the reports' state index over the open reports only.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use aduan_domain::SlaClock;
use aduan_store::StoreResult;

use super::{StateLabel, UnitLabel};
use crate::AppState;

/// How often the store's gauges are read.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// Read the store's gauges now (when metrics are on).
pub async fn refresh(state: &AppState) -> StoreResult<()> {
    let Some(metrics) = state.metrics() else {
        return Ok(());
    };
    let backlog = state.store.outbox_backlog().await?;
    for (label, count) in [("pending", backlog.pending), ("dead", backlog.dead)] {
        metrics
            .outbox_messages
            .get_or_create(&StateLabel { state: label })
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
    let open = state.store.open_reports().await?;
    let now = Utc::now();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    // Every unit of the catalog, so a unit that caught up reads 0 rather than vanishing.
    let mut past: BTreeMap<String, i64> = j.units().map(|u| (u.code.to_string(), 0)).collect();
    for report in open {
        let targets = j
            .category(&report.category)
            .map(|c| c.sla)
            .unwrap_or_default();
        let overdue = SlaClock::for_report(
            report.state,
            report.created_at,
            report.coordinated_at,
            targets,
            now,
        )
        .is_some_and(|clock| clock.overdue());
        if overdue {
            *past.entry(report.holding_unit.to_string()).or_default() += 1;
        }
    }
    for (unit, count) in past {
        metrics
            .past_sla
            .get_or_create(&UnitLabel { unit })
            .set(count);
    }
    metrics.refreshed_at.set(now.timestamp());
    Ok(())
}

/// Refresh the store's gauges at once, then every [`REFRESH_EVERY`] until `stop` turns true.
pub async fn refresh_continuously(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = refresh(&state).await {
            tracing::warn!(error = %e, "cannot read the outbox and SLA gauges from the store");
        }
        tokio::select! {
            () = tokio::time::sleep(REFRESH_EVERY) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
