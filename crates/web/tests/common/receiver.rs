//! Stand-ins for the channels' providers (Twilio, WhatsApp Cloud, Meta, X, LAPOR!): a local
//! HTTP receiver that records what aduan sends them and answers what the test tells it, the
//! channels' configuration pointing at it, and the signed deliveries the providers make to
//! aduan's webhooks. The receiver is bound before it serves, so no test waits for readiness.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;

use aduan_channels::ChannelsConfig;
use aduan_channels::signature::sign_sha256;
use aduan_channels::{lapor, meta, sms, twitter};
use aduan_web::WebConfig;

use super::{Resp, TestApp};

/// The public origin Twilio is told to call (aduan runs behind a proxy).
pub const PUBLIC_BASE: &str = "https://aduan.jakarta.go.id";
pub const TWILIO_SID: &str = "AC0f3b5e8d2c4a49e1b7d6a3c9e2f18b47";
pub const TWILIO_TOKEN: &str = "twilio-auth-token-5f2c91";
/// The city's number, which answers come from.
pub const CITY_NUMBER: &str = "+628111272206";
pub const WA_PHONE_ID: &str = "106540352242922";
pub const WA_SECRET: &str = "whatsapp-app-secret-0d4e";
pub const META_SECRET: &str = "meta-app-secret-71aa";
pub const VERIFY_TOKEN: &str = "langganan-aduan-3b9f";
pub const PAGE_ID: &str = "104812345678901";
pub const X_SECRET: &str = "x-consumer-secret-c81e";
/// @DKIJakarta.
pub const X_USER_ID: &str = "2847561093";
pub const LAPOR_SECRET: &str = "lapor-shared-secret-9a6b";
pub const LAPOR_STATUS_PATH: &str = "/lapor/status";

/// Every messaging channel on, each provider's API at `api_base` (a [`Receiver`]), which
/// the test option `unsafe_local_fetch` lets media fetches reach.
pub fn channels(api_base: &str) -> ChannelsConfig {
    let config = json!({
        "public_base_url": PUBLIC_BASE,
        "twilio": {"api_base": api_base, "account_sid": TWILIO_SID,
                   "auth_token": TWILIO_TOKEN, "from": CITY_NUMBER},
        "whatsapp": {"api_base": api_base, "phone_number_id": WA_PHONE_ID,
                     "access_token": "wa-access-token", "app_secret": WA_SECRET,
                     "verify_token": VERIFY_TOKEN},
        "x": {"api_base": api_base, "consumer_secret": X_SECRET,
              "access_token": "x-user-token", "user_id": X_USER_ID},
        "meta": {"api_base": api_base, "page_access_token": "page-token",
                 "app_secret": META_SECRET, "verify_token": VERIFY_TOKEN},
        "lapor": {"status_url": format!("{api_base}{LAPOR_STATUS_PATH}"),
                  "secret": LAPOR_SECRET},
        // The receiver stands in for every provider: only its exact origin skips the
        // https and public-address checks of media fetches.
        "unsafe_local_fetch": [api_base],
    });
    ChannelsConfig::from_json(&config.to_string()).expect("a channels configuration")
}

pub fn web_config(channels: ChannelsConfig) -> WebConfig {
    WebConfig {
        secure_cookies: false,
        channels,
        ..WebConfig::default()
    }
}

/// An app with every channel on and the providers' APIs at `api_base`.
pub async fn app_with_channels(api_base: &str) -> TestApp {
    TestApp::spawn_with(web_config(channels(api_base))).await
}

// ---------------------------------------------------------------------------------------
// The receiver.

/// One request as the receiver got it.
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
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// A field of a form-encoded body.
    pub fn form(&self, name: &str) -> Option<String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&self.body).expect("a form body");
        pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// What the receiver answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self::bytes(status, "application/json", body.to_string().into_bytes())
    }

    pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status,
            content_type,
            body,
        }
    }
}

#[derive(Default)]
struct Shared {
    /// Path → answer; anything else gets `fallback`.
    routes: Mutex<HashMap<String, Reply>>,
    fallback: Mutex<Option<Reply>>,
    requests: Mutex<Vec<Recorded>>,
}

