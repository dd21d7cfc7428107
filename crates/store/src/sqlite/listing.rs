//! Listing reports: a scope, filters and a page, newest first.

use rusqlite::Connection;
use rusqlite::types::ToSql;

use aduan_domain::Visibility;

use super::reports::MAX_PAGE;
use super::rows::{self, REPORT_COLUMNS, REPORT_FROM, micros};
use super::search;
use crate::{ReportPage, ReportQuery, ReportScope, StoreError, StoreResult};

#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Box<dyn ToSql>>,
}

impl Filter {
    fn and(&mut self, condition: &str, values: Vec<Box<dyn ToSql>>) {
        let mut numbered = String::with_capacity(condition.len() + 4);
        for c in condition.chars() {
            if c == '?' {
                self.values.push(Box::new(rusqlite::types::Null));
                numbered.push_str(&format!("?{}", self.values.len()));
            } else {
                numbered.push(c);
            }
        }
        let first = self.values.len() - values.len();
        for (slot, value) in self.values[first..].iter_mut().zip(values) {
            *slot = value;
        }
        self.clauses.push(numbered);
    }
}

pub(super) fn list(conn: &Connection, q: &ReportQuery) -> StoreResult<ReportPage> {
    let mut f = Filter::default();
    match &q.scope {
        ReportScope::All => {}
        ReportScope::HeldBy(unit) => f.and("r.holding_unit = ?", vec![Box::new(unit.to_string())]),
        ReportScope::ReportedBy(user) => f.and("rr.user_id = ?", vec![Box::new(user.0)]),
        ReportScope::EnteredBy(user) => f.and("rr.entered_by = ?", vec![Box::new(user.0)]),
        ReportScope::Public => f.and(
            "r.visibility = ?",
            vec![Box::new(Visibility::Public.code())],
        ),
        ReportScope::InStates(states) => {
            let marks = vec!["?"; states.len()].join(", ");
            let values = states
                .iter()
                .map(|s| Box::new(s.code()) as Box<dyn ToSql>)
                .collect();
            f.and(&format!("r.state IN ({marks})"), values);
        }
    }
    if let Some(state) = q.state {
        f.and("r.state = ?", vec![Box::new(state.code())]);
    }
    if !q.states.is_empty() {
        let marks = vec!["?"; q.states.len()].join(", ");
        let values = q
            .states
            .iter()
            .map(|s| Box::new(s.code()) as Box<dyn ToSql>)
            .collect();
        f.and(&format!("r.state IN ({marks})"), values);
    }
    if q.awaiting_triage {
        f.and(
            // Only a waiting report can still be triaged: one a coordinator has already
            // forwarded or rejected has left the queue, confirmed or not.
            "r.state = 'waiting' AND r.id IN (SELECT report_id FROM triage WHERE confirmed_at IS NULL)",
            vec![],
        );
    }
    if let Some(category) = &q.category {
        f.and("r.category = ?", vec![Box::new(category.to_string())]);
    }
    if let Some(unit) = &q.unit {
        f.and("r.holding_unit = ?", vec![Box::new(unit.to_string())]);
    }
    if let Some(region) = &q.region {
        f.and(
            "(r.region = ? OR r.region LIKE ?)",
            vec![
                Box::new(region.to_string()),
                Box::new(format!("{region}.%")),
            ],
        );
    }
    if let Some(from) = q.created_from {
        f.and("r.created_at >= ?", vec![Box::new(micros(from))]);
    }
    if let Some(before) = q.created_before {
        f.and("r.created_at < ?", vec![Box::new(micros(before))]);
    }
    if let Some(text) = &q.text {
        // The public finds a report only by what the feed shows of it.
        let searched = match q.scope {
            ReportScope::Public => search::Searched::Public,
            _ => search::Searched::Full,
        };
        f.and(
            search::CONDITION,
            vec![Box::new(search::match_expression(text, searched))],
        );
    }
    if let Some(after) = q.after {
        f.and("r.id < ?", vec![Box::new(after)]);
    }
    let (clauses, values) = (f.clauses, f.values);
    let limit = q.limit.clamp(1, MAX_PAGE);
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} {filter} ORDER BY r.id DESC LIMIT {} OFFSET {}",
        limit + 1,
        q.offset
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::other)?;
    let params: Vec<&dyn ToSql> = values.iter().map(|v| v.as_ref()).collect();
    let mut found = stmt.query(params.as_slice()).map_err(StoreError::other)?;
    let mut reports = Vec::new();
    while let Some(row) = found.next().map_err(StoreError::other)? {
        reports.push(rows::report(row)?);
    }
    let next_after = if reports.len() > limit as usize {
        reports.truncate(limit as usize);
        reports.last().map(|r| r.id.0)
    } else {
        None
    };
    Ok(ReportPage {
        reports,
        next_after,
    })
}
