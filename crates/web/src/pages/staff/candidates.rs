//! Reports a new one may repeat: open reports of the same category in the same kecamatan,
//! nearest first, for a coordinator marking a duplicate.

use aduan_domain::evidence::distance_metres;
use aduan_domain::report::Report;
use aduan_domain::scrub::public_text;
use aduan_domain::{Jurisdiction, RegionLevel, ReportState};
use aduan_store::{ReportQuery, ReportScope, StoreError};

use crate::pages::labels::local_time;
use crate::state::AppState;

/// How many open reports are looked at, and how many offered.
const LOOKED_AT: u32 = 100;
const OFFERED: usize = 8;
const EXCERPT_CHARS: usize = 140;

pub struct Candidate {
    pub ticket: String,
    pub created: String,
    pub region: String,
    pub metres: Option<u64>,
    pub excerpt: String,
}

/// Open reports of `report`'s category around it.
pub async fn nearby(
    state: &AppState,
    j: &Jurisdiction,
    report: &Report,
) -> Result<Vec<Candidate>, StoreError> {
    let area = match report.region.level() {
        RegionLevel::Kelurahan => report
            .region
            .parent()
            .unwrap_or_else(|| report.region.clone()),
        _ => report.region.clone(),
    };
    let mut query = ReportQuery::new(ReportScope::All, LOOKED_AT);
    query.category = Some(report.category.clone());
    query.region = Some(area);
    query.states = ReportState::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .collect();
    let page = state.store.list_reports(query).await?;
    let mut found: Vec<(Option<f64>, &Report)> = page
        .reports
        .iter()
        .filter(|r| r.id != report.id)
        .map(|r| {
            let metres = match (r.location, report.location) {
                (Some(a), Some(b)) => Some(distance_metres(a, b)),
                _ => None,
            };
            (metres, r)
        })
        .collect();
    // Nearest first; those without a point after, newest first (as listed).
    found.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(found
        .into_iter()
        .take(OFFERED)
        .map(|(metres, r)| Candidate {
            ticket: r.ticket.to_string(),
            created: local_time(j, r.created_at),
            region: j
                .region(&r.region)
                .map(|g| g.name.clone())
                .unwrap_or_default(),
            metres: metres.map(|m| m.round() as u64),
            // Another report, perhaps another unit's: personal data masked as for the public.
            excerpt: excerpt(&public_text(&r.description)),
        })
        .collect())
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}
