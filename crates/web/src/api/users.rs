//! Staff accounts, created by admins (and by `aduan user create`, under the same rules).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use aduan_domain::Role;

use crate::app::accounts::{CreateUserRequest, create_staff};
use crate::auth::SignedIn;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

use super::auth::{MeView, me_view};

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
