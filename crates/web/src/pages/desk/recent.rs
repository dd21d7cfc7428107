//! The operator's own recent entries, newest first, a page at a time: ticket, state pill,
//! what and where; never who (the rows come from summaries, which carry no identity).

use aduan_domain::Actor;
use aduan_store::ReportQuery;

use crate::app::cursor::{decode_cursor, encode_cursor};
use crate::app::reading::scope_for;
use crate::app_error::AppResult;
use crate::state::AppState;

use super::super::labels::{Pill, category_name, local_time, pill, region_name};
use super::super::{Lang, Texts};
use super::PATH;

const PAGE_SIZE: u32 = 20;

pub struct Row {
    pub ticket: String,
    pub category: String,
    pub region: String,
    pub created: String,
    pub channel: String,
    pub state: Pill,
}

pub struct Recent {
    pub rows: Vec<Row>,
    pub next_href: Option<String>,
}

/// One page of what `actor` entered, after `cursor`.
pub async fn recent(
    state: &AppState,
    actor: &Actor,
    cursor: Option<&str>,
    lang: Lang,
    t: &Texts,
) -> AppResult<Recent> {
    let mut query = ReportQuery::new(scope_for(actor)?, PAGE_SIZE);
    query.after = cursor.map(decode_cursor).transpose()?;
    let page = state.store.list_reports(query).await?;
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let rows = page
        .reports
        .iter()
        .map(|r| Row {
            category: category_name(j, &r.category, lang),
            region: region_name(j, &r.region),
            created: local_time(j, r.created_at),
            channel: j.channel_label(r.channel, false),
            state: pill(r.state, lang),
            ticket: r.ticket.to_string(),
        })
        .collect();
    let next_href = page.next_after.map(|after| {
        format!(
            "{PATH}?lang={}&cursor={}#terbaru",
            t.lang,
            encode_cursor(after)
        )
    });
    Ok(Recent { rows, next_href })
}
