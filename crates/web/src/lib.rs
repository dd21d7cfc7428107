//! aduan's HTTP surfaces: the JSON API under `/api/v1` with its OpenAPI document,
//! `/healthz` and `/readyz`; and, on a listener of its own, `/metrics` ([`metrics_app`]).

pub mod api;
pub mod app;
pub mod app_error;
mod auth;
mod body;
mod catalog;
mod contact;
mod csrf;
pub mod email;
mod error;
mod etag;
mod extract;
mod headers;
mod inbound;
mod input;
mod input_forms;
pub mod intake;
pub mod limits;
pub mod map_tiles;
pub mod media;
pub mod metrics;
mod open311;
pub mod outbox;
mod pages;
pub mod password_policy;
pub mod photo_move;
pub mod photo_sweep;
mod photos;
mod popular;
pub mod push;
mod region_outlines;
mod region_shapes;
pub mod request_id;
pub mod service;
mod sessions;
pub mod shed;
mod state;
mod tracking;
mod views;
mod written;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::http::{StatusCode, Uri};
use axum::middleware::from_fn;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use app_error::{AppError, AppResult};
pub use auth::{hash_password, token_hash};
pub use catalog::{Catalog, CatalogError};
pub use error::{ApiError, ApiResult};
pub use limits::{ClientAddr, LimitsConfig};
pub use map_tiles::{MapConfig, TilesUrl};
pub use state::{AppState, WebConfig, WebhookSecret};

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let security = headers::SecurityHeaders {
        hsts: state.config.hsts,
    };
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api::router())
        .nest(
            "/open311/v2",
            open311::router().layer(from_fn(input_forms::strip_controls)),
        )
        .merge(pages::router(&state.config.map).layer(from_fn(input_forms::strip_controls)))
        .merge(inbound::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        // Reports and accounts are personal: no shared cache may keep a copy. Photos set
        // their own (private) policy.
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        // A place among the requests in flight before anything is done for a request; none
        // free: 503 at once (see `shed`).
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::clone(&state.in_flight),
            shed::shed,
        ))
        // Outside the handlers and every layer above, so no answer (a 404, a 405, a 413,
        // a timeout's 408, a shed 503) goes out without them.
        .layer(axum::middleware::from_fn_with_state(
            security,
            headers::security_headers,
        ));
    // Counted outside every layer above, so a 404, 413, 408 or shed 503 is counted too.
    let routes = match state.metrics.clone() {
        Some(metrics) => routes.layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track_requests,
        )),
        None => routes,
    };
    routes
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
        .layer(SetRequestIdLayer::new(
            request_id::HEADER,
            request_id::RandomId,
        ))
        .layer(from_fn(request_id::drop_unacceptable))
        .with_state(state)
}

/// The metrics listener's application: `GET /metrics` in the Prometheus text format, and
/// nothing else. Serve it apart from [`app`], on an address only the monitoring reaches.
pub fn metrics_app(metrics: std::sync::Arc<metrics::Metrics>) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(
                |State(metrics): State<std::sync::Arc<metrics::Metrics>>| async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
                        )],
                        metrics.render(),
                    )
                },
            ),
        )
        .with_state(metrics)
}

/// How long `/healthz` waits for the store: one that does not answer in time (a lock held,
/// a server that stopped responding) is as unavailable as one that fails.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);

/// Alive, and the store answers within [`HEALTH_TIMEOUT`].
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.count_users()).await {
        Ok(Ok(_)) => (StatusCode::OK, "ok"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
        Err(_) => {
            tracing::error!(timeout = ?HEALTH_TIMEOUT, "health check: the store did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}

/// Ready for traffic: the store answers within [`HEALTH_TIMEOUT`] and every migration this
/// build knows is applied to it. A load balancer sends requests only to a ready instance.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.pending_migration_count()).await {
        Ok(Ok(0)) => (StatusCode::OK, "ready".to_owned()),
        Ok(Ok(pending)) => {
            tracing::error!(pending, "readiness: migrations are not applied");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{pending} migrations not applied"),
            )
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "readiness: store unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable".to_owned(),
            )
        }
        Err(_) => {
            tracing::error!(timeout = ?HEALTH_TIMEOUT, "readiness: the store did not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable".to_owned(),
            )
        }
    }
}

/// Nothing answers this path: JSON for the machine surfaces (`/api/`, `/open311/`), a page
/// in the reader's language for everything else.
async fn not_found(
    uri: Uri,
    visitor: Result<pages::Visitor, axum::response::Response>,
) -> axum::response::Response {
    let path = uri.path();
    let machine = ["/api", "/open311"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    match visitor {
        Ok(visitor) if !machine => pages::not_found_page(path, uri.query(), &visitor),
        _ => ApiError::not_found("no such endpoint").into_response(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
