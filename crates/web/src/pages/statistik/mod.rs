//! `/statistik`: the public statistics dashboard, for anyone: the figures of a period and a
//! category group, charts drawn on the server as SVG, a choropleth of the regions, and the
//! same figures as open data (`/statistik.csv`, `/statistik.json`). Counts only, never a
//! reporter; one statistics query per view.

mod board;
mod charts;
mod csv;
mod downloads;
mod map;
mod numbers;
mod texts;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate, Utc};

use aduan_domain::{CategoryCode, Jurisdiction, RegionLevel};

use crate::app::stats::{parse_request, stats_figures};
use crate::state::AppState;

use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render_with};

use board::{Dashboard, dashboard};
use numbers::Numbers;
use texts::StatsTexts;

pub use downloads::{stats_csv, stats_json};

pub const PATH: &str = "/statistik";

/// How many past years the quick choices offer.
const PAST_YEARS: i32 = 4;

/// The parameters as they came, with the defaults for what is missing.
struct Asked {
    lang: Lang,
    pairs: Vec<(String, String)>,
    level: RegionLevel,
}

impl Asked {
    fn new(raw: Vec<(String, String)>, j: &Jurisdiction, levels: &[RegionLevel]) -> Self {
        let lang = match raw.iter().find(|(k, _)| k == "lang") {
            Some((_, v)) if v == "en" => Lang::En,
            _ => Lang::Id,
        };
        let level = raw
            .iter()
            .find(|(k, _)| k == "peta")
            .and_then(|(_, v)| RegionLevel::parse(v))
            .filter(|l| levels.contains(l))
            .unwrap_or(RegionLevel::Kota);
        let mut pairs: Vec<(String, String)> = raw
            .into_iter()
            .filter(|(k, _)| k == "from" || k == "to" || k == "category")
            .map(|(k, v)| {
                let v = if k == "category" { v } else { iso_date(v) };
                (k, v)
            })
            .collect();
        // This year so far, unless a period is asked for.
        let today = j.local_date(Utc::now());
        let (from, to) = this_year(today);
        for (key, default) in [("from", from), ("to", to)] {
            if !pairs.iter().any(|(k, _)| k == key) {
                pairs.push((key.to_owned(), default.to_string()));
            }
        }
        Self { lang, pairs, level }
    }

    fn one(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn categories(&self) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == "category" && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A query string for this request with another period (and any path).
    fn query(&self, from: &str, to: &str, lang: Lang) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("from", from), ("to", to)];
        pairs.extend(self.categories().map(|c| ("category", c)));
        if self.level != RegionLevel::Kota {
            pairs.push(("peta", self.level.code()));
        }
        pairs.push(("lang", lang_code(lang)));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "id",
        Lang::En => "en",
    }
}

/// A date as Indonesians write it (`31-01-2021`, `31/1/2021`), where a browser without a date
/// picker lets one type it, in the ISO form (`2021-01-31`) the figures are asked for; anything
/// else unchanged, for the request's own check to refuse.
fn iso_date(value: String) -> String {
    let typed = value.trim();
    ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(typed, format).ok())
        .filter(|_| typed.len() >= 8)
        .map_or(value, |date| date.to_string())
}

fn this_year(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    (first, today + Duration::days(1))
}

fn year(y: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(y, 1, 1)?,
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
    ))
}

struct Link {
    text: String,
    href: String,
    current: bool,
}

struct CategoryChoice {
    code: String,
    name: String,
    checked: bool,
}

struct LevelChoice {
    code: &'static str,
    name: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "statistik.html")]
struct StatsPage<'a> {
    t: &'static Texts,
    st: &'static StatsTexts,
    /// The introduction, with the jurisdiction's name of its time zone.
    intro: String,
    chrome: Chrome,
    from: String,
    to: String,
    from_error: Option<String>,
    to_error: Option<String>,
    category_error: Option<String>,
    quick: Vec<Link>,
    category_choices: Vec<CategoryChoice>,
    categories_open: bool,
    level_choices: Vec<LevelChoice>,
    board: Option<Dashboard<'a>>,
}

