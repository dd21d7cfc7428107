//! The WHERE clause a query becomes, in each dialect.

use aduan_domain::search::SearchText;
use aduan_domain::{CategoryCode, RegionCode, UnitCode, UserId};
use chrono::{TimeZone, Utc};

use super::*;
use crate::ReportOrder;

fn every_filter(scope: ReportScope) -> ReportQuery {
    let mut q = ReportQuery::new(scope, 20);
    q.state = Some(ReportState::InProgress);
    q.states = vec![ReportState::Waiting, ReportState::Coordination];
    q.awaiting_triage = true;
    q.category = Some(CategoryCode::parse("jalan-rusak").unwrap());
    q.unit = Some(UnitCode::parse("kel-gambir").unwrap());
    q.region = Some(RegionCode::parse("31.71").unwrap());
    q.created_from = Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    q.created_before = Some(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap());
    q.text = Some(SearchText::parse("jalan rusak").unwrap());
    q.after = Some(99);
    q
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

const JAN: i64 = 1_767_225_600_000_000;
const FEB: i64 = 1_769_904_000_000_000;

#[test]
fn sqlite_numbers_its_placeholders_and_lists_states_one_by_one() {
    let f = filter(
        &every_filter(ReportScope::HeldBy(UnitCode::parse("kec-gambir").unwrap())),
        Dialect::Sqlite,
    );
    assert_eq!(
        f.where_clause(),
        "WHERE r.holding_unit = ?1 AND r.state = ?2 AND r.state IN (?3, ?4) \
         AND r.state = 'waiting' AND r.id IN (SELECT report_id FROM triage WHERE confirmed_at IS NULL) \
         AND r.category = ?5 AND r.holding_unit = ?6 AND (r.region = ?7 OR r.region LIKE ?8) \
         AND r.created_at >= ?9 AND r.created_at < ?10 \
         AND r.id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?11) AND r.id < ?12"
    );
    assert_eq!(
        f.values,
        vec![
            text("kec-gambir"),
            text("in_progress"),
            text("waiting"),
            text("coordination"),
            text("jalan-rusak"),
            text("kel-gambir"),
            text("31.71"),
            text("31.71.%"),
            Value::Number(JAN),
            Value::Number(FEB),
            text(r#"terms : "jalan" AND terms : "rusak""#),
            Value::Number(99),
        ]
    );
}

#[test]
fn postgres_numbers_its_placeholders_and_binds_states_as_one_array() {
    let f = filter(
        &every_filter(ReportScope::HeldBy(UnitCode::parse("kec-gambir").unwrap())),
        Dialect::Postgres,
    );
    assert_eq!(
        f.where_clause(),
        "WHERE r.holding_unit = $1 AND r.state = $2 AND r.state = ANY($3) \
         AND r.state = 'waiting' AND r.id IN (SELECT report_id FROM triage WHERE confirmed_at IS NULL) \
         AND r.category = $4 AND r.holding_unit = $5 AND (r.region = $6 OR r.region LIKE $7) \
         AND r.created_at >= $8 AND r.created_at < $9 \
         AND r.search @@ plainto_tsquery('indonesian', $10) AND r.id < $11"
    );
    assert_eq!(
        f.values,
        vec![
            text("kec-gambir"),
            text("in_progress"),
            Value::Texts(vec!["waiting".into(), "coordination".into()]),
            text("jalan-rusak"),
            text("kel-gambir"),
            text("31.71"),
            text("31.71.%"),
            Value::Number(JAN),
            Value::Number(FEB),
            text("jalan rusak"),
            Value::Number(99),
        ]
    );
}

#[test]
fn the_public_searches_only_what_the_feed_shows_in_both_dialects() {
    let mut q = ReportQuery::new(ReportScope::Public, 20);
    q.text = Some(SearchText::parse("lampu").unwrap());
    let sqlite = filter(&q, Dialect::Sqlite);
    assert_eq!(
        sqlite.where_clause(),
        "WHERE r.visibility = ?1 AND r.id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?2)"
    );
    assert_eq!(
        sqlite.values,
        vec![text("public"), text(r#"public_terms : "lampu""#)]
    );
    let postgres = filter(&q, Dialect::Postgres);
    assert_eq!(
        postgres.where_clause(),
        "WHERE r.visibility = $1 AND r.public_search @@ plainto_tsquery('indonesian', $2)"
    );
    assert_eq!(postgres.values, vec![text("public"), text("lampu")]);
}

/// Apart from states and search, the dialects say the same thing but for the placeholder.
#[test]
fn without_states_or_search_the_dialects_differ_only_in_placeholders() {
    let scopes = [
        ReportScope::All,
        ReportScope::HeldBy(UnitCode::parse("kel-gambir").unwrap()),
        ReportScope::ReportedBy(UserId(4)),
        ReportScope::EnteredBy(UserId(5)),
        ReportScope::Public,
    ];
    for scope in scopes {
        let mut q = every_filter(scope);
        q.states.clear();
        q.text = None;
        let sqlite = filter(&q, Dialect::Sqlite);
        let postgres = filter(&q, Dialect::Postgres);
        assert_eq!(
            sqlite.where_clause().replace('?', "$"),
            postgres.where_clause()
        );
        assert_eq!(sqlite.values, postgres.values);
    }
}

#[test]
fn a_scope_of_states_lists_them_in_each_dialect() {
    let q = ReportQuery::new(
        ReportScope::InStates(vec![ReportState::AwaitingValidation]),
        20,
    );
    let sqlite = filter(&q, Dialect::Sqlite);
    assert_eq!(sqlite.where_clause(), "WHERE r.state IN (?1)");
    assert_eq!(sqlite.values, vec![text("awaiting_validation")]);
    let postgres = filter(&q, Dialect::Postgres);
    assert_eq!(postgres.where_clause(), "WHERE r.state = ANY($1)");
    assert_eq!(
        postgres.values,
        vec![Value::Texts(vec!["awaiting_validation".into()])]
    );
}

#[test]
fn nothing_to_narrow_is_no_where_clause() {
    let q = ReportQuery::new(ReportScope::All, 20);
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        let f = filter(&q, dialect);
        assert_eq!(f.where_clause(), "");
        assert!(f.values.is_empty());
    }
}

#[test]
fn a_page_reads_one_more_report_than_it_holds_and_no_more_than_the_most() {
    let mut q = ReportQuery::new(ReportScope::All, 20);
    q.offset = 40;
    let sql = page_sql(&q, &filter(&q, Dialect::Sqlite));
    assert!(
        sql.ends_with(" ORDER BY r.id DESC LIMIT 21 OFFSET 40"),
        "{sql}"
    );
    q.limit = 10_000;
    assert!(page_sql(&q, &Filter::default()).contains(&format!("LIMIT {}", MAX_PAGE + 1)));
    q.limit = 0;
    assert!(page_sql(&q, &Filter::default()).contains("LIMIT 2 "));
}

#[test]
fn a_keyed_order_selects_its_key_orders_by_it_and_cuts_after_the_cursor() {
    let mut q = ReportQuery::new(ReportScope::All, 20);
    q.order = ReportOrder::SlaDue;
    q.after = Some(7);
    q.after_key = Some(1.5e15);
    for (dialect, marks) in [
        (Dialect::Sqlite, ["?1", "?2", "?3"]),
        (Dialect::Postgres, ["$1", "$2", "$3"]),
    ] {
        let f = filter(&q, dialect);
        let key = sort_key(&q.order).unwrap();
        assert_eq!(
            f.where_clause(),
            format!(
                "WHERE ({key} > {} OR ({key} = {} AND r.id < {}))",
                marks[0], marks[1], marks[2]
            )
        );
        assert_eq!(
            f.values,
            vec![Value::Real(1.5e15), Value::Real(1.5e15), Value::Number(7)]
        );
        let sql = page_sql(&q, &f);
        assert!(sql.contains(&format!(", {key} FROM ")), "{sql}");
        assert!(
            sql.contains("LEFT JOIN categories c ON c.code = r.category"),
            "{sql}"
        );
        assert!(
            sql.contains(&format!("ORDER BY {key} ASC, r.id DESC")),
            "{sql}"
        );
    }
    // The SLA rules come from the domain: closed states last, coordinated ones by the
    // completion target.
    let key = sort_key(&ReportOrder::SlaDue).unwrap();
    assert!(
        key.contains("r.state IN ('completed', 'rejected', 'duplicate', 'referred')"),
        "{key}"
    );
    assert!(
        key.contains("r.state IN ('in_progress', 'scheduled')"),
        "{key}"
    );
    // Without a key the cursor is the id alone, newest first.
    q.after_key = None;
    q.order = ReportOrder::Newest;
    assert_eq!(
        filter(&q, Dialect::Sqlite).where_clause(),
        "WHERE r.id < ?1"
    );
    assert!(!page_sql(&q, &Filter::default()).contains("categories"));
}

#[test]
fn the_nearest_order_writes_its_point_as_numbers_only() {
    let at = aduan_domain::Coordinates::parse(-6.2297, 106.8532).unwrap();
    let key = sort_key(&ReportOrder::Nearest(at)).unwrap();
    assert!(key.contains("CAST(-6.2297 AS DOUBLE PRECISION)"), "{key}");
    assert!(key.contains("CAST(106.8532 AS DOUBLE PRECISION)"), "{key}");
    assert!(
        key.contains("r.lat IS NULL OR r.lon IS NULL THEN CAST(1e18"),
        "{key}"
    );
}
