//! `/statistik`: the public statistics dashboard, for anyone: the figures of a period and a
//! category group, charts drawn on the server as SVG, a choropleth of the regions, and the
//! same figures as open data (`/statistik.csv`, `/statistik.json`). Counts only, never a
//! reporter; one statistics query per view.

mod charts;
mod csv;
mod map;
mod numbers;
mod texts;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};

use aduan_domain::stats::Figures;
use aduan_domain::{CategoryCode, Channel, Jurisdiction, RegionLevel, ReportState};

use crate::api::stats::{Refusal, StatsRequest, parse_request, stats_figures};
use crate::error::ApiError;
use crate::state::AppState;

use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render_with};

use charts::{Columns, Item, Point, Rows};
use map::MapView;
use numbers::Numbers;
use texts::StatsTexts;

pub const PATH: &str = "/statistik";

/// How many categories the chart names before putting the rest together as "Lainnya".
const TOP_CATEGORIES: usize = 8;
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

struct Headline {
    label: &'static str,
    value: String,
}

/// A table row: a name and its numbers, formatted.
struct Line {
    name: String,
    values: Vec<String>,
}

struct Dashboard<'a> {
    showing: String,
    empty: bool,
    headlines: Vec<Headline>,
    statuses: Vec<Line>,
    trend: Columns,
    months: Vec<Line>,
    categories: Rows,
    category_lines: Vec<Line>,
    channels: Rows,
    channel_lines: Vec<Line>,
    map: MapView<'a>,
    map_level: &'static str,
    coarser: Option<String>,
    map_lines: Vec<Line>,
    csv_href: String,
    json_href: String,
}

#[derive(Template)]
#[template(path = "statistik.html")]
struct StatsPage<'a> {
    t: &'static Texts,
    st: &'static StatsTexts,
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

/// `part / whole` in percent to one decimal, rounded half up as the figures round; 0 of 0
/// is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let tenths = (part * 2000 + whole) / (2 * whole);
    u32::try_from(tenths).map_or(0.0, f64::from) / 10.0
}

/// A local day as `1 Feb 2021`.
fn day_text(day: NaiveDate, st: &StatsTexts) -> String {
    let month = st
        .months
        .get(day.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", day.day(), day.year())
}

fn hours_text(hours: Option<f64>, st: &StatsTexts, numbers: Numbers) -> String {
    hours.map_or_else(
        || st.no_value.to_owned(),
        |h| format!("{} {}", numbers.decimal(h, 2), st.hours),
    )
}

fn category_label(j: &Jurisdiction, name: &str, lang: Lang) -> String {
    match lang {
        Lang::Id => name.to_owned(),
        Lang::En => j
            .categories()
            .find(|c| c.name == name)
            .map_or_else(|| name.to_owned(), |c| c.name_en.clone()),
    }
}

fn dashboard<'a>(
    asked: &Asked,
    j: &Jurisdiction,
    st: &StatsTexts,
    request: &StatsRequest,
    f: &Figures,
    map: MapView<'a>,
) -> Dashboard<'a> {
    let lang = asked.lang;
    let numbers = Numbers(lang);
    let reports = |n: u64| StatsTexts::counted(st.report_units, n, &numbers.count(n));
    let last = request.period.to() - Duration::days(1);
    let groups: Vec<String> = request
        .categories
        .iter()
        .filter_map(|c| j.category(c))
        .map(|c| match lang {
            Lang::Id => c.name.clone(),
            Lang::En => c.name_en.clone(),
        })
        .collect();
    let showing = format!(
        "{} – {} · {}",
        day_text(request.period.from(), st),
        day_text(last, st),
        if groups.is_empty() {
            st.all_categories.to_owned()
        } else {
            groups.join(", ")
        }
    );
    let headlines = vec![
        Headline {
            label: st.reports,
            value: numbers.count(f.reports),
        },
        Headline {
            label: st.reporters,
            value: numbers.count(f.reporters),
        },
        Headline {
            label: st.completed,
            value: numbers.percent(f.completed_pct),
        },
        Headline {
            label: st.in_coordination,
            value: numbers.percent(f.coordination_pct),
        },
        Headline {
            label: st.avg_coordination,
            value: hours_text(f.avg_coordination_hours, st, numbers),
        },
        Headline {
            label: st.avg_completion,
            value: hours_text(f.avg_completion_hours, st, numbers),
        },
    ];
    let statuses = ReportState::ALL
        .into_iter()
        .map(|s| {
            let n = f.by_status.get(&s).copied().unwrap_or(0);
            Line {
                name: match lang {
                    Lang::Id => s.label_id().to_owned(),
                    Lang::En => s.label_en().to_owned(),
                },
                values: vec![numbers.count(n), numbers.percent(share(n, f.reports))],
            }
        })
        .collect();

    let points: Vec<Point> = f
        .by_month
        .iter()
        .map(|m| {
            let first = NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d")
                .unwrap_or(request.period.from());
            let name = st
                .months
                .get(first.month0() as usize)
                .copied()
                .unwrap_or_default();
            Point {
                year: first.year(),
                month0: first.month0() as usize,
                value: m.reports,
                title: format!("{name} {}: {}", first.year(), reports(m.reports)),
            }
        })
        .collect();
    let months = f
        .by_month
        .iter()
        .zip(&points)
        .map(|(m, p)| Line {
            name: format!(
                "{} {}",
                st.months.get(p.month0).copied().unwrap_or_default(),
                p.year
            ),
            values: vec![numbers.count(m.reports)],
        })
        .collect();

    let named: Vec<(String, u64)> = f
        .by_category
        .iter()
        .map(|c| (category_label(j, &c.category, lang), c.reports))
        .collect();
    let mut top: Vec<(String, u64)> = named.clone();
    if top.len() > TOP_CATEGORIES + 1 {
        let rest: u64 = top.split_off(TOP_CATEGORIES).iter().map(|(_, n)| n).sum();
        top.push((st.others.to_owned(), rest));
    }
    let categories = charts::rows(
        &top.iter()
            .map(|(name, n)| Item {
                label: name.clone(),
                values: vec![(*n, format!("{name}: {}", reports(*n)))],
            })
            .collect::<Vec<_>>(),
        numbers,
    );
    let category_lines = named
        .iter()
        .map(|(name, n)| Line {
            name: name.clone(),
            values: vec![numbers.count(*n)],
        })
        .collect();

    let reporters = |n: u64| StatsTexts::counted(st.reporter_units, n, &numbers.count(n));
    let channel_name =
        |code: &str| Channel::parse(code).map_or_else(|| code.to_owned(), |c| c.label().to_owned());
    let channels = charts::rows(
        &f.by_channel
            .iter()
            .map(|c| {
                let name = channel_name(&c.channel);
                Item {
                    values: vec![
                        (c.reports, format!("{name}: {}", reports(c.reports))),
                        (c.reporters, format!("{name}: {}", reporters(c.reporters))),
                    ],
                    label: name,
                }
            })
            .collect::<Vec<_>>(),
        numbers,
    );
    let channel_lines = f
        .by_channel
        .iter()
        .map(|c| Line {
            name: channel_name(&c.channel),
            values: vec![numbers.count(c.reports), numbers.count(c.reporters)],
        })
        .collect();
    let map_lines = map
        .regions
        .iter()
        .map(|r| Line {
            name: r.name.clone(),
            values: vec![numbers.count(r.reports)],
        })
        .collect();
    let (from, to) = (asked.one("from"), asked.one("to"));
    Dashboard {
        showing,
        empty: f.reports == 0,
        headlines,
        statuses,
        trend: charts::columns(&points, &st.months, numbers),
        months,
        categories,
        category_lines,
        channels,
        channel_lines,
        map_level: st.level(map.level, lang),
        coarser: (map.coarser > 0).then(|| numbers.count(map.coarser)),
        map,
        map_lines,
        csv_href: format!("{PATH}.csv?{}", asked.query(from, to, lang)),
        json_href: format!("{PATH}.json?{}", asked.query(from, to, lang)),
    }
}

