//! Contract: the jurisdiction data set and region boundaries round-trip, and saves are upserts.

use std::collections::BTreeSet;
use std::sync::Arc;

use geo::{LineString, MultiPolygon, Polygon};

use aduan_domain::jurisdiction::OfficeTemplate;
use aduan_domain::location::Boundary;
use aduan_domain::{
    Category, JurisdictionData, Region, RegionLevel, Settings, SlaTargets, Unit, UnitKind,
    UnitKindDef, UnitRole,
};
use aduan_store::{Store, StoreError};

use super::{category, jk, region, unit};

fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

/// A kind of unit labelled by its code.
fn kind_def(
    code: &str,
    role: UnitRole,
    level: Option<RegionLevel>,
    parent: Option<&str>,
) -> UnitKindDef {
    UnitKindDef {
        kind: kind(code),
        label: code.into(),
        label_en: code.into(),
        role,
        level,
        parent: parent.map(kind),
    }
}

/// A small Jakarta: Jakarta Selatan, Kecamatan Tebet, a Dinas with its Suku Dinas, offices.
pub fn jakarta() -> JurisdictionData {
    let region_of = |code: &str, name: &str, level| Region {
        code: region(code),
        name: name.into(),
        level,
    };
    let unit_of = |code: &str, name: &str, kind, reg: Option<&str>, parent: Option<&str>| Unit {
        code: unit(code),
        name: name.into(),
        kind,
        region: reg.map(region),
        parent: parent.map(unit),
    };
    JurisdictionData {
        settings: Settings {
            name: "DKI Jakarta".into(),
            time_zone: chrono_tz::Asia::Jakarta,
            ticket_prefix: jk(),
            office_templates: vec![OfficeTemplate {
                level: RegionLevel::Kecamatan,
                kind: kind("kecamatan"),
                code: "kec-{code}".into(),
                name: "Kecamatan {name}".into(),
            }],
            open311_jurisdiction_id: Some("jakarta.go.id".into()),
            default_category: None,
            default_region: None,
            time_zone_label: None,
            channels: Vec::new(),
            unit_kinds: vec![
                kind_def(
                    "kecamatan",
                    UnitRole::RegionOffice,
                    Some(RegionLevel::Kecamatan),
                    None,
                ),
                kind_def("dinas", UnitRole::Service, None, None),
                kind_def(
                    "suku_dinas",
                    UnitRole::Branch,
                    Some(RegionLevel::Kota),
                    Some("dinas"),
                ),
                kind_def("satpol_pp", UnitRole::Service, None, Some("satpol_pp")),
                kind_def("validation", UnitRole::Validation, None, None),
            ],
        },
        regions: vec![
            region_of(
                "31.74",
                "Kota Administrasi Jakarta Selatan",
                RegionLevel::Kota,
            ),
            region_of("31.74.01", "Tebet", RegionLevel::Kecamatan),
        ],
        units: vec![
            unit_of(
                "dinas-bina-marga",
                "Dinas Bina Marga",
                kind("dinas"),
                None,
                None,
            ),
            unit_of(
                "sudin-bina-marga-31.74",
                "Suku Dinas Bina Marga Jakarta Selatan",
                kind("suku_dinas"),
                Some("31.74"),
                Some("dinas-bina-marga"),
            ),
            unit_of(
                "kec-31.74.01",
                "Kecamatan Tebet",
                kind("kecamatan"),
                Some("31.74.01"),
                None,
            ),
            unit_of(
                "dinas-lh",
                "Dinas Lingkungan Hidup",
                kind("dinas"),
                None,
                None,
            ),
            unit_of(
                "biro-pemerintahan",
                "Biro Pemerintahan",
                kind("validation"),
                None,
                None,
            ),
        ],
        categories: vec![
            Category {
                code: category("jalan"),
                name: "Jalan".into(),
                name_en: "Roads".into(),
                responsible_unit: unit("dinas-bina-marga"),
                sla: SlaTargets::default(),
                keywords: vec!["jalan rusak".into(), "lubang".into()],
                // Kept with the keywords: it must come back as the pack gave it.
                icon: Some("jalan".into()),
            },
            Category {
                code: category("sampah"),
                name: "Sampah".into(),
                name_en: "Rubbish".into(),
                responsible_unit: unit("dinas-lh"),
                sla: SlaTargets {
                    coordination_hours: 3,
                    completion_hours: 48,
                },
                keywords: Vec::new(),
                icon: None,
            },
        ],
    }
}

