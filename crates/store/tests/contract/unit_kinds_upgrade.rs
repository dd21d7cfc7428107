//! Upgrading a catalog stored before kinds of unit were data (migrations sqlite/0009 and
//! postgres/0007): its settings listed some kinds without a role and left the others to code.
//! Each store's own test brings such a database to the current schema; then the catalog
//! reads back with the roles, levels, parents and labels code had, and routes as before.

use aduan_domain::{Jurisdiction, RegionCode, RegionLevel, UnitKind, UnitRole};
use aduan_store::Store;

/// The catalog as an older version stored it: SQL both stores run. Its settings name the
/// kecamatan offices and the Dinas in their own words without a role, the validation team
/// with one; the wali kota's office, the Suku Dinas and the inspectorate are of kinds they do
/// not list; no unit is a kelurahan office or Satpol PP.
pub const LEGACY_CATALOG: &str = r#"
INSERT INTO settings (id, data) VALUES (1, '{"name":"DKI Jakarta","time_zone":"Asia/Jakarta","ticket_prefix":"JK","office_templates":[{"level":"kecamatan","kind":"kecamatan","code":"kecamatan-{code}","name":"Kantor Kecamatan {name}"}],"unit_kinds":[{"kind":"kecamatan","label":"Kantor Camat","label_en":"Camat office"},{"kind":"dinas","label":"Dinas","label_en":"Agency"},{"kind":"validation","label":"Tim validasi","label_en":"Validation team","role":"validation"}]}');
INSERT INTO regions (code, name, level) VALUES
    ('31.74', 'Jakarta Selatan', 'kota'),
    ('31.74.01', 'Tebet', 'kecamatan'),
    ('31.74.02', 'Setiabudi', 'kecamatan');
INSERT INTO units (code, name, kind, region, parent) VALUES
    ('kecamatan-31.74.01', 'Kantor Kecamatan Tebet', 'kecamatan', '31.74.01', NULL),
    ('walikota-31.74', 'Kantor Wali Kota Jakarta Selatan', 'walikota', '31.74', NULL),
    ('dinas-bm', 'Dinas Bina Marga', 'dinas', NULL, NULL),
    ('sudin-bm-31.74', 'Suku Dinas Bina Marga Jakarta Selatan', 'suku_dinas', '31.74', 'dinas-bm'),
    ('biro', 'Biro Pemerintahan', 'validation', NULL, NULL),
    ('inspektorat', 'Inspektorat', 'other', NULL, NULL);
INSERT INTO categories (code, name, name_en, responsible_unit, coordination_hours,
        completion_hours)
    VALUES ('jalan', 'Jalan', 'Roads', 'dinas-bm', 6, 48);
"#;

/// The upgraded catalog: every kind a unit or template names is listed, with code's role,
/// level and parent; the labels the settings gave are kept, code's are added for the rest.
pub async fn assert_legacy_kinds_upgraded(store: &dyn Store) {
    let data = store.jurisdiction().await.unwrap().unwrap();
    let kinds: Vec<_> = data
        .settings
        .unit_kinds
        .iter()
        .map(|k| {
            (
                k.kind.code(),
                k.label.as_str(),
                k.label_en.as_str(),
                k.role,
                k.level,
                k.parent.as_ref().map(UnitKind::code),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "kecamatan",
                "Kantor Camat",
                "Camat office",
                UnitRole::RegionOffice,
                Some(RegionLevel::Kecamatan),
                None
            ),
            ("dinas", "Dinas", "Agency", UnitRole::Service, None, None),
            (
                "validation",
                "Tim validasi",
                "Validation team",
                UnitRole::Validation,
                None,
                None
            ),
            (
                "walikota",
                "Kantor Wali Kota",
                "Wali kota office",
                UnitRole::RegionOffice,
                Some(RegionLevel::Kota),
                None
            ),
            (
                "suku_dinas",
                "Suku Dinas",
                "Suku Dinas",
                UnitRole::Branch,
                Some(RegionLevel::Kota),
                Some("dinas")
            ),
            ("other", "Lainnya", "Other", UnitRole::Service, None, None),
        ]
    );
    assert_eq!(data.settings.name, "DKI Jakarta");
    assert_eq!(data.settings.office_templates.len(), 1);
    // It hangs together as a pack would, and routes as before: a place to its kecamatan's
    // office, else its kota's.
    let j = Jurisdiction::new(data).unwrap();
    let receiver = |code: &str| {
        j.first_receiver(&RegionCode::parse(code).unwrap())
            .map(|u| u.code.to_string())
    };
    assert_eq!(
        receiver("31.74.01.1001").as_deref(),
        Some("kecamatan-31.74.01")
    );
    assert_eq!(receiver("31.74.02").as_deref(), Some("walikota-31.74"));
}
