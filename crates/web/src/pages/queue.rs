//! `/petugas`: the queue of the reports an officer's (or coordinator's) unit holds, newest
//! first, with the state pill and the SLA time left or overdue. Names no reporter: rows come
//! from the report summaries, which carry no identity.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;

use aduan_domain::{ReportState, Role, SlaClock, SlaKind};
use aduan_store::ReportQuery;

use crate::api::reports::{decode_cursor, encode_cursor, readable_report, scope_for};
use crate::state::AppState;
use crate::views::report_summary;

use super::labels::{Pill, category_name, local_time, pill};
use super::session::Visitor;
use super::{Chrome, Lang, Texts, error_page, failure, render, see_other};

const PATH: &str = "/petugas";
const PAGE_SIZE: u32 = 20;

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
    state: Option<String>,
    ticket: Option<String>,
}

struct Sla {
    kind: &'static str,
    due: String,
    text: String,
    overdue: bool,
}

struct Row {
    ticket: String,
    category: String,
    region: String,
    created: String,
    state: Pill,
    sla: Option<Sla>,
}

struct StateOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    t: &'static Texts,
    chrome: Chrome,
    states: Vec<StateOption>,
    ticket: String,
    ticket_missing: bool,
    rows: Vec<Row>,
    next_href: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let Some(actor) = visitor.actor() else {
        return see_other(&format!("/masuk?next={PATH}"), t);
    };
    let chrome = Chrome::new(PATH, t, &visitor);
    if !matches!(actor.role, Role::Officer | Role::Coordinator) {
        return error_page(t, chrome, StatusCode::FORBIDDEN, t.queue_staff_only);
    }
    let ticket = q.ticket.as_deref().map(str::trim).unwrap_or_default();
    let mut ticket_missing = false;
    if !ticket.is_empty() {
        match readable_report(&state, ticket, Some(&actor)).await {
            Ok(report) => return see_other(&format!("/laporan/{}", report.ticket), t),
            Err(e) if e.status.is_server_error() => return failure(t, chrome, e, t.server_error),
            Err(_) => ticket_missing = true,
        }
    }
    let mut query = match scope_for(&actor) {
        Ok(scope) => ReportQuery::new(scope, PAGE_SIZE),
        Err(e) => return failure(t, chrome, e, t.queue_staff_only),
    };
    let chosen = q.state.as_deref().and_then(ReportState::parse);
    query.state = chosen;
    match q.cursor.as_deref().map(decode_cursor).transpose() {
        Ok(after) => query.after = after,
        Err(e) => return failure(t, chrome, e, t.bad_link),
    }
    let page = match state.store.list_reports(query).await {
        Ok(page) => page,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let now = Utc::now();
    let rows = page
        .reports
        .iter()
        .map(|r| {
            let targets = j.category(&r.category).map(|c| c.sla).unwrap_or_default();
            let s = report_summary(j, r);
            let clock = SlaClock::for_report(r.state, s.created_at, s.coordinated_at, targets, now);
            Row {
                category: category_name(j, &s.category.code, q.lang),
                region: s.region.name,
                created: local_time(j, s.created_at),
                state: pill(&s.state, q.lang),
                sla: clock.map(|c| Sla {
                    kind: match c.kind {
                        SlaKind::Coordination => t.sla_coordination,
                        SlaKind::Completion => t.sla_completion,
                    },
                    due: local_time(j, c.due),
                    text: sla_text(t, &c),
                    overdue: c.overdue(),
                }),
                ticket: s.ticket,
            }
        })
        .collect();
    let state_param = chosen
        .map(|s| format!("&state={}", s.code()))
        .unwrap_or_default();
    let next_href = page.next_after.map(|after| {
        format!(
            "{PATH}?lang={}{state_param}&cursor={}",
            t.lang,
            encode_cursor(after)
        )
    });
    let states = ReportState::ALL
        .into_iter()
        .map(|s| StateOption {
            code: s.code(),
            label: match q.lang {
                Lang::Id => s.label_id(),
                Lang::En => s.label_en(),
            },
            selected: chosen == Some(s),
        })
        .collect();
    render(&QueuePage {
        t,
        chrome,
        states,
        ticket: ticket.to_owned(),
        ticket_missing,
        rows,
        next_href,
    })
}

/// "sisa 3 jam 20 menit" / "lewat 2 jam"; days once a day or more is left.
fn sla_text(t: &Texts, clock: &SlaClock) -> String {
    let span = duration_text(t, clock.remaining.abs(), clock.overdue());
    let pattern = if clock.overdue() {
        t.sla_overdue
    } else {
        t.sla_left
    };
    pattern.replace("{}", &span)
}

fn duration_text(t: &Texts, span: Duration, overdue: bool) -> String {
    let mut minutes = span.num_minutes();
    if overdue && minutes == 0 {
        minutes = 1;
    }
    let (days, hours, mins) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} {}", t.unit_days));
    }
    if hours > 0 {
        parts.push(format!("{hours} {}", t.unit_hours));
    }
    // Minutes matter within the last day; beyond it, days and hours say enough.
    if days == 0 && (mins > 0 || hours == 0) {
        parts.push(format!("{mins} {}", t.unit_minutes));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::i18n::{EN, ID};

    fn clock(minutes: i64) -> SlaClock {
        SlaClock {
            kind: SlaKind::Coordination,
            due: Utc::now(),
            remaining: Duration::minutes(minutes),
        }
    }

    #[test]
    fn sla_reads_as_time_left_or_overdue_in_both_languages() {
        assert_eq!(sla_text(&ID, &clock(200)), "sisa 3 jam 20 menit");
        assert_eq!(sla_text(&EN, &clock(200)), "3 h 20 min left");
        assert_eq!(sla_text(&ID, &clock(-120)), "lewat 2 jam");
        assert_eq!(sla_text(&EN, &clock(-120)), "2 h overdue");
        assert_eq!(sla_text(&ID, &clock(0)), "sisa 0 menit");
        assert_eq!(
            sla_text(&ID, &clock(6 * 24 * 60 + 4 * 60 + 5)),
            "sisa 6 hari 4 jam"
        );
        assert_eq!(sla_text(&EN, &clock(-(24 * 60))), "1 d overdue");
    }
}
