//! The service discovery document.

use axum::http::StatusCode;
use axum::response::Response;

use super::format::{Format, Value, render};

/// When this endpoint's behaviour last changed.
const CHANGESET: &str = "2026-01-01T00:00:00Z";

pub fn discovery(format: Format) -> Response {
    let formats = Value::List(
        "format",
        vec![Value::text("text/xml"), Value::text("application/json")],
    );
    let endpoint = Value::Obj(vec![
        (
            "specification",
            Value::text("http://wiki.open311.org/GeoReport_v2"),
        ),
        ("url", Value::text("/open311/v2")),
        ("changeset", Value::text(CHANGESET)),
        ("type", Value::text("production")),
        ("formats", formats),
    ]);
    let doc = Value::Obj(vec![
        ("changeset", Value::text(CHANGESET)),
        (
            "contact",
            Value::text("Pengaduan warga (CRM): gunakan aplikasi atau kanal resmi."),
        ),
        (
            "key_service",
            Value::text("API keys are issued by the administrators (aduan api-key create NAME)."),
        ),
        ("endpoints", Value::List("endpoint", vec![endpoint])),
    ]);
    render(format, StatusCode::OK, "discovery", &doc)
}
