//! The Jakarta data pack: it loads, hangs together, and routes real places to the right office.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use aduan_domain::location::{Boundary, parse_boundaries};
use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{
    Channel, ChannelKind, Coordinates, Jurisdiction, JurisdictionData, NamedChannel, Region,
    RegionCode, RegionIndex, RegionLevel, Role, UnitCode, UnitKind, access,
};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/jakarta.json"
));

/// Real boundaries, kept beside the repository (never copied into it).
const KELURAHAN_GEOJSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

/// The Dinas that have a Suku Dinas in every kota and in the kabupaten.
const DINAS_WITH_SUKU_DINAS: [&str; 5] = [
    "dinas-bina-marga",
    "dinas-lingkungan-hidup",
    "dinas-perhubungan",
    "dinas-pertamanan-hutan-kota",
    "dinas-sumber-daya-air",
];

fn pack() -> JurisdictionData {
    serde_json::from_str(PACK).unwrap()
}

fn jakarta() -> Jurisdiction {
    Jurisdiction::new(pack().with_offices()).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn kind(code: &str) -> UnitKind {
    UnitKind::parse(code).unwrap()
}

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn count_regions(j: &Jurisdiction, level: RegionLevel) -> usize {
    j.regions().filter(|r| r.level == level).count()
}

fn count_units(j: &Jurisdiction, kind: UnitKind) -> usize {
    j.units().filter(|u| u.kind == kind).count()
}

fn kelurahan_geojson() -> String {
    std::fs::read_to_string(KELURAHAN_GEOJSON)
        .unwrap_or_else(|e| panic!("reading {KELURAHAN_GEOJSON}: {e}"))
}

fn kelurahan_boundaries() -> Vec<Boundary> {
    parse_boundaries(&kelurahan_geojson()).unwrap()
}

/// The pack with the real kelurahan added, as the import command would do it.
fn jakarta_with_kelurahan(boundaries: &[Boundary]) -> Jurisdiction {
    let mut data = pack();
    data.regions
        .extend(boundaries.iter().map(|b| b.region.clone()));
    Jurisdiction::new(data.with_offices()).unwrap()
}

fn index(boundaries: &[Boundary]) -> RegionIndex {
    RegionIndex::new(
        boundaries
            .iter()
            .map(|b| (b.region.code.clone(), b.shape.clone()))
            .collect(),
    )
}

fn at(lat: f64, lon: f64) -> Coordinates {
    Coordinates::parse(lat, lon).unwrap()
}

#[test]
fn the_pack_loads_with_jakartas_settings_and_regions() {
    let j = jakarta();
    assert_eq!(j.settings.name, "Provinsi DKI Jakarta");
    assert_eq!(j.settings.time_zone, chrono_tz::Asia::Jakarta);
    assert_eq!(j.settings.ticket_prefix.as_str(), "JK");
    assert_eq!(count_regions(&j, RegionLevel::Kota), 6);
    assert_eq!(count_regions(&j, RegionLevel::Kecamatan), 44);
    assert_eq!(
        count_regions(&j, RegionLevel::Kelurahan),
        0,
        "kelurahan come by import"
    );
    for r in j.regions() {
        assert!(
            r.code.as_str().starts_with("31."),
            "{} is not in DKI Jakarta",
            r.code
        );
        if let Some(parent) = r.parent() {
            assert!(
                j.region(&parent).is_some(),
                "{} has no parent {parent}",
                r.code
            );
        }
    }
    let seribu = j.region(&region("31.01")).unwrap();
    assert_eq!(seribu.name, "Kabupaten Administrasi Kepulauan Seribu");
    assert_eq!(j.region(&region("31.71.01")).unwrap().name, "Gambir");
}

#[test]
fn every_category_names_a_unit_that_can_take_it() {
    let j = jakarta();
    assert!(j.categories().count() >= 25);
    let mut names = BTreeSet::new();
    for c in j.categories() {
        assert!(
            names.insert(c.name.as_str()),
            "category name {} twice",
            c.name
        );
        assert!(
            !c.name_en.trim().is_empty(),
            "{} has no English name",
            c.code
        );
        let responsible = j
            .unit(&c.responsible_unit)
            .unwrap_or_else(|| panic!("{} names unknown unit {}", c.code, c.responsible_unit));
        // Reports are never forwarded to the validation team, so it cannot own a category.
        assert_ne!(responsible.kind, kind("validation"), "{}", c.code);
        assert!(c.sla.coordination_hours >= 1);
        assert!(
            c.sla.completion_hours > c.sla.coordination_hours,
            "{}",
            c.code
        );
    }
    for seen_in_public_reports in [
        "Gangguan Ketenteraman dan Ketertiban",
        "Jalan",
        "Parkir Liar",
        "Pohon",
        "Sampah",
        "Pelanggaran Perda/Pergub",
        "Bantuan Sosial",
        "Pendataan Kesehatan",
        "Hubungan Pekerja-Pengusaha",
        "Fasilitas Kesehatan Milik Pusat/Swasta/Klinik Swasta",
        "Fasilitas Sosial dan Fasilitas Umum",
        "Arus Lalu Lintas",
        "Kawasan Dilarang Merokok",
        "Pekerja PPSU",
        "Gangguan dan Kebisingan",
        "Keluhan Galian/Sisa Proyek",
        "BPJS",
        "Saluran Air",
        "Banjir/Genangan",
        "Penerangan Jalan Umum",
        "Pungutan Liar",
        "Jaringan Listrik",
        "Pembakaran Sampah",
    ] {
        assert!(
            names.contains(seen_in_public_reports),
            "missing {seen_in_public_reports}"
        );
    }
    let public_order = j
        .categories()
        .find(|c| c.name == "Gangguan Ketenteraman dan Ketertiban")
        .unwrap();
    assert_eq!(
        j.unit(&public_order.responsible_unit).unwrap().kind,
        kind("satpol_pp")
    );
}

#[test]
fn every_kota_has_a_suku_dinas_of_each_field_dinas() {
    let j = jakarta();
    let kotas: Vec<&Region> = j
        .regions()
        .filter(|r| r.level == RegionLevel::Kota)
        .collect();
    for dinas in DINAS_WITH_SUKU_DINAS {
        let dinas = j.unit(&unit(dinas)).unwrap();
        assert_eq!(dinas.kind, kind("dinas"), "{}", dinas.code);
        for kota in &kotas {
            let sudin: Vec<_> = j
                .units()
                .filter(|u| {
                    u.parent.as_ref() == Some(&dinas.code) && u.region.as_ref() == Some(&kota.code)
                })
                .collect();
            assert_eq!(sudin.len(), 1, "{} in {}", dinas.code, kota.code);
            assert_eq!(sudin[0].kind, kind("suku_dinas"));
            assert!(
                sudin[0].name.starts_with("Suku Dinas "),
                "{}",
                sudin[0].name
            );
            assert!(sudin[0].name.ends_with(&kota.name), "{}", sudin[0].name);
        }
    }
    let selatan = j.unit(&unit("sudin-bina-marga-31.74")).unwrap();
    assert_eq!(
        selatan.name,
        "Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan"
    );
    let seribu = j.unit(&unit("sudin-sumber-daya-air-31.01")).unwrap();
    assert_eq!(
        seribu.name,
        "Suku Dinas Sumber Daya Air Kabupaten Administrasi Kepulauan Seribu"
    );
}

#[test]
fn validation_and_public_order_units_exist() {
    let j = jakarta();
    let validation: Vec<_> = j.units().filter(|u| u.kind == kind("validation")).collect();
    assert_eq!(validation.len(), 1);
    assert_eq!(validation[0].code, unit("biro-pemerintahan"));
    let satpol = j.unit(&unit("satpol-pp")).unwrap();
    assert_eq!(satpol.kind, kind("satpol_pp"));
    assert_eq!(satpol.parent, None);
    assert_eq!(j.unit(&unit("inspektorat")).unwrap().kind, kind("other"));
}

#[test]
fn offices_are_generated_from_the_templates() {
    let plain = pack();
    assert_eq!(
        plain
            .units
            .iter()
            .filter(|u| [kind("kelurahan"), kind("kecamatan"), kind("walikota")].contains(&u.kind))
            .count(),
        0,
        "offices are generated, not listed"
    );
    let j = jakarta();
    assert_eq!(count_units(&j, kind("kecamatan")), 44);
    assert_eq!(count_units(&j, kind("walikota")), 6);
    assert_eq!(count_units(&j, kind("kelurahan")), 0);
    assert_eq!(j.units().count(), plain.units.len() + 50);
    let gambir = j.unit(&unit("kecamatan-31.71.01")).unwrap();
    assert_eq!(gambir.name, "Kantor Kecamatan Gambir");
    assert_eq!(gambir.region, Some(region("31.71.01")));
    let pusat = j.unit(&unit("walikota-31.71")).unwrap();
    assert_eq!(pusat.name, "Kantor Kota Administrasi Jakarta Pusat");
    let seribu = j.unit(&unit("walikota-31.01")).unwrap();
    assert_eq!(
        seribu.name,
        "Kantor Kabupaten Administrasi Kepulauan Seribu"
    );
}

#[test]
fn without_kelurahan_the_kecamatan_office_receives_first() {
    let j = jakarta();
    let gambir = region("31.71.01");
    assert_eq!(
        j.first_receiver(&gambir).unwrap().code,
        unit("kecamatan-31.71.01")
    );
    // A kelurahan that is not loaded falls back to its kecamatan.
    let kelurahan_gambir = region("31.71.01.1001");
    assert!(j.region(&kelurahan_gambir).is_none());
    assert_eq!(
        j.first_receiver(&kelurahan_gambir).unwrap().code,
        unit("kecamatan-31.71.01")
    );
    assert_eq!(
        j.first_receiver(&region("31.01")).unwrap().code,
        unit("walikota-31.01")
    );
}

#[test]
fn a_category_is_suggested_to_the_suku_dinas_of_the_kota() {
    let j = jakarta();
    let jalan = j
        .category(&aduan_domain::CategoryCode::parse("jalan").unwrap())
        .unwrap();
    let melawai = region("31.74.07.1001");
    assert_eq!(
        j.suggested_unit(jalan, &melawai).unwrap().code,
        unit("sudin-bina-marga-31.74")
    );
}

#[test]
fn the_real_kelurahan_import_brings_267_offices() {
    let boundaries = kelurahan_boundaries();
    assert_eq!(boundaries.len(), 267);
    let codes: BTreeSet<_> = boundaries.iter().map(|b| b.region.code.clone()).collect();
    assert_eq!(codes.len(), 267, "kelurahan codes are unique");
    assert!(
        boundaries
            .iter()
            .all(|b| b.region.level == RegionLevel::Kelurahan)
    );

    let j = jakarta_with_kelurahan(&boundaries);
    assert!(j.has_level(RegionLevel::Kelurahan));
    for b in &boundaries {
        let kecamatan = b.region.parent().unwrap();
        assert!(
            j.region(&kecamatan).is_some(),
            "{} has no kecamatan in the pack",
            b.region.code
        );
    }
    assert_eq!(count_units(&j, kind("kelurahan")), 267);
    assert_eq!(count_units(&j, kind("kecamatan")), 44);
    assert_eq!(count_units(&j, kind("walikota")), 6);
    let gambir = j.unit(&unit("kelurahan-31.71.01.1001")).unwrap();
    assert_eq!(gambir.name, "Kantor Kelurahan Gambir");
}

#[test]
fn well_known_places_resolve_to_their_kelurahan_office() {
    let boundaries = kelurahan_boundaries();
    let j = jakarta_with_kelurahan(&boundaries);
    let idx = index(&boundaries);
    // Each answer checked independently (ray casting over the GeoJSON); every point lies
    // at least 80 m inside its kelurahan.
    for (place, lat, lon, expected) in [
        ("Monas", -6.1754, 106.8272, "31.71.01.1001"), // Gambir
        ("Gelora Bung Karno", -6.2186, 106.8019, "31.71.07.1001"), // Gelora
        ("Taman Fatahillah", -6.1352, 106.8133, "31.73.03.1008"), // Pinangsia
        ("Ancol", -6.1256, 106.8336, "31.72.05.1003"), // Ancol
        ("Blok M", -6.2443, 106.8005, "31.74.07.1001"), // Melawai
        ("Kebun Binatang Ragunan", -6.3125, 106.8204, "31.74.04.1004"), // Ragunan
        (
            "Taman Mini Indonesia Indah",
            -6.3025,
            106.8952,
            "31.75.10.1008",
        ), // Ceger
        ("Halim Perdanakusuma", -6.2655, 106.8910, "31.75.08.1004"), // Halim Perdana Kusuma
        ("Pulau Pramuka", -5.7453, 106.6136, "31.01.01.1001"), // Pulau Panggang
    ] {
        let found = idx.locate(at(lat, lon));
        assert_eq!(found.map(RegionCode::as_str), Some(expected), "{place}");
        let office = j.first_receiver(found.unwrap()).unwrap();
        assert_eq!(office.kind, kind("kelurahan"), "{place}");
        assert_eq!(
            office.code,
            unit(&format!("kelurahan-{expected}")),
            "{place}"
        );
    }
    // Java Sea north of the city, 8 km from the nearest island of Kepulauan Seribu.
    assert_eq!(idx.locate(at(-5.9, 106.9)), None);
    // Bandung.
    assert_eq!(idx.locate(at(-6.9147, 107.6098)), None);
}

#[test]
fn kelurahan_centroids_resolve_back_to_their_own_kelurahan() {
    let geojson = kelurahan_geojson();
    let boundaries = parse_boundaries(&geojson).unwrap();
    let idx = index(&boundaries);
    let raw: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    let centroids: BTreeMap<String, (f64, f64)> = raw["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let c = &p["centroid"];
            (
                p["code"].as_str().unwrap().to_owned(),
                (c[1].as_f64().unwrap(), c[0].as_f64().unwrap()),
            )
        })
        .collect();
    assert_eq!(centroids.len(), 267);
    let mut own = 0;
    let mut elsewhere = BTreeSet::new();
    for (code, (lat, lon)) in &centroids {
        match idx.locate(at(*lat, *lon)) {
            Some(found) if found.as_str() == code => own += 1,
            _ => {
                elsewhere.insert(code.as_str());
            }
        }
    }
    // 259 centroids lie inside their own polygon (checked independently); the other 8 fall
    // in the sea between islands, on a concave coast or in a neighbour's bend.
    assert_eq!(own, 259);
    assert_eq!(
        elsewhere,
        BTreeSet::from([
            "31.01.01.1001",
            "31.01.01.1003",
            "31.01.02.1001",
            "31.01.02.1002",
            "31.01.02.1003",
            "31.72.01.1001",
            "31.72.04.1004",
            "31.75.03.1001",
        ])
    );
}

