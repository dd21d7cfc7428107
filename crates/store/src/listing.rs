//! Listing reports, for both stores: what a [`ReportQuery`] selects, as one WHERE clause and
//! the values it binds, written once and spelled in each store's SQL dialect; and the page
//! it reads.
//!
//! The dialects differ in three places only: placeholders (`?1` in SQLite, `$1` in
//! PostgreSQL), a list of states (an `IN (…)` of one value each in SQLite, one array bound
//! to `= ANY(…)` in PostgreSQL, which has no empty `IN ()`), and a text search (each store's
//! own full-text index; [`search`] says how a list asks it).

pub mod search;

use aduan_domain::report::Report;
use aduan_domain::{ReportState, Visibility};

use crate::values::micros;
use crate::{ReportPage, ReportQuery, ReportScope};

/// Most reports one page may hold.
pub const MAX_PAGE: u32 = 200;

/// The SQL a store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(i64),
    /// A PostgreSQL text array; SQLite is never given one.
    Texts(Vec<String>),
}

/// A WHERE clause and the values of its placeholders, in order.
#[derive(Debug, Default, PartialEq)]
pub struct Filter {
    clauses: Vec<String>,
    pub values: Vec<Value>,
}

impl Filter {
    /// `WHERE` and every condition joined by `AND`; empty when nothing narrows.
    pub fn where_clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Add `condition`, each `?` in it becoming the dialect's next placeholder, bound to the
    /// next of `values`.
    fn and(&mut self, dialect: Dialect, condition: &str, values: Vec<Value>) {
        let mut numbered = String::with_capacity(condition.len() + 4);
        let mut next = self.values.len();
        for c in condition.chars() {
            if c == '?' {
                next += 1;
                numbered.push_str(&match dialect {
                    Dialect::Sqlite => format!("?{next}"),
                    Dialect::Postgres => format!("${next}"),
                });
            } else {
                numbered.push(c);
            }
        }
        debug_assert_eq!(next - self.values.len(), values.len());
        self.values.extend(values);
        self.clauses.push(numbered);
    }

    /// The state is one of `states` (none when empty).
    fn in_states(&mut self, dialect: Dialect, states: &[ReportState]) {
        let codes = states.iter().map(|s| s.code().to_owned());
        match dialect {
            Dialect::Sqlite => {
                let marks = vec!["?"; states.len()].join(", ");
                let values = codes.map(Value::Text).collect();
                self.and(dialect, &format!("r.state IN ({marks})"), values);
            }
            Dialect::Postgres => {
                self.and(
                    dialect,
                    "r.state = ANY(?)",
                    vec![Value::Texts(codes.collect())],
                );
            }
        }
    }
}

/// What `q` selects, in `dialect`.
pub fn filter(q: &ReportQuery, dialect: Dialect) -> Filter {
    let mut f = Filter::default();
    let text = |value: String| vec![Value::Text(value)];
    match &q.scope {
        ReportScope::All => {}
        ReportScope::HeldBy(unit) => f.and(dialect, "r.holding_unit = ?", text(unit.to_string())),
        ReportScope::ReportedBy(user) => {
            f.and(dialect, "rr.user_id = ?", vec![Value::Number(user.0)])
        }
        ReportScope::EnteredBy(user) => {
            f.and(dialect, "rr.entered_by = ?", vec![Value::Number(user.0)])
        }
        ReportScope::Public => f.and(
            dialect,
            "r.visibility = ?",
            text(Visibility::Public.code().to_owned()),
        ),
        ReportScope::InStates(states) => f.in_states(dialect, states),
    }
    if let Some(state) = q.state {
        f.and(dialect, "r.state = ?", text(state.code().to_owned()));
    }
    if !q.states.is_empty() {
        f.in_states(dialect, &q.states);
    }
    if q.awaiting_triage {
        f.and(
            dialect,
            // Only a waiting report can still be triaged: one a coordinator has already
            // forwarded or rejected has left the queue, confirmed or not.
            "r.state = 'waiting' AND r.id IN (SELECT report_id FROM triage WHERE confirmed_at IS NULL)",
            vec![],
        );
    }
    if let Some(category) = &q.category {
        f.and(dialect, "r.category = ?", text(category.to_string()));
    }
    if let Some(unit) = &q.unit {
        f.and(dialect, "r.holding_unit = ?", text(unit.to_string()));
    }
    if let Some(region) = &q.region {
        f.and(
            dialect,
            "(r.region = ? OR r.region LIKE ?)",
            vec![
                Value::Text(region.to_string()),
                Value::Text(format!("{region}.%")),
            ],
        );
    }
    if let Some(from) = q.created_from {
        f.and(
            dialect,
            "r.created_at >= ?",
            vec![Value::Number(micros(from))],
        );
    }
    if let Some(before) = q.created_before {
        f.and(
            dialect,
            "r.created_at < ?",
            vec![Value::Number(micros(before))],
        );
    }
    if let Some(searched) = &q.text {
        // The public finds a report only by what the feed shows of it.
        let condition = search::text_condition(dialect, &q.scope);
        let value = search::text_value(dialect, &q.scope, searched);
        f.and(dialect, &condition, vec![Value::Text(value)]);
    }
    if let Some(after) = q.after {
        f.and(dialect, "r.id < ?", vec![Value::Number(after)]);
    }
    f
}

/// How many reports a page of `q` holds.
pub fn page_limit(q: &ReportQuery) -> u32 {
    q.limit.clamp(1, MAX_PAGE)
}

/// The SELECT of one page of `q`, newest first: one report more than the page holds, to tell
/// whether another page follows.
pub fn page_sql(q: &ReportQuery, filter: &Filter) -> String {
    format!(
        "SELECT {columns} FROM {from} {filter} ORDER BY r.id DESC LIMIT {limit} OFFSET {offset}",
        columns = crate::values::REPORT_COLUMNS,
        from = crate::values::REPORT_FROM,
        filter = filter.where_clause(),
        limit = page_limit(q) + 1,
        offset = q.offset,
    )
}

/// The page of `q` from the rows [`page_sql`] read.
pub fn page(q: &ReportQuery, mut reports: Vec<Report>) -> ReportPage {
    let limit = page_limit(q) as usize;
    let next_after = if reports.len() > limit {
        reports.truncate(limit);
        reports.last().map(|r| r.id.0)
    } else {
        None
    };
    ReportPage {
        reports,
        next_after,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