pub async fn stats_page(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
    visitor: Visitor,
) -> Response {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let levels = map::levels(&catalog.map);
    let asked = Asked::new(raw, j, &levels);
    let lang = asked.lang;
    let (t, st) = (lang.texts(), StatsTexts::of(lang));
    let mut chrome = Chrome::new(PATH, t, &visitor);
    let (from, to) = (asked.one("from"), asked.one("to"));
    chrome.other_lang_href = format!(
        "{PATH}?{}",
        asked.query(
            from,
            to,
            match lang {
                Lang::Id => Lang::En,
                Lang::En => Lang::Id,
            }
        )
    );
    let chosen: Vec<CategoryCode> = asked
        .categories()
        .filter_map(|c| aduan_domain::stats::resolve_category(j, c).ok())
        .collect();
    let category_choices: Vec<CategoryChoice> = j
        .categories()
        .map(|c| CategoryChoice {
            code: c.code.as_str().to_owned(),
            name: match lang {
                Lang::Id => c.name.clone(),
                Lang::En => c.name_en.clone(),
            },
            checked: chosen.contains(&c.code),
        })
        .collect();
    let mut page = StatsPage {
        t,
        st,
        intro: st
            .intro
            .replace("{zone}", &j.time_zone_label(lang == Lang::En)),
        chrome,
        from: from.to_owned(),
        to: to.to_owned(),
        from_error: None,
        to_error: None,
        category_error: None,
        quick: quick_links(&asked, j, st),
        categories_open: asked.categories().next().is_some(),
        category_choices,
        level_choices: levels
            .iter()
            .map(|l| LevelChoice {
                code: l.code(),
                name: st.level(*l, lang),
                selected: *l == asked.level,
            })
            .collect(),
        board: None,
    };
    let request = match parse_request(&asked.pairs, j) {
        Ok(request) => request,
        Err(refusal) => {
            let problem = Some(st.problem(&refusal));
            match refusal.field() {
                "from" => page.from_error = problem,
                "to" => page.to_error = problem,
                _ => {
                    page.category_error = problem;
                    page.categories_open = true;
                }
            }
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (figures, counts) = match stats_figures(&state, &request).await {
        Ok(found) => found,
        Err(e) => return failure(t, Chrome::new(PATH, t, &visitor), e, t.server_error),
    };
    let map = map::map_view(
        j,
        &catalog.map,
        &counts.by_region,
        asked.level,
        st.report_units,
        st.no_reports,
        Numbers(lang),
    );
    page.board = Some(dashboard(&asked, j, st, &request, &figures, map));
    render_with(StatusCode::OK, &page)
}

/// The quick choices of period, keeping the categories and the map's level.
fn quick_links(asked: &Asked, j: &Jurisdiction, st: &StatsTexts) -> Vec<Link> {
    let today = j.local_date(Utc::now());
    let mut periods: Vec<(String, NaiveDate, NaiveDate)> = Vec::new();
    let (from, to) = this_year(today);
    periods.push((st.this_year.to_owned(), from, to));
    let tomorrow = today + Duration::days(1);
    periods.push((
        st.last_30_days.to_owned(),
        tomorrow - Duration::days(30),
        tomorrow,
    ));
    for back in 1..=PAST_YEARS {
        if let Some((from, to)) = year(today.year() - back) {
            let text = if back == 1 {
                format!("{} ({})", st.last_year, from.year())
            } else {
                from.year().to_string()
            };
            periods.push((text, from, to));
        }
    }
    periods
        .into_iter()
        .map(|(text, from, to)| {
            let (from, to) = (from.to_string(), to.to_string());
            Link {
                current: asked.one("from") == from && asked.one("to") == to,
                href: format!("{PATH}?{}", asked.query(&from, &to, asked.lang)),
                text,
            }
        })
        .collect()
}