/// The channels and Indonesian labels that were code before the pack named them, in the
/// order they were offered.
const CHANNELS_AS_THE_CODE_NAMED_THEM: [(&str, &str); 18] = [
    ("jaki", "JAKI"),
    ("web", "Situs web"),
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("twitter", "X/Twitter"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("governor_social", "Media sosial Gubernur/Wakil Gubernur"),
    ("lapor", "LAPOR! 1708"),
    ("balai_kota", "Pendopo Balai Kota"),
    ("inspektorat", "Kantor Inspektorat"),
    ("walikota", "Kantor Wali Kota"),
    ("kecamatan", "Kantor Camat"),
    ("kelurahan", "Kantor Lurah"),
    ("media", "Aspirasi Publik Media Massa"),
    ("qlue", "Qlue"),
    ("open311", "Open311"),
];

fn channel(code: &str) -> Channel {
    Channel::parse(code).unwrap()
}

#[test]
fn the_pack_names_every_channel_as_the_code_did() {
    let j = jakarta();
    let channels = j.channels();
    let codes: Vec<Channel> = channels.iter().map(|c| c.code).collect();
    let before: Vec<Channel> = CHANNELS_AS_THE_CODE_NAMED_THEM
        .iter()
        .map(|(code, _)| channel(code))
        .collect();
    assert_eq!(codes, before, "every channel, in code order");
    for (c, (_, label)) in channels.iter().zip(CHANNELS_AS_THE_CODE_NAMED_THEM) {
        assert_eq!(c.label, label, "{:?}", c.code);
        assert_eq!(j.channel_label(c.code, false), label);
    }
    // The transport channels the pack lists keep the names they have in code.
    for t in Channel::TRANSPORT {
        assert_eq!(j.channel(t), NamedChannel::transport(t), "{t:?}");
    }
    assert_eq!(j.citizen_channel(), channel("jaki"));
    assert_eq!(j.desk_channel(), channel("balai_kota"));
    assert_eq!(
        j.first_channel_of(ChannelKind::Meta),
        Some(channel("governor_social"))
    );
    assert_eq!(j.time_zone_label(false), "waktu Jakarta");
    assert_eq!(j.time_zone_label(true), "Jakarta time");
}

#[test]
fn a_pack_without_channels_takes_the_transport_channels_with_the_labels_in_code() {
    let mut data = pack();
    data.settings.channels.clear();
    data.settings.time_zone_label = None;
    let j = Jurisdiction::new(data.with_offices()).unwrap();
    let codes: Vec<Channel> = j.channels().iter().map(|c| c.code).collect();
    assert_eq!(codes, Channel::TRANSPORT);
    for c in j.channels() {
        assert_eq!(c.label, c.code.label());
    }
    assert_eq!(j.channel(channel("jaki")), None);
    assert_eq!(j.channel_label(channel("jaki"), false), "jaki");
    assert_eq!(j.citizen_channel(), Channel::Web);
    // No desk: the first channel an operator files through.
    assert_eq!(j.desk_channel(), Channel::Email);
    assert_eq!(j.time_zone_label(false), "Asia/Jakarta");
}

/// A city adds a channel by naming it in its pack: no code knows `lapor_warga`.
#[test]
fn a_channel_only_the_pack_names_is_offered_with_its_labels_and_kind() {
    let mut data = pack();
    data.settings.channels.insert(
        1,
        serde_json::from_value(serde_json::json!({
            "code": "lapor_warga", "label": "Pos Lapor Warga", "label_en": "Citizens' report post",
            "kind": "desk"
        }))
        .unwrap(),
    );
    let j = Jurisdiction::new(data.with_offices()).unwrap();
    let fresh = j.channels()[1].clone();
    assert_eq!(fresh.code, channel("lapor_warga"));
    assert_eq!(fresh.kind, ChannelKind::Desk);
    assert_eq!(j.channel(fresh.code), Some(fresh.clone()));
    assert_eq!(j.channel_label(fresh.code, false), "Pos Lapor Warga");
    assert_eq!(j.channel_label(fresh.code, true), "Citizens' report post");
    assert_eq!(j.channels().len(), 19);
    // Listed before Balai Kota, it is now the operators' first desk.
    assert_eq!(j.desk_channel(), fresh.code);
    assert!(access::may_file_through(Role::Operator, &fresh));
    assert!(!access::may_file_through(Role::Citizen, &fresh));
}

#[test]
fn a_pack_with_a_bad_channel_is_refused_as_it_loads() {
    for code in [
        "Lapor Warga",
        "lapor-warga",
        "",
        "sms_1708_kota_bogor_layanan_aduan_x",
    ] {
        let mut raw: serde_json::Value = serde_json::from_str(PACK).unwrap();
        raw["settings"]["channels"][0]["code"] = serde_json::json!(code);
        let refused = serde_json::from_value::<JurisdictionData>(raw).unwrap_err();
        assert!(
            refused.to_string().contains("channel code"),
            "{code}: {refused}"
        );
    }
    // Twice the same channel, or a transport channel of another kind.
    let mut twice = pack();
    let first = twice.settings.channels[0].clone();
    twice.settings.channels.push(first);
    let refused = Jurisdiction::new(twice).unwrap_err();
    assert!(
        refused.to_string().contains("channel jaki appears twice"),
        "{refused}"
    );
    let mut miskinded = pack();
    let sms = miskinded
        .settings
        .channels
        .iter_mut()
        .find(|c| c.code == Channel::Sms)
        .unwrap();
    sms.kind = ChannelKind::Desk;
    let refused = Jurisdiction::new(miskinded).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("channel sms is a transport channel of kind sms, not desk"),
        "{refused}"
    );
}

