//! Coordinators forward several reports at once: the form under the queue's cards and the
//! route it posts to. Each report goes through the same use case as the single forward on
//! the report page (`service::act`), so the workflow's permissions and the audit trail are
//! the same; the answer says how many went and which were refused, and why.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use aduan_domain::{Action, Jurisdiction, ReportState, Role, Unit, UnitCode, UnitRole};

use super::PATH;
use super::texts::QueueTexts;
use crate::app::reading::readable_report;
use crate::app_error::AppError;
use crate::pages::forms::signed_in_posting;
use crate::pages::labels::pill;
use crate::pages::session::Visitor;
use crate::pages::staff::unit_label;
use crate::pages::{Chrome, Lang, LangQuery, Texts, error_page, render_with};
use crate::photos::FollowupUploads;
use crate::service;
use crate::state::AppState;

/// Where the form posts.
pub const BULK_PATH: &str = "/petugas/teruskan";
/// Most reports one form may forward.
pub const MAX_BULK: usize = 50;

pub struct UnitChoice {
    pub code: String,
    pub name: String,
}

pub struct UnitGroup {
    pub label: &'static str,
    pub options: Vec<UnitChoice>,
}

/// The form under the cards: the CSRF value and the units a report may be forwarded to
/// (any but the validation team; the workflow refuses the rest per report).
pub struct BulkForm {
    pub csrf: String,
    pub units: Vec<UnitGroup>,
}

impl BulkForm {
    pub fn new(j: &Jurisdiction, qt: &'static QueueTexts, csrf: String) -> Self {
        let choice = |u: &Unit| UnitChoice {
            code: u.code.to_string(),
            name: unit_label(j, u),
        };
        let offices: Vec<&Unit> = j
            .units()
            .filter(|u| {
                !matches!(
                    j.unit_role(u),
                    UnitRole::RegionOffice | UnitRole::Validation
                )
            })
            .collect();
        let mut territory: Vec<&Unit> = j
            .units()
            .filter(|u| j.unit_role(u) == UnitRole::RegionOffice)
            .collect();
        territory.sort_by(|a, b| (a.kind.code(), &a.name).cmp(&(b.kind.code(), &b.name)));
        let mut units = vec![
            UnitGroup {
                label: qt.bulk_group_offices,
                options: {
                    let mut named: Vec<UnitChoice> = offices.into_iter().map(choice).collect();
                    named.sort_by(|a, b| a.name.cmp(&b.name));
                    named
                },
            },
            UnitGroup {
                label: qt.bulk_group_territory,
                options: territory.into_iter().map(choice).collect(),
            },
        ];
        units.retain(|g| !g.options.is_empty());
        Self { csrf, units }
    }
}

/// One report the form named and could not forward.
pub struct Refusal {
    pub ticket: String,
    pub why: String,
}

#[derive(Template)]
#[template(path = "queue_bulk.html")]
struct BulkResultPage {
    t: &'static Texts,
    qt: &'static QueueTexts,
    chrome: Chrome,
    unit: String,
    forwarded: Vec<String>,
    forwarded_text: String,
    refused: Vec<Refusal>,
    refused_text: String,
    back: String,
}

/// Why one report was not forwarded, in the reader's language; `state` is the report's
/// state as last read, when it was.
fn why(qt: &'static QueueTexts, e: &AppError, state: Option<ReportState>, lang: Lang) -> String {
    match e {
        AppError::NotAllowed(_) => qt.why_forbidden.to_owned(),
        AppError::Conflict(_) => match state {
            Some(state) => qt.why_state.replace("{}", &pill(state, lang).label),
            None => qt.why_conflict.to_owned(),
        },
        AppError::NotFound(_) => qt.why_missing.to_owned(),
        AppError::Invalid { field, .. } if field == "ticket" => qt.why_missing.to_owned(),
        AppError::Invalid { field, .. } if field == "unit" || field == "to" => {
            qt.why_unit.to_owned()
        }
        _ => qt.why_other.to_owned(),
    }
}

/// Forward the ticked reports to one unit.
pub async fn forward_many(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let qt = QueueTexts::of(q.lang);
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let actor = match signed_in_posting(t, PATH, &visitor, &headers, field("csrf")) {
        Ok(actor) => actor,
        Err(refused) => return *refused,
    };
    let chrome = || Chrome::new(PATH, t, &visitor);
    let refuse = |status, message: &str| error_page(t, chrome(), status, message);
    if actor.role != Role::Coordinator {
        return refuse(StatusCode::FORBIDDEN, qt.bulk_coordinators_only);
    }
    let mut tickets: Vec<&str> = Vec::new();
    for (name, value) in &fields {
        if name == "ticket" && !tickets.contains(&value.trim()) {
            tickets.push(value.trim());
            // Counted as read: a form of thousands of tickets is refused without more work.
            if tickets.len() > MAX_BULK {
                return refuse(StatusCode::BAD_REQUEST, qt.bulk_too_many);
            }
        }
    }
    if tickets.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, qt.bulk_none_chosen);
    }
    let unit = {
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        UnitCode::parse(field("unit").trim())
            .ok()
            .and_then(|code| j.units().find(|u| u.code == code))
            .map(|u| (u.code.clone(), u.name.clone()))
    };
    let Some((unit, unit_name)) = unit else {
        return refuse(StatusCode::BAD_REQUEST, qt.bulk_bad_unit);
    };
    let mut forwarded = Vec::new();
    let mut refused = Vec::new();
    for ticket in tickets {
        let mut read = None;
        let outcome = match readable_report(&state, ticket, Some(&actor)).await {
            Ok(report) => {
                read = Some(report.state);
                let step = Action::Forward { to: unit.clone() };
                service::act(&state, &actor, &report, step, FollowupUploads::default())
                    .await
                    .map(|r| r.ticket.to_string())
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(done) => forwarded.push(done),
            Err(e) => {
                if e.is_failure_below() {
                    tracing::error!(error = ?e, "bulk forward failed below");
                }
                refused.push(Refusal {
                    // Shown back only as a ticket's characters.
                    ticket: ticket
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .take(20)
                        .collect(),
                    why: why(qt, &e, read, q.lang),
                });
            }
        }
    }
    let status = if forwarded.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    render_with(
        status,
        &BulkResultPage {
            t,
            qt,
            chrome: chrome(),
            unit: unit_name,
            forwarded_text: qt
                .bulk_forwarded
                .replace("{}", &forwarded.len().to_string()),
            forwarded,
            refused_text: qt.bulk_refused.replace("{}", &refused.len().to_string()),
            refused,
            back: format!("{PATH}?lang={}", t.lang),
        },
    )
}
