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
        let response = self
            .http
            .post(self.url("/auth/register"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .context("POST /auth/register")?;
        let status = response.status();
        if status != StatusCode::CREATED {
            bail!(
                "registering {username}: {status}: {}",
                response.text().await?
            );
        }
        let token: TokenInfo = response.json().await?;
        Ok(HeaderValue::from_str(&format!("Bearer {}", token.token))?)
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
