//! A caller of the API and the responses it reads.

use std::fmt;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::fixtures::{report_body, ticket_of, tickets_of};

/// A signed-in (or anonymous) caller of one app.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
    pub username: String,
}

/// A response, read whole: status, headers and body.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl fmt::Debug for Resp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.body);
        let shown: String = text.chars().take(2000).collect();
        write!(f, "HTTP {} {}", self.status, shown)
    }
}

impl Resp {
    pub async fn read(resp: reqwest::Response) -> Self {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.expect("read the body").to_vec();
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// Assert the status and return the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status: {self:?}");
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Assert an error response: the status, the `{"error":{code,message,fields?}}` body and
    /// its code; returns the `error` object.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> Value {
        let error = self.error_shape(status);
        assert_eq!(error["code"], code, "{self:?}");
        error
    }

    /// Assert the status and the `{"error":{code,message,fields?}}` body, whatever the code.
    #[track_caller]
    pub fn error_shape(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status: {self:?}");
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "an error body is JSON: {self:?}"
        );
        let body = self.json();
        let top = body.as_object().expect("the body is an object");
        assert_eq!(top.len(), 1, "only `error` at the top: {self:?}");
        let error = top
            .get("error")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no `error` object: {self:?}"));
        assert!(
            error
                .get("code")
                .and_then(Value::as_str)
                .is_some_and(|c| !c.is_empty()),
            "an error has a code: {self:?}"
        );
        assert!(
            error
                .get("message")
                .and_then(Value::as_str)
                .is_some_and(|m| !m.is_empty()),
            "an error has a message: {self:?}"
        );
        for key in error.keys() {
            assert!(
                ["code", "message", "fields"].contains(&key.as_str()),
                "unexpected key {key} in the error: {self:?}"
            );
        }
        if let Some(fields) = error.get("fields") {
            assert!(
                fields
                    .as_object()
                    .is_some_and(|f| !f.is_empty() && f.values().all(Value::is_string)),
                "fields map names to problems: {self:?}"
            );
        }
        Value::Object(error.clone())
    }

    /// Assert a 422 validation failure that names `field`.
    #[track_caller]
    pub fn invalid(&self, field: &str) -> Value {
        let error = self.error(422, "validation_failed");
        assert!(
            error["fields"].get(field).is_some(),
            "expected field {field} to be named: {self:?}"
        );
        error
    }
}

impl Client {
    fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn authorized(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => req.header(AUTHORIZATION, format!("Bearer {token}")),
            None => req,
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        Resp::read(self.authorized(req).send().await.expect("send the request")).await
    }

    /// GET `/api/v1{path}`.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.http.get(self.api(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.send(self.http.post(self.api(path)).json(body)).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let req = self
            .http
            .post(self.api(path))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        self.send(req).await
    }

    /// multipart/form-data: a JSON part named `json_part` and one `photo` part per image.
    pub async fn post_multipart(
        &self,
        path: &str,
        json_part: &str,
        body: &Value,
        photos: Vec<Vec<u8>>,
    ) -> Resp {
        let mut form = Form::new().part(
            json_part.to_owned(),
            Part::text(body.to_string())
                .mime_str("application/json")
                .expect("a mime type"),
        );
        for (i, bytes) in photos.into_iter().enumerate() {
            form = form.part(
                "photo",
                Part::bytes(bytes)
                    .file_name(format!("foto-{i}"))
                    .mime_str("application/octet-stream")
                    .expect("a mime type"),
            );
        }
        self.send(self.http.post(self.api(path)).multipart(form))
            .await
    }

    pub async fn submit_report(&self, body: &Value) -> Resp {
        self.post_json("/reports", body).await
    }

    /// Submit with an `Idempotency-Key` header, as a mobile app retrying would.
    pub async fn submit_report_once(&self, body: &Value, key: &str) -> Resp {
        let req = self
            .http
            .post(self.api("/reports"))
            .header("Idempotency-Key", key)
            .json(body);
        self.send(req).await
    }

    pub async fn submit_with_photos(&self, body: &Value, photos: Vec<Vec<u8>>) -> Resp {
        self.post_multipart("/reports", "report", body, photos)
            .await
    }

    /// File a `category` report in `region`; asserts 201 and returns the view.
    pub async fn file(&self, category: &str, region: &str) -> Value {
        self.submit_report(&report_body(category, region))
            .await
            .expect(201)
    }

    /// File a road report in Kecamatan Tebet (31.74.01); returns its ticket.
    pub async fn file_road_report(&self) -> String {
        ticket_of(&self.file("jalan", "31.74.01").await)
    }

    pub async fn act(&self, ticket: &str, body: &Value) -> Resp {
        self.post_json(&format!("/reports/{ticket}/actions"), body)
            .await
    }

    /// Take an action that must succeed; returns the updated view.
    pub async fn act_ok(&self, ticket: &str, body: Value) -> Value {
        self.act(ticket, &body).await.expect(200)
    }

    pub async fn act_with_photos(&self, ticket: &str, body: &Value, photos: Vec<Vec<u8>>) -> Resp {
        self.post_multipart(
            &format!("/reports/{ticket}/actions"),
            "action",
            body,
            photos,
        )
        .await
    }

    pub async fn get_report(&self, ticket: &str) -> Resp {
        self.get(&format!("/reports/{ticket}")).await
    }

    pub async fn timeline(&self, ticket: &str) -> Resp {
        self.get(&format!("/reports/{ticket}/timeline")).await
    }

    /// GET a URL the API handed out (e.g. a photo's `url`, which starts with `/api/v1`).
    pub async fn get_url(&self, url: &str) -> Resp {
        self.send(self.http.get(format!("{}{url}", self.base)))
            .await
    }

    /// `GET /reports?{query}`; asserts 200.
    pub async fn list(&self, query: &str) -> Value {
        self.get(&format!("/reports?{query}")).await.expect(200)
    }

    /// Every ticket `GET /reports?{query}` lists, following `next_cursor` to the end.
    pub async fn list_all(&self, query: &str) -> Vec<String> {
        let mut tickets = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let q = match &cursor {
                Some(c) => format!("{query}&cursor={c}"),
                None => query.to_owned(),
            };
            let page = self.list(&q).await;
            tickets.extend(tickets_of(&page));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return tickets,
            }
        }
        panic!("more than 100 pages for {query}");
    }
}
