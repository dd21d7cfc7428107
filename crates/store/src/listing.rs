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
use crate::{ReportOrder, ReportPage, ReportQuery, ReportScope};

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
    Real(f64),
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
    match (q.after, sort_key(&q.order), q.after_key) {
        (Some(after), Some(key), Some(after_key)) => f.and(
            dialect,
            &format!("({key} > ? OR ({key} = ? AND r.id < ?))"),
            vec![
                Value::Real(after_key),
                Value::Real(after_key),
                Value::Number(after),
            ],
        ),
        (Some(after), _, _) => f.and(dialect, "r.id < ?", vec![Value::Number(after)]),
        (None, _, _) => {}
    }
    f
}

/// The sort key of a keyed order, as one SQL expression over `r` (the report) and `c` (its
/// category), the same in both dialects: a DOUBLE PRECISION (SQLite reads the name as
/// REAL) that is never NULL, [`LAST`] for the reports that sort last.
fn sort_key(order: &ReportOrder) -> Option<String> {
    let real = |e: &str| format!("CAST({e} AS DOUBLE PRECISION)");
    match order {
        ReportOrder::Newest => None,
        ReportOrder::SlaDue => {
            // What `SlaClock::for_report` computes, from the same rules.
            let codes = |keep: fn(ReportState) -> bool| {
                ReportState::ALL
                    .into_iter()
                    .filter(|s| keep(*s))
                    .map(|s| format!("'{}'", s.code()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let targets = aduan_domain::category::SlaTargets::default();
            let hours = format!(
                "CASE WHEN r.coordinated_at IS NOT NULL OR r.state IN ({coordinated}) \
                 THEN COALESCE(c.completion_hours, {completion}) \
                 ELSE COALESCE(c.coordination_hours, {coordination}) END",
                coordinated = codes(ReportState::counts_as_coordinated),
                completion = targets.completion_hours,
                coordination = targets.coordination_hours,
            );
            Some(format!(
                "(CASE WHEN r.state IN ({closed}) THEN {last} \
                 ELSE {due} END)",
                closed = codes(ReportState::is_terminal),
                last = real(LAST),
                due = real(&format!("r.created_at + 3600000000 * ({hours})")),
            ))
        }
        ReportOrder::Nearest(at) => {
            // Degrees of longitude shrink with the cosine of the latitude; squared
            // distances in that flat picture order a city's points as the sphere does.
            let shrink = at.lat.to_radians().cos().powi(2);
            Some(format!(
                "(CASE WHEN r.lat IS NULL OR r.lon IS NULL THEN {last} \
                 ELSE (r.lat - {lat}) * (r.lat - {lat}) \
                 + (r.lon - {lon}) * (r.lon - {lon}) * {shrink} END)",
                last = real(LAST),
                lat = real(&at.lat.to_string()),
                lon = real(&at.lon.to_string()),
                shrink = real(&shrink.to_string()),
            ))
        }
    }
}

/// The sort key of the reports a keyed order puts last.
const LAST: &str = "1e18";

/// How many reports a page of `q` holds.
pub fn page_limit(q: &ReportQuery) -> u32 {
    q.limit.clamp(1, MAX_PAGE)
}

/// The column after [`crate::values::REPORT_COLUMNS`] that holds a keyed order's sort key.
pub const SORT_KEY_COLUMN: usize = 24;

/// The SELECT of one page of `q`, in its order: one report more than the page holds, to
/// tell whether another page follows. A keyed order adds its sort key as the last column.
pub fn page_sql(q: &ReportQuery, filter: &Filter) -> String {
    let (key_column, join, order) = match sort_key(&q.order) {
        None => (String::new(), "", "r.id DESC".to_owned()),
        Some(key) => (
            format!(", {key}"),
            " LEFT JOIN categories c ON c.code = r.category",
            format!("{key} ASC, r.id DESC"),
        ),
    };
    format!(
        "SELECT {columns}{key_column} FROM {from}{join} {filter} ORDER BY {order} \
         LIMIT {limit} OFFSET {offset}",
        columns = crate::values::REPORT_COLUMNS,
        from = crate::values::REPORT_FROM,
        filter = filter.where_clause(),
        limit = page_limit(q) + 1,
        offset = q.offset,
    )
}

/// The page of `q` from the rows [`page_sql`] read, each with its sort key (None unless the
/// order is keyed).
pub fn page(q: &ReportQuery, mut rows: Vec<(Report, Option<f64>)>) -> ReportPage {
    let limit = page_limit(q) as usize;
    let (next_after, next_key) = if rows.len() > limit {
        rows.truncate(limit);
        rows.last()
            .map_or((None, None), |(r, key)| (Some(r.id.0), *key))
    } else {
        (None, None)
    };
    ReportPage {
        reports: rows.into_iter().map(|(r, _)| r).collect(),
        next_after,
        next_key,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
