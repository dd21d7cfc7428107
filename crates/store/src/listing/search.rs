//! How a listing searches the reports' text in each dialect: the condition it adds and the
//! value bound to it. Each store keeps its own index (SQLite's FTS5 table `reports_fts`,
//! PostgreSQL's tsvector columns); this says only how a list asks them.

use aduan_domain::search::SearchText;

use super::Dialect;
use crate::ReportScope;

/// The condition on `r` a listing adds for a search, with one `?` for [`text_value`].
///
/// SQLite: `r.id` among the FTS5 table's matches. PostgreSQL: `plainto_tsquery` reads its
/// input as plain words joined by AND, so a reader's input is never tsquery syntax (`|`,
/// `!`, `<->`, `:*` are separators to it). The public scope searches only what the feed
/// shows (the masked description).
pub fn text_condition(dialect: Dialect, scope: &ReportScope) -> String {
    let public = matches!(scope, ReportScope::Public);
    match dialect {
        Dialect::Sqlite => {
            "r.id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)".to_owned()
        }
        Dialect::Postgres => {
            let column = if public { "public_search" } else { "search" };
            format!("r.{column} @@ plainto_tsquery('indonesian', ?)")
        }
    }
}

/// The value bound to [`text_condition`]'s placeholder.
///
/// SQLite: an FTS5 query with every stemmed term quoted and bound to the searched column
/// (`terms`, or the public's `public_terms`), so that a reader's input is only ever words
/// (never FTS5 syntax such as `OR`, `NEAR(`, `*` or column filters), and all of them must be
/// there. PostgreSQL: the search as typed, trimmed, which it splits and stems the way it split
/// and stemmed the reports.
pub fn text_value(dialect: Dialect, scope: &ReportScope, text: &SearchText) -> String {
    match dialect {
        Dialect::Sqlite => {
            let column = match scope {
                ReportScope::Public => "public_terms",
                _ => "terms",
            };
            text.terms()
                .iter()
                .map(|term| format!("{column} : \"{}\"", term.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ")
        }
        Dialect::Postgres => text.as_str().to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_quotes_every_term_in_its_column() {
        let text = SearchText::parse("jalan OR \"lampu\" NEAR(").unwrap();
        assert_eq!(
            text_value(Dialect::Sqlite, &ReportScope::All, &text),
            r#"terms : "jalan" AND terms : "lampu" AND terms : "near" AND terms : "or""#
        );
        let text = SearchText::parse("lampu").unwrap();
        assert_eq!(
            text_value(Dialect::Sqlite, &ReportScope::Public, &text),
            r#"public_terms : "lampu""#
        );
    }

    #[test]
    fn postgres_names_its_column_and_takes_the_words_as_typed() {
        assert_eq!(
            text_condition(Dialect::Postgres, &ReportScope::All),
            "r.search @@ plainto_tsquery('indonesian', ?)"
        );
        assert_eq!(
            text_condition(Dialect::Postgres, &ReportScope::Public),
            "r.public_search @@ plainto_tsquery('indonesian', ?)"
        );
        let text = SearchText::parse("  jalan rusak ").unwrap();
        assert_eq!(
            text_value(Dialect::Postgres, &ReportScope::All, &text),
            text.as_str()
        );
    }
}