/// A local HTTP server standing for every provider's API at once (their paths differ).
pub struct Receiver {
    pub base: String,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Bound and serving; answers `201 {"sid": …}` to anything until told otherwise.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .fallback(record)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, shared }
    }

    /// Answer `reply` on `path`.
    pub fn answer(&self, path: &str, reply: Reply) {
        let mut routes = self.shared.routes.lock().expect("routes");
        routes.insert(path.to_owned(), reply);
    }

    /// Answer `reply` on every path without its own answer.
    pub fn answer_others(&self, reply: Reply) {
        *self.shared.fallback.lock().expect("fallback") = Some(reply);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("requests").clone()
    }

    /// The requests received since the last call (or the start).
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.shared.requests.lock().expect("requests"))
    }

    /// Exactly one request arrived since the last `take`; returns it.
    #[track_caller]
    pub fn take_one(&self) -> Recorded {
        let mut requests = self.take();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.remove(0)
    }
}

async fn record(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
        .to_vec();
    let path = parts.uri.path().to_owned();
    let reply = {
        let routes = shared.routes.lock().expect("routes");
        let fallback = shared.fallback.lock().expect("fallback");
        routes.get(&path).or(fallback.as_ref()).cloned()
    }
    .unwrap_or_else(|| Reply::json(201, json!({"sid": "SM0000", "id": "1"})));
    shared.requests.lock().expect("requests").push(Recorded {
        method: parts.method.to_string(),
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    });
    Response::builder()
        .status(StatusCode::from_u16(reply.status).expect("a status"))
        .header("content-type", reply.content_type)
        .body(Body::from(reply.body))
        .expect("a response")
}

// ---------------------------------------------------------------------------------------
// Deliveries to aduan's webhooks, signed as each provider signs them.

/// POST `body` to `path` of the app with these headers.
pub async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> Resp {
    let mut req = app
        .http
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    Resp::read(req.send().await.expect("send")).await
}

pub const SMS_PATH: &str = "/channels/sms/inbound";

pub fn form(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1 of the URL and the sorted parameters.
pub fn twilio_signature(token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in &sorted {
        data.push_str(name);
        data.push_str(value);
    }
    // Computed here with the sha1 and hmac crates, apart from the code under test.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// A Twilio webhook call with `signature` (none: unsigned).
pub async fn sms_with(
    app: &TestApp,
    params: &[(String, String)],
    signature: Option<String>,
) -> Resp {
    let body = serde_urlencoded::to_string(params).expect("encode a form");
    let headers: Vec<(&str, String)> = signature
        .into_iter()
        .map(|s| (sms::SIGNATURE_HEADER, s))
        .collect();
    post(
        app,
        SMS_PATH,
        "application/x-www-form-urlencoded",
        body.into_bytes(),
        &headers,
    )
    .await
}

/// A Twilio webhook call, signed for the public URL.
pub async fn sms_signed(app: &TestApp, params: &[(String, String)]) -> Resp {
    let url = format!("{PUBLIC_BASE}{SMS_PATH}");
    let signature = twilio_signature(TWILIO_TOKEN, &url, params);
    sms_with(app, params, Some(signature)).await
}

/// An SMS `text` from `from` (`+62…`, or `whatsapp:+62…`); asserts Twilio hears 200.
pub async fn send_sms(app: &TestApp, sid: &str, from: &str, text: &str) {
    let params = form(&[
        ("MessageSid", sid),
        ("AccountSid", TWILIO_SID),
        ("From", from),
        ("To", CITY_NUMBER),
        ("Body", text),
        ("NumMedia", "0"),
    ]);
    twiml(&sms_signed(app, &params).await);
}

/// Assert the gateway's answer: 200 with an empty TwiML response.
#[track_caller]
pub fn twiml(resp: &Resp) {
    assert_eq!(resp.status, 200, "{resp:?}");
    let kind = resp.header("content-type").unwrap_or_default();
    assert!(kind.starts_with("text/xml"), "{resp:?}");
    assert!(resp.text().ends_with("<Response></Response>"), "{resp:?}");
}

/// A Meta (WhatsApp, Facebook, Instagram) webhook POST signed with `secret`.
pub async fn meta_signed(app: &TestApp, path: &str, secret: &str, body: &Value) -> Resp {
    let bytes = body.to_string().into_bytes();
    let signature = sign_sha256(secret.as_bytes(), &bytes);
    let headers = [(meta::SIGNATURE_HEADER, signature)];
    post(app, path, "application/json", bytes, &headers).await
}

/// X's `x-twitter-webhooks-signature`: `sha256=` and the base64 HMAC-SHA256 of the body,
pub fn x_signature(body: &str) -> String {
    twitter::sign_body(X_SECRET, body.as_bytes())
}

pub async fn x_signed(app: &TestApp, body: &Value) -> Resp {
    let text = body.to_string();
    let headers = [(twitter::SIGNATURE_HEADER, x_signature(&text))];
    post(
        app,
        "/channels/x/webhook",
        "application/json",
        text.into_bytes(),
        &headers,
    )
    .await
}

/// A LAPOR! push signed now.
pub async fn lapor_signed(app: &TestApp, body: &Value) -> Resp {
    let bytes = body.to_string().into_bytes();
    let now = Utc::now().timestamp();
    let headers = [
        (lapor::TIMESTAMP_HEADER, now.to_string()),
        (
            lapor::SIGNATURE_HEADER,
            lapor::sign(LAPOR_SECRET.as_bytes(), now, &bytes),
        ),
    ];
    post(
        app,
        "/channels/lapor/reports",
        "application/json",
        bytes,
        &headers,
    )
    .await
}

/// A WhatsApp Cloud webhook carrying `messages` from `wa_id` (digits) named `name`.
pub fn whatsapp_webhook(wa_id: &str, name: &str, messages: Vec<Value>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "628111272206", "phone_number_id": WA_PHONE_ID},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": messages,
        }}]}]
    })
}

