//! Properties of the view-building code over random reports, photos, timelines and readers:
//! no view has a place for who reported, the reporter's photos of a private report stay
//! locked, staff-only detail reaches only the staff handling the report, and whoever reads
//! as the public gets text with no personal data left to mask.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

use aduan_domain::report::{
    ImageObject, PhotoEvidence, PhotoInfo, PhotoKind, Report, TimelineEntry,
};
use aduan_domain::scrub::public_text;
use aduan_domain::workflow::available_actions;
use aduan_domain::{
    ActionKind, Actor, CategoryCode, Channel, Coordinates, Jurisdiction, JurisdictionData,
    RegionCode, ReportId, ReportState, Role, Ticket, UnitCode, UserId, Visibility,
};

use super::{report_summary, report_view, timeline_view};

const UNITS: [&str; 5] = [
    "kecamatan-31.74.01",
    "dinas-bm",
    "sudin-bm-31.74",
    "satpol-pp-31.74",
    "biro",
];

/// Keys no view may have: each would be a place for who reported.
const IDENTITY_KEYS: [&str; 9] = [
    "reporter",
    "user",
    "username",
    "display_name",
    "phone",
    "email",
    "nik",
    "handle",
    "entered_by",
];

static JURISDICTION: LazyLock<Jurisdiction> = LazyLock::new(|| {
    let data: JurisdictionData = serde_json::from_value(json!({
        "settings": {"name": "Uji", "time_zone": "Asia/Jakarta", "ticket_prefix": "JK",
            "unit_kinds": [
                {"kind": "kecamatan", "label": "Kantor Kecamatan", "label_en": "Kecamatan office",
                 "role": "region_office", "level": "kecamatan"},
                {"kind": "dinas", "label": "Dinas", "label_en": "Dinas"},
                {"kind": "suku_dinas", "label": "Suku Dinas", "label_en": "Suku Dinas",
                 "role": "branch", "level": "kota", "parent": "dinas"},
                {"kind": "satpol_pp", "label": "Satpol PP", "label_en": "Satpol PP"},
                {"kind": "validation", "label": "Tim validasi", "label_en": "Validation team",
                 "role": "validation"},
            ]},
        "regions": [
            {"code": "31.74", "name": "Jakarta Selatan", "level": "kota"},
            {"code": "31.74.01", "name": "Tebet", "level": "kecamatan"},
        ],
        "units": [
            {"code": UNITS[0], "name": "Kantor Kecamatan Tebet", "kind": "kecamatan",
             "region": "31.74.01"},
            {"code": UNITS[1], "name": "Dinas Bina Marga", "kind": "dinas"},
            {"code": UNITS[2], "name": "Sudin Bina Marga Jakarta Selatan", "kind": "suku_dinas",
             "region": "31.74", "parent": UNITS[1]},
            {"code": UNITS[3], "name": "Satpol PP Jakarta Selatan", "kind": "satpol_pp",
             "region": "31.74"},
            {"code": UNITS[4], "name": "Biro Pemerintahan", "kind": "validation"},
        ],
        "categories": [
            {"code": "jalan", "name": "Jalan", "name_en": "Roads", "responsible_unit": UNITS[1]},
        ],
    }))
    .unwrap();
    Jurisdiction::new(data).unwrap()
});

fn unit() -> impl Strategy<Value = UnitCode> {
    select(UNITS.to_vec()).prop_map(|u| UnitCode::parse(u).unwrap())
}

fn user() -> impl Strategy<Value = UserId> {
    (1i64..=4).prop_map(UserId)
}

