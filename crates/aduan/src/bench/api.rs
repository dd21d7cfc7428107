//! The HTTP API of the server under test, as far as the bench uses it.

use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

#[derive(Deserialize)]
pub(super) struct CategoryInfo {
    pub(super) code: String,
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct RegionInfo {
    pub(super) code: String,
}

#[derive(Deserialize)]
struct TokenInfo {
    token: String,
}

#[derive(Deserialize)]
struct Ack {
    ticket: String,
}

/// The bench's HTTP client: HTTP/1.1 keep-alive, one connection per client kept open.
pub(super) fn http_client(clients: usize) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(120))
        .build()
}

/// The API of the server under test.
#[derive(Clone)]
pub(super) struct Api {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
}

impl Api {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        if status != StatusCode::OK {
            bail!("GET {path}: {status}: {}", response.text().await?);
        }
        Ok(response.json().await?)
    }

    /// Register a citizen; its bearer token, as an `Authorization` value.
    pub(super) async fn register(
        &self,
        username: String,
        password: String,
    ) -> anyhow::Result<HeaderValue> {
        self.session("/auth/register", StatusCode::CREATED, &username, &password)
            .await
            .with_context(|| format!("registering {username}"))
    }

    /// Sign an existing account in; its bearer token, as an `Authorization` value.
    pub(super) async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> anyhow::Result<HeaderValue> {
        self.session("/auth/login", StatusCode::OK, username, password)
            .await
            .with_context(|| format!("signing {username} in"))
    }

    /// Post a username and password to `path`; the session's token from its `expected`
    /// answer.
    async fn session(
        &self,
        path: &str,
        expected: StatusCode,
        username: &str,
        password: &str,
    ) -> anyhow::Result<HeaderValue> {
        let response = self
            .http
            .post(self.url(path))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .with_context(|| format!("POST {path}"))?;
        let status = response.status();
        if status != expected {
            bail!("POST {path}: {status}: {}", response.text().await?);
        }
        let token: TokenInfo = response.json().await?;
        Ok(HeaderValue::from_str(&format!("Bearer {}", token.token))?)
    }

    /// `GET path` as `auth`: the whole body of its 200.
    pub(super) async fn get_bytes(
        &self,
        auth: &HeaderValue,
        path: &str,
    ) -> anyhow::Result<Vec<u8>> {
        let response = self
            .http
            .get(self.url(path))
            .header(AUTHORIZATION, auth.clone())
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        let body = response.bytes().await?.to_vec();
        if status != StatusCode::OK {
            bail!(
                "GET {path}: {status}: {}",
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            );
        }
        Ok(body)
    }

    /// `GET path` as `auth`, its JSON read as `T`.
    pub(super) async fn get_as<T: DeserializeOwned>(
        &self,
        auth: &HeaderValue,
        path: &str,
    ) -> anyhow::Result<T> {
        Ok(serde_json::from_slice(&self.get_bytes(auth, path).await?)?)
    }

    pub(super) async fn submit(&self, auth: &HeaderValue, body: String) -> Submitted {
        let sent = self
            .http
            .post(self.url("/reports"))
            .header(AUTHORIZATION, auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Submitted::Failed("transport".into(), e.to_string()),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Submitted::Failed("transport".into(), e.to_string()),
        };
        if let (StatusCode::SERVICE_UNAVAILABLE, Some(seconds)) = (status, retry_after) {
            return Submitted::Shed(Duration::from_secs(seconds.min(MAX_RETRY_AFTER_S)));
        }
        if status != StatusCode::CREATED {
            let text = String::from_utf8_lossy(&bytes).chars().take(300).collect();
            return Submitted::Failed(status.as_u16().to_string(), text);
        }
        match serde_json::from_slice::<Ack>(&bytes) {
            Ok(ack) => Submitted::Acknowledged(ack.ticket),
            Err(e) => Submitted::Failed("201 without a ticket".into(), e.to_string()),
        }
    }
}

/// The longest a client waits when told to come back later: the server sheds with
/// `Retry-After: 1`; a larger value is taken as at most this.
const MAX_RETRY_AFTER_S: u64 = 5;

pub(super) enum Submitted {
    Acknowledged(String),
    /// Refused at once because the server is full (503 with `Retry-After`): nothing was
    /// filed, and the client sends it again after the wait.
    Shed(Duration),
    /// What kind of failure (an HTTP status or `transport`), and a sample of why.
    Failed(String, String),
}
