//! Full-text search over reports: what a search may be, and the terms a text is indexed by.
//!
//! A text's terms are its words, lower-cased and stemmed by the Snowball Indonesian stemmer,
//! one pass per word and no stop words dropped: exactly what PostgreSQL's `indonesian` text
//! search configuration does, so that both stores find the same reports ("perbaikan" and
//! "diperbaiki" both index as "baik").

use std::fmt;

use frostem::{Algorithm, Stemmer};

/// The shortest search, in characters once trimmed.
pub const MIN_CHARS: usize = 2;
/// The longest search, in characters once trimmed.
pub const MAX_CHARS: usize = 200;

/// A word of a text, lower-cased, with its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits a text on every character that is not alphanumeric and lower-cases each word.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(word(text, s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out
}

fn word(text: &str, start: usize, end: usize) -> Word {
    Word {
        text: text[start..end].to_lowercase(),
        start,
        end,
    }
}

/// The Snowball Indonesian stem of a lower-cased word (one pass, as PostgreSQL stems it).
pub fn stem(stemmer: Stemmer, word: &str) -> String {
    stemmer.stem(word).into_owned()
}

/// The stemmer [`stem`] takes.
pub fn indonesian_stemmer() -> Stemmer {
    Stemmer::new(Algorithm::Indonesian)
}

/// The stemmed words of a text, in order (duplicates kept).
pub fn terms(text: &str) -> Vec<String> {
    let stemmer = indonesian_stemmer();
    words(text)
        .iter()
        .map(|w| stem(stemmer, &w.text))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The terms a text is indexed by, separated by single spaces: "Jalan rusak, belum
/// diperbaiki" → "jalan rusak belum baik".
pub fn index_terms(text: &str) -> String {
    terms(text).join(" ")
}

/// The terms the public feed finds a report by: its description as the public sees it, with
/// personal data masked ([`crate::scrub::public_text`]), and not its address, which the feed
/// does not show. A search must never tell anyone what a mask hides.
pub fn public_index_terms(description: &str) -> String {
    index_terms(&crate::scrub::public_text(description))
}

/// Why a search cannot be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchTextError {
    #[error("the search must have at least {MIN_CHARS} characters")]
    TooShort,
    #[error("the search must have at most {MAX_CHARS} characters")]
    TooLong,
    #[error("the search must contain at least one word of letters or digits")]
    NoWords,
}

impl SearchTextError {
    /// The message as a sentence, for English pages.
    pub fn english(self) -> String {
        let message = self.to_string();
        let mut chars = message.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    }

    /// The same message in Indonesian, for pages.
    pub fn indonesian(self) -> String {
        match self {
            Self::TooShort => format!("Kata pencarian minimal {MIN_CHARS} karakter."),
            Self::TooLong => format!("Kata pencarian maksimal {MAX_CHARS} karakter."),
            Self::NoWords => {
                "Kata pencarian harus berisi setidaknya satu kata (huruf atau angka).".to_owned()
            }
        }
    }
}

/// A search as a reader typed it: trimmed, [`MIN_CHARS`]..=[`MAX_CHARS`] characters, with at
/// least one word. A report matches when its text holds every one of the search's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    raw: String,
    terms: Vec<String>,
}

impl SearchText {
    pub fn parse(raw: &str) -> Result<Self, SearchTextError> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars < MIN_CHARS {
            return Err(SearchTextError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(SearchTextError::TooLong);
        }
        let mut terms = terms(trimmed);
        if terms.is_empty() {
            return Err(SearchTextError::NoWords);
        }
        terms.sort();
        terms.dedup();
        Ok(Self {
            raw: trimmed.to_owned(),
            terms,
        })
    }

    /// The search as typed, trimmed (for a store that stems by itself, and to show back).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Its distinct stemmed terms, sorted; never empty.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

impl fmt::Display for SearchText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_spans() {
        let text = "Jl. Kebon-Sirih  nO.5";
        let ws = words(text);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["jl", "kebon", "sirih", "no", "5"]);
        assert_eq!(&text[ws[1].start..ws[1].end], "Kebon");
    }

    /// The stems PostgreSQL 15's `to_tsvector('indonesian', ...)` gives the same words.
    #[test]
    fn stems_as_postgresql_indonesian_does() {
        assert_eq!(
            index_terms(
                "Jalan rusak belum diperbaiki. Perbaikan lampu jalan; sampah menumpuk di pasar"
            ),
            "jalan rusak belum baik baik lampu jalan sampah umpuk di pasar"
        );
        assert_eq!(index_terms("penebangan 12"), "ebang 12");
    }

    #[test]
    fn the_public_terms_hold_no_masked_data() {
        let terms = public_index_terms("Lampu mati, hubungi 0812-3456-7890 atau ani@contoh.id");
        assert!(terms.starts_with("lampu mati hubung"), "{terms}");
        for hidden in ["0812", "3456", "7890", "ani", "contoh"] {
            assert!(
                !terms.split(' ').any(|t| t == hidden),
                "{hidden} in {terms}"
            );
        }
    }

    #[test]
    fn a_search_is_trimmed_and_keeps_distinct_terms() {
        let s = SearchText::parse("  Perbaikan diperbaiki JALAN ").unwrap();
        assert_eq!(s.as_str(), "Perbaikan diperbaiki JALAN");
        assert_eq!(s.terms(), ["baik", "jalan"]);
    }

    #[test]
    fn syntax_of_search_engines_is_plain_words() {
        let s = SearchText::parse("jalan OR \"lampu\" * NEAR(").unwrap();
        assert_eq!(s.terms(), ["jalan", "lampu", "near", "or"]);
    }

    #[test]
    fn bad_searches_say_why() {
        assert_eq!(SearchText::parse(" a "), Err(SearchTextError::TooShort));
        assert_eq!(SearchText::parse(""), Err(SearchTextError::TooShort));
        assert_eq!(SearchText::parse("** \"\""), Err(SearchTextError::NoWords));
        let long = "a".repeat(MAX_CHARS + 1);
        assert_eq!(SearchText::parse(&long), Err(SearchTextError::TooLong));
        assert!(SearchText::parse(&"a".repeat(MAX_CHARS)).is_ok());
        assert!(SearchTextError::NoWords.indonesian().contains("kata"));
        assert_eq!(
            SearchTextError::TooShort.english(),
            "The search must have at least 2 characters."
        );
    }
}
