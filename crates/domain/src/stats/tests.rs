//! Pure checks of the statistics rules: periods, rounding, ordering, Indonesian numbers.

// Tests may panic on a broken fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use super::figures::{hours_hundredths, percent_tenths};
use super::*;
use crate::channel::Channel;
use crate::region::RegionCode;
use crate::state::ReportState;

fn jakarta() -> crate::Jurisdiction {
    let pack = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../packs/jakarta.json"
    ));
    crate::Jurisdiction::new(serde_json::from_str(pack).unwrap()).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_period_needs_to_after_from_and_real_days() {
    assert!(Period::parse("2021-01-01", "2022-01-01").is_ok());
    assert_eq!(
        Period::parse("2021-01-02", "2021-01-02"),
        Err(StatsError::EmptyPeriod {
            from: day(2021, 1, 2),
            to: day(2021, 1, 2)
        })
    );
    for bad in [
        "2021-02-30",
        "2021-1-01",
        "21-01-01",
        "2021-01-01T00:00",
        "",
        "kemarin",
    ] {
        let err = Period::parse(bad, "2030-01-01").unwrap_err();
        assert_eq!(err.field(), "from", "{bad}");
        let err = Period::parse("2020-01-01", bad).unwrap_err();
        assert_eq!(err.field(), "to", "{bad}");
    }
    assert_eq!(
        Period::parse("2021-02-01", "2021-01-01")
            .unwrap_err()
            .field(),
        "to"
    );
}

#[test]
fn months_cover_every_month_the_period_touches() {
    let period = Period::parse("2020-12-15", "2021-03-01").unwrap();
    assert_eq!(
        period.months(),
        vec![day(2020, 12, 1), day(2021, 1, 1), day(2021, 2, 1)]
    );
    let one_day = Period::parse("2021-03-31", "2021-04-01").unwrap();
    assert_eq!(one_day.months(), vec![day(2021, 3, 1)]);
}

#[test]
fn a_cover_takes_whole_months_and_the_days_at_the_ends() {
    let cover = |from, to| Period::parse(from, to).unwrap().cover();
    // A calendar year: twelve months, no days.
    assert_eq!(
        cover("2021-01-01", "2022-01-01"),
        Cover {
            months: Some((day(2021, 1, 1), day(2022, 1, 1))),
            days: vec![]
        }
    );
    // Ragged at both ends.
    assert_eq!(
        cover("2020-12-15", "2021-03-10"),
        Cover {
            months: Some((day(2021, 1, 1), day(2021, 3, 1))),
            days: vec![
                (day(2020, 12, 15), day(2021, 1, 1)),
                (day(2021, 3, 1), day(2021, 3, 10))
            ]
        }
    );
    // Inside one month, or across a month edge without a whole month: days only.
    for (from, to) in [("2021-03-31", "2021-04-01"), ("2021-01-20", "2021-02-10")] {
        assert_eq!(
            cover(from, to),
            Cover {
                months: None,
                days: vec![(
                    parse_day("from", from).unwrap(),
                    parse_day("to", to).unwrap()
                )]
            }
        );
    }
    // A whole single month, then a leap February.
    assert_eq!(
        cover("2024-02-01", "2024-03-01").months,
        Some((day(2024, 2, 1), day(2024, 3, 1)))
    );
    assert_eq!(cover("2024-02-01", "2024-03-01").days, vec![]);
}

#[test]
fn percentages_round_half_up_to_one_decimal() {
    assert_eq!(percent_tenths(0, 0), 0.0);
    assert_eq!(percent_tenths(1, 3), 33.3);
    assert_eq!(percent_tenths(2, 3), 66.7);
    assert_eq!(percent_tenths(3, 3), 100.0);
    // 97.45% exactly: half up.
    assert_eq!(percent_tenths(1949, 2000), 97.5);
    assert_eq!(percent_tenths(131_309, 134_814), 97.4);
    assert_eq!(percent_tenths(u64::MAX, u64::MAX), 100.0);
}

#[test]
fn hours_round_to_two_decimals() {
    assert_eq!(hours_hundredths(6.42 * 3600.0), 6.42);
    assert_eq!(hours_hundredths(3600.0 + 18.0), 1.01); // 1.005 h: half away from zero
    assert_eq!(hours_hundredths(1.0), 0.0);
    assert_eq!(hours_hundredths(90.0 * 60.0), 1.5);
}

