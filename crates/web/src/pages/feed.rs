//! `/publik`: the public feed as a page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::{Jurisdiction, RegionLevel};

use crate::app::public_feed::{PublicFilter, PublicItem, PublicPage, public_feed};
use crate::state::AppState;
use crate::views::thumbnail_url;

use super::labels::{
    LabelledPhoto, category_name, local_time, photo_label, pill, region_name, unit_name,
};
use super::search_box::SearchBox;
use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render_with};

/// The most photos a card shows; the report's page shows them all.
const CARD_PHOTOS: usize = 3;

#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    lang: Lang,
    category: Option<String>,
    region: Option<String>,
    /// Words to search for in the descriptions.
    q: Option<String>,
    cursor: Option<String>,
}

struct Choice {
    code: String,
    name: String,
    selected: bool,
}

/// One public report's card (templates/feed_card.html), on `/publik` and in the reporter's
/// preview before going public.
pub(super) struct Item {
    pub(super) ticket: String,
    pub(super) category: String,
    pub(super) state: String,
    pub(super) color: &'static str,
    pub(super) region: String,
    pub(super) created: String,
    /// Masked: as anyone but the reporter reads it.
    pub(super) description: String,
    pub(super) unit: String,
    pub(super) photos: Vec<LabelledPhoto>,
    /// Photos beyond those the card shows.
    pub(super) more_photos: usize,
    /// "12 warga juga mengalami ini" (pages/support), on `/publik`.
    pub(super) supporters: Option<String>,
}

/// The card of a public report, as anyone sees it.
pub(super) fn card(j: &Jurisdiction, lang: Lang, item: PublicItem) -> Item {
    let t = lang.texts();
    let r = item.report;
    let ticket = r.ticket.to_string();
    let state = pill(r.state, lang);
    Item {
        category: category_name(j, &r.category, lang),
        state: state.label,
        color: state.color,
        region: region_name(j, &r.region),
        created: local_time(j, r.created_at),
        description: r.description_for_others(),
        unit: unit_name(j, &r.holding_unit),
        photos: item
            .photos
            .iter()
            .take(CARD_PHOTOS)
            .map(|p| LabelledPhoto {
                // A card shows the thumbnail; the report's page the photo.
                url: thumbnail_url(&ticket, p.id),
                label: photo_label(t, p.kind),
            })
            .collect(),
        more_photos: item.photos.len().saturating_sub(CARD_PHOTOS),
        supporters: None,
        ticket,
    }
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage {
    t: &'static Texts,
    chrome: Chrome,
    categories: Vec<Choice>,
    regions: Vec<Choice>,
    words: SearchBox,
    items: Vec<Item>,
    next_href: Option<String>,
}

pub(super) fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn public_feed_page(
    State(state): State<AppState>,
    Query(q): Query<FeedQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let words = SearchBox::read(q.q.as_deref(), q.lang);
    let filter = PublicFilter {
        state: None,
        category: q.category.clone().filter(|c| !c.is_empty()),
        region: q.region.clone().filter(|r| !r.is_empty()),
        q: words.search.as_ref().map(|s| s.as_str().to_owned()),
        cursor: q.cursor.clone(),
        limit: Some(20),
    };
    // Words that cannot be searched list nothing: the box says why.
    let feed = if words.error.is_some() {
        PublicPage {
            items: Vec::new(),
            next_cursor: None,
        }
    } else {
        match public_feed(&state, &filter).await {
            Ok(feed) => feed,
            Err(e) => {
                let message = e.message();
                return failure(t, Chrome::new("/publik", t, &visitor), e, &message);
            }
        }
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let english = q.lang == Lang::En;
    let mut categories: Vec<Choice> = j
        .categories()
        .map(|c| Choice {
            code: c.code.to_string(),
            name: if english {
                c.name_en.clone()
            } else {
                c.name.clone()
            },
            selected: filter.category.as_deref() == Some(c.code.as_str()),
        })
        .collect();
    categories.sort_by(|a, b| a.name.cmp(&b.name));
    let regions = j
        .regions()
        .filter(|r| r.level == RegionLevel::Kota)
        .map(|r| Choice {
            code: r.code.to_string(),
            name: r.name.clone(),
            selected: filter.region.as_deref() == Some(r.code.as_str()),
        })
        .collect();
    let ids = feed.items.iter().map(|i| i.report.id).collect();
    let counts = super::support::public_counts(&state, ids).await;
    let items = feed
        .items
        .into_iter()
        .zip(counts.into_iter().chain(std::iter::repeat(0)))
        .map(|(item, count)| Item {
            supporters: super::support::count_text(q.lang, count),
            ..card(j, q.lang, item)
        })
        .collect();
    let mut next_href = None;
    if let Some(cursor) = feed.next_cursor {
        let mut href = format!("/publik?lang={}&cursor={}", t.lang, query_value(&cursor));
        if let Some(c) = &filter.category {
            href.push_str(&format!("&category={}", query_value(c)));
        }
        if let Some(r) = &filter.region {
            href.push_str(&format!("&region={}", query_value(r)));
        }
        href.push_str(&words.param());
        next_href = Some(href);
    }
    render_with(
        words.status(),
        &FeedPage {
            t,
            chrome: Chrome::new("/publik", t, &visitor),
            categories,
            regions,
            words,
            items,
            next_href,
        },
    )
}
