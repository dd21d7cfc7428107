use chrono::TimeZone;

use super::*;
use crate::category::SlaTargets;
use crate::fixtures::{kind, unit_kinds};
use crate::jurisdiction::{JurisdictionData, OfficeTemplate, Settings};
use crate::region::{Region, RegionLevel};
use crate::ticket::TicketPrefix;
use crate::unit::{Unit, UnitKind, UnitRole};

fn region(code: &str, name: &str) -> Region {
    let code = RegionCode::parse(code).unwrap();
    Region {
        level: code.level(),
        code,
        name: name.into(),
    }
}

fn template(level: RegionLevel, kind: UnitKind, code: &str, name: &str) -> OfficeTemplate {
    OfficeTemplate {
        level,
        kind,
        code: code.into(),
        name: name.into(),
    }
}

fn jurisdiction() -> Jurisdiction {
    let unit = |code: &str, kind: UnitKind| Unit {
        code: UnitCode::parse(code).unwrap(),
        name: code.into(),
        kind,
        region: None,
        parent: None,
    };
    let category = |code: &str, name: &str, unit: &str| Category {
        code: CategoryCode::parse(code).unwrap(),
        name: name.into(),
        name_en: name.into(),
        responsible_unit: UnitCode::parse(unit).unwrap(),
        sla: SlaTargets::default(),
        keywords: Vec::new(),
        icon: None,
    };
    let data = JurisdictionData {
        settings: Settings {
            name: "Uji".into(),
            time_zone: chrono_tz::Asia::Jakarta,
            ticket_prefix: TicketPrefix::parse("JK").unwrap(),
            office_templates: vec![
                template(
                    RegionLevel::Kota,
                    kind("walikota"),
                    "walikota-{code}",
                    "Kantor {name}",
                ),
                template(
                    RegionLevel::Kelurahan,
                    kind("kelurahan"),
                    "kelurahan-{code}",
                    "Kantor Kelurahan {name}",
                ),
            ],
            open311_jurisdiction_id: None,
            default_category: Some(CategoryCode::parse("fasum").unwrap()),
            default_region: None,
            time_zone_label: None,
            channels: crate::fixtures::jakarta().settings.channels,
            unit_kinds: unit_kinds(&[
                ("walikota", UnitRole::RegionOffice),
                ("kelurahan", UnitRole::RegionOffice),
                ("dinas", UnitRole::Service),
                ("validation", UnitRole::Validation),
            ]),
        },
        regions: vec![
            region("31.74", "Kota Administrasi Jakarta Selatan"),
            region("31.74.01", "Tebet"),
            region("31.74.01.1001", "Tebet Barat"),
            region("31.74.01.1002", "Tebet Timur"),
            region("31.75", "Kota Administrasi Jakarta Timur"),
            region("31.75.01", "Matraman"),
            region("31.75.01.1001", "Tebet Barat"),
            region("31.01", "Kabupaten Administrasi Kepulauan Seribu"),
        ],
        units: vec![
            unit("dinas-bm", kind("dinas")),
            unit("dinas-citata", kind("dinas")),
            unit("biro", kind("validation")),
        ],
        categories: vec![
            category("jalan", "Jalan", "dinas-bm"),
            category("fasum", "Fasilitas Umum", "dinas-citata"),
        ],
    }
    .with_offices();
    Jurisdiction::new(data).unwrap()
}

fn nowhere(_: Coordinates) -> Option<RegionCode> {
    None
}

fn hashed(key: &str) -> String {
    format!("h:{key}")
}

fn plan_with(
    text: &str,
    locate: &dyn Fn(Coordinates) -> Option<RegionCode>,
) -> Result<ImportPlan, Vec<LineError>> {
    let j = jurisdiction();
    plan_import(
        text,
        &ImportContext {
            jurisdiction: &j,
            locate,
            reporter_key: &hashed,
        },
    )
}

fn plan(text: &str) -> Result<ImportPlan, Vec<LineError>> {
    plan_with(text, &nowhere)
}

