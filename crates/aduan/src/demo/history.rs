//! The demo's synthetic year: reports shaped like Jakarta's over the 365 days up to now,
//! checked and stored by the same code as `aduan import` (so the statistics, the queues and
//! the public feed read them as they read any imported history), their reporters' made-up
//! keys hashed under the identity key like every channel's. No identity is stored for them.

use chrono::{DateTime, Utc};

use aduan_domain::import::{ImportContext, plan_import};
use aduan_store::ImportOutcome;
use aduan_web::AppState;

use crate::history::{refusal_lines, shown, store_plan};
use crate::stats_bench::synthetic::History;

/// The same demo every time.
const SEED: u64 = 2021;

/// Most reports the synthetic year may have (Jakarta's 2021 had 134,814).
pub const MAX_REPORTS: u32 = 150_000;

/// Generate and store about `count` reports up to `end`. Call before the sample reports:
/// the year's tickets of today come first, and the store numbers new ones after them.
pub async fn load(
    state: &AppState,
    count: u32,
    end: DateTime<Utc>,
) -> anyhow::Result<ImportOutcome> {
    anyhow::ensure!(
        count <= MAX_REPORTS,
        "a synthetic year has at most {MAX_REPORTS} reports"
    );
    if count == 0 {
        return Ok(ImportOutcome::default());
    }
    let started = std::time::Instant::now();
    let catalog = state.catalog();
    let jurisdiction = &catalog.jurisdiction;
    let text = History::new(jurisdiction, SEED)
        .until(end, count)
        .join("\n");
    // The places are named; no point needs locating.
    let no_point = |_| None;
    let reporter_key = |raw: &str| state.sealer.reporter_key("demo", raw);
    let plan = plan_import(
        &text,
        &ImportContext {
            jurisdiction,
            locate: &no_point,
            reporter_key: &reporter_key,
        },
    )
    .map_err(|errors| {
        anyhow::anyhow!(
            "the synthetic year does not fit the jurisdiction:\n{}",
            shown(&refusal_lines(&errors))
        )
    })?;
    anyhow::ensure!(
        plan.new_categories.is_empty(),
        "the synthetic year names categories the jurisdiction lacks"
    );
    let planned = started.elapsed();
    let outcome = store_plan(state.store.as_ref(), jurisdiction, plan).await?;
    tracing::info!(
        reports = outcome.imported,
        generated_and_checked_ms = planned.as_millis(),
        stored_ms = (started.elapsed() - planned).as_millis(),
        "loaded the demo's synthetic year"
    );
    Ok(outcome)
}
