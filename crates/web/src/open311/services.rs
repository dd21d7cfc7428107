//! Services: aduan's categories. Each goes to the unit that usually handles it, named as the
//! service's group.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use aduan_domain::category::Category;
use aduan_domain::{CategoryCode, Jurisdiction};

use super::format::{Fail, Format, Outcome, Value, render, respond};
use super::params::Params;
use super::{check_jurisdiction, no_such_resource};
use crate::state::AppState;

fn service(j: &Jurisdiction, c: &Category) -> Value {
    Value::Obj(vec![
        ("service_code", Value::text(c.code.to_string())),
        ("service_name", Value::text(&c.name)),
        ("description", Value::text(&c.name_en)),
        ("metadata", Value::Bool(false)),
        ("type", Value::text("realtime")),
        ("keywords", Value::text("")),
        ("group", Value::opt_text(group(j, c))),
    ])
}

/// The name of the unit responsible for the category.
fn group(j: &Jurisdiction, c: &Category) -> Option<String> {
    use aduan_domain::workflow::UnitDirectory;
    j.unit(&c.responsible_unit).map(|u| u.name.clone())
}

/// `GET /services.json|.xml`.
pub fn list(state: &AppState, params: &Params, format: Format) -> Outcome {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    check_jurisdiction(j, params)?;
    let services = j.categories().map(|c| service(j, c)).collect();
    Ok(render(
        format,
        StatusCode::OK,
        "services",
        &Value::List("service", services),
    ))
}

/// `GET /services/{service_code}.json|.xml`: no category has attributes yet.
pub async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return no_such_resource();
    };
    let outcome = (|| {
        let params = Params::from_query(query.as_deref())?;
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        check_jurisdiction(j, &params)?;
        let category = CategoryCode::parse(code)
            .ok()
            .and_then(|c| j.category(&c))
            .ok_or_else(|| Fail::not_found("service_code not found"))?;
        let doc = Value::Obj(vec![
            ("service_code", Value::text(category.code.to_string())),
            ("attributes", Value::List("attribute", Vec::new())),
        ]);
        Ok(render(format, StatusCode::OK, "service_definition", &doc))
    })();
    respond(format, outcome)
}