/// A good line with `extra` fields merged over it.
fn line(extra: serde_json::Value) -> String {
    let mut base = serde_json::json!({
        "id": "crm-1", "submitted_at": "2021-02-01T00:30:00+07:00", "coordinated_at": null,
        "completed_at": null, "channel": "jaki", "category": "Jalan", "reporter": "u-1",
        "status": "waiting", "kota": "Jakarta Selatan"
    });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            if v.is_null() && k.starts_with('-') {
                base.remove(&k[1..]);
            } else {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    base.to_string()
}

fn reasons(text: &str) -> Vec<(usize, Vec<String>)> {
    plan(text)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.line, e.reasons))
        .collect()
}

#[test]
fn a_good_line_becomes_a_report_as_it_was() {
    let text = line(serde_json::json!({
        "id": "crm-2021-7", "coordinated_at": "2021-01-31T20:30:00Z",
        "completed_at": "2021-02-02T10:00:00.5+07:00", "status": "completed",
        "kecamatan": "TEBET", "kelurahan": "kelurahan tebet timur", "description": "Jalan rusak",
        "visibility": "public", "unknown_field": [1, 2]
    }));
    let plan = plan(&text).unwrap();
    assert_eq!(plan.new_categories, vec![]);
    let r = &plan.reports[0];
    assert_eq!(r.ticket.as_str(), "CRM-2021-7");
    assert_eq!(r.issued, None);
    assert_eq!(r.state, ReportState::Completed);
    assert_eq!(r.category.as_str(), "jalan");
    assert_eq!(r.description, "Jalan rusak");
    assert_eq!(r.region.as_str(), "31.74.01.1002");
    assert_eq!(r.first_receiver.as_str(), "kelurahan-31.74.01.1002");
    assert_eq!(r.holding_unit.as_str(), "kelurahan-31.74.01.1002");
    assert_eq!(r.channel, crate::fixtures::channel("jaki"));
    assert_eq!(r.visibility, Visibility::Public);
    assert_eq!(r.reporter_key, "h:u-1");
    assert_eq!(
        r.submitted_at,
        Utc.with_ymd_and_hms(2021, 1, 31, 17, 30, 0).unwrap()
    );
    assert_eq!(
        r.coordinated_at,
        Some(Utc.with_ymd_and_hms(2021, 1, 31, 20, 30, 0).unwrap())
    );
    let completed =
        Utc.with_ymd_and_hms(2021, 2, 2, 3, 0, 0).unwrap() + chrono::Duration::milliseconds(500);
    assert_eq!(r.completed_at, Some(completed));
    assert_eq!(r.updated_at(), completed);
    // 00:30 WIB on 1 February is still 31 January in UTC: the local day is February's.
    assert_eq!(r.local_day, NaiveDate::from_ymd_opt(2021, 2, 1).unwrap());
    assert_eq!(r.location, None);
}

#[test]
fn defaults_fill_what_is_optional() {
    let plan = plan(&line(serde_json::json!({
        "-coordinated_at": null, "-completed_at": null, "submitted_at": "2021-03-01T10:00:00Z"
    })))
    .unwrap();
    let r = &plan.reports[0];
    assert_eq!(r.visibility, Visibility::Private);
    assert_eq!(r.description, "");
    assert_eq!(r.region.as_str(), "31.74");
    assert_eq!(r.first_receiver.as_str(), "walikota-31.74");
    assert_eq!(r.updated_at(), r.submitted_at);
    assert_eq!(r.local_day, NaiveDate::from_ymd_opt(2021, 3, 1).unwrap());
}

