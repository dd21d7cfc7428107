//! The forms of `/admin/pengguna`: create a staff account, change an account's role and
//! unit. The rules are the API's (`POST /api/v1/users`); a changed role applies to the
//! account's open sessions at once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use aduan_domain::{Role, UnitCode, UserId};
use aduan_store::{NewUser, StoreError};

use crate::app::accounts::check_username;
use crate::app::accounts::staff_role_and_unit;
use crate::auth::hash_password;
use crate::pages::account::password_problem;
use crate::pages::admin_form::{AdminForm, admin_form_fields};
use crate::pages::forms::{FieldErrors, field_of};
use crate::pages::{Chrome, Lang, error_page, failure, see_other};
use crate::password_policy;
use crate::state::AppState;

use super::users::{CreateState, Edit, Listing, PATH, Page, users_page};
use super::{AdminTexts, admin_texts};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    csrf: String,
    username: String,
    password: String,
    role: String,
    unit: String,
}

admin_form_fields!(CreateForm);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    csrf: String,
    role: String,
    unit: String,
    /// Where in the list the form was: shown again there.
    list_role: String,
    list_cursor: String,
}

admin_form_fields!(ChangeForm, page = PATH);

/// The role and unit a form asks for, by the API's rules, or the problem beside its field.
fn role_and_unit(
    state: &AppState,
    a: &AdminTexts,
    role: &str,
    unit: &str,
) -> Result<(Role, Option<UnitCode>), FieldErrors> {
    let unit = unit.trim();
    staff_role_and_unit(state, role, (!unit.is_empty()).then_some(unit)).map_err(
        |e| match field_of(&e) {
            "unit" if unit.is_empty() => FieldErrors::one("unit", a.err_unit_needed),
            "unit" => FieldErrors::one("unit", a.err_unit_unknown),
            _ => FieldErrors::one("role", a.err_role),
        },
    )
}

pub async fn create_user(
    State(state): State<AppState>,
    AdminForm {
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<CreateForm>,
) -> Response {
    let a = admin_texts(lang);
    let username = form.username.trim().to_ascii_lowercase();
    let mut errors = FieldErrors::default();
    if check_username(&username).is_err() {
        errors.add("username", t.err_username);
    }
    if let Err(weakness) = password_policy::check(&form.password, &username) {
        errors.add("password", password_problem(t, weakness));
    }
    let checked = role_and_unit(&state, a, &form.role, &form.unit);
    let mut shown = CreateState {
        username: form.username.trim().to_owned(),
        role: form.role.clone(),
        unit: form.unit.trim().to_owned(),
        errors: FieldErrors::default(),
    };
    if let Err(problem) = &checked {
        for field in ["role", "unit"] {
            if let Some(message) = problem.get(field) {
                errors.add(field, message);
            }
        }
    }
    let (role, unit) = match checked {
        Ok(found) if errors.is_empty() => found,
        _ => {
            shown.errors = errors;
            return again(&state, chrome, lang, shown).await;
        }
    };
    let slot = match state.limits.hash_slot().await {
        Ok(slot) => slot,
        Err(e) => return failure(t, chrome, e, t.server_error),
    };
    let hashed = hash_password(form.password).await;
    drop(slot);
    let password_hash = match hashed {
        Ok(hash) => hash,
        Err(e) => return failure(t, chrome, e, t.server_error),
    };
    let created = state
        .store
        .create_user(NewUser {
            username,
            password_hash,
            display_name: None,
            role,
            unit,
            can_view_identity: false,
            sealed_identity: None,
            created_at: Utc::now(),
        })
        .await;
    match created {
        Ok(_) => see_other(&format!("{PATH}?done=created"), t),
        Err(StoreError::Conflict(_)) => {
            shown.errors = FieldErrors::one("username", t.err_username_taken);
            again(&state, chrome, lang, shown).await
        }
        Err(e) => failure(t, chrome, e.into(), t.server_error),
    }
}

/// The users page again with the create form's problems (422; nothing was created).
async fn again(state: &AppState, chrome: Chrome, lang: Lang, shown: CreateState) -> Response {
    let page = Page {
        lang,
        notice: None,
        create: shown,
        edit: None,
    };
    users_page(
        state,
        chrome,
        &Listing::default(),
        page,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn change_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm {
        admin,
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<ChangeForm>,
) -> Response {
    let a = admin_texts(lang);
    let listing = Listing {
        role: form.list_role.clone(),
        cursor: form.list_cursor.clone(),
    };
    // Only staff accounts are managed here; a citizen's is as good as absent.
    let target = match id.parse::<i64>().map(UserId) {
        Ok(id) => state.store.user(id).await,
        Err(_) => Err(StoreError::NotFound),
    };
    let target = match target {
        Ok(user) if user.role.is_staff() => user,
        Ok(_) | Err(StoreError::NotFound) => {
            return error_page(t, chrome, StatusCode::NOT_FOUND, a.not_found);
        }
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let checked = role_and_unit(&state, a, &form.role, &form.unit).and_then(|(role, unit)| {
        if target.id == admin.id && role != Role::Admin {
            Err(FieldErrors::one("role", a.err_own_admin))
        } else {
            Ok((role, unit))
        }
    });
    let (role, unit) = match checked {
        Ok(found) => found,
        Err(errors) => {
            let page = Page {
                lang,
                notice: None,
                create: CreateState::default(),
                edit: Some(Edit {
                    id: target.id,
                    role: form.role,
                    unit: form.unit.trim().to_owned(),
                    errors,
                }),
            };
            return users_page(
                &state,
                chrome,
                &listing,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.store.update_user(target.id, role, unit).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return error_page(t, chrome, StatusCode::NOT_FOUND, a.not_found);
        }
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    }
    let back = listing.query();
    let sep = if back.is_empty() { "" } else { "&" };
    see_other(&format!("{PATH}?done=changed{sep}{back}"), t)
}