/// The request of a download, or the API's refusal.
async fn download(
    state: &AppState,
    raw: Vec<(String, String)>,
) -> Result<
    (
        Asked,
        StatsRequest,
        Figures,
        aduan_domain::stats::StatsCounts,
    ),
    ApiError,
> {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let asked = Asked::new(raw, j, &map::levels(&catalog.map));
    let request = parse_request(&asked.pairs, j).map_err(Refusal::into_error)?;
    let (figures, counts) = stats_figures(state, &request).await?;
    Ok((asked, request, figures, counts))
}

fn attachment(body: Vec<u8>, content_type: &'static str, figures: &Figures, ext: &str) -> Response {
    let name = format!("statistik_{}_{}.{ext}", figures.from, figures.to);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `/statistik.json`: exactly what `GET /api/v1/stats` answers for the same parameters.
pub async fn stats_json(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    match download(&state, raw).await {
        Ok((_, _, figures, _)) => match serde_json::to_vec(&figures) {
            Ok(body) => attachment(body, "application/json", &figures, "json"),
            Err(e) => ApiError::internal(e).into_response(),
        },
        Err(e) => e.into_response(),
    }
}

/// `/statistik.csv`: every figure, and the regions of the map's level.
pub async fn stats_csv(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let (asked, request, figures, counts) = match download(&state, raw).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let names: Vec<String> = request
        .categories
        .iter()
        .filter_map(|c| j.category(c))
        .map(|c| c.name.clone())
        .collect();
    let (kota, _) = map::region_counts(j, &counts.by_region, RegionLevel::Kota);
    let kota = csv::LevelCounts {
        level: RegionLevel::Kota,
        regions: &kota,
        coarser: 0,
    };
    let finer_counts = (asked.level != RegionLevel::Kota)
        .then(|| map::region_counts(j, &counts.by_region, asked.level));
    let finer = finer_counts
        .as_ref()
        .map(|(regions, coarser)| csv::LevelCounts {
            level: asked.level,
            regions,
            coarser: *coarser,
        });
    let body = csv::figures_csv(j, &figures, &names, &kota, finer.as_ref());
    attachment(
        body.into_bytes(),
        "text/csv; charset=utf-8",
        &figures,
        "csv",
    )
}