#[test]
fn numbers_are_written_the_indonesian_way() {
    assert_eq!(format_count(0), "0");
    assert_eq!(format_count(999), "999");
    assert_eq!(format_count(1000), "1.000");
    assert_eq!(format_count(134_814), "134.814");
    assert_eq!(format_count(1_234_567), "1.234.567");
    assert_eq!(format_percent(97.4), "97,4%");
    assert_eq!(format_percent(0.0), "0,0%");
    assert_eq!(format_decimal(6.42, 2), "6,42");
    assert_eq!(format_decimal(1234.5, 2), "1.234,50");
}

#[test]
fn figures_name_fold_round_and_order() {
    let jurisdiction = jakarta();
    let period = Period::parse("2021-01-01", "2021-04-01").unwrap();
    let kel = |c: &str| RegionCode::parse(c).unwrap();
    let cat = |c: &str| crate::codes::CategoryCode::parse(c).unwrap();
    let counts = StatsCounts {
        reports: 7,
        reporters: 5,
        by_state: vec![(ReportState::Completed, 5), (ReportState::Coordination, 2)],
        mean_coordination_secs: Some(6.0 * 3600.0 + 25.0 * 60.0),
        mean_completion_secs: None,
        by_category: vec![(cat("sampah"), 2), (cat("jalan"), 2), (cat("pohon"), 3)],
        by_channel: vec![
            (Channel::Twitter, 2, 1),
            (crate::fixtures::channel("jaki"), 5, 4),
        ],
        by_month: vec![4, 0, 3],
        by_region: vec![
            (kel("31.71.01.1001"), 1),
            (kel("31.74.01.1001"), 2),
            (kel("31.74.02"), 2),
            (kel("31.71"), 2),
        ],
    };
    let figures = Figures::from_counts(&period, counts, &jurisdiction);
    let json = serde_json::to_value(&figures).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "from": "2021-01-01", "to": "2021-04-01", "reports": 7, "reporters": 5,
            "by_status": {"waiting": 0, "coordination": 2, "disposition": 0, "in_progress": 0,
                "scheduled": 0, "awaiting_validation": 0, "followup_rejected": 0,
                "completed": 5, "rejected": 0, "duplicate": 0, "referred": 0},
            "completed_pct": 71.4, "coordination_pct": 28.6,
            "avg_coordination_hours": 6.42, "avg_completion_hours": null,
            "by_category": [{"category": "Pohon", "reports": 3},
                {"category": "Jalan", "reports": 2}, {"category": "Sampah", "reports": 2}],
            "by_channel": [{"channel": "jaki", "reports": 5, "reporters": 4},
                {"channel": "twitter", "reports": 2, "reporters": 1}],
            "by_month": [{"month": "2021-01", "reports": 4}, {"month": "2021-02", "reports": 0},
                {"month": "2021-03", "reports": 3}],
            "by_kota": [{"kota": "Kota Administrasi Jakarta Selatan", "reports": 4},
                {"kota": "Kota Administrasi Jakarta Pusat", "reports": 3}],
        })
    );
    // The keys of `by_status` come in lifecycle order.
    let text = serde_json::to_string(&figures).unwrap();
    assert!(text.find("\"waiting\"").unwrap() < text.find("\"referred\"").unwrap());
}

#[test]
fn categories_are_found_by_code_or_any_case_name() {
    let jurisdiction = jakarta();
    assert_eq!(
        resolve_category(&jurisdiction, "jalan").unwrap().as_str(),
        "jalan"
    );
    assert_eq!(
        resolve_category(&jurisdiction, "PARKIR liar")
            .unwrap()
            .as_str(),
        "parkir-liar"
    );
    assert_eq!(
        resolve_category(&jurisdiction, "Banjir Kanal"),
        Err(StatsError::UnknownCategory("Banjir Kanal".into()))
    );
}

#[test]
fn a_period_is_at_most_a_hundred_years() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    assert!(Period::new(day(1926, 1, 1), day(2026, 1, 1)).is_ok());
    let err = Period::new(day(1926, 1, 1), day(2026, 1, 2)).unwrap_err();
    assert_eq!(err.field(), "to");
    assert!(matches!(err, StatsError::TooLong { .. }));
    assert!(Period::parse("0001-01-01", "9999-12-31").is_err());
}
