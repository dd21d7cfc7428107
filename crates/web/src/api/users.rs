//! Staff accounts, created by admins (and by `aduan user create`, under the same rules).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Jurisdiction, Role, UnitCode};
use aduan_store::{NewUser, Store, User};

use crate::auth::{SignedIn, hash_password};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

use super::auth::{MeView, check_password, check_username, me_view, username_taken};

#[derive(Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    /// citizen, operator, coordinator, officer, validator or admin.
    pub role: String,
    /// Required for officers and validators; a coordinator without one is jurisdiction-wide.
    pub unit: Option<String>,
    pub display_name: Option<String>,
    /// Admins only: may reveal who reported (with a reason, audited).
    #[serde(default)]
    pub can_view_identity: bool,
}

/// Create an account with a role and unit (admins only).
#[utoipa::path(post, path = "/users", tag = "admin", request_body = CreateUserRequest,
    responses((status = 201, body = MeView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<MeView>)> {
    if admin.role != Role::Admin {
        return Err(ApiError::forbidden("only admins create accounts"));
    }
    if req.can_view_identity && !admin.can_view_identity {
        return Err(ApiError::forbidden(
            "only an admin who holds the identity permission may grant it",
        ));
    }
    let user = {
        // Hashing the password takes one of the few hashing slots (sec-auth's cap).
        let _slot = state.limits.hash_slot().await?;
        create_staff(state.store.as_ref(), &state.catalog().jurisdiction, req).await?
    };
    Ok((StatusCode::CREATED, Json(me_view(&state, &user).await?)))
}

/// Check a request for a staff account by the rules every surface shares (username,
/// password, role and unit, who may see identities) and create it. Whoever calls it has
/// already decided the requester may create accounts.
pub async fn create_staff(
    store: &dyn Store,
    jurisdiction: &Jurisdiction,
    req: CreateUserRequest,
) -> ApiResult<User> {
    let username = req.username.trim().to_ascii_lowercase();
    check_username(&username)?;
    check_password(&req.password, &username)?;
    let (role, unit) = role_and_unit_in(jurisdiction, &req.role, req.unit.as_deref())?;
    if req.can_view_identity && role != Role::Admin {
        return Err(ApiError::invalid(
            "can_view_identity",
            "only an admin may be allowed to see identities",
        ));
    }
    let display_name = req
        .display_name
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if display_name
        .as_ref()
        .is_some_and(|d| d.chars().count() > 100)
    {
        return Err(ApiError::invalid(
            "display_name",
            "must be at most 100 characters",
        ));
    }
    let password_hash = hash_password(req.password).await?;
    store
        .create_user(NewUser {
            username,
            password_hash,
            display_name,
            role,
            unit,
            can_view_identity: req.can_view_identity,
            sealed_identity: None,
            created_at: Utc::now(),
        })
        .await
        .map_err(username_taken)
}

/// A staff account's role and unit as the rules allow them: a known role other than
/// citizen (citizens register themselves), a unit the jurisdiction has, and a unit
/// wherever the role needs one. The account pages use the same rules.
pub fn staff_role_and_unit(
    state: &AppState,
    role: &str,
    unit: Option<&str>,
) -> ApiResult<(Role, Option<UnitCode>)> {
    role_and_unit_in(&state.catalog().jurisdiction, role, unit)
}

/// [`staff_role_and_unit`] against a given jurisdiction (the command line has no server).
pub fn role_and_unit_in(
    jurisdiction: &Jurisdiction,
    role: &str,
    unit: Option<&str>,
) -> ApiResult<(Role, Option<UnitCode>)> {
    let role = Role::parse(role.trim()).ok_or_else(|| ApiError::invalid("role", "no such role"))?;
    let unit = unit
        .map(|u| UnitCode::parse(u.trim()).map_err(|e| ApiError::invalid("unit", e.to_string())))
        .transpose()?;
    if let Some(code) = &unit
        && jurisdiction.unit(code).is_none()
    {
        return Err(ApiError::invalid("unit", "no such unit"));
    }
    if role.requires_unit() && unit.is_none() {
        return Err(ApiError::invalid(
            "unit",
            format!("a {} needs a unit", role.code()),
        ));
    }
    if role == Role::Citizen {
        return Err(ApiError::invalid(
            "role",
            "citizens register themselves at /auth/register",
        ));
    }
    Ok((role, unit))
}
