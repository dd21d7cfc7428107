//! The figures of one view as the page shows them: headline numbers, tables and the
//! charts' geometry, in the reader's language.

use chrono::{Datelike, Duration, NaiveDate};

use aduan_domain::stats::{Figures, percent_tenths};
use aduan_domain::{Channel, Jurisdiction, ReportState};

use crate::app::stats::StatsRequest;
use crate::pages::Lang;

use super::Asked;
use super::PATH;
use super::charts::{self, Columns, Item, Point, Rows};
use super::map::MapView;
use super::numbers::Numbers;
use super::texts::StatsTexts;

/// How many categories the chart names before putting the rest together as "Lainnya".
const TOP_CATEGORIES: usize = 8;

pub struct Headline {
    pub label: &'static str,
    pub value: String,
}

/// A table row: a name and its numbers, formatted.
pub struct Line {
    pub name: String,
    pub values: Vec<String>,
}

pub struct Dashboard<'a> {
    pub showing: String,
    pub empty: bool,
    pub headlines: Vec<Headline>,
    pub statuses: Vec<Line>,
    pub trend: Columns,
    pub months: Vec<Line>,
    pub categories: Rows,
    pub category_lines: Vec<Line>,
    pub channels: Rows,
    pub channel_lines: Vec<Line>,
    pub map: MapView<'a>,
    pub map_level: &'static str,
    pub coarser: Option<String>,
    pub map_lines: Vec<Line>,
    pub csv_href: String,
    pub json_href: String,
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

pub fn dashboard<'a>(
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
                values: vec![
                    numbers.count(n),
                    numbers.percent(percent_tenths(n, f.reports)),
                ],
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
    let mut top: Vec<(String, u64, bool)> = named
        .iter()
        .map(|(name, n)| (name.clone(), *n, false))
        .collect();
    if top.len() > TOP_CATEGORIES + 1 {
        let rest = top.split_off(TOP_CATEGORIES);
        let sum: u64 = rest.iter().map(|(_, n, _)| n).sum();
        let label = StatsTexts::counted(
            st.other_categories,
            rest.len() as u64,
            &numbers.count(rest.len() as u64),
        );
        top.push((format!("{} ({label})", st.others), sum, true));
    }
    let categories = charts::rows(
        &top.iter()
            .map(|(name, n, aside)| Item {
                label: name.clone(),
                values: vec![(*n, format!("{name}: {}", reports(*n)))],
                aside: *aside,
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
    let channel_name = |code: &str| {
        Channel::parse(code).map_or_else(|| code.to_owned(), |c| j.channel_label(c, false))
    };
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
                    aside: false,
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
