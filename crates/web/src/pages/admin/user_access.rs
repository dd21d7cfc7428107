//! The access forms of `/admin/pengguna`: disable or enable an account, and set a temporary
//! password. The rules and effects are the API's (`/api/v1/users/{username}/...`): a
//! disabled account's sessions end at once, a temporary password must be changed at the
//! next sign-in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::UserId;
use aduan_store::{StoreError, User};

use crate::app::accounts;
use crate::app_error::AppError;
use crate::pages::account::password_problem;
use crate::pages::admin_form::{AdminForm, admin_form_fields};
use crate::pages::{Chrome, Texts, error_page, failure, see_other};
use crate::state::AppState;

use super::users::PATH;
use super::{AdminTexts, admin_texts};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccessForm {
    csrf: String,
    /// `disable` or `enable`.
    action: String,
}

admin_form_fields!(AccessForm, page = PATH);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TemporaryPasswordForm {
    csrf: String,
    password: String,
}

admin_form_fields!(TemporaryPasswordForm, page = PATH);

/// The staff account a form names by id; citizens' accounts are not managed on these pages.
async fn staff_account(
    state: &AppState,
    t: &'static Texts,
    a: &AdminTexts,
    chrome: Chrome,
    id: &str,
) -> Result<(User, Chrome), Box<Response>> {
    let found = match id.parse::<i64>().map(UserId) {
        Ok(id) => state.store.user(id).await,
        Err(_) => Err(StoreError::NotFound),
    };
    match found {
        Ok(user) if user.role.is_staff() => Ok((user, chrome)),
        Ok(_) | Err(StoreError::NotFound) => Err(Box::new(error_page(
            t,
            chrome,
            StatusCode::NOT_FOUND,
            a.not_found,
        ))),
        Err(e) => Err(Box::new(failure(t, chrome, e.into(), t.server_error))),
    }
}

pub async fn change_access(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm {
        admin,
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<AccessForm>,
) -> Response {
    let a = admin_texts(lang);
    let (target, chrome) = match staff_account(&state, t, a, chrome, &id).await {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let (disabled, done) = match form.action.as_str() {
        "disable" => (true, "disabled"),
        "enable" => (false, "enabled"),
        _ => return error_page(t, chrome, StatusCode::UNPROCESSABLE_ENTITY, t.bad_link),
    };
    if disabled && target.id == admin.id {
        return error_page(t, chrome, StatusCode::CONFLICT, a.err_own_disable);
    }
    let changed = accounts::set_disabled(state.store.as_ref(), &target.username, disabled).await;
    match changed {
        Ok(_) => see_other(&format!("{PATH}?done={done}"), t),
        Err(e) => failure(t, chrome, e, a.not_found),
    }
}

pub async fn set_temporary_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm {
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<TemporaryPasswordForm>,
) -> Response {
    let a = admin_texts(lang);
    let (target, chrome) = match staff_account(&state, t, a, chrome, &id).await {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let weakness = crate::password_policy::check(&form.password, &target.username).err();
    // Every hashing slot busy (503) reads as the server error page: try again shortly.
    let _slot = match state.limits.hash_slot().await {
        Ok(slot) => slot,
        Err(e) => return failure(t, chrome, e, t.server_error),
    };
    let set =
        accounts::set_password(state.store.as_ref(), &target.username, form.password, true).await;
    match set {
        Ok(_) => see_other(&format!("{PATH}?done=temporary_password"), t),
        Err(e @ AppError::Invalid { .. }) => {
            let problem = weakness.map_or_else(|| e.message(), |w| password_problem(t, w));
            error_page(t, chrome, StatusCode::UNPROCESSABLE_ENTITY, &problem)
        }
        Err(e) => failure(t, chrome, e, a.not_found),
    }
}
