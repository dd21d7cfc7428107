//! "Kabari saya di perangkat ini": a signed-in citizen's browser subscribes to Web Push
//! (`templates/push.js`, served at [`SCRIPT_PATH`] under `'self'`), and from then on every
//! step of their reports shows as a notification on that phone. The script fetches the
//! VAPID public key ([`KEY_PATH`]), asks the browser, and posts the subscription with the
//! session's CSRF value ([`SUBSCRIBE_PATH`]); [`UNSUBSCRIBE_PATH`] forgets it. Without
//! JavaScript, or with push off, the button is simply not there; an account with devices
//! told still gets a plain form ([`UNSUBSCRIBE_ALL_PATH`]) that turns them all off, so a
//! lost phone or a browser without JavaScript can be silenced.
//!
//! The endpoint is an address a stranger chose: it is taken only on a known push service
//! (`aduan_channels::outbound::push`), else 422 and nothing is kept. It is kept sealed for
//! the account and never shown to anyone.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use aduan_channels::outbound::push::Refused;
use aduan_domain::Role;
use aduan_store::StoreError;

use super::forms::refuse_forgery;
use super::session::Visitor;
use super::{Lang, LangQuery};
use crate::push::{parse, seal};
use crate::state::AppState;

pub const SCRIPT_PATH: &str = "/push.js";
pub const KEY_PATH: &str = "/push/kunci";
pub const SUBSCRIBE_PATH: &str = "/push/langganan";
pub const UNSUBSCRIBE_PATH: &str = "/push/berhenti";
/// A plain form on `/laporan-saya`, no script needed: every device of the account off.
pub const UNSUBSCRIBE_ALL_PATH: &str = "/push/berhenti-semua";
/// A subscription is a few hundred bytes; nothing bigger is read.
pub const MAX_FORM_BYTES: usize = 8 * 1024;

/// The script of the button.
pub const SCRIPT: &str = include_str!("../../templates/push.js");

/// What the button and its status line say, read by the script from `data-` attributes.
pub struct PushTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub enable: &'static str,
    pub disable: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub denied: &'static str,
    pub failed: &'static str,
    /// "Pemberitahuan aktif di {n} perangkat." before the form that turns them all off.
    devices_on: &'static str,
    pub disable_all: &'static str,
    pub all_off: &'static str,
    unknown_service: &'static str,
    bad_keys: &'static str,
    sign_in: &'static str,
    unavailable: &'static str,
}

static ID: PushTexts = PushTexts {
    title: "Pemberitahuan",
    intro: "Dapatkan pemberitahuan di ponsel ini setiap kali laporan Anda, atau laporan \
            yang Anda dukung, berubah status, walau situs ini sedang tertutup.",
    enable: "Kabari saya di perangkat ini",
    disable: "Matikan pemberitahuan",
    on: "Pemberitahuan aktif di perangkat ini.",
    off: "Pemberitahuan dimatikan di perangkat ini.",
    denied: "Browser tidak mengizinkan pemberitahuan. Izinkan di pengaturan situs pada \
             browser Anda, lalu coba lagi.",
    failed: "Pemberitahuan belum dapat diatur. Coba lagi nanti.",
    devices_on: "Pemberitahuan aktif di {n} perangkat untuk akun ini.",
    disable_all: "Matikan di semua perangkat",
    all_off: "Pemberitahuan dimatikan di semua perangkat.",
    unknown_service: "Layanan pemberitahuan browser ini tidak kami kenal, jadi pemberitahuan \
                      tidak dapat dikirim ke sana.",
    bad_keys: "Langganan pemberitahuan dari browser ini tidak lengkap.",
    sign_in: "Masuk dulu untuk mengatur pemberitahuan.",
    unavailable: "Pemberitahuan tidak tersedia di situs ini.",
};

static EN: PushTexts = PushTexts {
    title: "Notifications",
    intro: "Get a notification on this phone each time one of your reports, or one you \
            support, changes status, even while this site is closed.",
    enable: "Notify me on this device",
    disable: "Turn off notifications",
    on: "Notifications are on for this device.",
    off: "Notifications are off for this device.",
    denied: "The browser does not allow notifications. Allow them in your browser's site \
             settings, then try again.",
    failed: "Notifications could not be set up. Try again later.",
    devices_on: "Notifications are on for {n} device(s) of this account.",
    disable_all: "Turn off on all devices",
    all_off: "Notifications are off on all devices.",
    unknown_service: "This browser's push service is not one we know, so notifications cannot \
                      be sent there.",
    bad_keys: "This browser's notification subscription is incomplete.",
    sign_in: "Sign in first to set up notifications.",
    unavailable: "Notifications are not available on this site.",
};