/// A data set in a canonical order, so stores may return it in any order.
fn sorted(mut data: JurisdictionData) -> JurisdictionData {
    data.regions.sort_by(|a, b| a.code.cmp(&b.code));
    data.units.sort_by(|a, b| a.code.cmp(&b.code));
    data.categories.sort_by(|a, b| a.code.cmp(&b.code));
    data
}

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(points.to_vec())
}

/// Two polygons, the first with a hole: enough to catch a lost ring or polygon. Coordinates
/// are written as decimals, as a GeoJSON file has them.
fn shape() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        Polygon::new(
            ring(&[
                (106.8, -6.3),
                (106.9, -6.3),
                (106.9, -6.2),
                (106.8, -6.2),
                (106.8, -6.3),
            ]),
            vec![ring(&[
                (106.825, -6.275),
                (106.875, -6.275),
                (106.875, -6.225),
                (106.825, -6.225),
                (106.825, -6.275),
            ])],
        ),
        Polygon::new(
            ring(&[
                (107.0, -6.3),
                (107.05, -6.3),
                (107.05, -6.25),
                (107.0, -6.3),
            ]),
            vec![],
        ),
    ])
}

/// Another shape, to see a boundary replaced.
fn other_shape() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![Polygon::new(
        ring(&[
            (106.84, -6.24),
            (106.86, -6.24),
            (106.85, -6.22),
            (106.84, -6.24),
        ]),
        vec![],
    )])
}

fn boundary(code: &str, name: &str, shape: MultiPolygon<f64>) -> Boundary {
    Boundary {
        region: Region {
            code: region(code),
            name: name.into(),
            level: region(code).level(),
        },
        shape,
    }
}

pub async fn jurisdiction_is_absent_then_round_trips(store: Arc<dyn Store>) {
    assert_eq!(store.jurisdiction().await.unwrap(), None);
    assert!(store.boundaries().await.unwrap().is_empty());

    store.save_jurisdiction(jakarta()).await.unwrap();
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    assert_eq!(sorted(stored), sorted(jakarta()));
}

pub async fn jurisdiction_saves_are_upserts(store: Arc<dyn Store>) {
    store.save_jurisdiction(jakarta()).await.unwrap();

    // A second, partial data set: renamed settings, region, unit and category, a unit moved
    // under another parent, and one new unit. Everything not named stays.
    let mut change = jakarta();
    change.settings.name = "Daerah Khusus Jakarta".into();
    change.regions.retain(|r| r.code == region("31.74.01"));
    change.regions[0].name = "Kecamatan Tebet".into();
    change
        .units
        .retain(|u| u.code == unit("sudin-bina-marga-31.74"));
    change.units[0].name = "Sudin Bina Marga Jaksel".into();
    change.units[0].parent = Some(unit("dinas-lh"));
    change.units.push(Unit {
        code: unit("satpol-pp"),
        name: "Satuan Polisi Pamong Praja".into(),
        kind: kind("satpol_pp"),
        region: None,
        parent: None,
    });
    change.categories.retain(|c| c.code == category("sampah"));
    change.categories[0].name = "Sampah dan Kebersihan".into();
    change.categories[0].sla.completion_hours = 72;
    store.save_jurisdiction(change.clone()).await.unwrap();

    let mut expected = jakarta();
    expected.settings = change.settings.clone();
    for r in &mut expected.regions {
        if r.code == change.regions[0].code {
            *r = change.regions[0].clone();
        }
    }
    for u in &mut expected.units {
        if u.code == change.units[0].code {
            *u = change.units[0].clone();
        }
    }
    expected.units.push(change.units[1].clone());
    for c in &mut expected.categories {
        if c.code == change.categories[0].code {
            *c = change.categories[0].clone();
        }
    }
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    assert_eq!(sorted(stored), sorted(expected));
}

