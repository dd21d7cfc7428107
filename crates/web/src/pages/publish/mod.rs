//! `/laporan/{ticket}/publikasi`: before the reporter makes a report public, the preview of
//! exactly what the public will see (the card on `/publik`, built by the same code, and what
//! the report's own page adds), which photos stay hidden, and the one form that confirms.

pub mod texts;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use aduan_domain::report::Report;
use aduan_domain::workflow::available_actions;
use aduan_domain::{ActionKind, Visibility, access};

use crate::app::public_feed::public_item;
use crate::app::reading::readable_report;
use crate::app_error::AppError;
use crate::state::AppState;
use crate::views::{self, photo_url};

use super::feed::{self, Item};
use super::labels::{LabelledPhoto, photo_label};
use super::report::{coordinates, place, ticket_path};
use super::session::Visitor;
use super::{Chrome, Lang, LangQuery, Texts, failure, render_with, see_other};
use texts::PublishTexts;

/// The path of a report's preview.
pub fn preview_path(ticket: &str) -> String {
    format!("/laporan/{}/publikasi", ticket_path(ticket))
}

#[derive(Template)]
#[template(path = "publish_preview.html")]
struct PreviewPage {
    t: &'static Texts,
    pt: &'static PublishTexts,
    chrome: Chrome,
    /// Why a confirmation was asked for again (a POST that did not come from this page).
    refused: Option<&'static str>,
    /// The card as `/publik` will show it (named `r` for templates/feed_card.html).
    r: Item,
    place: String,
    /// The address as the public reads it (masked).
    address: Option<String>,
    location: Option<String>,
    /// Every photo the report's page will show anyone.
    photos: Vec<LabelledPhoto>,
    /// The labels of the photos the public will not see.
    hidden: Vec<&'static str>,
}

/// The preview for the reporter, who may make the report public now.
pub async fn preview(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    Query(q): Query<LangQuery>,
    visitor: Visitor,
) -> Response {
    show(&state, q.lang, &visitor, &ticket, None).await
}

/// The preview page, with `refused` saying why the report did not become public yet.
pub async fn show(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    ticket: &str,
    refused: Option<&'static str>,
) -> Response {
    let t = lang.texts();
    let pt = PublishTexts::of(lang);
    let chrome = || Chrome::new(&preview_path(ticket), t, visitor);
    let viewer = visitor.actor();
    // Someone else's private report answers as no report, as its page does.
    let report = match readable_report(state, ticket, viewer.as_ref()).await {
        Ok(report) => report,
        Err(e) => return failure(t, chrome(), e, t.report_not_found),
    };
    if report.visibility == Visibility::Public {
        return see_other(&format!("/laporan/{}", report.ticket), t);
    }
    let offered = viewer
        .as_ref()
        .filter(|v| access::is_reporter(&report, v))
        .is_some_and(|v| available_actions(&report.facts(), v).contains(&ActionKind::MakePublic));
    if !offered {
        let e = AppError::not_allowed("only the reporter makes a report public");
        return failure(t, chrome(), e, pt.not_offered);
    }
    // What anyone will see is what they would see of it public: the feed's own answer.
    let as_public = Report {
        visibility: Visibility::Public,
        ..report.clone()
    };
    let (item, all) = match (
        public_item(state, as_public).await,
        state.store.photos(report.id).await,
    ) {
        (Ok(item), Ok(all)) => (item, all),
        (Err(e), _) => return failure(t, chrome(), e, t.server_error),
        (_, Err(e)) => return failure(t, chrome(), e.into(), t.server_error),
    };
    let ticket = report.ticket.to_string();
    let photos = item
        .photos
        .iter()
        .map(|p| LabelledPhoto {
            url: photo_url(&ticket, p.id),
            label: photo_label(t, p.kind),
        })
        .collect();
    let hidden = all
        .iter()
        .filter(|p| !item.photos.iter().any(|shown| shown.id == p.id))
        .map(|p| photo_label(t, p.kind))
        .collect();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let page = PreviewPage {
        t,
        pt,
        chrome: chrome(),
        refused,
        r: feed::card(j, lang, item),
        place: place(j, &report),
        address: report.address.as_deref().map(|a| views::shown(a, true)),
        location: coordinates(&report),
        photos,
        hidden,
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_with(status, &page)
}
