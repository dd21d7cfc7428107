//! Listing reports in PostgreSQL: a scope, filters and a page, newest first.

use sqlx::PgConnection;

use aduan_domain::{ReportState, Visibility};

use super::reports::MAX_PAGE;
use super::rows::{self, REPORT_COLUMNS, REPORT_FROM, micros};
use super::{db_error, search};
use crate::{ReportPage, ReportQuery, ReportScope, StoreResult};

/// A value bound to a `$n` placeholder.
enum Value {
    Text(String),
    Number(i64),
    Texts(Vec<String>),
}

/// A WHERE clause under construction: each `?` in a condition becomes the next `$n` and
/// binds the next value.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    fn and(&mut self, condition: &str, values: Vec<Value>) {
        let mut numbered = String::with_capacity(condition.len() + 4);
        let mut next = self.values.len();
        for c in condition.chars() {
            if c == '?' {
                next += 1;
                numbered.push_str(&format!("${next}"));
            } else {
                numbered.push(c);
            }
        }
        debug_assert_eq!(next - self.values.len(), values.len());
        self.values.extend(values);
        self.clauses.push(numbered);
    }

    /// The state is one of `states` (none when empty, as SQL's `IN ()` would say).
    fn in_states(&mut self, states: &[ReportState]) {
        let codes = states.iter().map(|s| s.code().to_owned()).collect();
        self.and("r.state = ANY(?)", vec![Value::Texts(codes)]);
    }
}

fn filter(q: &ReportQuery) -> Filter {
    let mut f = Filter::default();
    match &q.scope {
        ReportScope::All => {}
        ReportScope::HeldBy(unit) => {
            f.and("r.holding_unit = ?", vec![Value::Text(unit.to_string())])
        }
        ReportScope::ReportedBy(user) => f.and("rr.user_id = ?", vec![Value::Number(user.0)]),
        ReportScope::EnteredBy(user) => f.and("rr.entered_by = ?", vec![Value::Number(user.0)]),
        ReportScope::Public => f.and(
            "r.visibility = ?",
            vec![Value::Text(Visibility::Public.code().to_owned())],
        ),
        ReportScope::InStates(states) => f.in_states(states),
    }
    if let Some(state) = q.state {
        f.and("r.state = ?", vec![Value::Text(state.code().to_owned())]);
    }
    if !q.states.is_empty() {
        f.in_states(&q.states);
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
        f.and("r.category = ?", vec![Value::Text(category.to_string())]);
    }
    if let Some(unit) = &q.unit {
        f.and("r.holding_unit = ?", vec![Value::Text(unit.to_string())]);
    }
    if let Some(region) = &q.region {
        f.and(
            "(r.region = ? OR r.region LIKE ?)",
            vec![
                Value::Text(region.to_string()),
                Value::Text(format!("{region}.%")),
            ],
        );
    }
    if let Some(from) = q.created_from {
        f.and("r.created_at >= ?", vec![Value::Number(micros(from))]);
    }
    if let Some(before) = q.created_before {
        f.and("r.created_at < ?", vec![Value::Number(micros(before))]);
    }
    if let Some(text) = &q.text {
        f.and(
            &search::text_condition(&q.scope, "?"),
            vec![Value::Text(search::text_value(text).to_owned())],
        );
    }
    if let Some(after) = q.after {
        f.and("r.id < ?", vec![Value::Number(after)]);
    }
    f
}

/// One page of the reports `q` selects, newest first.
pub(super) async fn list(conn: &mut PgConnection, q: &ReportQuery) -> StoreResult<ReportPage> {
    let Filter { clauses, values } = filter(q);
    let limit = q.limit.clamp(1, MAX_PAGE);
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} {condition} ORDER BY r.id DESC LIMIT {} OFFSET {}",
        limit + 1,
        q.offset
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = match value {
            Value::Text(text) => query.bind(text),
            Value::Number(number) => query.bind(number),
            Value::Texts(texts) => query.bind(texts),
        };
    }
    let found = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    let mut reports = found
        .iter()
        .map(rows::report)
        .collect::<StoreResult<Vec<_>>>()?;
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
