#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::Value;

use aduan_domain::import::{ImportContext, plan_import};
use aduan_domain::{Jurisdiction, RegionLevel, ReportState, Ticket};

use super::History;
use crate::import::{JAKARTA_PACK, parse_pack, read_boundaries, with_boundaries};

const KELURAHAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

fn jakarta(kelurahan: bool) -> Jurisdiction {
    let mut data = parse_pack(JAKARTA_PACK).unwrap();
    if kelurahan {
        let boundaries = read_boundaries(std::path::Path::new(KELURAHAN)).unwrap();
        data = with_boundaries(data, &boundaries).unwrap();
    }
    Jurisdiction::stored(data).unwrap()
}

fn end() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-05T06:30:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn time(record: &Value, field: &str) -> Option<DateTime<Utc>> {
    record[field]
        .as_str()
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc))
}

#[test]
fn a_year_until_now_is_numbered_like_tickets_and_nothing_happens_after_its_end() {
    let j = jakarta(false);
    let lines = History::new(&j, 7).until(end(), 5_000);
    // The last day is cut at its hour: a few fewer than asked, never more.
    assert!((4_950..=5_000).contains(&lines.len()), "{}", lines.len());
    let mut tickets = BTreeSet::new();
    let mut last_submitted = None;
    for line in &lines {
        let record: Value = serde_json::from_str(line).unwrap();
        let ticket = Ticket::parse(record["id"].as_str().unwrap()).unwrap();
        let (day, _) = ticket
            .issued_with(&j.settings.ticket_prefix)
            .expect("a ticket the jurisdiction issues");
        let submitted = time(&record, "submitted_at").unwrap();
        assert_eq!(j.local_date(submitted), day, "{line}");
        assert!(submitted <= end(), "{line}");
        assert!(
            last_submitted <= Some(submitted),
            "in submission order: {line}"
        );
        last_submitted = Some(submitted);
        for field in ["coordinated_at", "completed_at"] {
            if let Some(t) = time(&record, field) {
                assert!(submitted <= t && t <= end(), "{field}: {line}");
            }
        }
        assert!(tickets.insert(ticket), "{line}");
    }
    let first = time(&serde_json::from_str(&lines[0]).unwrap(), "submitted_at").unwrap();
    assert!((end() - first).num_days() >= 360, "{first}");
}

#[test]
fn a_year_until_now_has_recent_reports_open_and_most_completed() {
    let j = jakarta(false);
    let lines = History::new(&j, 7).until(end(), 10_000);
    let mut states: BTreeMap<String, usize> = BTreeMap::new();
    let mut open_recent = 0;
    let mut public = 0;
    for line in &lines {
        let record: Value = serde_json::from_str(line).unwrap();
        let state = ReportState::parse(record["status"].as_str().unwrap()).unwrap();
        *states.entry(state.code().to_owned()).or_default() += 1;
        let age = end() - time(&record, "submitted_at").unwrap();
        if !state.is_terminal() && age.num_days() < 3 {
            open_recent += 1;
        }
        match state {
            ReportState::Completed => {
                assert!(time(&record, "completed_at").is_some(), "{line}");
                assert!(time(&record, "coordinated_at").is_some(), "{line}");
            }
            ReportState::InProgress => assert!(time(&record, "coordinated_at").is_some()),
            _ => assert!(time(&record, "completed_at").is_none(), "{line}"),
        }
        assert_ne!(record["description"], "Laporan sintetis untuk uji kinerja");
        public += usize::from(record["visibility"] == "public");
    }
    let share = |state: &str| states.get(state).copied().unwrap_or(0) * 1000 / lines.len();
    assert!(share("completed") >= 950, "{states:?}");
    let open = share("waiting") + share("coordination") + share("in_progress");
    assert!((15..=40).contains(&open), "{states:?}");
    assert!(open_recent >= 10, "{open_recent} {states:?}");
    assert!((1_500..=3_500).contains(&public), "{public}");
}

#[test]
fn every_line_of_a_year_until_now_imports_into_real_kelurahan_when_they_are_loaded() {
    let j = jakarta(true);
    let lines = History::new(&j, 3).until(end(), 2_000);
    let no_point = |_| None;
    let plain_key = |raw: &str| raw.to_owned();
    let plan = plan_import(
        &lines.join("\n"),
        &ImportContext {
            jurisdiction: &j,
            locate: &no_point,
            reporter_key: &plain_key,
        },
    )
    .unwrap_or_else(|errors| panic!("{:?}", &errors[..errors.len().min(3)]));
    assert!(plan.new_categories.is_empty(), "{:?}", plan.new_categories);
    assert_eq!(plan.reports.len(), lines.len());
    for report in &plan.reports {
        let region = j.region(&report.region).unwrap();
        assert_eq!(region.level, RegionLevel::Kelurahan, "{}", report.ticket);
        assert_eq!(
            report.first_receiver.as_str(),
            format!("kelurahan-{}", report.region),
            "{}",
            report.ticket
        );
    }
    // Kota in proportion to their people: Jakarta Timur has the most, Kepulauan Seribu few.
    let in_kota = |kota: &str| {
        plan.reports
            .iter()
            .filter(|r| r.region.as_str().starts_with(kota))
            .count()
    };
    assert!(in_kota("31.75") > in_kota("31.71") * 2);
    assert!(in_kota("31.01") < 30);
}

#[test]
fn a_calendar_year_for_the_benchmark_keeps_its_size_and_imports() {
    let j = jakarta(false);
    let lines = History::new(&j, 1).year(2021);
    assert_eq!(lines.len(), super::REPORTS_PER_YEAR as usize);
    let no_point = |_| None;
    let plain_key = |raw: &str| raw.to_owned();
    let sample: Vec<&str> = lines.iter().step_by(97).map(String::as_str).collect();
    let plan = plan_import(
        &sample.join("\n"),
        &ImportContext {
            jurisdiction: &j,
            locate: &no_point,
            reporter_key: &plain_key,
        },
    )
    .unwrap_or_else(|errors| panic!("{:?}", &errors[..errors.len().min(3)]));
    assert_eq!(plan.reports.len(), sample.len());
    assert!(
        plan.reports
            .iter()
            .all(|r| r.description == "Laporan sintetis untuk uji kinerja")
    );
}
