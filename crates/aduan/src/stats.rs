//! `aduan stats`: the figures for a period of local days, as JSON or as a report in
//! Indonesian.

use std::fmt::Write as _;

use anyhow::{Context, bail};

use aduan_domain::stats::{
    Figures, Period, StatsQuery, format_count, format_decimal, format_percent, resolve_category,
};
use aduan_domain::{Channel, Jurisdiction, ReportState};
use aduan_store::Store;

use crate::cli::StatsArgs;

/// Compute and print the figures. Bad input is an error before anything is printed.
pub async fn run(store: &dyn Store, args: StatsArgs) -> anyhow::Result<()> {
    let period = Period::parse(&args.from, &args.to)?;
    let Some(data) = store.jurisdiction().await? else {
        bail!("no jurisdiction is loaded yet: run `aduan init --pack FILE` first");
    };
    let jurisdiction = Jurisdiction::stored(data).context("the stored jurisdiction is invalid")?;
    let mut categories = Vec::new();
    for raw in &args.categories {
        let code = resolve_category(&jurisdiction, raw)?;
        if !categories.contains(&code) {
            categories.push(code);
        }
    }
    let names: Vec<String> = categories
        .iter()
        .filter_map(|c| jurisdiction.category(c).map(|c| c.name.clone()))
        .collect();
    let counts = store
        .stats_counts(StatsQuery::new(period, categories))
        .await?;
    let figures = Figures::from_counts(&period, counts, &jurisdiction);
    if args.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        print!("{}", report(&jurisdiction, &figures, &names));
    }
    Ok(())
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

fn long_date(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = MONTHS.get(day.month0() as usize).copied().unwrap_or("?");
    format!("{} {month} {}", day.day(), day.year())
}

/// `2021-02` as `Februari 2021`.
fn month_name(month: &str) -> String {
    let (year, number) = month.split_once('-').unwrap_or((month, ""));
    let name = number
        .parse::<usize>()
        .ok()
        .and_then(|n| MONTHS.get(n.wrapping_sub(1)))
        .copied()
        .unwrap_or(number);
    format!("{name} {year}")
}

fn hours(value: Option<f64>) -> String {
    value.map_or_else(
        || "-".to_owned(),
        |h| format!("{} jam", format_decimal(h, 2)),
    )
}

/// The figures as a report in Indonesian, numbers the Indonesian way.
pub fn report(j: &Jurisdiction, figures: &Figures, categories: &[String]) -> String {
    let mut out = String::new();
    let last = figures.to.pred_opt().unwrap_or(figures.to);
    let _ = writeln!(
        out,
        "Statistik laporan {} s.d. {}",
        long_date(figures.from),
        long_date(last)
    );
    if !categories.is_empty() {
        let _ = writeln!(out, "Kategori: {}", categories.join(", "));
    }
    let _ = writeln!(
        out,
        "\nJumlah laporan: {} dari {} pelapor",
        format_count(figures.reports),
        format_count(figures.reporters)
    );
    let _ = writeln!(out, "Selesai: {}", format_percent(figures.completed_pct));
    let _ = writeln!(
        out,
        "Koordinasi: {}",
        format_percent(figures.coordination_pct)
    );
    let _ = writeln!(
        out,
        "Rata-rata waktu koordinasi: {}",
        hours(figures.avg_coordination_hours)
    );
    let _ = writeln!(
        out,
        "Rata-rata waktu penyelesaian: {}",
        hours(figures.avg_completion_hours)
    );

    let _ = writeln!(out, "\nPer status:");
    for state in ReportState::ALL {
        let n = figures.by_status.get(&state).copied().unwrap_or(0);
        let _ = writeln!(out, "  {}: {}", state.label_id(), format_count(n));
    }
    section(&mut out, "Per kategori:", &figures.by_category, |c| {
        format!("{}: {}", c.category, format_count(c.reports))
    });
    section(&mut out, "Per kanal:", &figures.by_channel, |c| {
        let label = Channel::parse(&c.channel)
            .map_or_else(|| c.channel.clone(), |ch| j.channel_label(ch, false));
        format!(
            "{label}: {} laporan dari {} pelapor",
            format_count(c.reports),
            format_count(c.reporters)
        )
    });
    section(&mut out, "Per bulan:", &figures.by_month, |m| {
        format!("{}: {}", month_name(&m.month), format_count(m.reports))
    });
    section(&mut out, "Per kota:", &figures.by_kota, |k| {
        format!("{}: {}", k.kota, format_count(k.reports))
    });
    out
}

fn section<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    let _ = writeln!(out, "\n{title}");
    if items.is_empty() {
        let _ = writeln!(out, "  (tidak ada)");
    }
    for item in items {
        let _ = writeln!(out, "  {}", line(item));
    }
}
