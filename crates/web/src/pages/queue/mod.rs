//! `/petugas`: the staff's queue as a working tool: cards with the state pill, the masked
//! first line of the description, a photo the reader may see, the age, the SLA clock and
//! the distance from the reader; the work views sorted by the SLA due first; filters by
//! state, words, kelurahan and category; and, for coordinators, several reports forwarded
//! at once (see [`bulk`]). Views per role: what needs a step from me, the coordinators'
//! incoming and triage queues, the validation queue. Names no reporter: cards come from
//! the reports, their photos and timelines, which carry no identity.

mod bulk;
mod cards;
mod filters;
mod order;
mod texts;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;

use aduan_domain::workflow::states_acted_on;
use aduan_domain::{ActionKind, ReportState, Role, SlaClock};
use aduan_store::{ReportPage, ReportQuery};

use crate::app::reading::{readable_report, scope_for};
use crate::auth::actor;
use crate::state::AppState;

use super::gate::signed_in_as;
use super::labels::action_label;
use super::search_box::SearchBox;
use super::session::Visitor;
use super::{Chrome, Lang, Texts, error_page, failure, render_with, see_other};
use bulk::BulkForm;
use cards::{Card, CardContext, thumbnail};
use filters::{Filters, SortOption};
use texts::QueueTexts;

pub use bulk::{BULK_PATH, forward_many};

pub const PATH: &str = "/petugas";
const PAGE_SIZE: u32 = 20;

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    lang: Lang,
    cursor: Option<String>,
    state: Option<String>,
    ticket: Option<String>,
    /// Words to search for in descriptions and addresses.
    q: Option<String>,
    /// One of the role's views (`perlu`, `masuk`, `triase`, `validasi`); none: everything.
    view: Option<String>,
    /// The order: `sla`, `baru` or `jarak` (the default: `sla` in a view, else `baru`).
    urut: Option<String>,
    /// A kelurahan's code.
    kelurahan: Option<String>,
    /// A category's code.
    kategori: Option<String>,
    /// The reader's position, `lat,lon`, for distances.
    dari: Option<String>,
    /// A report that just left the reader's hands (with the step that moved it).
    moved: Option<String>,
    done: Option<String>,
}

/// The views of the queue, by role.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// Reports in a state where the reader's role has a step to take.
    ToDo,
    /// Reports not yet taken on by anyone (coordinators).
    Incoming,
    /// Messages from unstructured channels waiting for a category and place.
    Triage,
    /// Follow-ups waiting for the validator.
    Validation,
}

impl View {
    fn code(self) -> &'static str {
        match self {
            Self::ToDo => "perlu",
            Self::Incoming => "masuk",
            Self::Triage => "triase",
            Self::Validation => "validasi",
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Self::ToDo => t.view_todo,
            Self::Incoming => t.view_incoming,
            Self::Triage => t.view_triage,
            Self::Validation => t.view_validation,
        }
    }

    /// The views a role has, in the order shown.
    fn of(role: Role) -> &'static [View] {
        match role {
            Role::Officer => &[Self::ToDo],
            Role::Coordinator | Role::Admin => &[Self::Incoming, Self::Triage, Self::ToDo],
            Role::Validator => &[Self::Validation],
            _ => &[],
        }
    }

    /// Narrow `query` to this view for `role`.
    fn narrow(self, query: &mut ReportQuery, role: Role) {
        match self {
            Self::ToDo => query.states = states_acted_on(role),
            Self::Incoming => query.state = Some(ReportState::Waiting),
            Self::Triage => query.awaiting_triage = true,
            Self::Validation => query.state = Some(ReportState::AwaitingValidation),
        }
    }
}

struct Tab {
    href: String,
    label: &'static str,
    current: bool,
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
    qt: &'static QueueTexts,
    chrome: Chrome,
    notice: Option<String>,
    tabs: Vec<Tab>,
    view: &'static str,
    states: Vec<StateOption>,
    ticket: String,
    ticket_missing: bool,
    words: SearchBox,
    f: Filters,
    sorts: Vec<SortOption>,
    /// The filters unfolded: something is chosen or wrong there.
    filters_open: bool,
    sort_label: &'static str,
    rows: Vec<Card>,
    /// The coordinators' form to forward the ticked cards.
    bulk: Option<BulkForm>,
    next_href: Option<String>,
    /// The link to the same queue on a map (`/petugas/peta`).
    queue_map_link: &'static str,
    script: &'static str,
}

