//! A category's keywords and icon, kept together in the `categories.keywords` column: a JSON
//! list of keywords as before, or `{"keywords": [...], "icon": "pohon"}` when it has an icon.
//! The icon rides there so that it needs no migration; rows written before read unchanged.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct WithIcon {
    keywords: Vec<String>,
    icon: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Plain(Vec<String>),
    WithIcon(WithIcon),
}

/// The column's text for `keywords` and `icon`.
pub(crate) fn encode(keywords: &[String], icon: Option<&str>) -> serde_json::Result<String> {
    match icon {
        None => serde_json::to_string(keywords),
        Some(icon) => serde_json::to_string(&WithIcon {
            keywords: keywords.to_vec(),
            icon: icon.to_owned(),
        }),
    }
}

/// The keywords and icon from the column's text; `None` when it is neither form.
pub(crate) fn decode(text: &str) -> Option<(Vec<String>, Option<String>)> {
    match serde_json::from_str(text).ok()? {
        Stored::Plain(keywords) => Some((keywords, None)),
        Stored::WithIcon(w) => Some((w.keywords, Some(w.icon))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn without_an_icon_the_column_is_the_plain_list_it_always_was() {
        let words = vec!["got".to_owned(), "selokan".to_owned()];
        let text = encode(&words, None).unwrap();
        assert_eq!(text, r#"["got","selokan"]"#);
        assert_eq!(decode(&text), Some((words, None)));
    }

    #[test]
    fn an_icon_comes_back_with_its_keywords() {
        let words = vec!["pohon tumbang".to_owned()];
        let text = encode(&words, Some("pohon")).unwrap();
        assert_eq!(decode(&text), Some((words, Some("pohon".to_owned()))));
        assert_eq!(decode("[]"), Some((Vec::new(), None)));
        assert_eq!(decode("{\"icon\": 3}"), None);
    }
}
