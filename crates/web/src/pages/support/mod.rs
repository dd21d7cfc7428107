//! "Saya juga mengalami ini": before filing, a citizen sees the open reports of the same
//! category near their pin (`/lapor/serupa`, also loaded into `/lapor` by `serupa.js` as
//! the pin and the category change) and supports one instead of filing a duplicate
//! (`POST /laporan-saya/dukung`); "Laporan yang saya dukung" on `/laporan-saya` follows
//! their state, "Batal dukung" withdraws. Supporters are counted for citizens and never
//! shown to staff: no staff page, API or export reads them.

pub mod offer;
pub mod texts;
pub mod view;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use aduan_domain::report::Report;
use aduan_domain::support::{MAX_SIMILAR, NEAR_METRES, may_support};
use aduan_domain::{Actor, CategoryCode, Coordinates, Role, UserId, Visibility};
use aduan_store::{NearQuery, StoreError};

use crate::app_error::AppError;
use crate::state::AppState;

use super::choices::{Choice, categories};
use super::forms::signed_in_posting;
use super::session::Visitor;
use super::submit::citizen_gate;
use super::{Chrome, Lang, LangQuery, Texts, error_page, failure, render, render_with, see_other};
use offer::offered_ticket;
use texts::SupportTexts;
use view::{Context, SimilarItem, SupportedItem, fill, similar_items, supported_items};

pub const SIMILAR_PATH: &str = "/lapor/serupa";
pub const SUPPORT_PATH: &str = "/laporan-saya/dukung";
pub const WITHDRAW_PATH: &str = "/laporan-saya/batal-dukung";
pub const SCRIPT_PATH: &str = "/aset/serupa.js";
const MINE_PATH: &str = "/laporan-saya";

/// The script that loads the similar reports into `/lapor` (served from here, `'self'`).
const SCRIPT: &str = include_str!("../../../templates/support.js");

/// Most supported reports "Laporan yang saya dukung" lists.
const MINE_LIMIT: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(SIMILAR_PATH, get(similar))
        .route(SCRIPT_PATH, get(script))
        .route(SUPPORT_PATH, post(support))
        .route(WITHDRAW_PATH, post(withdraw))
}

async fn script() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("public, no-cache")),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The block on `/lapor` (templates/support_block.html): filled by the script, with a link
/// to `/lapor/serupa` for a browser without it.
pub struct SimilarBlock {
    pub st: &'static SupportTexts,
    pub path: &'static str,
    pub script: &'static str,
    pub support_path: &'static str,
}

impl SimilarBlock {
    pub fn new(lang: Lang) -> Self {
        Self {
            st: SupportTexts::of(lang),
            path: SIMILAR_PATH,
            script: SCRIPT_PATH,
            support_path: SUPPORT_PATH,
        }
    }
}

#[derive(Deserialize)]
pub struct SimilarQuery {
    #[serde(default)]
    lang: Lang,
    kategori: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    /// `1`: only the list, for the script to put into `/lapor`.
    bagian: Option<String>,
}

/// The list of similar reports (templates/support_list.html), alone or in a page.
#[derive(Template)]
#[template(path = "support_list.html")]
struct SimilarFragment {
    t: &'static Texts,
    st: &'static SupportTexts,
    asked: bool,
    items: Vec<SimilarItem>,
}

#[derive(Template)]
#[template(path = "support_similar.html")]
struct SimilarPage {
    t: &'static Texts,
    st: &'static SupportTexts,
    chrome: Chrome,
    categories: Vec<Choice>,
    lat: String,
    lon: String,
    asked: bool,
    items: Vec<SimilarItem>,
    refused: Option<&'static str>,
    support_path: &'static str,
}

/// A number as people type it, a decimal comma included.
fn number(raw: Option<&str>) -> Option<f64> {
    let raw = raw?.trim();
    if raw.is_empty() || raw.len() > 32 {
        return None;
    }
    raw.replace(',', ".").parse().ok()
}

/// The category and point asked about, when both are given and valid.
fn asked_about(q: &SimilarQuery) -> Option<(CategoryCode, Coordinates)> {
    let category = CategoryCode::parse(q.kategori.as_deref()?.trim()).ok()?;
    let at = Coordinates::parse(number(q.lat.as_deref())?, number(q.lon.as_deref())?).ok()?;
    Some((category, at))
}

