//! Open311 parameters: from the query string, a form-urlencoded body or a multipart body
//! (whose `media` file parts are photos).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::format::Fail;
use crate::state::AppState;

/// Parameters by name (the first value of a repeated name wins), and uploaded media.
#[derive(Default)]
pub struct Params {
    values: HashMap<String, String>,
    pub media: Vec<Vec<u8>>,
}

impl Params {
    fn insert(&mut self, name: String, value: String) {
        self.values.entry(name).or_insert(value);
    }

    /// A parameter's value, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// A required parameter: 400 naming it when absent.
    pub fn required(&self, name: &str) -> Result<&str, Fail> {
        self.get(name)
            .ok_or_else(|| Fail::bad_request(format!("{name} was not provided")))
    }

    pub fn number(&self, name: &str) -> Result<Option<f64>, Fail> {
        self.get(name)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Fail::bad_request(format!("{name} must be a number")))
            })
            .transpose()
    }

    /// A positive whole number, with a default and a maximum.
    pub fn count(&self, name: &str, default: u32, max: u32) -> Result<u32, Fail> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Fail::bad_request(format!("{name} must be a whole number from 1 to {max}"))
                }),
        }
    }

    /// An ISO 8601 instant with its zone (the spec's w3c subset).
    pub fn instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, Fail> {
        self.get(name)
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        Fail::bad_request(format!(
                            "{name} must be an ISO 8601 date and time with a zone, \
                             e.g. 2026-01-31T08:00:00+07:00"
                        ))
                    })
            })
            .transpose()
    }

    /// The query string's parameters.
    pub fn from_query(query: Option<&str>) -> Result<Self, Fail> {
        let mut params = Self::default();
        params.add_urlencoded(query.unwrap_or("").as_bytes())?;
        Ok(params)
    }

    fn add_urlencoded(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Fail::bad_request("parameters must be UTF-8"))?;
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(
            &format!("/?{text}")
                .parse()
                .map_err(|_| Fail::bad_request("malformed parameters"))?,
        )
        .map_err(|_| Fail::bad_request("malformed parameters"))?;
        for (name, value) in pairs {
            self.insert(name, value);
        }
        Ok(())
    }

    /// Add a POST body's parameters (form-urlencoded or multipart) to these.
    pub async fn add_body(&mut self, req: Request, state: &AppState) -> Result<(), Fail> {
        let content_type = crate::body::content_type(&req);
        if content_type.starts_with("multipart/form-data") {
            return self.add_multipart(req, state).await;
        }
        if !content_type.is_empty()
            && !content_type.starts_with("application/x-www-form-urlencoded")
        {
            return Err(Fail::bad_request(
                "send application/x-www-form-urlencoded or multipart/form-data",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| too_large_or(e.status(), "the request body could not be read"))?;
        self.add_urlencoded(&bytes)
    }

    async fn add_multipart(&mut self, req: Request, state: &AppState) -> Result<(), Fail> {
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|_| Fail::bad_request("malformed multipart body"))?;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => return Ok(()),
                Err(e) => return Err(too_large_or(e.status(), "malformed multipart body")),
            };
            let name = field.name().unwrap_or_default().to_owned();
            let is_file = field.file_name().is_some();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| too_large_or(e.status(), "malformed multipart body"))?;
            if name == "media" {
                if !bytes.is_empty() {
                    self.media.push(bytes.to_vec());
                }
            } else if !is_file {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Fail::bad_request(format!("{name} must be UTF-8 text")))?;
                self.insert(name, text);
            }
        }
    }
}

fn too_large_or(status: StatusCode, message: &str) -> Fail {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Fail::new(status, "the request is too large")
    } else {
        Fail::bad_request(message)
    }
}
