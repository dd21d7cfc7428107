//! Conditional requests: whether a client already holds the representation an ETag names.

use axum::http::HeaderMap;
use axum::http::header::IF_NONE_MATCH;

/// Whether `If-None-Match` names `etag` (quoted, as sent in `ETag`) or is `*`. The
/// comparison is weak, as RFC 9110 asks for `If-None-Match`: `W/"x"` matches `"x"`.
pub fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn asking(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn names_the_tag_in_any_of_its_forms() {
        let tag = "\"abc\"";
        assert!(matches(&asking(&["\"abc\""]), tag));
        assert!(matches(&asking(&["\"x\", W/\"abc\""]), tag));
        assert!(matches(&asking(&["\"x\"", "\"abc\""]), tag));
        assert!(matches(&asking(&["*"]), tag));
        assert!(!matches(&asking(&[]), tag));
        assert!(!matches(&asking(&["\"abcd\"", "abc"]), tag));
    }
}
