//! Open311 GeoReport v2 at `/open311/v2`, for third-party apps (Qlue and any other):
//! discovery, services, service definitions, requests (GET and POST), one request and
//! tokens, each in `.json` and `.xml`.
//!
//! Privacy: every report is private on arrival, so `GET requests` lists only reports their
//! reporters made public, with their text scrubbed; a private report is "not found". The
//! reporter's identity an app sends (e-mail, name, phone, device) is sealed before it is
//! stored and is never part of any answer.

mod discovery;
mod format;
mod params;
mod requests;
mod services;

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::response::Response;
use axum::routing::get;

use aduan_domain::Jurisdiction;

use crate::state::AppState;
use format::{Fail, Format};
use params::Params;

/// The Open311 routes, to nest under `/open311/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(get_root).post(post_root))
        .route("/services/{file}", get(services::definition))
        .route("/requests/{file}", get(requests::one))
        .route("/tokens/{file}", get(requests::token))
        .fallback(unknown)
}

/// `/discovery.json`, `/services.xml`, `/requests.json`…
async fn get_root(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((stem, format)) = Format::split(&file) else {
        return no_such_resource();
    };
    let outcome = match Params::from_query(query.as_deref()) {
        Err(fail) => Err(fail),
        Ok(params) => match stem {
            "discovery" => Ok(discovery::discovery(format)),
            "services" => services::list(&state, &params, format),
            "requests" => requests::list(&state, &params, format).await,
            _ => Err(Fail::not_found("no such resource")),
        },
    };
    format::respond(format, outcome)
}

/// `POST /requests.json|.xml`.
async fn post_root(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Response {
    match Format::split(&file) {
        Some(("requests", format)) => {
            let outcome = requests::create(&state, query.as_deref(), req, format).await;
            format::respond(format, outcome)
        }
        Some((_, format)) => Fail::not_found("no such resource").render(format),
        None => no_such_resource(),
    }
}

async fn unknown() -> Response {
    no_such_resource()
}

fn no_such_resource() -> Response {
    Fail::not_found("no such resource; resources end in .json or .xml").render(Format::Json)
}

/// `jurisdiction_id` is optional (aduan serves one jurisdiction); when given it must be ours.
fn check_jurisdiction(j: &Jurisdiction, params: &Params) -> Result<(), Fail> {
    match params.get("jurisdiction_id") {
        None => Ok(()),
        Some(id) if j.settings.open311_jurisdiction_id.as_deref() == Some(id) => Ok(()),
        Some(_) => Err(Fail::not_found("jurisdiction_id not found")),
    }
}
