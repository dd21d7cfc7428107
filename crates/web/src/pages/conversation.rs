//! The conversation on a report's page: the reporter and the staff handling the report
//! write to each other (the API's `/messages`, the same rules). Staff read the reporter as
//! "Pelapor"; the reporter reads staff as a role and a unit; nobody else sees it.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::message::Side;
use aduan_domain::report::Report;
use aduan_domain::{Actor, Jurisdiction};

use crate::app;
use crate::app_error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::messages_view;

use super::labels::{local_time, role_label};
use super::report::{Shown, posted_about, show};
use super::session::Visitor;
use super::{Chrome, Lang, LangQuery, failure, see_other};

/// One message as the page shows it.
pub struct Line {
    pub from: String,
    pub at: String,
    pub body: String,
    pub mine: bool,
}

/// The conversation for a party to it; None for anyone else.
pub async fn lines(
    state: &AppState,
    j: &Jurisdiction,
    report: &Report,
    viewer: Option<&Actor>,
    lang: Lang,
) -> AppResult<Option<Vec<Line>>> {
    let Some(viewer) = viewer else {
        return Ok(None);
    };
    let messages = match app::messages::messages(state, report, viewer).await {
        Ok(messages) => messages,
        Err(AppError::NotAllowed(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let t = lang.texts();
    let views = messages_view(j, &messages, viewer);
    Ok(Some(
        messages
            .iter()
            .zip(views)
            .map(|(message, m)| Line {
                from: if m.mine {
                    t.message_you.to_owned()
                } else if message.side() == Side::Reporter {
                    t.message_reporter.to_owned()
                } else {
                    let role = role_label(message.author_role, lang);
                    match m.author_unit {
                        Some(unit) => format!("{role} · {}", unit.name),
                        None => role.to_owned(),
                    }
                },
                at: local_time(j, m.at),
                body: m.body,
                mine: m.mine,
            })
            .collect(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    csrf: String,
    body: String,
}

/// Post a message to the other side of the report's conversation.
pub async fn post(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<MessageForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) =
        match posted_about(&state, t, &ticket, &visitor, &headers, &form.csrf).await {
            Ok(posted) => posted,
            Err(refused) => return *refused,
        };
    let refused = |status: StatusCode, message: &str| {
        show(
            &state,
            q.lang,
            &visitor,
            &ticket,
            Shown::message_refused(status, message),
        )
    };
    match app::messages::post(&state, &report, &actor, &form.body).await {
        Ok(_) => see_other(&format!("/laporan/{}?done=message", report.ticket), t),
        Err(AppError::Invalid { .. }) => {
            refused(StatusCode::UNPROCESSABLE_ENTITY, t.message_invalid).await
        }
        Err(AppError::NotAllowed(_)) => refused(StatusCode::FORBIDDEN, t.message_not_party).await,
        Err(e) => {
            let chrome = Chrome::new(&format!("/laporan/{}", report.ticket), t, &visitor);
            failure(t, chrome, e, t.server_error)
        }
    }
}