pub async fn boundaries_round_trip_and_survive_jurisdiction_saves(store: Arc<dyn Store>) {
    let saved = vec![
        boundary("31.74.01", "Tebet", shape()),
        boundary("31.74.01.1001", "Tebet Barat", other_shape()),
    ];
    store.save_boundaries(saved.clone()).await.unwrap();

    let check = |mut got: Vec<Boundary>, what: &str| {
        got.sort_by(|a, b| a.region.code.cmp(&b.region.code));
        assert_eq!(got.len(), saved.len(), "{what}: {got:?}");
        for (got, want) in got.iter().zip(&saved) {
            assert_eq!(got.region.code, want.region.code, "{what}");
            assert_eq!(got.region.level, want.region.level, "{what}");
            assert_eq!(
                got.shape, want.shape,
                "{what}: shape of {}",
                want.region.code
            );
        }
    };
    let got = store.boundaries().await.unwrap();
    for b in &got {
        let want = saved.iter().find(|s| s.region.code == b.region.code);
        assert_eq!(Some(&b.region), want.map(|w| &w.region));
    }
    check(got, "after save_boundaries");

    // 31.74.01 is saved again without a boundary: it keeps the one it has.
    store.save_jurisdiction(jakarta()).await.unwrap();
    check(store.boundaries().await.unwrap(), "after save_jurisdiction");
    // And the kelurahan saved only with its boundary is a region of the jurisdiction now.
    let stored = store.jurisdiction().await.unwrap().expect("saved");
    let codes: BTreeSet<_> = stored.regions.iter().map(|r| r.code.clone()).collect();
    let expected: BTreeSet<_> = ["31.74", "31.74.01", "31.74.01.1001"]
        .into_iter()
        .map(region)
        .collect();
    assert_eq!(codes, expected);
    let kelurahan = stored
        .regions
        .iter()
        .find(|r| r.code == region("31.74.01.1001"))
        .unwrap();
    assert_eq!(kelurahan.level, RegionLevel::Kelurahan);
    assert_eq!(kelurahan.name, "Tebet Barat");

    // New boundaries replace old ones.
    store
        .save_boundaries(vec![boundary("31.74.01", "Tebet", other_shape())])
        .await
        .unwrap();
    let got = store.boundaries().await.unwrap();
    let tebet = got
        .iter()
        .find(|b| b.region.code == region("31.74.01"))
        .unwrap();
    assert_eq!(tebet.shape, other_shape());
}

/// Coordinates computed by a program (or written by one with all 17 significant digits, as
/// JavaScript's `JSON.stringify` does) come back as the same `f64`s, not one step off.
pub async fn boundary_coordinates_round_trip_bit_for_bit(store: Arc<dyn Store>) {
    let (x0, y0) = (106.8_f64, -6.3_f64);
    let corners = [
        (x0, y0),
        (x0 + 0.1, y0),
        (x0 + 0.1, y0 + 0.1),
        (106.845_212_345_678_91, -6.224_681_357_924_68),
        (x0, y0),
    ];
    let computed = MultiPolygon::new(vec![Polygon::new(ring(&corners), vec![])]);
    store
        .save_boundaries(vec![boundary("31.74.01", "Tebet", computed.clone())])
        .await
        .unwrap();
    let got = store.boundaries().await.unwrap();
    assert_eq!(got.len(), 1);
    let bits = |shape: &MultiPolygon<f64>| -> Vec<(u64, u64)> {
        shape
            .0
            .iter()
            .flat_map(|p| {
                p.exterior()
                    .coords()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
            })
            .collect()
    };
    assert_eq!(bits(&got[0].shape), bits(&computed), "{:?}", got[0].shape);
}

pub async fn catalog_revisions_refuse_a_change_made_from_an_older_one(store: Arc<dyn Store>) {
    assert_eq!(store.catalog_revision().await.unwrap(), 0);
    store.save_jurisdiction(jakarta()).await.unwrap();
    assert_eq!(store.catalog_revision().await.unwrap(), 1);

    let mut renamed = jakarta();
    renamed.settings.name = "Provinsi DKI Jakarta".into();
    assert_eq!(
        store.change_jurisdiction(renamed.clone(), 1).await.unwrap(),
        2
    );
    // A change made from revision 1 would undo the one above: refused, nothing saved.
    let mut stale = jakarta();
    stale.settings.name = "DKI".into();
    assert!(matches!(
        store.change_jurisdiction(stale, 1).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.catalog_revision().await.unwrap(), 2);
    assert_eq!(
        sorted(store.jurisdiction().await.unwrap().unwrap()),
        sorted(renamed.clone())
    );

    store
        .save_boundaries(vec![boundary("31.74.01", "Tebet", shape())])
        .await
        .unwrap();
    assert_eq!(store.catalog_revision().await.unwrap(), 3);

    // Eight admins change it at once from the same revision: one wins.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(&store);
            let mut data = renamed.clone();
            data.settings.name = format!("Jakarta {i}");
            tokio::spawn(async move { store.change_jurisdiction(data, 3).await })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(revision) => {
                assert_eq!(revision, 4);
                won += 1;
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.catalog_revision().await.unwrap(), 4);
}