/// Personal data as people type it: phone numbers, e-mail addresses, NIK, plates.
fn personal() -> impl Strategy<Value = String> {
    prop_oneof![
        "08[1-9][0-9]{7,10}",
        "(\\+62|62|0) ?8[0-9]{2}[ .-]?[0-9]{4}[ .-]?[0-9]{3,4}",
        "\\(021\\) ?[0-9]{3,4}[ -]?[0-9]{4}",
        "[A-Za-z]{1,8}([._+-][a-z0-9]{1,5})?@[a-zA-Z]{2,8}(-[a-z]{2,4})?\\.(com|id|co\\.id|ORG)",
        "3[1-6]([ .-]?[0-9]{2}){2}[ .-]?[0-9]{6}[ .-]?[0-9]{4}",
        "(B|D|F|AB|b)[ -]?[1-9][0-9]{0,3}[ -]?[A-Za-z]{1,3}",
    ]
}

/// Text as reporters write it, with the personal data planted in it.
fn planted_text() -> impl Strategy<Value = (String, Vec<String>)> {
    let word = select(vec![
        "Jalan",
        "berlubang",
        "di",
        "depan",
        "sekolah",
        "RT",
        "05",
        "RW",
        "03",
        "sampah",
        "sejak",
        "3",
        "hari",
        "pohon",
        "tumbang",
        "KM",
        "12",
        "Jl.",
        "Sudirman",
        "No.",
        "45",
        "hubungi",
        "saya",
        "atau",
        "NIK",
        "mobil",
        "parkir",
        ",",
        ".",
        "-",
        "0",
        "2025",
        "Blok",
        "M",
        "pukul",
        "14.30",
        "(",
        ")",
        "@",
        "+",
    ])
    .prop_map(str::to_owned);
    let piece =
        prop_oneof![5 => word.prop_map(|w| (w, false)), 1 => personal().prop_map(|p| (p, true))];
    vec(piece, 1..16).prop_map(|pieces| {
        let planted = pieces
            .iter()
            .filter(|(_, p)| *p)
            .map(|(t, _)| t.clone())
            .collect();
        let text = pieces
            .into_iter()
            .map(|(t, _)| t)
            .collect::<Vec<_>>()
            .join(" ");
        (text, planted)
    })
}

fn text() -> impl Strategy<Value = String> {
    planted_text().prop_map(|(text, _)| text)
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_000_000 + seconds, 0).unwrap()
}

prop_compose! {
    /// A report, and the personal data planted in its description and address.
    fn report()(
        state in select(ReportState::ALL.to_vec()),
        public in any::<bool>(),
        first_receiver in unit(),
        holding_unit in unit(),
        reporter in option::of(user()),
        entered_by in option::of(user()),
        (description, mut planted) in planted_text(),
        address in option::of(planted_text()),
        coordinated in any::<bool>(),
        located in any::<bool>(),
    ) -> (Report, Vec<String>) {
        let address = address.map(|(text, more)| {
            planted.extend(more);
            text
        });
        (Report {
            id: ReportId(7),
            ticket: Ticket::parse("JK2611280001").unwrap(),
            state,
            category: CategoryCode::parse("jalan").unwrap(),
            description,
            staff_description: None,
            location: located.then(|| Coordinates::parse(-6.2261, 106.8583).unwrap()),
            region: RegionCode::parse("31.74.01").unwrap(),
            address,
            channel: Channel::parse("jaki").unwrap(),
            first_receiver,
            holding_unit,
            visibility: if public { Visibility::Public } else { Visibility::Private },
            reporter,
            entered_by,
            created_at: at(0),
            updated_at: at(60),
            coordinated_at: coordinated.then(|| at(30)),
            completed_at: (state == ReportState::Completed).then(|| at(60)),
            estimated_completion: NaiveDate::from_ymd_opt(2026, 12, 5),
            duplicate_of: None,
            referred_to: None,
            version: 3,
        }, planted)
    }
}

