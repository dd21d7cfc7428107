//! `/admin/audit`: the identity access log, newest first: which staff member revealed the
//! reporter of which report, when and why. Never the identity that was revealed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::cursor::encode_cursor;
use crate::pages::labels::local_time;
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, Texts, failure, render};
use crate::state::AppState;

use super::{AdminTexts, PAGE_SIZE, admin_only, admin_texts, cursor_after, one_page};

const PATH: &str = "/admin/audit";

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
}

struct Row {
    at: String,
    who: String,
    what: &'static str,
    ticket: String,
    reason: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    rows: Vec<Row>,
    next_href: Option<String>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
    visitor: Visitor,
) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, PATH, &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    let (before, chrome) = match cursor_after(t, chrome, q.cursor.as_deref()) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let entries = match state.store.identity_access_log(before, PAGE_SIZE + 1).await {
        Ok(entries) => entries,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let (entries, more) = one_page(entries, PAGE_SIZE);
    let next_href = more
        .then(|| entries.last())
        .flatten()
        .map(|last| format!("{PATH}?lang={}&cursor={}", t.lang, encode_cursor(last.id)));
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let rows = entries
        .into_iter()
        .map(|e| Row {
            at: local_time(j, e.at),
            who: match (e.actor, e.actor_username) {
                (None, _) => a.audit_system.to_owned(),
                (Some(_), Some(name)) => name,
                (Some(id), None) => format!("#{}", id.0),
            },
            what: a
                .audit_actions
                .iter()
                .find(|(code, _)| *code == e.action.code())
                .map_or("", |(_, label)| label),
            ticket: e.ticket.map(|t| t.to_string()).unwrap_or_default(),
            reason: e.reason,
            detail: e.detail.unwrap_or_default(),
        })
        .collect();
    render(&AuditPage {
        t,
        a,
        chrome,
        rows,
        next_href,
    })
}
