//! What every text and number from outside must be before a handler reads it, checked once
//! for a whole JSON body or query string rather than field by field:
//! - no control characters but newline, carriage return and tab: U+0000 cannot be stored in
//!   PostgreSQL, and the others only hide text from the people who read it;
//! - a whole number written as a float (`1.0`) is taken where an integer is expected, as a
//!   JavaScript client writes it.

use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use crate::error::{ApiError, ApiResult};

/// Whether `text` holds a character no text of ours may hold.
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

const CONTROL: &str = "must not contain control characters";

/// 422 naming the first field (as a dotted path, `location.region`) whose text, or name,
/// holds a control character.
pub fn check_json_text(value: &Value, path: &str) -> ApiResult<()> {
    match value {
        Value::String(s) if has_control(s) => Err(ApiError::invalid(field(path), CONTROL)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_json_text(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().try_for_each(|(key, v)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if has_control(key) {
                return Err(ApiError::invalid(field(path), CONTROL));
            }
            check_json_text(v, &inner)
        }),
        _ => Ok(()),
    }
}

fn field(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

/// Whole numbers written as floats, written as integers (floats' fields still read them).
fn integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *n = Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integers),
        Value::Object(map) => map.values_mut().for_each(integers),
        _ => {}
    }
}

/// Read a JSON value as `T` after checking its texts; 422 with serde's words when it does
/// not fit even with its whole floats read as integers.
pub fn from_json<T: DeserializeOwned>(value: Value) -> ApiResult<T> {
    check_json_text(&value, "")?;
    match serde_json::from_value::<T>(value.clone()) {
        Ok(parsed) => Ok(parsed),
        Err(first) => {
            let mut lenient = value;
            integers(&mut lenient);
            serde_json::from_value(lenient)
                .map_err(|_| ApiError::invalid("body", first.to_string()))
        }
    }
}

/// Read a query string as `T` after checking its texts; `limit=1.0` reads as `limit=1`.
pub fn from_query<T: DeserializeOwned>(query: &str) -> ApiResult<T> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))?;
    if let Some((name, _)) = pairs
        .iter()
        .find(|(name, value)| has_control(name) || has_control(value))
    {
        return Err(ApiError::invalid(name, CONTROL));
    }
    match serde_urlencoded::from_str::<T>(query) {
        Ok(parsed) => Ok(parsed),
        Err(first) => {
            lenient_query(pairs).ok_or_else(|| ApiError::invalid("query", first.to_string()))
        }
    }
}

/// Whole floats as integers; a value a text parameter takes as it was (`q=1.0`) is put
/// back, so only the parameters that needed it are changed.
fn lenient_query<T: DeserializeOwned>(mut pairs: Vec<(String, String)>) -> Option<T> {
    let parse = |pairs: &[(String, String)]| {
        serde_urlencoded::to_string(pairs)
            .ok()
            .and_then(|q| serde_urlencoded::from_str::<T>(&q).ok())
    };
    let mut changed = Vec::new();
    for (i, (_, value)) in pairs.iter_mut().enumerate() {
        if let Some(whole) = whole_number(value) {
            changed.push((i, std::mem::replace(value, whole)));
        }
    }
    // A query has few parameters; bound the retries all the same.
    if changed.is_empty() || changed.len() > 16 {
        return None;
    }
    parse(&pairs)?;
    for (i, original) in changed {
        let whole = std::mem::replace(&mut pairs[i].1, original);
        if parse(&pairs).is_none() {
            pairs[i].1 = whole;
        }
    }
    parse(&pairs)
}

/// `"12.0"` → `"12"`; anything else is not a whole number written as a float.
fn whole_number(text: &str) -> Option<String> {
    let (int, frac) = text.split_once('.')?;
    let digits = int.strip_prefix('-').unwrap_or(int);
    (!digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b == b'0'))
    .then(|| int.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Page {
        limit: Option<u32>,
        q: Option<String>,
    }

    #[test]
    fn control_characters_are_refused_with_the_field_named() {
        let e = check_json_text(&json!({"location": {"region": "31\u{0}"}}), "").unwrap_err();
        assert_eq!(
            e.fields.keys().next().map(String::as_str),
            Some("location.region")
        );
        assert!(check_json_text(&json!({"d": "baris\nbaru\ttab\r"}), "").is_ok());
        assert!(check_json_text(&json!({"d": ["x\u{1b}[31m"]}), "").is_err());
        assert!(from_query::<Page>("q=a%00b").is_err());
    }

    #[test]
    fn whole_floats_read_as_integers_and_nothing_else_changes() {
        let page: Page = from_query("limit=5.0&q=1.0").unwrap();
        assert_eq!((page.limit, page.q.as_deref()), (Some(5), Some("1.0")));
        assert!(from_query::<Page>("limit=5.5").is_err());
        let page: Page = from_json(json!({"limit": 7.0, "q": "x"})).unwrap();
        assert_eq!(page.limit, Some(7));
        assert!(from_json::<Page>(json!({"limit": 7.5})).is_err());
    }
}