fn photos() -> impl Strategy<Value = Vec<PhotoInfo>> {
    let kinds = [PhotoKind::Report, PhotoKind::Before, PhotoKind::Followup];
    vec((0..kinds.len(), any::<bool>(), any::<bool>()), 0..5).prop_map(move |specs| {
        specs
            .into_iter()
            .zip(1i64..)
            .map(|((kind, timed, placed), id)| PhotoInfo {
                id,
                kind: kinds[kind],
                content_type: "image/jpeg".into(),
                image: ImageObject::of(&id.to_be_bytes()),
                thumbnail: ImageObject::of(&(-id).to_be_bytes()),
                evidence: PhotoEvidence {
                    captured_at: timed.then(|| at(-3600).naive_utc()),
                    location: placed.then(|| Coordinates::parse(-6.1754, 106.8272).unwrap()),
                },
            })
            .collect()
    })
}

prop_compose! {
    fn entry()(
        action in select(ActionKind::ON_REPORT.to_vec()),
        role in select(Role::ALL.to_vec()),
        unit in option::of(unit()),
        to_state in select(ReportState::ALL.to_vec()),
        note in option::of(text()),
        attachments in vec(1i64..=6, 0..3),
    ) -> TimelineEntry {
        TimelineEntry {
            at: at(10),
            action,
            actor: Some(UserId(9)),
            actor_role: role,
            actor_unit: unit,
            from_state: None,
            to_state,
            note,
            target: None,
            attachments,
        }
    }
}

fn viewer() -> impl Strategy<Value = Option<Actor>> {
    option::of(
        (select(Role::ALL.to_vec()), option::of(unit()), user())
            .prop_map(|(role, unit, user)| Actor { user, role, unit }),
    )
}

/// The rules of DESIGN.md, stated again without the code under test.
fn is_reporter(report: &Report, viewer: Option<&Actor>) -> bool {
    viewer.is_some_and(|v| v.role == Role::Citizen && report.reporter == Some(v.user))
}

fn handles(report: &Report, viewer: Option<&Actor>) -> bool {
    let Some(v) = viewer else { return false };
    match v.role {
        Role::Citizen => false,
        Role::Operator => report.entered_by == Some(v.user),
        Role::Officer => v.unit.as_ref() == Some(&report.holding_unit),
        Role::Coordinator => v
            .unit
            .as_ref()
            .is_none_or(|u| *u == report.holding_unit || *u == report.first_receiver),
        Role::Validator => matches!(
            report.state,
            ReportState::AwaitingValidation
                | ReportState::FollowupRejected
                | ReportState::Completed
        ),
        Role::Admin => true,
    }
}

fn may_see(
    report: &Report,
    photo: &PhotoInfo,
    entries: &[TimelineEntry],
    viewer: Option<&Actor>,
) -> bool {
    let open = is_reporter(report, viewer) || report.visibility == Visibility::Public;
    // Attached to a follow-up that a rejection answered before the next follow-up came.
    let rejected = entries.iter().enumerate().any(|(i, e)| {
        e.action == ActionKind::SubmitFollowup
            && e.attachments.contains(&photo.id)
            && entries[i + 1..]
                .iter()
                .take_while(|later| later.action != ActionKind::SubmitFollowup)
                .any(|later| later.action == ActionKind::RejectFollowup)
    });
    let by_kind = match photo.kind {
        PhotoKind::Report => open,
        PhotoKind::Before | PhotoKind::Followup => open || handles(report, viewer),
    };
    by_kind && (!rejected || is_reporter(report, viewer) || handles(report, viewer))
}

fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.to_lowercase());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

fn assert_no_identity_keys(value: &Value) -> Result<(), TestCaseError> {
    let mut all = Vec::new();
    keys(value, &mut all);
    for key in all {
        prop_assert!(
            !IDENTITY_KEYS.iter().any(|bad| key.contains(bad)),
            "key {key} in {value}"
        );
    }
    Ok(())
}

