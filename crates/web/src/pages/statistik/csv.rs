//! Every figure of the page as one CSV table (RFC 4180: CRLF line ends, fields with a
//! comma, quote or line break quoted, quotes doubled).
//!
//! Columns `section,key,name,value,reporters`: `summary` rows (key = the figure), then
//! `status`, `category`, `channel` (with reporters), `month`, `kota` (every kota, 0
//! included) and, when the map shows a finer level, that level's regions and an
//! `unplaced` row counting the reports known only in a coarser region.

use std::fmt::Write;

use aduan_domain::stats::Figures;
use aduan_domain::{Channel, Jurisdiction, RegionLevel};

use super::map::RegionCount;

/// One field, quoted when it must be.
pub fn field(raw: &str) -> String {
    if raw.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", raw.replace('"', "\"\""))
    } else {
        raw.to_owned()
    }
}

struct Table(String);

impl Table {
    fn row(&mut self, cells: [&str; 5]) {
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        let _ = write!(self.0, "{}\r\n", line.join(","));
    }
}

/// The regions of one level and the reports not placed in any of them.
pub struct LevelCounts<'a> {
    pub level: RegionLevel,
    pub regions: &'a [RegionCount],
    pub coarser: u64,
}

pub fn figures_csv(
    j: &Jurisdiction,
    figures: &Figures,
    category_names: &[String],
    kota: &LevelCounts<'_>,
    finer: Option<&LevelCounts<'_>>,
) -> String {
    let mut t = Table(String::new());
    t.row(["section", "key", "name", "value", "reporters"]);
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.2}")).unwrap_or_default();
    let summary = [
        ("from", figures.from.to_string()),
        ("to", figures.to.to_string()),
        ("categories", category_names.join("; ")),
        ("reports", figures.reports.to_string()),
        ("reporters", figures.reporters.to_string()),
        ("completed_pct", format!("{:.1}", figures.completed_pct)),
        (
            "coordination_pct",
            format!("{:.1}", figures.coordination_pct),
        ),
        (
            "avg_coordination_hours",
            hours(figures.avg_coordination_hours),
        ),
        ("avg_completion_hours", hours(figures.avg_completion_hours)),
    ];
    for (key, value) in &summary {
        t.row(["summary", key, "", value, ""]);
    }
    for (state, n) in &figures.by_status {
        t.row(["status", state.code(), state.label_id(), &n.to_string(), ""]);
    }
    for c in &figures.by_category {
        let code = j
            .categories()
            .find(|k| k.name == c.category)
            .map(|k| k.code.as_str().to_owned())
            .unwrap_or_default();
        t.row(["category", &code, &c.category, &c.reports.to_string(), ""]);
    }
    for c in &figures.by_channel {
        let label =
            Channel::parse(&c.channel).map_or_else(String::new, |c| j.channel_label(c, false));
        t.row([
            "channel",
            &c.channel,
            &label,
            &c.reports.to_string(),
            &c.reporters.to_string(),
        ]);
    }
    for m in &figures.by_month {
        t.row(["month", &m.month, "", &m.reports.to_string(), ""]);
    }
    for level in std::iter::once(kota).chain(finer) {
        let section = level.level.code();
        for r in level.regions {
            t.row([
                section,
                r.code.as_str(),
                &r.name,
                &r.reports.to_string(),
                "",
            ]);
        }
        if level.level != RegionLevel::Kota {
            t.row(["unplaced", section, "", &level.coarser.to_string(), ""]);
        }
    }
    t.0
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("Jalan"), "Jalan");
        assert_eq!(
            field("Pelanggaran Perda, Pergub"),
            "\"Pelanggaran Perda, Pergub\""
        );
        assert_eq!(field("kata \"rusak\""), "\"kata \"\"rusak\"\"\"");
        assert_eq!(field("dua\r\nbaris"), "\"dua\r\nbaris\"");
    }
}