pub async fn queue(
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let qt = QueueTexts::of(q.lang);
    let has_views = |role| !View::of(role).is_empty();
    let (user, chrome) = match signed_in_as(t, PATH, &visitor, has_views, t.queue_staff_only) {
        Ok(allowed) => allowed,
        Err(away) => return *away,
    };
    let actor = actor(&user);
    let ticket = q.ticket.as_deref().map(str::trim).unwrap_or_default();
    let mut ticket_missing = false;
    if !ticket.is_empty() {
        match readable_report(&state, ticket, Some(&actor)).await {
            Ok(report) => return see_other(&format!("/laporan/{}", report.ticket), t),
            Err(e) if e.is_failure_below() => return failure(t, chrome, e, t.server_error),
            Err(_) => ticket_missing = true,
        }
    }
    let mut query = match scope_for(&actor) {
        Ok(scope) => ReportQuery::new(scope, PAGE_SIZE),
        Err(e) => return failure(t, chrome, e, t.queue_staff_only),
    };
    let views = View::of(actor.role);
    let view = views
        .iter()
        .copied()
        .find(|v| q.view.as_deref() == Some(v.code()));
    if let Some(view) = view {
        view.narrow(&mut query, actor.role);
    }
    let chosen = q.state.as_deref().and_then(ReportState::parse);
    if chosen.is_some() {
        query.state = chosen;
    }
    let words = SearchBox::read(q.q.as_deref(), q.lang);
    query.text = words.search.clone();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let f = Filters::read(j, &q, qt, view.is_some());
    f.narrow(&mut query);
    let mut bad_cursor = false;
    if let Some(raw) = q.cursor.as_deref() {
        match order::decode(&query.order, raw) {
            Some(cursor) => (query.after, query.after_key) = (Some(cursor.after), cursor.key),
            None => bad_cursor = true,
        }
    }
    if bad_cursor {
        return error_page(t, chrome, StatusCode::BAD_REQUEST, qt.bad_cursor);
    }
    // Input that cannot be used lists nothing: the field says why.
    let refused = words.error.is_some() || f.from_error.is_some();
    let page = if refused {
        ReportPage {
            reports: Vec::new(),
            next_after: None,
            next_key: None,
        }
    } else {
        match state.store.list_reports(query.clone()).await {
            Ok(page) => page,
            Err(e) => return failure(t, chrome, e.into(), t.server_error),
        }
    };
    let cards = CardContext {
        j,
        t,
        qt,
        lang: q.lang,
        now: Utc::now(),
        from: f.from,
    };
    let mut rows = Vec::with_capacity(page.reports.len());
    for report in &page.reports {
        let photo = match thumbnail(&state, report, &actor).await {
            Ok(photo) => photo,
            Err(e) => return failure(t, chrome, e, t.server_error),
        };
        rows.push(cards.card(report, &actor, photo));
    }
    let params = chosen
        .map(|s| format!("&state={}", s.code()))
        .unwrap_or_default()
        + &view
            .map(|v| format!("&view={}", v.code()))
            .unwrap_or_default()
        + &words.param()
        + &f.params();
    let tab = |v: Option<View>| Tab {
        href: match v {
            Some(v) => format!("{PATH}?lang={}&view={}", t.lang, v.code()),
            None => format!("{PATH}?lang={}", t.lang),
        },
        label: v.map_or(t.view_all, |v| v.label(t)),
        current: v == view,
    };
    let tabs = views
        .iter()
        .map(|v| tab(Some(*v)))
        .chain(std::iter::once(tab(None)))
        .collect();
    let notice = q
        .moved
        .as_deref()
        .and_then(|raw| aduan_domain::Ticket::parse(raw).ok())
        .map(|ticket| {
            let step = q
                .done
                .as_deref()
                .and_then(ActionKind::parse)
                .map(|kind| action_label(kind, q.lang))
                .unwrap_or_default();
            format!("{ticket}: {step}. {}", t.queue_moved)
        });
    let next_href = page.next_after.map(|after| {
        format!(
            "{PATH}?lang={}{params}&cursor={}",
            t.lang,
            order::encode(&query.order, after, page.next_key)
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
    let bulk = (actor.role == Role::Coordinator && !rows.is_empty())
        .then(|| BulkForm::new(j, qt, chrome.csrf.clone()));
    let status = if f.from_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        words.status()
    };
    let filters_open = f.in_use() || chosen.is_some() || !words.typed.is_empty();
    render_with(
        status,
        &QueuePage {
            t,
            qt,
            chrome,
            notice,
            tabs,
            view: view.map_or("", View::code),
            states,
            ticket: ticket.to_owned(),
            ticket_missing,
            words,
            sorts: f.sort_options(qt),
            filters_open,
            sort_label: f.sort_label(qt),
            f,
            rows,
            bulk,
            next_href,
            queue_map_link: super::map::texts::PetaTexts::of(q.lang).queue_link,
            script: super::QUEUE_LOCATE_SCRIPT,
        },
    )
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

pub(super) fn duration_text(t: &Texts, span: Duration, overdue: bool) -> String {
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
    use aduan_domain::SlaKind;

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
