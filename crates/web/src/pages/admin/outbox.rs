//! `/admin/outbox`: the outbox, newest first, filtered by state: each message's ticket,
//! kind, channel, attempts, next try and last error (errors never carry an address or the
//! text). A failed (dead) message can be sent again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use aduan_store::{OutboxKind, OutboxState, StoreError};

use crate::app::cursor::encode_cursor;
use crate::pages::admin_form::{AdminForm, admin_form_fields};
use crate::pages::labels::local_time;
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, Texts, error_page, failure, render, see_other};
use crate::state::AppState;

use super::texts::channel_label;
use super::{AdminTexts, PAGE_SIZE, admin_only, admin_texts, cursor_after, one_page};

const PATH: &str = "/admin/outbox";
const STATES: [OutboxState; 3] = [OutboxState::Dead, OutboxState::Pending, OutboxState::Sent];

#[derive(Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    lang: Lang,
    state: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RetryForm {
    csrf: String,
    /// The list's filter, kept on the way back.
    state: String,
}

admin_form_fields!(RetryForm, page = PATH);

fn state_label(a: &AdminTexts, state: OutboxState) -> &'static str {
    match state {
        OutboxState::Pending => a.outbox_pending,
        OutboxState::Sent => a.outbox_sent,
        OutboxState::Dead => a.outbox_dead,
    }
}

fn state_color(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Pending => "yellow",
        OutboxState::Sent => "green",
        OutboxState::Dead => "red",
    }
}

struct StateOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

struct Row {
    id: i64,
    ticket: String,
    kind: &'static str,
    channel: String,
    state: &'static str,
    color: &'static str,
    attempts: u32,
    created: String,
    next_try: Option<String>,
    done: Option<String>,
    last_error: Option<String>,
    can_retry: bool,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    notice: Option<&'static str>,
    states: Vec<StateOption>,
    filter: &'static str,
    rows: Vec<Row>,
    next_href: Option<String>,
}

pub async fn outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
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
    let chosen = q.state.as_deref().and_then(OutboxState::parse);
    let entries = match state.store.outbox(chosen, before, PAGE_SIZE + 1).await {
        Ok(entries) => entries,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let (entries, more) = one_page(entries, PAGE_SIZE);
    let filter = chosen.map(OutboxState::code).unwrap_or_default();
    let next_href = more.then(|| entries.last()).flatten().map(|last| {
        format!(
            "{PATH}?lang={}&state={filter}&cursor={}",
            t.lang,
            encode_cursor(last.id)
        )
    });
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let rows = entries
        .into_iter()
        .map(|e| Row {
            id: e.id,
            ticket: e.ticket.to_string(),
            kind: match e.kind {
                OutboxKind::Reply => a.outbox_reply,
                OutboxKind::FetchMedia => a.outbox_fetch,
                OutboxKind::Push => a.outbox_push,
            },
            channel: channel_label(j, e.channel, q.lang),
            state: state_label(a, e.state),
            color: state_color(e.state),
            attempts: e.attempts,
            created: local_time(j, e.created_at),
            next_try: (e.state == OutboxState::Pending).then(|| local_time(j, e.next_attempt_at)),
            done: e.done_at.map(|at| local_time(j, at)),
            last_error: e.last_error,
            can_retry: e.state == OutboxState::Dead,
        })
        .collect();
    let notice = (q.done.as_deref() == Some("retried")).then_some(a.retried);
    let states = STATES
        .into_iter()
        .map(|s| StateOption {
            code: s.code(),
            label: state_label(a, s),
            selected: chosen == Some(s),
        })
        .collect();
    render(&OutboxPage {
        t,
        a,
        chrome,
        notice,
        states,
        filter,
        rows,
        next_href,
    })
}

/// Send a failed message again, now (its attempts start over).
pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm {
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<RetryForm>,
) -> Response {
    let a = admin_texts(lang);
    let Ok(id) = id.parse::<i64>() else {
        return error_page(t, chrome, StatusCode::NOT_FOUND, a.outbox_missing);
    };
    match state.store.retry_outbox(id, Utc::now()).await {
        Ok(()) => {
            let filter = OutboxState::parse(&form.state)
                .map(|s| format!("&state={}", s.code()))
                .unwrap_or_default();
            see_other(&format!("{PATH}?done=retried{filter}"), t)
        }
        Err(StoreError::NotFound) => error_page(t, chrome, StatusCode::NOT_FOUND, a.outbox_missing),
        Err(StoreError::Conflict(_)) => error_page(t, chrome, StatusCode::CONFLICT, a.err_not_dead),
        Err(e) => failure(t, chrome, e.into(), t.server_error),
    }
}
