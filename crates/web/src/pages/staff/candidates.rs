//! Reports a new one may repeat: open reports of the same category in the same kecamatan,
//! nearest first, for a coordinator marking a duplicate. Only reports the reader may read
//! are offered, found in the same scope as their queue: an excerpt is no way round it.

use aduan_domain::evidence::distance_metres;
use aduan_domain::report::Report;
use aduan_domain::{Actor, Jurisdiction, RegionLevel, ReportState, access};
use aduan_store::{ReportQuery, StoreError};

use crate::app::reading::scope_for;
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

/// Open reports of `report`'s category around it that `reader` may read.
pub async fn nearby(
    state: &AppState,
    j: &Jurisdiction,
    report: &Report,
    reader: &Actor,
) -> Result<Vec<Candidate>, StoreError> {
    // A reader with no scope (an officer without a unit) is offered nothing.
    let Ok(scope) = scope_for(reader) else {
        return Ok(Vec::new());
    };
    let area = match report.region.level() {
        RegionLevel::Kelurahan => report
            .region
            .parent()
            .unwrap_or_else(|| report.region.clone()),
        _ => report.region.clone(),
    };
    let mut query = ReportQuery::new(scope, LOOKED_AT);
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
        .filter(|r| r.id != report.id && access::may_read(r, Some(reader)))
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
            // Another report: its reporter's identity and personal data masked.
            excerpt: excerpt(&r.description_for_others()),
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
