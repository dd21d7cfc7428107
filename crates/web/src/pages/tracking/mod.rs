//! `/lacak`: find a report by its ticket; with its tracking code as well, see the state and
//! history of a private report filed without an account. A wrong code answers exactly as an
//! unknown ticket, and attempts with a code are throttled like sign-ins.

pub mod texts;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::tracking::TrackingCode;
use aduan_domain::{Ticket, access};
use aduan_store::StoreError;

use crate::limits::{ClientAddr, retry_secs};
use crate::state::AppState;
use crate::tracking;
use crate::views::visible_timeline;

use super::labels::{Pill, category_name, local_time, pill};
use super::report::{HistoryLine, history, place};
use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render, render_with, see_other};
use texts::TrackingTexts;

#[derive(Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    lang: Lang,
    ticket: Option<String>,
    code: Option<String>,
}

/// A private report found by its ticket and code: what its reporter may know of it, with
/// every text masked as the public reads it and no photo.
struct Tracked {
    category: String,
    state: Pill,
    place: String,
    created: String,
    updated: String,
    description: String,
    history: Vec<HistoryLine>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    t: &'static Texts,
    tt: &'static TrackingTexts,
    chrome: Chrome,
    ticket: String,
    error: Option<String>,
    /// No report this visitor may read has the ticket (and code): none, someone else's
    /// private one, or a wrong code, which answer alike so that nothing can be probed.
    not_found: bool,
    signed_in: bool,
    tracked: Option<Tracked>,
}

/// The key the sign-in throttle counts code attempts under: never a username (those
/// cannot hold a NUL).
fn throttle_key(ticket: &str) -> String {
    format!("\0lacak:{ticket}")
}

/// Anyone finds a report by its ticket: the report when they may read it, else 404 with the
/// same page whether no report has the ticket or it is someone else's private one (tickets
/// are sequential: telling them apart would let anyone count and date private reports).
/// With a tracking code, the report's state and history when the code is its own.
pub async fn track(
    State(state): State<AppState>,
    Query(q): Query<TrackQuery>,
    addr: ClientAddr,
    visitor: Visitor,
) -> Response {
    let (t, tt) = (q.lang.texts(), TrackingTexts::of(q.lang));
    let raw: String = q
        .ticket
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(64)
        .collect::<String>()
        .to_ascii_uppercase();
    let typed_code = q.code.unwrap_or_default();
    let mut page = TrackPage {
        t,
        tt,
        chrome: Chrome::new("/lacak", t, &visitor),
        ticket: raw.clone(),
        error: None,
        not_found: false,
        signed_in: visitor.user.is_some(),
        tracked: None,
    };
    if raw.is_empty() {
        return render(&page);
    }
    let Ok(ticket) = Ticket::parse(&raw) else {
        page.error = Some(t.err_ticket.to_owned());
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    if !typed_code.trim().is_empty() {
        return with_code(&state, q.lang, page, &ticket, &typed_code, addr).await;
    }
    match state.store.report(&ticket).await {
        Ok(report) if access::may_read(&report, visitor.actor().as_ref()) => {
            see_other(&format!("/laporan/{}", report.ticket), t)
        }
        Ok(_) | Err(StoreError::NotFound) => not_found(page),
        Err(e) => failure(t, page.chrome, e.into(), t.server_error),
    }
}

fn not_found(mut page: TrackPage) -> Response {
    page.error = Some(page.t.ticket_not_found.to_owned());
    page.not_found = true;
    render_with(StatusCode::NOT_FOUND, &page)
}

/// The report `ticket` when `typed` is its tracking code; else the not-found page.
async fn with_code(
    state: &AppState,
    lang: Lang,
    mut page: TrackPage,
    ticket: &Ticket,
    typed: &str,
    addr: ClientAddr,
) -> Response {
    let t = page.t;
    let key = throttle_key(ticket.as_str());
    if let Err(wait) = state.limits.sign_in.admit(&key, addr) {
        let secs = retry_secs(wait);
        let minutes = secs.div_ceil(60).max(1);
        page.error = Some(page.tt.too_many.replace("{}", &minutes.to_string()));
        let mut resp = render_with(StatusCode::TOO_MANY_REQUESTS, &page);
        if let Ok(value) = secs.to_string().parse() {
            resp.headers_mut().insert(RETRY_AFTER, value);
        }
        return resp;
    }
    let Some(code) = TrackingCode::parse(typed) else {
        return not_found(page);
    };
    let report = match state.store.report(ticket).await {
        Ok(report) => report,
        Err(StoreError::NotFound) => return not_found(page),
        Err(e) => return failure(t, page.chrome, e.into(), t.server_error),
    };
    match tracking::holds(state, &report, &code).await {
        Ok(true) => {}
        Ok(false) => return not_found(page),
        Err(e) => return failure(t, page.chrome, e, t.server_error),
    }
    state.limits.sign_in.succeeded(&key, addr);
    let entries = match state.store.timeline(report.id).await {
        Ok(entries) => entries,
        Err(e) => return failure(t, page.chrome, e.into(), t.server_error),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    // As the public would read it (masked notes, no photos): the code proves a holder, not
    // who they are.
    let timeline = visible_timeline(&report, &entries, &[], None);
    page.tracked = Some(Tracked {
        category: category_name(j, &report.category, lang),
        state: pill(report.state, lang),
        place: place(j, &report),
        created: local_time(j, report.created_at),
        updated: local_time(j, report.updated_at),
        description: report.description_for_others(),
        history: history(j, &report, timeline, &[], lang),
    });
    render(&page)
}
