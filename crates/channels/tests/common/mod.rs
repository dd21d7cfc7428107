//! Local receivers for the outbound tests: an HTTP server that records every request and
//! answers what the test configured, a raw HTTP responder (for answers axum would not
//! send, such as a chunked body without a length), a minimal SMTP sink ([`smtp`]) and the
//! answer the tests send. Every server listens on 127.0.0.1 and is bound before it is
//! served, so no test waits for readiness.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod smtp;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aduan_channels::outbound::{Deliverer, DeliveryError, FetchedMedia, Outgoing};
use aduan_channels::{ChannelsConfig, MediaRef, ReplyRoute};
use aduan_domain::{Channel, ChannelKind, Jurisdiction, JurisdictionData};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The `application/x-www-form-urlencoded` body as a map.
    pub fn form(&self) -> HashMap<String, String> {
        serde_urlencoded::from_bytes(&self.body).expect("a form body")
    }

    pub fn query_map(&self) -> HashMap<String, String> {
        serde_urlencoded::from_str(self.query.as_deref().unwrap_or("")).unwrap()
    }
}

/// What the server answers on a path.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::bytes(status, "application/json", body.to_string().into_bytes())
    }

    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self::status(status)
            .header("content-type", content_type)
            .with_body(body)
    }

    pub fn redirect(location: &str) -> Self {
        Self::status(302).header("location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }
}

struct Shared {
    routes: HashMap<String, Reply>,
    fallback: Reply,
    requests: Mutex<Vec<Recorded>>,
}

/// A bound, not yet serving, HTTP receiver: its address is known before its answers are.
pub struct Bound {
    pub base: String,
    listener: TcpListener,
}

/// A serving HTTP receiver.
pub struct Receiver {
    pub base: String,
    shared: Arc<Shared>,
}

impl Bound {
    pub async fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self { base, listener }
    }

    /// Serve `routes` (path → answer), anything else `fallback`.
    pub fn serve(self, routes: Vec<(&str, Reply)>, fallback: Reply) -> Receiver {
        let shared = Arc::new(Shared {
            routes: routes
                .into_iter()
                .map(|(path, reply)| (path.to_owned(), reply))
                .collect(),
            fallback,
            requests: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .fallback(record)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(self.listener, app).await });
        Receiver {
            base: self.base,
            shared,
        }
    }
}

impl Receiver {
    /// A receiver answering `reply` to everything.
    pub async fn answering(reply: Reply) -> Self {
        Bound::new().await.serve(Vec::new(), reply)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The one request received.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().unwrap()
    }
}

async fn record(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap().to_vec();
    let path = parts.uri.path().to_owned();
    shared.requests.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    });
    let reply = shared.routes.get(&path).unwrap_or(&shared.fallback).clone();
    let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(reply.body)).unwrap()
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Answers every connection with exactly `response` (raw HTTP bytes), then closes it.
pub async fn raw_http(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                // The request head ends with an empty line; requests here have no body.
                while reader.read_line(&mut line).await.unwrap_or(0) > 0 {
                    if line == "\r\n" {
                        break;
                    }
                    line.clear();
                }
                let mut stream = reader.into_inner();
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    base
}

/// The ticket and text of the answers the tests send: Indonesian first, then English.
pub const TICKET: &str = "JK2611280001";
pub const TEXT: &str = "Laporan Anda JK2611280001 sedang ditangani oleh Suku Dinas Bina Marga — \
                    terima kasih. / Your report is being handled — thank you.";

/// A configuration from its JSON, as `--channels FILE` holds it.
pub fn config(json: serde_json::Value) -> ChannelsConfig {
    ChannelsConfig::from_json(&json.to_string()).unwrap()
}

/// A deliverer driven as the outbox drives it: each channel's kind read from the city's
/// pack (Jakarta's).
pub struct InJakarta(pub Deliverer);

impl InJakarta {
    pub async fn deliver(&self, message: &Outgoing) -> Result<(), DeliveryError> {
        self.0
            .deliver(message, jakarta_kind(message.route.channel))
            .await
    }

    pub async fn fetch_media(
        &self,
        media: &MediaRef,
        max_bytes: usize,
    ) -> Result<FetchedMedia, DeliveryError> {
        self.0
            .fetch_media(media, jakarta_kind(media.channel), max_bytes)
            .await
    }
}

pub fn deliverer(json: serde_json::Value) -> InJakarta {
    InJakarta(Deliverer::new(&config(json)).unwrap())
}

/// A channel's kind as the Jakarta pack says.
pub fn jakarta_kind(channel: Channel) -> ChannelKind {
    let data: JurisdictionData =
        serde_json::from_str(include_str!("../../../../packs/jakarta.json")).unwrap();
    Jurisdiction::new(data)
        .unwrap()
        .channel(channel)
        .unwrap()
        .kind
}

/// A channel by its code.
pub fn named(code: &str) -> Channel {
    Channel::parse(code).unwrap()
}

/// A private answer on `channel` to `address`.
pub fn outgoing(channel: Channel, address: &str) -> Outgoing {
    Outgoing {
        route: ReplyRoute {
            channel,
            address: address.to_owned(),
            in_reply_to: None,
            public: false,
        },
        ticket: TICKET.to_owned(),
        subject: format!("Laporan {TICKET}: sedang ditangani"),
        text: TEXT.to_owned(),
        status: None,
        key: "outbox-42".to_owned(),
    }
}

/// The same answer in public, under `in_reply_to`.
pub fn public(mut message: Outgoing, in_reply_to: &str) -> Outgoing {
    message.route.public = true;
    message.route.in_reply_to = Some(in_reply_to.to_owned());
    message
}
