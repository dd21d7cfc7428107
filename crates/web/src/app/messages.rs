//! The conversation on a report: its reporter and the staff handling it write to each other
//! through the system, never by handing over a contact. Who takes part is the domain's rule
//! (`aduan_domain::message::thread_access`); the API and the report page both read and post
//! through here.

use chrono::Utc;

use aduan_domain::Actor;
use aduan_domain::message::{
    MAX_BODY, MIN_BODY, Message, MessageBody, NewMessage, ThreadAccess, thread_access,
};
use aduan_domain::report::Report;
use aduan_store::StoreError;

use crate::app_error::{AppError, AppResult};
use crate::state::AppState;

/// The report's messages, oldest first, for a party to its conversation; `NotAllowed` for
/// anyone else.
pub async fn messages(
    state: &AppState,
    report: &Report,
    viewer: &Actor,
) -> AppResult<Vec<Message>> {
    if !matches!(thread_access(report, Some(viewer)), ThreadAccess::Party(_)) {
        return Err(AppError::not_allowed(
            "only the reporter and the staff handling this report take part in its messages",
        ));
    }
    Ok(state.store.messages(report.id).await?)
}

/// Post `text` from `author` to the other side of the report's conversation: refused on
/// `body` unless it is 1-2000 characters (trimmed), `NotAllowed` for someone who takes no
/// part in it.
pub async fn post(
    state: &AppState,
    report: &Report,
    author: &Actor,
    text: &str,
) -> AppResult<Message> {
    let body = MessageBody::parse(text).map_err(|_| {
        AppError::invalid(
            "body",
            format!("must be {MIN_BODY} to {MAX_BODY} characters"),
        )
    })?;
    let new = NewMessage::compose(report, author, body, Utc::now())
        .ok_or_else(|| AppError::not_allowed("you take no part in this report's messages"))?;
    state.store.post_message(new).await.map_err(|e| match e {
        StoreError::NotFound => AppError::not_found("no report has this ticket"),
        other => other.into(),
    })
}
