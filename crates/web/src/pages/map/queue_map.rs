//! `/petugas/peta`: the open reports of the reader's queue on a map, each a pin whose popup
//! names its ticket, category and state with a link; the list under the map is the same
//! reports without JavaScript. Only what the reader may read (their queue's scope), and no
//! reporter: everything comes from the report itself.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use aduan_domain::{ReportState, Role};
use aduan_store::ReportQuery;

use crate::app::reading::scope_for;
use crate::auth::actor;
use crate::pages::gate::signed_in_as;
use crate::pages::labels::{Pill, category_name, pill, region_name};
use crate::pages::session::Visitor;
use crate::pages::{Chrome, LangQuery, Texts, failure, render};
use crate::state::AppState;

use super::texts::PetaTexts;
use super::{MapWidget, Mode};

pub const PATH: &str = "/petugas/peta";

/// The most reports one map shows (the newest).
const LIMIT: u32 = 300;

struct Row {
    ticket: String,
    category: String,
    region: String,
    state: Pill,
    /// Rounded to about a metre (6 decimals).
    point: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "queue_map.html")]
struct QueueMapPage {
    t: &'static Texts,
    pt: &'static PetaTexts,
    chrome: Chrome,
    w: MapWidget,
    rows: Vec<Row>,
    more: bool,
}

/// Who has a queue: the staff who follow reports up, route or validate them.
fn has_queue(role: Role) -> bool {
    matches!(
        role,
        Role::Officer | Role::Coordinator | Role::Validator | Role::Admin
    )
}

pub async fn queue_map(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let (user, chrome) = match signed_in_as(t, PATH, &visitor, has_queue, t.queue_staff_only) {
        Ok(allowed) => allowed,
        Err(away) => return *away,
    };
    let actor = actor(&user);
    let mut query = match scope_for(&actor) {
        Ok(scope) => ReportQuery::new(scope, LIMIT),
        Err(e) => return failure(t, chrome, e, t.queue_staff_only),
    };
    query.states = ReportState::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .collect();
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
            ticket: r.ticket.to_string(),
            category: category_name(j, &r.category, q.lang),
            region: region_name(j, &r.region),
            state: pill(r.state, q.lang),
            point: r
                .location
                .map(|l| (format!("{:.6}", l.lat), format!("{:.6}", l.lon))),
        })
        .collect();
    let pt = PetaTexts::of(q.lang);
    render(&QueueMapPage {
        t,
        pt,
        chrome,
        w: MapWidget::new(&state.config.map, pt, Mode::List, catalog.has_boundaries()),
        rows,
        more: page.next_after.is_some(),
    })
}