#[test]
fn region_names_are_found_with_or_without_their_kind_and_within_their_parent() {
    for (kota, kecamatan, kelurahan, want) in [
        ("Kota Administrasi Jakarta Selatan", None, None, "31.74"),
        ("kota jakarta selatan", None, None, "31.74"),
        (
            "  JAKARTA   SELATAN ",
            Some("Kecamatan Tebet"),
            None,
            "31.74.01",
        ),
        ("Kab. Kepulauan Seribu", None, None, "31.01"),
        ("Kepulauan Seribu", None, None, "31.01"),
        ("Jakarta Timur", None, Some("Tebet Barat"), "31.75.01.1001"),
        (
            "Jakarta Selatan",
            Some("Tebet"),
            Some("Tebet Barat"),
            "31.74.01.1001",
        ),
        (
            "Jakarta Selatan",
            Some(""),
            Some("Kel. Tebet Barat"),
            "31.74.01.1001",
        ),
    ] {
        let text = line(serde_json::json!({
            "kota": kota, "kecamatan": kecamatan, "kelurahan": kelurahan
        }));
        let plan = plan(&text).unwrap_or_else(|e| panic!("{kota}: {e:?}"));
        assert_eq!(
            plan.reports[0].region.as_str(),
            want,
            "{kota} {kecamatan:?}"
        );
    }
}

#[test]
fn unknown_region_names_are_refused_naming_the_parent() {
    let text = [
        line(serde_json::json!({"kota": "Jakarta Tengah"})),
        line(serde_json::json!({"id": "b", "kecamatan": "Matraman"})),
        line(serde_json::json!({"id": "c", "kecamatan": "Tebet", "kelurahan": "Kampung Melayu"})),
    ]
    .join("\n");
    assert_eq!(
        reasons(&text),
        vec![
            (
                1,
                vec!["kota \"Jakarta Tengah\" is not a kota of the jurisdiction".to_owned()]
            ),
            (
                2,
                vec![
                    "kecamatan \"Matraman\" is not in Kota Administrasi Jakarta Selatan".to_owned()
                ]
            ),
            (
                3,
                vec!["kelurahan \"Kampung Melayu\" is not in Tebet".to_owned()]
            ),
        ]
    );
}

#[test]
fn a_point_inside_the_named_region_places_the_report_in_its_kelurahan() {
    let locate = |at: Coordinates| {
        let code = if at.lat < -6.2 {
            "31.74.01.1002"
        } else {
            "31.75.01.1001"
        };
        Some(RegionCode::parse(code).unwrap())
    };
    let text = [
        line(serde_json::json!({"lat": -6.23, "lon": 106.85})),
        // The point lies in another kota than the one named: the name wins.
        line(serde_json::json!({"id": "b", "lat": -6.1, "lon": 106.85})),
    ]
    .join("\n");
    let plan = plan_with(&text, &locate).unwrap();
    assert_eq!(plan.reports[0].region.as_str(), "31.74.01.1002");
    assert_eq!(
        plan.reports[0].first_receiver.as_str(),
        "kelurahan-31.74.01.1002"
    );
    assert_eq!(
        plan.reports[0].location,
        Some(Coordinates {
            lat: -6.23,
            lon: 106.85
        })
    );
    assert_eq!(plan.reports[1].region.as_str(), "31.74");
}

#[test]
fn unknown_categories_are_created_once_per_name_with_a_free_code() {
    let text = [
        line(serde_json::json!({"category": "jalan"})),
        line(serde_json::json!({"id": "b", "category": "Fasilitas Umum"})),
        line(serde_json::json!({"id": "c", "category": "fasum"})),
        line(serde_json::json!({"id": "d", "category": "Pohon Tumbang / Rawan"})),
        line(serde_json::json!({"id": "e", "category": " pohon  tumbang / RAWAN "})),
        line(serde_json::json!({"id": "f", "category": "JALAN!"})),
        line(serde_json::json!({"id": "g", "category": "Jalan?"})),
    ]
    .join("\n");
    let plan = plan(&text).unwrap();
    let codes: Vec<&str> = plan.reports.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(
        codes,
        [
            "jalan",
            "fasum",
            "fasum",
            "pohon-tumbang-rawan",
            "pohon-tumbang-rawan",
            "jalan-2",
            "jalan-3"
        ]
    );
    let created: Vec<(&str, &str, &str)> = plan
        .new_categories
        .iter()
        .map(|c| {
            (
                c.code.as_str(),
                c.name.as_str(),
                c.responsible_unit.as_str(),
            )
        })
        .collect();
    assert_eq!(
        created,
        [
            (
                "pohon-tumbang-rawan",
                "Pohon Tumbang / Rawan",
                "dinas-citata"
            ),
            ("jalan-2", "JALAN!", "dinas-citata"),
            ("jalan-3", "Jalan?", "dinas-citata"),
        ]
    );
    assert_eq!(plan.new_categories[0].sla, SlaTargets::default());
}