/// The tweet (by @budi_menteng, Budi Santoso) and the DM sender (@rinawulan_, Rina
/// Wulandari) of [`x_activity`], and the comment of [`facebook_feed`] (by Yusuf Hidayat).
pub const TWEET_ID: &str = "1897465612345678901";
pub const TWEET_AUTHOR: &str = "1456789012345678901";
pub const DM_SENDER: &str = "1501234567890123456";
pub const COMMENT_ID: &str = "987654321012345_1122334455667788";
pub const MESSENGER_USER: &str = "7312456789012345";

/// An X Account Activity POST: a tweet mentioning @DKIJakarta and a DM to it.
pub fn x_activity(tweet: &str, dm: &str) -> Value {
    json!({
        "for_user_id": X_USER_ID,
        "tweet_create_events": [{
            "id_str": TWEET_ID,
            "text": format!("@DKIJakarta {tweet}"),
            "user": {"id_str": TWEET_AUTHOR, "screen_name": "budi_menteng",
                     "name": "Budi Santoso"},
            "entities": {"user_mentions": [{"id_str": X_USER_ID, "screen_name": "DKIJakarta"}]}
        }],
        "direct_message_events": [{
            "type": "message_create", "id": "1897480000000000101",
            "message_create": {"target": {"recipient_id": X_USER_ID}, "sender_id": DM_SENDER,
                               "message_data": {"text": dm}}
        }],
        "users": {DM_SENDER: {"id_str": DM_SENDER, "screen_name": "rinawulan_",
                              "name": "Rina Wulandari"}}
    })
}

/// A Facebook page webhook: a visitor's comment on the page's post and a Messenger message.
pub fn facebook_feed(comment: &str, message: &str) -> Value {
    json!({"object": "page", "entry": [{
        "id": PAGE_ID,
        "changes": [{"field": "feed", "value": {
            "from": {"id": "5123987654321098", "name": "Yusuf Hidayat"},
            "message": comment,
            "post_id": "104812345678901_987654321012345",
            "comment_id": COMMENT_ID,
            "item": "comment", "verb": "add"}}],
        "messaging": [{
            "sender": {"id": MESSENGER_USER}, "recipient": {"id": PAGE_ID},
            "message": {"mid": "m_Jb2WZ6cYq1kqB9s8Gf3c6Q", "text": message}}]
    }]})
}