#[test]
fn the_kinds_play_the_roles_the_code_gave_them() {
    use aduan_domain::UnitRole;
    let j = jakarta();
    let roles: Vec<(&str, UnitRole, Option<RegionLevel>, Option<&str>)> = j
        .unit_kinds()
        .iter()
        .map(|k| {
            (
                k.kind.code(),
                k.role,
                k.level,
                k.parent.as_ref().map(UnitKind::code),
            )
        })
        .collect();
    // The offices of kelurahan, kecamatan and kota receive reports first; a Suku Dinas is
    // its Dinas's office in one kota; Satpol PP may have offices of its own; the validation
    // team answers for nothing.
    assert_eq!(
        roles,
        [
            (
                "kelurahan",
                UnitRole::RegionOffice,
                Some(RegionLevel::Kelurahan),
                None
            ),
            (
                "kecamatan",
                UnitRole::RegionOffice,
                Some(RegionLevel::Kecamatan),
                None
            ),
            (
                "walikota",
                UnitRole::RegionOffice,
                Some(RegionLevel::Kota),
                None
            ),
            ("dinas", UnitRole::Service, None, None),
            (
                "suku_dinas",
                UnitRole::Branch,
                Some(RegionLevel::Kota),
                Some("dinas")
            ),
            ("satpol_pp", UnitRole::Service, None, Some("satpol_pp")),
            ("validation", UnitRole::Validation, None, None),
            ("other", UnitRole::Service, None, None),
        ]
    );
}

#[test]
fn every_category_names_an_icon_aduan_draws_and_a_typo_is_refused() {
    use aduan_domain::category_icon::{icon_of, is_icon};
    let j = jakarta();
    for c in j.categories() {
        let named = c.icon.as_deref().unwrap_or_default();
        assert!(is_icon(named), "{}: {named:?}", c.code);
        assert_eq!(icon_of(c), named);
    }
    let mut typo = pack();
    typo.categories[0].icon = Some("pohonn".into());
    let refused = Jurisdiction::new(typo.clone().with_offices()).unwrap_err();
    assert!(
        refused.to_string().contains("unknown icon \"pohonn\""),
        "{refused}"
    );
    // Read back from a store, the same data still loads (and the icon is guessed).
    assert!(Jurisdiction::stored(typo.with_offices()).is_ok());
}
