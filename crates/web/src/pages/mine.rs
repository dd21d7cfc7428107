//! `/laporan-saya`: the signed-in citizen's reports, newest first, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::{Role, Visibility};
use aduan_store::{ReportQuery, ReportScope};

use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::state::AppState;

use super::gate::signed_in_as;
use super::labels::{Pill, category_name, local_time, pill, region_name};
use super::outbox::{self, OutboxTexts};
use super::push::PushTexts;
use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render};

const PATH: &str = "/laporan-saya";
const PAGE_SIZE: u32 = 20;

#[derive(Deserialize)]
pub struct MineQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
    /// After supporting (`tercatat`) or withdrawing support (`batal`): pages/support.
    dukungan: Option<String>,
    /// After every device's notifications were turned off (`mati`): pages/push.
    pemberitahuan: Option<String>,
}

struct Row {
    ticket: String,
    category: String,
    region: String,
    created: String,
    state: Pill,
    public: bool,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    t: &'static Texts,
    chrome: Chrome,
    rows: Vec<Row>,
    next_href: Option<String>,
    ot: &'static OutboxTexts,
    outbox: &'static str,
    /// The notification button's texts, when push is on.
    push: Option<&'static PushTexts>,
    /// How many of the account's devices are told (the form turning them all off shows
    /// when any is), and whether they were all just turned off.
    push_devices: usize,
    push_all_off: bool,
    /// "Laporan yang saya dukung", on the first page.
    s: Option<super::support::SupportedSection>,
}

pub async fn my_reports(
    State(state): State<AppState>,
    Query(q): Query<MineQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    // Staff have their queue, operators their desk: "my reports" are a citizen's own.
    let citizen = |role| role == Role::Citizen;
    let (user, chrome) = match signed_in_as(t, PATH, &visitor, citizen, t.citizens_only) {
        Ok(allowed) => allowed,
        Err(away) => return *away,
    };
    let mut query = ReportQuery::new(ReportScope::ReportedBy(user.id), PAGE_SIZE);
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
    let rows = page
        .reports
        .iter()
        .map(|r| Row {
            category: category_name(j, &r.category, q.lang),
            region: region_name(j, &r.region),
            created: local_time(j, r.created_at),
            state: pill(r.state, q.lang),
            public: r.visibility == Visibility::Public,
            ticket: r.ticket.to_string(),
        })
        .collect();
    let supported = if q.cursor.is_none() {
        let done = q.dukungan.as_deref();
        match super::support::supported_section(&state, q.lang, user.id, done).await {
            Ok(section) => Some(section),
            Err(e) => return failure(t, chrome, e, t.server_error),
        }
    } else {
        None
    };
    let push_devices = if state.push.is_some() {
        match state.store.push_subscriptions(user.id).await {
            Ok(devices) => devices.len(),
            Err(e) => return failure(t, chrome, e.into(), t.server_error),
        }
    } else {
        0
    };
    let next_href = page
        .next_after
        .map(|after| format!("{PATH}?lang={}&cursor={}", t.lang, encode_cursor(after)));
    render(&MinePage {
        t,
        chrome,
        rows,
        next_href,
        ot: OutboxTexts::of(q.lang),
        outbox: outbox::SCRIPT,
        push: state.push.is_some().then(|| PushTexts::of(q.lang)),
        s: supported,
        push_devices,
        push_all_off: q.pemberitahuan.as_deref() == Some(super::push::ALL_OFF_NOTICE),
    })
}
