//! `/admin/kunci-api`: third-party apps' keys. A new key is shown once, in the answer to the
//! form that created it (never in a link, a redirect or a log); only its SHA-256 is kept.
//! Revoking asks first, on its own page, then takes a POST.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use aduan_store::StoreError;

use crate::app::cursor::encode_cursor;
use crate::auth::new_token;
use crate::pages::admin_form::{AdminForm, admin_form_fields};
use crate::pages::forms::FieldErrors;
use crate::pages::labels::local_time;
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, Texts, error_page, failure, render, render_with, see_other};
use crate::state::AppState;

use super::{AdminTexts, PAGE_SIZE, admin_only, admin_texts, cursor_after, one_page};

const PATH: &str = "/admin/kunci-api";
const REVOKE_PATH: &str = "/admin/kunci-api/cabut";

#[derive(Deserialize)]
pub struct KeysQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
    done: Option<String>,
    /// The key to revoke (on the confirmation page).
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KeyForm {
    csrf: String,
    name: String,
}

admin_form_fields!(KeyForm);

struct Row {
    name: String,
    created: String,
    revoked: Option<String>,
    revoke_href: String,
}

/// A key just made: its name and the secret, shown this once.
struct NewKey {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "admin_api_keys.html")]
struct KeysPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    notice: Option<&'static str>,
    new_key: Option<NewKey>,
    rows: Vec<Row>,
    next_href: Option<String>,
    name: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin_api_key_revoke.html")]
struct RevokePage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    name: String,
}

/// The list's link to revoke `name`, its name encoded for the query.
fn revoke_href(name: &str, t: &Texts) -> String {
    let query = serde_urlencoded::to_string([("lang", t.lang), ("name", name)]).unwrap_or_default();
    format!("{REVOKE_PATH}?{query}")
}

/// The page with the list at `cursor` and the create form; a new key shown when given.
async fn keys_page(
    state: &AppState,
    lang: Lang,
    chrome: Chrome,
    cursor: Option<&str>,
    form: (String, FieldErrors, Option<NewKey>),
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let (t, a) = (lang.texts(), admin_texts(lang));
    let (after, chrome) = match cursor_after(t, chrome, cursor) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let keys = match state.store.list_api_keys(after, PAGE_SIZE + 1).await {
        Ok(keys) => keys,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let (keys, more) = one_page(keys, PAGE_SIZE);
    let next_href = more
        .then(|| keys.last())
        .flatten()
        .map(|last| format!("{PATH}?lang={}&cursor={}", t.lang, encode_cursor(last.id)));
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let rows = keys
        .into_iter()
        .map(|k| Row {
            revoke_href: revoke_href(&k.name, t),
            created: local_time(j, k.created_at),
            revoked: k.revoked_at.map(|at| local_time(j, at)),
            name: k.name,
        })
        .collect();
    let (name, errors, new_key) = form;
    render_with(
        status,
        &KeysPage {
            t,
            a,
            chrome,
            notice,
            new_key,
            rows,
            next_href,
            name,
            errors,
        },
    )
}

pub async fn list_keys(
    State(state): State<AppState>,
    Query(q): Query<KeysQuery>,
    visitor: Visitor,
) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, PATH, &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    let notice = (q.done.as_deref() == Some("revoked")).then_some(a.key_revoked_notice);
    let form = (String::new(), FieldErrors::default(), None);
    keys_page(
        &state,
        q.lang,
        chrome,
        q.cursor.as_deref(),
        form,
        notice,
        StatusCode::OK,
    )
    .await
}

/// Issue a key and show it, this once, in the answer (not a redirect: the key must not
/// travel in a URL, where histories and logs would keep it).
pub async fn create_key(
    State(state): State<AppState>,
    AdminForm {
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<KeyForm>,
) -> Response {
    let a = admin_texts(lang);
    let name = form.name.trim().to_owned();
    let refuse = |name: String, message: &'static str, chrome| {
        let form = (name, FieldErrors::one("name", message), None);
        keys_page(
            &state,
            lang,
            chrome,
            None,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if name.is_empty() || name.chars().count() > 100 {
        return refuse(name, a.err_key_name, chrome).await;
    }
    // The same shape as a session token: 32 random bytes, base64url; only the hash is kept.
    let (secret, hash) = new_token();
    match state
        .store
        .create_api_key(name.clone(), hash, Utc::now())
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => return refuse(name, a.err_key_taken, chrome).await,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    }
    let new_key = Some(NewKey { name, secret });
    let form = (String::new(), FieldErrors::default(), new_key);
    keys_page(&state, lang, chrome, None, form, None, StatusCode::OK).await
}

/// Ask before revoking.
pub async fn confirm_revoke(Query(q): Query<KeysQuery>, visitor: Visitor) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, REVOKE_PATH, &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    let name = q.name.unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        return error_page(t, chrome, StatusCode::NOT_FOUND, a.key_missing);
    }
    render(&RevokePage { t, a, chrome, name })
}

pub async fn revoke_key(
    State(state): State<AppState>,
    AdminForm {
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<KeyForm>,
) -> Response {
    let a = admin_texts(lang);
    match state
        .store
        .revoke_api_key(form.name.trim().to_owned(), Utc::now())
        .await
    {
        Ok(()) => see_other(&format!("{PATH}?done=revoked"), t),
        Err(StoreError::NotFound) => error_page(t, chrome, StatusCode::NOT_FOUND, a.key_missing),
        Err(e) => failure(t, chrome, e.into(), t.server_error),
    }
}
