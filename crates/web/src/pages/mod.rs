//! Server-rendered pages (askama, auto-escaped), Indonesian first, working without
//! JavaScript, loading nothing from other hosts.
//!
//! Every link, form and redirect carries `?lang=`, so a reader who chose English stays in
//! English. Forms post and redirect (303) to a page to get; a form with errors is shown
//! again with the message beside the field and the status that says what went wrong.

mod account;
mod admin;
mod admin_form;
mod anonymous;
mod app_shell;
mod catalog_admin;
mod category_icons;
mod category_picker;
mod choices;
mod conversation;
mod desk;
mod feed;
mod forms;
mod gate;
mod i18n;
mod labels;
mod map;
mod mine;
mod my_data;
mod not_found;
mod outbox;
mod page_error;
mod password;
mod publish;
mod push;
mod queue;
mod region_map;
mod report;
mod search_box;
mod session;
mod staff;
mod statistik;
mod submit;
mod support;
mod tracking;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

use aduan_domain::Role;

use crate::app_error::AppError;
use crate::map_tiles::MapConfig;
use crate::state::AppState;

pub use i18n::{Lang, Texts};
pub use not_found::not_found_page;
pub use page_error::PageError;
pub use session::Visitor;

/// The pages; `map` says which tile server (if any) the maps may load images from.
pub fn router(map: &MapConfig) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route(app_shell::MANIFEST_PATH, get(app_shell::manifest))
        .route(app_shell::ICON_PATH, get(app_shell::icon))
        .route(outbox::WORKER_PATH, get(outbox::worker))
        .route(push::SCRIPT_PATH, get(push::script))
        .route(push::KEY_PATH, get(push::key))
        .route(
            push::SUBSCRIBE_PATH,
            post(push::subscribe).layer(DefaultBodyLimit::max(push::MAX_FORM_BYTES)),
        )
        .route(
            push::UNSUBSCRIBE_PATH,
            post(push::unsubscribe).layer(DefaultBodyLimit::max(push::MAX_FORM_BYTES)),
        )
        .route(
            push::UNSUBSCRIBE_ALL_PATH,
            post(push::unsubscribe_all).layer(DefaultBodyLimit::max(push::MAX_FORM_BYTES)),
        )
        .route("/publik", get(feed::public_feed_page))
        .route(
            "/daftar",
            get(account::register_form).post(account::register),
        )
        .route("/masuk", get(account::login_form).post(account::login))
        .route("/keluar", post(account::logout))
        .route(
            session::CHANGE_PASSWORD_PATH,
            get(password::password_form).post(password::change_password),
        )
        .route(my_data::PATH, get(my_data::my_data_page))
        .route(my_data::DOWNLOAD_PATH, get(my_data::download))
        .route(my_data::ERASE_PATH, post(my_data::erase_account))
        .route(
            "/lapor",
            get(submit::report_form).post(submit::submit_report),
        )
        .route("/lapor/peta", get(region_map::map_page))
        .route(
            anonymous::PATH,
            get(anonymous::report_form).post(anonymous::file_report),
        )
        .route(
            "/lapor/tanpa-akun/tanda-terima/{ticket}",
            get(anonymous::receipt),
        )
        .route("/meja", get(desk::desk_form).post(desk::file_report))
        .route("/meja/tanda-terima/{ticket}", get(desk::receipt))
        .route("/laporan-saya", get(mine::my_reports))
        .route(queue::PATH, get(queue::queue))
        .route(queue::BULK_PATH, post(queue::forward_many))
        .route("/laporan/{ticket}", get(report::report_page))
        .route(
            "/laporan/{ticket}/visibilitas",
            post(report::change_visibility),
        )
        .route("/laporan/{ticket}/publikasi", get(publish::preview))
        .route("/laporan/{ticket}/ulasan", post(report::review))
        .route("/laporan/{ticket}/pesan", post(conversation::post))
        .route("/laporan/{ticket}/tindakan", post(staff::act))
        .route("/laporan/{ticket}/triase", post(staff::triage))
        .route("/lacak", get(tracking::track))
        .route(statistik::PATH, get(statistik::stats_page))
        .route("/statistik.csv", get(statistik::stats_csv))
        .route("/statistik.json", get(statistik::stats_json))
        .merge(admin::router())
        .merge(catalog_admin::router())
        .merge(map::router())
        .merge(support::router())
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            csp(map),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// The one script of ours (on `/lapor`): fill the coordinates from the device's location.
pub const LOCATE_SCRIPT: &str = include_str!("../../templates/locate.js");

