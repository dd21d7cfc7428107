//! `/akun/kata-sandi`: anyone signed in changes their own password (the current one
//! first), by the API's rules (`POST /api/v1/me/password`); an account holding a temporary
//! password is sent here until it has chosen its own.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::app::accounts::change_own_password;
use crate::app_error::AppError;
use crate::auth::presented_token;
use crate::error::status_of;
use crate::state::AppState;

use super::account::password_problem;
use super::forms::{FieldErrors, field_of, refuse_forgery};
use super::session::{CHANGE_PASSWORD_PATH, Visitor};
use super::{Chrome, Lang, Texts, failure, render_with, see_other};

/// This page's words, Indonesian first.
pub struct PasswordTexts {
    title: &'static str,
    intro: &'static str,
    temporary: &'static str,
    current: &'static str,
    new: &'static str,
    submit: &'static str,
    changed: &'static str,
    err_current: &'static str,
    err_same: &'static str,
}

const ID: PasswordTexts = PasswordTexts {
    title: "Ganti kata sandi",
    intro: "Setelah diganti, sesi Anda di perangkat lain berakhir.",
    temporary: "Kata sandi Anda sementara, diberikan oleh admin. Pilih kata sandi sendiri untuk melanjutkan.",
    current: "Kata sandi saat ini",
    new: "Kata sandi baru",
    submit: "Ganti kata sandi",
    changed: "Kata sandi Anda sudah diganti.",
    err_current: "Kata sandi saat ini salah.",
    err_same: "Kata sandi baru harus berbeda dari yang sekarang.",
};

const EN: PasswordTexts = PasswordTexts {
    title: "Change password",
    intro: "Once it is changed, your sessions on other devices end.",
    temporary: "Your password is a temporary one an admin set. Choose your own to go on.",
    current: "Current password",
    new: "New password",
    submit: "Change password",
    changed: "Your password has been changed.",
    err_current: "The current password is wrong.",
    err_same: "The new password must differ from the current one.",
};

fn texts(lang: Lang) -> &'static PasswordTexts {
    match lang {
        Lang::Id => &ID,
        Lang::En => &EN,
    }
}

#[derive(Deserialize)]
pub struct PasswordQuery {
    #[serde(default)]
    lang: Lang,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    t: &'static Texts,
    p: &'static PasswordTexts,
    chrome: Chrome,
    temporary: bool,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

pub async fn password_form(Query(q): Query<PasswordQuery>, visitor: Visitor) -> Response {
    let (t, p) = (q.lang.texts(), texts(q.lang));
    let Some(user) = visitor.user.as_ref() else {
        return see_other(&format!("/masuk?next={CHANGE_PASSWORD_PATH}"), t);
    };
    let page = PasswordPage {
        t,
        p,
        temporary: user.must_change_password,
        notice: q.done.is_some().then_some(p.changed),
        errors: FieldErrors::default(),
        chrome: Chrome::new(CHANGE_PASSWORD_PATH, t, &visitor),
    };
    render_with(StatusCode::OK, &page)
}

pub async fn change_password(
    State(state): State<AppState>,
    Query(q): Query<PasswordQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let (t, p) = (q.lang.texts(), texts(q.lang));
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let Some(user) = visitor.user.clone() else {
        return see_other(&format!("/masuk?next={CHANGE_PASSWORD_PATH}"), t);
    };
    if let Some(refused) = refuse_forgery(
        t,
        CHANGE_PASSWORD_PATH,
        &visitor,
        &headers,
        Some(&form.csrf),
        true,
    ) {
        return refused;
    }
    let token = presented_token(&headers);
    // Why the policy refuses the new password, if it does, to say so in the reader's words.
    let weakness = crate::password_policy::check(&form.new_password, &user.username).err();
    let changed = change_own_password(
        &state,
        &user,
        token.as_deref(),
        form.current_password,
        form.new_password,
    )
    .await;
    let chrome = Chrome::new(CHANGE_PASSWORD_PATH, t, &visitor);
    let e = match changed {
        Ok(()) => return see_other(&format!("{CHANGE_PASSWORD_PATH}?done=changed"), t),
        Err(e) if e.is_failure_below() => return failure(t, chrome, e, t.server_error),
        Err(e) => e,
    };
    let errors = match (&e, field_of(&e)) {
        (AppError::NotAllowed(_), _) => FieldErrors::one("current_password", p.err_current),
        (_, "new_password") => FieldErrors::one("new_password", p.err_same),
        _ => FieldErrors::one(
            "new_password",
            weakness.map_or_else(|| e.message(), |w| password_problem(t, w)),
        ),
    };
    let page = PasswordPage {
        t,
        p,
        chrome,
        temporary: user.must_change_password,
        notice: None,
        errors,
    };
    render_with(status_of(&e), &page)
}
