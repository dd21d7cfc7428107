//! The JSON API under `/api/v1`; routes and their OpenAPI document come from one place, so
//! the document cannot drift from what is served.

pub(crate) mod actions;
pub(crate) mod auth;
mod catalog;
mod identity;
pub mod lifecycle;
mod messages;
mod outbox;
mod personal_data;
pub mod public;
pub(crate) mod reports;
mod responses;
pub mod stats;
pub(crate) mod triage;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use crate::app::accounts::RegisterRequest;
pub use auth::{LoginRequest, TokenResponse};
pub use reports::SubmitReportRequest;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "aduan API",
        description = "Citizens' complaints, from submission through follow-up and validation (CRM 2.0).",
        version = "1"
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "catalog", description = "Categories, units, regions, channels"),
        (name = "reports", description = "Reports and their workflow"),
        (name = "public", description = "What anyone may read: public reports, statistics"),
        (name = "admin", description = "Administration")
    )
)]
struct ApiDoc;

/// The API's routes with their document.
pub fn documented_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::get_me, personal_data::erase_me))
        .routes(routes!(personal_data::export_me))
        .routes(routes!(users::create_user))
        .routes(routes!(lifecycle::disable_user))
        .routes(routes!(lifecycle::enable_user))
        .routes(routes!(lifecycle::set_user_password))
        .routes(routes!(lifecycle::change_my_password))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::list_units))
        .routes(routes!(catalog::list_regions))
        .routes(routes!(catalog::list_channels))
        .routes(routes!(reports::submit_report, reports::list_reports))
        .routes(routes!(reports::get_report))
        .routes(routes!(reports::get_timeline))
        .routes(routes!(reports::get_photo))
        .routes(routes!(reports::get_photo_thumbnail))
        .routes(routes!(actions::take_action))
        .routes(routes!(messages::list_messages, messages::post_message))
        .routes(routes!(public::list_public_reports))
        .routes(routes!(stats::get_stats))
        .routes(routes!(identity::reveal_reporter))
        .routes(routes!(identity::list_identity_access))
        .routes(routes!(personal_data::search_subject))
        .routes(routes!(personal_data::export_subject))
        .routes(routes!(personal_data::erase_subject))
        .routes(routes!(triage::list_triage))
        .routes(routes!(triage::confirm_triage))
        .routes(routes!(outbox::list_outbox))
        .routes(routes!(outbox::retry_outbox))
        .split_for_parts();
    // After the routes are in: the errors each operation's shape can answer.
    responses::CommonResponses.modify(&mut doc);
    (routes, doc)
}

/// The API router, to be nested under `/api/v1`, with `/openapi.json`.
pub fn router() -> Router<AppState> {
    let (routes, doc) = documented_routes();
    let doc: Arc<str> = match doc.to_json() {
        Ok(json) => json.into(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize the OpenAPI document");
            "{}".into()
        }
    };
    routes
        .route(
            "/openapi.json",
            get(move || {
                let doc = Arc::clone(&doc);
                async move { ([(CONTENT_TYPE, "application/json")], doc.to_string()) }
            }),
        )
        // Calls that ride on the session cookie are held to the pages' CSRF rules.
        .layer(axum::middleware::from_fn(crate::csrf::guard_api))
}