/// The queue's script (on `/petugas`): fill the reader's position for distances.
pub const QUEUE_LOCATE_SCRIPT: &str = include_str!("../../templates/queue_locate.js");

/// Nothing from another host, ever, but the street tiles of the tile server the city
/// configured (images only); the scripts are ours: the inline ones allowed by their hashes,
/// the map and the outbox's service worker served from here (`'self'`), which may fetch from
/// here alone.
pub(crate) fn csp(map: &MapConfig) -> HeaderValue {
    let hashes: Vec<String> = [
        LOCATE_SCRIPT,
        QUEUE_LOCATE_SCRIPT,
        outbox::SCRIPT,
        category_picker::SCRIPT,
    ]
    .iter()
    .map(|script| {
        format!(
            "'sha256-{}'",
            STANDARD.encode(Sha256::digest(script.as_bytes()))
        )
    })
    .collect();
    let tiles = map
        .tiles
        .as_ref()
        .map(|t| format!(" {}", t.origin()))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; img-src 'self'{tiles}; style-src 'unsafe-inline'; \
         script-src 'self' {}; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        hashes.join(" ")
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    pub lang: Lang,
}

/// What the frame of every page needs besides its texts: the link to the other language,
/// who is signed in, and the CSRF value for the sign-out button.
pub struct Chrome {
    pub other_lang_href: String,
    pub username: Option<String>,
    pub csrf: String,
    /// Which of the staff's pages the menu offers.
    pub is_citizen: bool,
    pub is_staff: bool,
    pub is_operator: bool,
    pub is_admin: bool,
}

impl Chrome {
    /// The frame of the page at `path` (without query) for `visitor`.
    pub fn new(path: &str, t: &Texts, visitor: &Visitor) -> Self {
        let role = visitor.user.as_ref().map(|u| u.role);
        Self {
            other_lang_href: other_lang_href(path, t),
            username: visitor.username(),
            csrf: visitor.csrf(),
            is_citizen: role == Some(Role::Citizen),
            is_staff: matches!(
                role,
                Some(Role::Officer | Role::Coordinator | Role::Validator)
            ),
            is_operator: role == Some(Role::Operator),
            is_admin: role == Some(Role::Admin),
        }
    }
}

/// The link to the same page in the other language.
pub fn other_lang_href(path: &str, t: &Texts) -> String {
    format!("{path}?lang={}", t.other_lang)
}

/// `path` in the reader's language, for links and redirects.
pub fn href(path: &str, t: &Texts) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={}", t.lang)
}

/// 303 to `path` in the reader's language (post/redirect/get).
pub fn see_other(path: &str, t: &Texts) -> Response {
    Redirect::to(&href(path, t)).into_response()
}

/// Render a page; a template failure is logged and answered generically.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => page_error::unrenderable(e),
    }
}

/// Render a page with a status other than 200 (a form shown again with its errors).
pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    let mut response = render(page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: &'static Texts,
    chrome: Chrome,
}

async fn home(Query(q): Query<LangQuery>, visitor: Visitor) -> Response {
    let t = q.lang.texts();
    render(&HomePage {
        t,
        chrome: Chrome::new("/", t, &visitor),
    })
}

/// A page-shaped error in the reader's language, with the status.
pub fn error_page(
    t: &'static Texts,
    chrome: Chrome,
    status: StatusCode,
    message: &str,
) -> Response {
    PageError::new(t, chrome, status, message).into_response()
}

/// A use case's error as a page: a failure below is logged and answered generically;
/// anything else shows its status with `message` (in the reader's language).
pub fn failure(t: &'static Texts, chrome: Chrome, e: AppError, message: &str) -> Response {
    PageError::from_app(t, chrome, e, message).into_response()
}
