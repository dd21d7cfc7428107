//! The SMS gateway the server answers through: Twilio's `Messages.json` endpoint, served in
//! the bench process on 127.0.0.1, accepting every well-formed answer as Twilio would (201
//! and a message SID) and keeping who it went to and the ticket it named.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use aduan_channels::sms::parse_form;
use aduan_domain::Ticket;

/// How often the drain looks at the gateway's counter.
const POLL: Duration = Duration::from_millis(50);

/// One answer the gateway accepted.
pub(super) struct Receipt {
    pub(super) to: String,
    /// The ticket the text names, if it names one.
    pub(super) ticket: Option<String>,
}

/// What the gateway was sent.
#[derive(Default)]
pub(super) struct Log {
    pub(super) receipts: Vec<Receipt>,
    /// Calls refused (wrong account or credentials, no `To` or `Body`), each with why.
    pub(super) refused: Vec<String>,
}

struct Shared {
    account_sid: String,
    /// The `Authorization` header the server must send (basic auth, SID and token).
    authorization: String,
    from: String,
    /// Calls answered, accepted or refused; counted after they are logged.
    calls: AtomicUsize,
    log: Mutex<Log>,
}

/// The gateway, serving until dropped.
pub(super) struct Sink {
    /// `http://127.0.0.1:PORT`: the channels file's `twilio.api_base`.
    pub(super) base: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    pub(super) async fn start(
        account_sid: &str,
        auth_token: &str,
        from: &str,
    ) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            account_sid: account_sid.to_owned(),
            authorization: format!(
                "Basic {}",
                STANDARD.encode(format!("{account_sid}:{auth_token}"))
            ),
            from: from.to_owned(),
            calls: AtomicUsize::new(0),
            log: Mutex::new(Log::default()),
        });
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the SMS gateway")?;
        let base = format!("http://{}", listener.local_addr()?);
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                post(send_message),
            )
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("the bench's SMS gateway stopped: {e}");
            }
        });
        Ok(Self { base, shared, task })
    }

    /// Calls answered so far.
    pub(super) fn calls(&self) -> usize {
        self.shared.calls.load(Ordering::Acquire)
    }

    /// Wait until `expected` calls have been answered, looking every 50 ms, for at most
    /// `timeout`: how long it took, or `None` when the time ran out.
    pub(super) async fn wait_for(&self, expected: usize, timeout: Duration) -> Option<Duration> {
        let started = Instant::now();
        loop {
            if self.calls() >= expected {
                return Some(started.elapsed());
            }
            if started.elapsed() >= timeout {
                return None;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Everything received so far, leaving the log empty.
    pub(super) fn take(&self) -> Log {
        std::mem::take(
            &mut *self
                .shared
                .log
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `POST /2010-04-01/Accounts/{sid}/Messages.json`: 201 and a message SID, or Twilio's
/// JSON error.
async fn send_message(
    State(shared): State<Arc<Shared>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let checked = check(&shared, &sid, &headers, &body);
    let answer = {
        let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
        match checked {
            Ok(receipt) => {
                log.receipts.push(receipt);
                let sid = format!("SM{:032x}", log.receipts.len());
                (
                    StatusCode::CREATED,
                    Json(json!({ "sid": sid, "status": "queued" })),
                )
            }
            Err((status, code, why)) => {
                log.refused.push(why.clone());
                (
                    status,
                    Json(json!({ "code": code, "message": why, "status": status.as_u16() })),
                )
            }
        }
    };
    shared.calls.fetch_add(1, Ordering::Release);
    answer
}

type Refusal = (StatusCode, u32, String);

fn check(shared: &Shared, sid: &str, headers: &HeaderMap, body: &[u8]) -> Result<Receipt, Refusal> {
    let authorization = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if sid != shared.account_sid || authorization != shared.authorization {
        return Err((
            StatusCode::UNAUTHORIZED,
            20003,
            "authenticate: wrong account SID or auth token".into(),
        ));
    }
    let params = parse_form(body).map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            21601,
            "the body is not form-encoded".to_owned(),
        )
    })?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let (Some(to), Some(text)) = (get("To"), get("Body")) else {
        return Err((
            StatusCode::BAD_REQUEST,
            21604,
            "a message needs To and Body".into(),
        ));
    };
    if get("From") != Some(shared.from.as_str()) {
        return Err((
            StatusCode::BAD_REQUEST,
            21606,
            "From is not the city's number".into(),
        ));
    }
    Ok(Receipt {
        to: to.to_owned(),
        ticket: ticket_in(text),
    })
}

/// The first ticket number (`JK2605120007`) in a text.
fn ticket_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.bytes().any(|b| b.is_ascii_digit()))
        .find_map(|word| Ticket::parse_issued(word).ok())
        .map(|ticket| ticket.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::ticket_in;

    #[test]
    fn finds_the_ticket_in_the_receipt_text() {
        let text = "Laporan Anda sudah kami terima dengan nomor JK2605120007. Status: diterima.";
        assert_eq!(ticket_in(text).as_deref(), Some("JK2605120007"));
        assert_eq!(
            ticket_in("Report JK26051212345: received").as_deref(),
            Some("JK26051212345")
        );
        assert_eq!(ticket_in("Status 2010-04-01, no ticket"), None);
    }
}