#[test]
fn slugs_are_codes() {
    assert_eq!(categories::slug("Banjir/Genangan"), "banjir-genangan");
    assert_eq!(categories::slug("  Ümlaut Straße  "), "mlaut-stra-e");
    assert_eq!(categories::slug("!!!"), "kategori");
    assert!(CategoryCode::parse(&categories::slug(&"Panjang ".repeat(20))).is_ok());
}

#[test]
fn every_bad_line_is_reported_with_all_its_reasons_in_order() {
    let text = [
        line(serde_json::json!({})),
        "{not json".to_owned(),
        line(serde_json::json!({"id": 5})),
        line(serde_json::json!({"id": "z", "-kota": null})),
        String::new(),
        line(serde_json::json!({
            "id": "has space", "submitted_at": "1 Feb 2021", "channel": "fax", "status": "done",
            "visibility": "secret", "reporter": "  ", "lat": -6.2
        })),
        line(serde_json::json!({
            "id": "y", "coordinated_at": "2021-01-31T17:29:59Z",
            "completed_at": "2021-02-01T00:29:00+07:00", "lat": 91.0, "lon": 106.8
        })),
        line(serde_json::json!({"id": "CRM-1"})),
    ]
    .join("\n");
    let got = reasons(&text);
    assert_eq!(
        got,
        vec![
            (2, vec!["not a valid record: key must be a string".to_owned()]),
            (
                3,
                vec!["not a valid record: invalid type: integer `5`, expected a string".to_owned()]
            ),
            (4, vec!["not a valid record: missing field `kota`".to_owned()]),
            (
                6,
                vec![
                    "id \"has space\" is not 1-40 characters of A-Z, 0-9, '-', '_', '.' \
                     starting with a letter or digit"
                        .to_owned(),
                    "submitted_at \"1 Feb 2021\" is not an RFC 3339 time (2021-02-01T00:30:00+07:00)"
                        .to_owned(),
                    format!(
                        "channel \"fax\" is not one of {}",
                        jurisdiction()
                            .channels()
                            .iter()
                            .map(|c| c.code.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!(
                        "status \"done\" is not one of {}",
                        ReportState::ALL.map(ReportState::code).join(", ")
                    ),
                    "visibility \"secret\" is not private or public".to_owned(),
                    "lat and lon come together (both or neither)".to_owned(),
                    "reporter is empty".to_owned(),
                ]
            ),
            (
                7,
                vec![
                    "coordinated_at is before submitted_at".to_owned(),
                    "completed_at is before submitted_at".to_owned(),
                    "lat must be a number between -90 and 90".to_owned(),
                ]
            ),
            (8, vec!["id CRM-1 already on line 1".to_owned()]),
        ]
    );
}

#[test]
fn issued_tickets_of_this_jurisdiction_are_marked_with_their_day() {
    let text = [
        line(serde_json::json!({"id": "jk2102010042"})),
        line(serde_json::json!({"id": "BD2102010042"})),
    ]
    .join("\n");
    let plan = plan(&text).unwrap();
    assert_eq!(plan.reports[0].ticket.as_str(), "JK2102010042");
    assert_eq!(
        plan.reports[0].issued,
        Some((NaiveDate::from_ymd_opt(2021, 2, 1).unwrap(), 42))
    );
    assert_eq!(plan.reports[1].issued, None);
}

#[test]
fn a_file_without_lines_plans_nothing() {
    assert_eq!(
        plan("\n  \n"),
        Ok(ImportPlan {
            reports: vec![],
            new_categories: vec![]
        })
    );
}