fn unmaskable(text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(public_text(text), text, "personal data left to mask");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn views_never_name_the_reporter_and_show_only_what_the_reader_may_see(
        (report, planted) in report(),
        photos in photos(),
        entries in vec(entry(), 0..5),
        viewer in viewer(),
    ) {
        let j = &*JURISDICTION;
        let v = viewer.as_ref();
        let view = report_view(j, &report, &photos, &entries, vec![], v);
        let summary = report_summary(j, &report);
        let timeline = timeline_view(j, &report, &entries, &photos, v);
        let json = serde_json::to_value(&view).unwrap();
        assert_no_identity_keys(&json)?;
        assert_no_identity_keys(&serde_json::to_value(&summary).unwrap())?;
        assert_no_identity_keys(&serde_json::to_value(&timeline).unwrap())?;

        let mine = is_reporter(&report, v);
        let staff = handles(&report, v);
        let private = report.visibility == Visibility::Private;
        prop_assert_eq!(view.is_mine, mine);

        // Photos: exactly those the reader may see; the reporter's only to the reporter
        // while the report is private; evidence for validators only.
        let shown: Vec<i64> = view.photos.iter().map(|p| p.id).collect();
        let expected: Vec<i64> = photos.iter().filter(|p| may_see(&report, p, &entries, v)).map(|p| p.id).collect();
        prop_assert_eq!(&shown, &expected);
        for p in &view.photos {
            let info = photos.iter().find(|i| i.id == p.id).unwrap();
            if info.kind == PhotoKind::Report {
                prop_assert!(mine || !private);
            }
            let validator = v.is_some_and(|a| a.role == Role::Validator);
            let has = info.evidence.captured_at.is_some() || info.evidence.location.is_some();
            prop_assert_eq!(p.evidence.is_some(), validator && has);
        }
        let locked = photos.iter().any(|p| p.kind == PhotoKind::Report) && private && !mine;
        prop_assert_eq!(view.photos_locked, locked);
        for (entry, line) in entries.iter().zip(&timeline) {
            let visible: Vec<String> = entry
                .attachments
                .iter()
                .filter(|id| photos.iter().any(|p| p.id == **id && may_see(&report, p, &entries, v)))
                .map(|id| format!("/api/v1/reports/JK2611280001/photos/{id}"))
                .collect();
            prop_assert_eq!(&line.attachments, &visible);
        }

        // Staff-only detail for the staff handling the report.
        prop_assert_eq!(view.privacy_notice.is_some(), staff && private);
        prop_assert_eq!(view.privacy_notice_en.is_some(), staff && private);
        prop_assert_eq!(view.suggested_unit.is_some(), staff);

        // The reporter's text: as written for the reporter, masked for everyone else,
        // staff included; staff's notes as written for the staff handling the report.
        if mine {
            prop_assert_eq!(&view.description, &report.description);
            prop_assert_eq!(&view.address, &report.address);
        } else {
            unmaskable(&view.description)?;
            if let Some(address) = &view.address {
                unmaskable(address)?;
            }
            let shown = format!("{} {}", view.description, view.address.as_deref().unwrap_or_default());
            for secret in &planted {
                prop_assert!(!shown.contains(secret.as_str()), "{secret:?} is shown: {shown:?}");
            }
        }
        if !mine && !staff {
            for line in &timeline {
                if let Some(note) = &line.note {
                    unmaskable(note)?;
                }
            }
        }

        let actions: Vec<String> = v
            .map(|a| available_actions(&report.facts(), a).iter().map(|k| k.code().to_owned()).collect())
            .unwrap_or_default();
        prop_assert_eq!(&view.actions, &actions);
    }
}

/// The generator does plant personal data, so the masking properties above can fail.
#[test]
fn generated_text_often_carries_personal_data_to_mask() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = planted_text();
    let (mut planted, mut masked) = (0, 0);
    for _ in 0..300 {
        let (text, secrets) = strategy.new_tree(&mut runner).unwrap().current();
        planted += usize::from(!secrets.is_empty());
        masked += usize::from(public_text(&text) != text);
    }
    assert!(
        planted > 100 && masked > 100,
        "{planted} planted, {masked} masked"
    );
}
