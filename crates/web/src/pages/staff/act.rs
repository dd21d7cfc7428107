//! The staff's forms post here: one door for every workflow step (the API's rules, parsed
//! from form fields), and the triage decision. A step refused comes back as the report page
//! with the reason above the forms and what was typed lost only on a conflict.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use aduan_domain::{Actor, access};

use super::StaffTexts;
use crate::app::acting::{ActionRequest, parse_action};
use crate::app::reading::readable_report;
use crate::app::reading::triage_scope;
use crate::app_error::{AppError, AppResult};
use crate::body::JsonWithPhotos;
use crate::error::{ApiError, status_of};
use crate::pages::forms::{field_of, posted_with_photos};
use crate::pages::report::{Shown, posted_about, show, ticket_path};
use crate::pages::session::Visitor;
use crate::pages::{Chrome, LangQuery, Texts, failure, see_other};
use crate::photos::FollowupUploads;
use crate::service;
use crate::state::AppState;

/// The message for a refused step, in the reader's language.
fn refusal(st: &StaffTexts, e: &AppError) -> String {
    match e {
        AppError::NotAllowed(_) => st.err_forbidden.to_owned(),
        AppError::Conflict(_) => st.err_conflict.to_owned(),
        AppError::UnsupportedPhoto(_) | AppError::TooLarge(_) => st.err_photo.to_owned(),
        _ => match field_of(e) {
            "note" => st.err_note,
            "reason" | "comment" => st.err_reason,
            "unit" => st.err_unit,
            "estimated_completion" => st.err_date,
            "of" => st.err_duplicate,
            "to" => st.err_refer_to,
            "photo" => st.err_photo,
            "category" => st.err_category,
            "region" => st.err_region,
            "action" | "body" => st.err_action,
            _ => return e.message(),
        }
        .to_owned(),
    }
}

/// Where to go once a step is taken: the report again, or (when it left the reader's
/// hands) the queue, saying where it went.
fn after_step(
    t: &Texts,
    actor: &Actor,
    report: &aduan_domain::report::Report,
    done: &str,
) -> Response {
    if access::may_read(report, Some(actor)) {
        see_other(&format!("/laporan/{}?done={done}", report.ticket), t)
    } else {
        see_other(&format!("/petugas?moved={}&done={done}", report.ticket), t)
    }
}

/// The form's fields as the API's request: empty fields are absent, `csrf` and `version`
/// are the page's own.
fn action_request(object: &Map<String, Value>) -> AppResult<ActionRequest> {
    let mut fields: Map<String, Value> = object
        .iter()
        .filter(|(k, v)| {
            !matches!(k.as_str(), "csrf" | "version")
                && !v.as_str().is_some_and(|s| s.trim().is_empty())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // A duplicate's original: the nearby report chosen, else the ticket typed.
    if let Some(typed) = fields.remove("of_ticket")
        && !fields.contains_key("of")
    {
        fields.insert("of".into(), typed);
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|_| AppError::invalid("action", "not a form this page sends"))
}

fn text<'a>(object: &'a Map<String, Value>, field: &str) -> &'a str {
    object.get(field).and_then(Value::as_str).unwrap_or("")
}

/// Take one workflow step from a form on the report page.
pub async fn act(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Result<JsonWithPhotos, ApiError>,
) -> Response {
    let t = q.lang.texts();
    let st = StaffTexts::of(q.lang);
    let path = format!("/laporan/{}", ticket_path(&ticket));
    let (actor, body) = match posted_with_photos(t, &path, &visitor, &headers, body, st.err_photo) {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    let refused = |e: AppError| {
        let shown = Shown::refused(status_of(&e), refusal(st, &e));
        show(&state, q.lang, &visitor, &ticket, shown)
    };
    let action = match action_request(&body.object).and_then(|req| parse_action(&req)) {
        Ok(action) => action,
        Err(e) => return refused(e).await,
    };
    let report = match readable_report(&state, &ticket, Some(&actor)).await {
        Ok(report) => report,
        Err(e) => return failure(t, Chrome::new(&path, t, &visitor), e, t.report_not_found),
    };
    let seen = text(&body.object, "version").trim().parse::<i64>().ok();
    if seen.is_some_and(|v| v != report.version) {
        return refused(AppError::conflict("the report changed")).await;
    }
    let nonempty = |parts: Vec<Vec<u8>>| parts.into_iter().filter(|p| !p.is_empty()).collect();
    // Decoded by the service once the step is allowed: never for a reader who may not.
    let uploads = FollowupUploads {
        before: nonempty(body.photos_before),
        after: nonempty(body.photos),
    };
    let done = action.kind().code();
    match service::act(&state, &actor, &report, action, uploads).await {
        Ok(updated) => after_step(t, &actor, &updated, done),
        Err(e) if e.is_failure_below() => {
            failure(t, Chrome::new(&path, t, &visitor), e, t.server_error)
        }
        Err(e) => refused(e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TriageForm {
    csrf: String,
    category: String,
    region: String,
}

/// A coordinator confirms or corrects a triaged report's category and place.
pub async fn triage(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<TriageForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let st = StaffTexts::of(q.lang);
    let path = format!("/laporan/{}", ticket_path(&ticket));
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) =
        match posted_about(&state, t, &ticket, &visitor, &headers, &form.csrf).await {
            Ok(posted) => posted,
            Err(refused) => return *refused,
        };
    let chrome = || Chrome::new(&path, t, &visitor);
    if let Err(e) = triage_scope(&actor) {
        return failure(t, chrome(), e, st.err_forbidden);
    }
    match service::confirm_triage(&state, &actor, &report, &form.category, &form.region).await {
        Ok(updated) => after_step(t, &actor, &updated, "triage"),
        Err(e) if e.is_failure_below() => failure(t, chrome(), e, t.server_error),
        Err(e) => {
            let shown = Shown::refused(status_of(&e), refusal(st, &e));
            show(&state, q.lang, &visitor, &ticket, shown).await
        }
    }
}
