//! Open311 documents in JSON and XML, and the spec's error format.
//!
//! A handler builds one [`Value`] tree; it renders as JSON, or as XML under the root element
//! the spec names (`<services><service>…`, `<service_requests><request>…`). Every XML text is
//! escaped.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app_error::AppError;
use crate::error::ApiError;

/// The format a resource's suffix asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Split `services.json` into `("services", Json)`; `None` for any other suffix.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (stem, suffix) = file.rsplit_once('.')?;
        let format = match suffix {
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => return None,
        };
        (!stem.is_empty()).then_some((stem, format))
    }
}

/// A document to render in either format.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Null,
    /// A list whose XML items are elements named `item`.
    List(&'static str, Vec<Value>),
    /// Fields in order.
    Obj(Vec<(&'static str, Value)>),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }
    pub fn opt_text(s: Option<impl Into<String>>) -> Self {
        s.map_or(Self::Null, |s| Self::Text(s.into()))
    }
    pub fn opt_num(n: Option<f64>) -> Self {
        n.map_or(Self::Null, Self::Num)
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Self::Text(s) => J::String(s.clone()),
            Self::Int(n) => J::from(*n),
            Self::Num(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
            Self::Bool(b) => J::Bool(*b),
            Self::Null => J::Null,
            Self::List(_, items) => J::Array(items.iter().map(Self::to_json).collect()),
            Self::Obj(fields) => J::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The content of an element holding this value.
    fn write_xml(&self, out: &mut String) {
        match self {
            Self::Text(s) => escape_into(s, out),
            Self::Int(n) => out.push_str(&n.to_string()),
            Self::Num(n) => out.push_str(&n.to_string()),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Null => {}
            Self::List(item, items) => {
                for v in items {
                    element(item, v, out);
                }
            }
            Self::Obj(fields) => {
                for (name, v) in fields {
                    element(name, v, out);
                }
            }
        }
    }
}

fn element(name: &str, value: &Value, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    value.write_xml(out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escape text for XML element content and attributes; characters XML 1.0 cannot carry
/// (most control characters) are dropped.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Render `value` as the body of a response: JSON as is, XML under `<root>`.
pub fn render(format: Format, status: StatusCode, root: &str, value: &Value) -> Response {
    let (body, content_type) = match format {
        Format::Json => (
            value.to_json().to_string(),
            "application/json; charset=utf-8",
        ),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            element(root, value, &mut out);
            (out, "text/xml; charset=utf-8")
        }
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An Open311 error: a status and a description, rendered as the spec's
/// `[{"code", "description"}]` / `<errors><error><code/><description/></error></errors>`.
#[derive(Debug)]
pub struct Fail {
    pub status: StatusCode,
    pub description: String,
}

impl Fail {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
        }
    }
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }
    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, description)
    }
    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    pub fn render(self, format: Format) -> Response {
        let value = Value::List(
            "error",
            vec![Value::Obj(vec![
                ("code", Value::Int(i64::from(self.status.as_u16()))),
                ("description", Value::Text(self.description)),
            ])],
        );
        render(format, self.status, "errors", &value)
    }
}

/// The JSON API's errors in Open311 terms: the spec knows 400 for anything wrong with the
/// parameters, 403 and 404; a 5xx was logged by `ApiError` and says nothing more.
impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Self {
        let status = e.status;
        if status.is_server_error() {
            // Log the cause through the JSON API's own mapping, then answer generically.
            drop(e.into_response());
            return Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side; please try again later",
            );
        }
        match status {
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(status, e.message)
            }
            _ => Self::bad_request(e.message),
        }
    }
}

/// A use case's refusal, as the JSON API would answer it, in Open311 terms.
impl From<AppError> for Fail {
    fn from(e: AppError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<aduan_store::StoreError> for Fail {
    fn from(e: aduan_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

pub type Outcome = Result<Response, Fail>;

/// Answer `outcome` in `format`.
pub fn respond(format: Format, outcome: Outcome) -> Response {
    outcome.unwrap_or_else(|fail| fail.render(format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_split_and_text_is_escaped() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("JK2611280001.xml"),
            Some(("JK2611280001", Format::Xml))
        );
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split(".json"), None);
        let mut out = String::new();
        escape_into("<a href=\"x\">&'\u{1}b</a>", &mut out);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;b&lt;/a&gt;");
    }

    #[test]
    fn xml_nests_lists_under_their_item_names() {
        let doc = Value::List(
            "service",
            vec![Value::Obj(vec![
                ("service_code", Value::text("jalan")),
                ("metadata", Value::Bool(false)),
                ("group", Value::Null),
            ])],
        );
        let mut out = String::new();
        element("services", &doc, &mut out);
        assert_eq!(
            out,
            "<services><service><service_code>jalan</service_code>\
             <metadata>false</metadata><group></group></service></services>"
        );
        assert_eq!(
            doc.to_json(),
            serde_json::json!([{"service_code": "jalan", "metadata": false, "group": null}])
        );
    }
}
