//! The words-search box of the lists (staff queue, public feed): what was typed, the search
//! it makes, or why it cannot be run, in the reader's language.

use axum::http::StatusCode;

use aduan_domain::search::SearchText;

use super::Lang;
use super::feed::query_value;

pub(super) struct SearchBox {
    /// As typed, shown back in the box.
    pub typed: String,
    pub search: Option<SearchText>,
    /// Why the typed words cannot be searched.
    pub error: Option<String>,
}

impl SearchBox {
    /// An absent or blank box is no search.
    pub fn read(raw: Option<&str>, lang: Lang) -> Self {
        let typed = raw.unwrap_or_default().trim().to_owned();
        if typed.is_empty() {
            return Self {
                typed,
                search: None,
                error: None,
            };
        }
        match SearchText::parse(&typed) {
            Ok(search) => Self {
                typed,
                search: Some(search),
                error: None,
            },
            Err(e) => Self {
                typed,
                search: None,
                error: Some(match lang {
                    Lang::Id => e.indonesian(),
                    Lang::En => e.english(),
                }),
            },
        }
    }

    /// `&q=...` for links that keep the search (pagination), or nothing.
    pub fn param(&self) -> String {
        match &self.search {
            Some(search) => format!("&q={}", query_value(search.as_str())),
            None => String::new(),
        }
    }

    /// The page's status: 422 when the words cannot be searched.
    pub fn status(&self) -> StatusCode {
        if self.error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }
}
