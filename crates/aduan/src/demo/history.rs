//! The demo's synthetic year: reports shaped like Jakarta's over the 365 days up to now,
//! checked and stored by the same code as `aduan import` (so the statistics, the queues and
//! the public feed read them as they read any imported history), about half of what was
//! taken on held by the unit responsible for it, their reporters' made-up keys hashed under
//! the identity key like every channel's. No identity is stored for them.

use chrono::{DateTime, Utc};

use aduan_domain::Jurisdiction;
use aduan_domain::import::{ImportContext, ImportedReport, plan_import};
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
    // The places are named; no point needs locating (each gets one in its kelurahan below).
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
    let mut plan = plan;
    for report in &mut plan.reports {
        hand_over(jurisdiction, report);
        // A spot in its kelurahan, so the queue maps and "Laporan serupa" have pins.
        report.location =
            catalog.point_within(&report.region, super::seed_of(report.ticket.as_str()));
    }
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

/// Who took a report on. The importer leaves every report with its first receiver; in the
/// city about half of what is taken on goes on to the unit responsible for its category
/// (the Suku Dinas of the kota, Satpol PP...), the rest the kelurahan handles itself (its
/// PPSU). Which half follows the ticket's last digit, so the demo is the same every time.
fn hand_over(j: &Jurisdiction, report: &mut ImportedReport) {
    // An ASCII digit's byte is odd exactly when the digit is.
    let odd = report
        .ticket
        .as_str()
        .bytes()
        .last()
        .is_some_and(|b| b % 2 == 1);
    if report.coordinated_at.is_none() || odd {
        return;
    }
    if let Some(unit) = j
        .category(&report.category)
        .and_then(|c| j.suggested_unit(c, &report.region))
    {
        report.holding_unit = unit.code.clone();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{DateTime, Utc};

    use aduan_domain::import::{ImportContext, plan_import};
    use aduan_domain::workflow::UnitDirectory as _;
    use aduan_domain::{Jurisdiction, ReportState};

    use super::hand_over;
    use crate::import::{JAKARTA_PACK, parse_pack};
    use crate::stats_bench::synthetic::History;

    #[test]
    fn about_half_of_what_was_taken_on_is_held_by_the_unit_responsible_for_it() {
        let j = Jurisdiction::stored(parse_pack(JAKARTA_PACK).unwrap()).unwrap();
        let end: DateTime<Utc> = "2026-12-05T06:30:00Z".parse().unwrap();
        let text = History::new(&j, 5).until(end, 2_000).join("\n");
        let (no_point, key) = (|_| None, |raw: &str| raw.to_owned());
        let mut plan = plan_import(
            &text,
            &ImportContext {
                jurisdiction: &j,
                locate: &no_point,
                reporter_key: &key,
            },
        )
        .unwrap();
        let (mut handed, mut taken) = (0, 0);
        for report in &mut plan.reports {
            hand_over(&j, report);
            let kept = report.holding_unit == report.first_receiver;
            if report.coordinated_at.is_none() {
                assert!(
                    kept,
                    "{}: not taken on, still at its first receiver",
                    report.ticket
                );
                continue;
            }
            taken += 1;
            if !kept {
                handed += 1;
                let unit = j.unit(&report.holding_unit).unwrap();
                assert!(
                    !unit.code.as_str().starts_with("kecamatan-"),
                    "{}",
                    unit.code
                );
            }
            if report.state == ReportState::InProgress {
                assert!(j.unit(&report.holding_unit).is_some());
            }
        }
        assert!(taken > 1_800, "{taken}");
        assert!(
            (taken * 2 / 5..=taken * 3 / 5).contains(&handed),
            "{handed} of {taken}"
        );
    }
}
