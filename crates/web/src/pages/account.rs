//! `/daftar`, `/masuk`, `/keluar`: registering, signing in and out, with the same rules and
//! sessions as `/api/v1/auth` (the logic is theirs; this is its HTML face).

use aduan_domain::Role;
use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::accounts::RegisterRequest;
use crate::app::accounts::{authenticate, create_citizen, registration_problems};
use crate::app_error::AppError;
use crate::error::status_of;
use crate::limits::ClientAddr;
use crate::password_policy::{self, Weakness};
use crate::sessions::{close_session, open_session};
use crate::state::AppState;

use super::forms::{FieldErrors, field_of, refuse_forgery, safe_next};
use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, href, render, render_with};

#[derive(Deserialize)]
pub struct AuthQuery {
    #[serde(default)]
    lang: Lang,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    username: String,
    password: String,
    display_name: String,
    phone: String,
    email: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    t: &'static Texts,
    chrome: Chrome,
    /// `&next=...` for the form's action, or "".
    next_param: String,
    /// What was typed, the password included (the page is `no-store`).
    values: RegisterForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static Texts,
    chrome: Chrome,
    next_param: String,
    username: String,
    errors: FieldErrors,
}

fn next_param(next: &Option<String>) -> String {
    next.as_deref()
        .map(|n| format!("&next={n}"))
        .unwrap_or_default()
}

/// Set (or clear) the session cookie and go on to `to` (post/redirect/get).
fn with_cookie(cookie: String, to: &str, t: &Texts) -> Response {
    (
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to(&href(to, t)),
    )
        .into_response()
}

pub async fn register_form(Query(q): Query<AuthQuery>, visitor: Visitor) -> Response {
    let t = q.lang.texts();
    let next = safe_next(q.next.as_deref());
    render(&RegisterPage {
        t,
        chrome: Chrome::new("/daftar", t, &visitor),
        next_param: next_param(&next),
        values: RegisterForm::default(),
        errors: FieldErrors::default(),
    })
}

/// Why a new password is refused, in the reader's language.
pub(crate) fn password_problem(t: &Texts, weakness: Weakness) -> String {
    if t.lang == "en" {
        format!("The password {}.", weakness.english())
    } else {
        weakness.indonesian()
    }
}

/// What a 429 tells the reader: to wait `retry_after` seconds, in minutes.
fn wait_text(template: &str, retry_after: Option<u64>) -> String {
    let minutes = retry_after.unwrap_or(60).div_ceil(60).max(1);
    template.replace("{}", &minutes.to_string())
}

/// A refused page that says when to try again also says it in `Retry-After`.
fn with_retry_after(mut page: Response, retry_after: Option<u64>) -> Response {
    if let Some(secs) = retry_after {
        page.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    page
}

/// Registration problems, each beside its field, in the reader's language.
fn register_errors<'a>(
    t: &Texts,
    form: &RegisterForm,
    problems: impl IntoIterator<Item = &'a AppError>,
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for e in problems {
        match e {
            AppError::Conflict(_) => {
                errors.add("username", t.err_username_taken);
                continue;
            }
            AppError::TooManyAttempts { .. } => {
                errors.add("form", t.err_too_many);
                continue;
            }
            _ => {}
        }
        let field = field_of(e);
        match field {
            "username" => errors.add(field, t.err_username),
            "password" => {
                let username = form.username.trim().to_ascii_lowercase();
                let weakness = password_policy::check(&form.password, &username)
                    .err()
                    .unwrap_or(Weakness::Guessable);
                errors.add(field, password_problem(t, weakness))
            }
            "display_name" => errors.add(field, t.err_display_name),
            "phone" => errors.add(field, t.err_phone),
            "email" => errors.add(field, t.err_email),
            _ => errors.add("form", e.message()),
        }
    }
    errors
}

/// Signed in: a session this browser had before is over (one account at a time), the new
/// one's cookie is set, and the visitor goes on to `to`.
async fn replace_session(
    state: &AppState,
    headers: &HeaderMap,
    cookie: String,
    to: &str,
    t: &'static Texts,
) -> Response {
    if let Err(e) = close_session(state, headers).await {
        tracing::warn!(error = %e, "closing the previous session");
    }
    with_cookie(cookie, to, t)
}