impl PushTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// How many devices of the account are told.
    pub fn devices_on(&self, n: usize) -> String {
        self.devices_on.replace("{n}", &n.to_string())
    }
}

#[derive(Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize, Default)]
pub struct SubscriptionForm {
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    p256dh: String,
    #[serde(default)]
    auth: String,
    #[serde(default)]
    csrf: String,
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        text.to_owned(),
    )
        .into_response()
}

/// `/push.js`.
pub async fn script() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `/push/kunci`: `{"key": "<VAPID public key, base64url>"}`; 404 when push is off.
pub async fn key(State(state): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    match state.push.as_deref() {
        Some(push) => (
            [(CACHE_CONTROL, "no-cache")],
            axum::Json(serde_json::json!({ "key": push.public_key() })),
        )
            .into_response(),
        None => plain(StatusCode::NOT_FOUND, PushTexts::of(q.lang).unavailable),
    }
}

/// The signed-in citizen a subscription form is from, or the answer refusing it.
fn citizen(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<aduan_store::User, Box<Response>> {
    let p = PushTexts::of(lang);
    if state.push.is_none() {
        return Err(Box::new(plain(StatusCode::NOT_FOUND, p.unavailable)));
    }
    let Some(user) = visitor.user.clone() else {
        return Err(Box::new(plain(StatusCode::UNAUTHORIZED, p.sign_in)));
    };
    let t = lang.texts();
    if let Some(refused) = refuse_forgery(t, SUBSCRIBE_PATH, visitor, headers, Some(csrf), true) {
        return Err(Box::new(refused));
    }
    if user.role != Role::Citizen {
        return Err(Box::new(plain(StatusCode::FORBIDDEN, t.citizens_only)));
    }
    Ok(user)
}

fn server_error(lang: Lang, e: StoreError) -> Response {
    tracing::error!(error = %e, "cannot keep a push subscription");
    plain(StatusCode::INTERNAL_SERVER_ERROR, lang.texts().server_error)
}

/// `POST /push/langganan`: keep this browser's subscription for the citizen's account (204).
pub async fn subscribe(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<SubscriptionForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let user = match citizen(&state, q.lang, &visitor, &headers, &form.csrf) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let p = PushTexts::of(q.lang);
    let local = state.config.channels.unsafe_local_fetch.as_slice();
    let subscription = match parse(&form.endpoint, &form.p256dh, &form.auth, local) {
        Ok(subscription) => subscription,
        Err(Refused::Keys) => return plain(StatusCode::UNPROCESSABLE_ENTITY, p.bad_keys),
        Err(_) => return plain(StatusCode::UNPROCESSABLE_ENTITY, p.unknown_service),
    };
    let kept = match seal(&state.sealer, user.id, &subscription) {
        Ok((key, sealed)) => {
            state
                .store
                .add_push_subscription(user.id, key, sealed, Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    match kept {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(StoreError::NotFound) => plain(StatusCode::FORBIDDEN, q.lang.texts().citizens_only),
        Err(e) => server_error(q.lang, e),
    }
}

/// `POST /push/berhenti`: forget this browser's subscription (204, also when there was none).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<SubscriptionForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let user = match citizen(&state, q.lang, &visitor, &headers, &form.csrf) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    let key = state.sealer.push_endpoint_key(&form.endpoint);
    match state.store.remove_push_subscription(user.id, key).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => server_error(q.lang, e),
    }
}

/// Where the form that turned every device off leads back to, with its notice.
pub const ALL_OFF_NOTICE: &str = "mati";

/// `POST /push/berhenti-semua`: forget every subscription of the citizen's account, then
/// back to `/laporan-saya` saying so (303). A plain form: no script is needed.
pub async fn unsubscribe_all(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let user = match citizen(&state, q.lang, &visitor, &headers, &form.csrf) {
        Ok(user) => user,
        Err(refused) => return *refused,
    };
    match state.store.remove_push_subscriptions_of(user.id).await {
        Ok(_) => super::see_other(
            &format!("/laporan-saya?pemberitahuan={ALL_OFF_NOTICE}"),
            q.lang.texts(),
        ),
        Err(e) => server_error(q.lang, e),
    }
}