/// `GET /lapor/serupa`: the open reports of a category near a point, for a signed-in
/// citizen; a page with its own form, or (`bagian=1`) only the list.
async fn similar(
    State(state): State<AppState>,
    Query(q): Query<SimilarQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let st = SupportTexts::of(q.lang);
    let fragment = q.bagian.as_deref() == Some("1");
    if let Some(away) = citizen_gate(t, &visitor, SIMILAR_PATH) {
        // The script puts nothing of a sign-in page or a refusal into the form.
        return if fragment {
            StatusCode::FORBIDDEN.into_response()
        } else {
            away
        };
    }
    let Some(actor) = visitor.actor() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let asked = asked_about(&q).filter(|(category, _)| j.category(category).is_some());
    let mut refused = None;
    let mut status = StatusCode::OK;
    let items = match asked.clone() {
        None => Vec::new(),
        Some((category, at)) => match state.limits.nearby_lookup(&actor) {
            Err(e) => {
                if fragment {
                    return StatusCode::TOO_MANY_REQUESTS.into_response();
                }
                status = crate::error::status_of(&e);
                refused = Some(st.too_many);
                Vec::new()
            }
            Ok(()) => match nearby(&state, q.lang, &actor, category, at).await {
                Ok(items) => items,
                Err(e) if fragment => {
                    tracing::error!(error = %e.message(), "similar reports");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
                Err(e) => {
                    return failure(t, Chrome::new(SIMILAR_PATH, t, &visitor), e, t.server_error);
                }
            },
        },
    };
    if fragment {
        let list = SimilarFragment {
            t,
            st,
            asked: asked.is_some(),
            items,
        };
        let mut response = render(&list);
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return response;
    }
    let page = SimilarPage {
        t,
        st,
        chrome: Chrome::new(SIMILAR_PATH, t, &visitor),
        categories: categories(j, q.lang, q.kategori.as_deref().unwrap_or("").trim()),
        lat: q.lat.unwrap_or_default().chars().take(32).collect(),
        lon: q.lon.unwrap_or_default().chars().take(32).collect(),
        asked: asked.is_some(),
        items,
        refused,
        support_path: SUPPORT_PATH,
    };
    render_with(status, &page)
}

/// The similar reports near `at` as `actor` may see them.
async fn nearby(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    category: CategoryCode,
    at: Coordinates,
) -> Result<Vec<SimilarItem>, AppError> {
    let found = state
        .store
        .open_reports_near(NearQuery {
            category,
            at,
            metres: NEAR_METRES,
            citizen: actor.user,
            limit: MAX_SIMILAR,
        })
        .await?;
    // Shown for the public ones only (see `view`).
    let ids = found.iter().map(|n| n.report.id).collect();
    let counts = state.store.supporter_counts(ids).await?;
    let catalog = state.catalog();
    let cx = Context {
        j: &catalog.jurisdiction,
        lang,
        sealer: &state.sealer,
        citizen: actor.user,
        now: Utc::now(),
    };
    Ok(similar_items(&cx, found, &counts))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SupportForm {
    csrf: String,
    #[serde(rename = "ref")]
    reference: String,
}

/// The report a support form names, for the citizen who posted it: its sender signed in,
/// not forged, a citizen, and the reference one offered to them.
async fn posted_offer(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    headers: &HeaderMap,
    form: &SupportForm,
) -> Result<(Actor, Report), Box<Response>> {
    let t = lang.texts();
    let actor = signed_in_posting(t, MINE_PATH, visitor, headers, &form.csrf)?;
    let chrome = || Chrome::new(MINE_PATH, t, visitor);
    if actor.role != Role::Citizen {
        return Err(Box::new(error_page(
            t,
            chrome(),
            StatusCode::FORBIDDEN,
            t.citizens_only,
        )));
    }
    let not_offered = || {
        let st = SupportTexts::of(lang);
        Box::new(error_page(
            t,
            chrome(),
            StatusCode::NOT_FOUND,
            st.not_offered,
        ))
    };
    let Some(ticket) = offered_ticket(&state.sealer, actor.user, &form.reference) else {
        return Err(not_offered());
    };
    match state.store.report(&ticket).await {
        Ok(report) => Ok((actor, report)),
        Err(StoreError::NotFound) => Err(not_offered()),
        Err(e) => Err(Box::new(failure(t, chrome(), e.into(), t.server_error))),
    }
}

/// `POST /laporan-saya/dukung`: the citizen supports the report offered to them; again
/// changes nothing. Then "Laporan yang saya dukung" says it is recorded.
async fn support(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<SupportForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let st = SupportTexts::of(q.lang);
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) = match posted_offer(&state, q.lang, &visitor, &headers, &form).await {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    let chrome = || Chrome::new(MINE_PATH, t, &visitor);
    if may_support(&report, &actor).is_err() {
        return error_page(t, chrome(), StatusCode::CONFLICT, st.not_offered);
    }
    match state
        .store
        .support_report(report.id, actor.user, Utc::now())
        .await
    {
        Ok(_) => see_other(&format!("{MINE_PATH}?dukungan=tercatat"), t),
        Err(e) => failure(t, chrome(), e.into(), t.server_error),
    }
}

/// `POST /laporan-saya/batal-dukung`: the citizen withdraws their support.
async fn withdraw(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<SupportForm>, FormRejection>,
) -> Response {
    let t = q.lang.texts();
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (actor, report) = match posted_offer(&state, q.lang, &visitor, &headers, &form).await {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    match state.store.withdraw_support(report.id, actor.user).await {
        Ok(_) => see_other(&format!("{MINE_PATH}?dukungan=batal"), t),
        Err(e) => failure(
            t,
            Chrome::new(MINE_PATH, t, &visitor),
            e.into(),
            t.server_error,
        ),
    }
}

/// "Laporan yang saya dukung" on `/laporan-saya` (templates/support_mine.html).
pub struct SupportedSection {
    pub st: &'static SupportTexts,
    pub notice: Option<&'static str>,
    pub items: Vec<SupportedItem>,
    pub withdraw_path: &'static str,
}

/// The citizen's supported reports; `done` is the `dukungan` of the redirect that came
/// here after supporting (`tercatat`) or withdrawing (`batal`).
pub async fn supported_section(
    state: &AppState,
    lang: Lang,
    citizen: UserId,
    done: Option<&str>,
) -> Result<SupportedSection, AppError> {
    let st = SupportTexts::of(lang);
    let found = state.store.supported_reports(citizen, MINE_LIMIT).await?;
    let catalog = state.catalog();
    let cx = Context {
        j: &catalog.jurisdiction,
        lang,
        sealer: &state.sealer,
        citizen,
        now: Utc::now(),
    };
    Ok(SupportedSection {
        st,
        notice: match done {
            Some("tercatat") => Some(st.supported_notice),
            Some("batal") => Some(st.withdrawn_notice),
            _ => None,
        },
        items: supported_items(&cx, found),
        withdraw_path: WITHDRAW_PATH,
    })
}

/// What a report's page shows of its supporters (templates/support_report.html).
pub struct ReportSupport {
    /// "12 warga juga mengalami ini": for a public report, or to its own reporter; never
    /// to staff (supporters are never shown to them), never when nobody supports it.
    pub line: Option<String>,
    /// The reference "Saya juga mengalami ini" sends, for a citizen reading another's open
    /// public report.
    pub offer: Option<String>,
    pub st: &'static SupportTexts,
    pub support_path: &'static str,
}

pub async fn on_report_page(
    state: &AppState,
    lang: Lang,
    report: &Report,
    viewer: Option<&Actor>,
) -> ReportSupport {
    let public = report.visibility == Visibility::Public;
    let citizen_or_public = viewer.is_none_or(|v| v.role == Role::Citizen);
    let mine = viewer.is_some_and(|v| report.reporter == Some(v.user));
    let line = if citizen_or_public && (public || mine) {
        match state.store.supporter_counts(vec![report.id]).await {
            Ok(counts) => counts.first().and_then(|n| count_text(lang, *n)),
            Err(e) => {
                tracing::warn!(error = %e, "supporter count for a report page");
                None
            }
        }
    } else {
        None
    };
    let offer = viewer
        .filter(|v| public && may_support(report, v).is_ok())
        .and_then(|v| offer::offer(&state.sealer, v.user, &report.ticket));
    ReportSupport {
        line,
        offer,
        st: SupportTexts::of(lang),
        support_path: SUPPORT_PATH,
    }
}

/// Supporter counts of public reports for `/publik`'s cards, in order (0 when unread).
pub async fn public_counts(state: &AppState, reports: Vec<aduan_domain::ReportId>) -> Vec<u64> {
    let wanted = reports.len();
    match state.store.supporter_counts(reports).await {
        Ok(counts) => counts,
        Err(e) => {
            tracing::warn!(error = %e, "supporter counts for the public feed");
            vec![0; wanted]
        }
    }
}

/// The text of a count for a card; `None` for none.
pub fn count_text(lang: Lang, count: u64) -> Option<String> {
    (count > 0).then(|| fill(SupportTexts::of(lang).supporters, count))
}