pub async fn register(
    State(state): State<AppState>,
    Query(q): Query<AuthQuery>,
    addr: ClientAddr,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<RegisterForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    if let Some(refused) = refuse_forgery(t, "/daftar", &visitor, &headers, None, false) {
        return refused;
    }
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let next = safe_next(q.next.as_deref());
    let req = RegisterRequest {
        username: form.username.clone(),
        password: form.password.clone(),
        display_name: Some(form.display_name.clone()),
        phone: Some(form.phone.clone()),
        email: Some(form.email.clone()),
    };
    let problems = registration_problems(&req);
    let result = match problems.first() {
        Some(first) => Err(first.clone()),
        None => match create_citizen(&state, addr, req).await {
            Ok(user) => open_session(&state, &user).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(session) => {
            let to = next.as_deref().unwrap_or("/lapor");
            replace_session(&state, &headers, session.cookie, to, t).await
        }
        Err(e) if e.is_failure_below() => {
            failure(t, Chrome::new("/daftar", t, &visitor), e, t.server_error)
        }
        Err(e) => with_retry_after(
            render_with(
                status_of(&e),
                &RegisterPage {
                    t,
                    chrome: Chrome::new("/daftar", t, &visitor),
                    next_param: next_param(&next),
                    errors: if problems.is_empty() {
                        register_errors(t, &form, [&e])
                    } else {
                        register_errors(t, &form, &problems)
                    },
                    // Everything typed comes back, the password too: this is the
                    // answer to this browser's own POST (no-store), and retyping a
                    // refused form from scratch is what made people give up.
                    values: form,
                },
            ),
            e.retry_after(),
        ),
    }
}

/// Where each role lands after signing in (unless it came for another page): the page
/// of its daily work.
fn home_of(role: Role) -> &'static str {
    match role {
        Role::Citizen => "/laporan-saya",
        Role::Operator => "/meja",
        Role::Coordinator => "/petugas?view=masuk",
        Role::Officer => "/petugas?view=perlu",
        Role::Validator => "/petugas?view=validasi",
        Role::Admin => "/admin",
    }
}

pub async fn login_form(Query(q): Query<AuthQuery>, visitor: Visitor) -> Response {
    let t = q.lang.texts();
    let next = safe_next(q.next.as_deref());
    if let Some(user) = &visitor.user {
        return Redirect::to(&href(next.as_deref().unwrap_or(home_of(user.role)), t))
            .into_response();
    }
    render(&LoginPage {
        t,
        chrome: Chrome::new("/masuk", t, &visitor),
        next_param: next_param(&next),
        username: String::new(),
        errors: FieldErrors::default(),
    })
}

pub async fn login(
    State(state): State<AppState>,
    Query(q): Query<AuthQuery>,
    addr: ClientAddr,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    if let Some(refused) = refuse_forgery(t, "/masuk", &visitor, &headers, None, false) {
        return refused;
    }
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let next = safe_next(q.next.as_deref());
    let result = match authenticate(&state, addr, &form.username, form.password).await {
        Ok(user) => open_session(&state, &user)
            .await
            .map(|session| (session, user.role)),
        Err(e) => Err(e),
    };
    match result {
        Ok((session, role)) => {
            let to = next.as_deref().unwrap_or(home_of(role));
            replace_session(&state, &headers, session.cookie, to, t).await
        }
        Err(e) if e.is_failure_below() => {
            failure(t, Chrome::new("/masuk", t, &visitor), e, t.server_error)
        }
        Err(e) => {
            let message = if let AppError::TooManyAttempts { retry_after, .. } = e {
                wait_text(t.err_too_many_sign_ins, Some(retry_after))
            } else {
                t.err_login.to_owned()
            };
            let page = render_with(
                status_of(&e),
                &LoginPage {
                    t,
                    chrome: Chrome::new("/masuk", t, &visitor),
                    next_param: next_param(&next),
                    username: form.username,
                    errors: FieldErrors::one("password", message),
                },
            );
            with_retry_after(page, e.retry_after())
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Query(q): Query<AuthQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    if visitor.user.is_none() {
        // Nothing to end (the session expired meanwhile): home, signed out.
        return Redirect::to(&href("/", t)).into_response();
    }
    let form = form.map(|Form(f)| f).unwrap_or_default();
    if let Some(refused) = refuse_forgery(t, "/", &visitor, &headers, Some(&form.csrf), true) {
        return refused;
    }
    match close_session(&state, &headers).await {
        Ok(clear) => with_cookie(clear, "/", t),
        Err(e) => failure(t, Chrome::new("/", t, &visitor), e, t.server_error),
    }
}
