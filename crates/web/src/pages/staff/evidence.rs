//! The follow-up's documentation beside the original report, for the validator: when and
//! where each photo says it was taken, against when and where the report was made.

use aduan_domain::evidence::EvidenceCheck;
use aduan_domain::report::{PhotoInfo, PhotoKind, Report, TimelineEntry};
use aduan_domain::{ActionKind, Actor, Jurisdiction, access};

use super::{StaffTexts, span};
use crate::pages::Lang;
use crate::pages::labels::local_time;
use crate::views::photo_url;

pub struct EvidencePhoto {
    pub url: String,
    /// "01-03-2026 14:30 · 5 jam 30 menit setelah laporan masuk"
    pub taken: Option<String>,
    /// "-6.176000, 106.827500 · 80 m dari titik laporan"
    pub place: Option<String>,
    /// What should make a validator look twice (or that nothing can be checked).
    pub warnings: Vec<&'static str>,
}

/// The photos taken before the work, or after it.
pub struct PhotoSet {
    pub title: &'static str,
    pub photos: Vec<EvidencePhoto>,
}

pub struct Evidence {
    pub report_at: String,
    pub report_place: String,
    pub report_point: Option<String>,
    pub report_photos: Vec<String>,
    pub report_locked: bool,
    pub followup_at: String,
    pub note: Option<String>,
    pub sets: [PhotoSet; 2],
}

/// The latest follow-up beside the report; None when none was documented.
pub fn beside(
    j: &Jurisdiction,
    report: &Report,
    photos: &[PhotoInfo],
    entries: &[TimelineEntry],
    viewer: &Actor,
    lang: Lang,
) -> Option<Evidence> {
    let followup = entries
        .iter()
        .rev()
        .find(|e| e.action == ActionKind::SubmitFollowup)?;
    let st = StaffTexts::of(lang);
    let ticket = report.ticket.to_string();
    let reported_at = report
        .created_at
        .with_timezone(&j.settings.time_zone)
        .naive_local();
    let documented = |kind: PhotoKind| -> Vec<EvidencePhoto> {
        photos
            .iter()
            .filter(|p| p.kind == kind && followup.attachments.contains(&p.id))
            .map(|p| {
                let check = EvidenceCheck::of(p.evidence, reported_at, report.location);
                photo(&ticket, p, &check, lang)
            })
            .collect()
    };
    let reporter_photos: Vec<&PhotoInfo> = photos
        .iter()
        .filter(|p| p.kind == PhotoKind::Report)
        .collect();
    let visible = access::may_see_photos_of_kind(report, PhotoKind::Report, Some(viewer));
    Some(Evidence {
        report_at: local_time(j, report.created_at),
        report_place: j
            .region(&report.region)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        report_point: report
            .location
            .map(|l| format!("{:.6}, {:.6}", l.lat, l.lon)),
        report_photos: if visible {
            reporter_photos
                .iter()
                .map(|p| photo_url(&ticket, p.id))
                .collect()
        } else {
            Vec::new()
        },
        report_locked: !visible && !reporter_photos.is_empty(),
        followup_at: local_time(j, followup.at),
        note: followup.note.clone(),
        sets: [
            PhotoSet {
                title: st.evidence_before,
                photos: documented(PhotoKind::Before),
            },
            PhotoSet {
                title: st.evidence_after,
                photos: documented(PhotoKind::Followup),
            },
        ],
    })
}

fn photo(ticket: &str, p: &PhotoInfo, check: &EvidenceCheck, lang: Lang) -> EvidencePhoto {
    let st = StaffTexts::of(lang);
    let taken = p.evidence.captured_at.map(|at| {
        let mut text = at.format("%d-%m-%Y %H:%M").to_string();
        if let Some(minutes) = check.minutes_after_report {
            let relation = if minutes < 0 {
                st.evidence_before_report
            } else {
                st.evidence_after_report
            };
            text.push_str(&format!(" · {} {relation}", span(lang, minutes)));
        }
        text
    });
    let place = p.evidence.location.map(|l| {
        let mut text = format!("{:.6}, {:.6}", l.lat, l.lon);
        if let Some(metres) = check.metres_from_report {
            text.push_str(&format!(
                " · {} m {}",
                metres.round(),
                st.evidence_from_report
            ));
        }
        text
    });
    let mut warnings = Vec::new();
    if check.taken_before_report() {
        warnings.push(st.evidence_old);
    }
    if check.far_away() {
        warnings.push(st.evidence_far);
    }
    if check.minutes_after_report.is_none() {
        warnings.push(st.evidence_no_time);
    }
    if check.metres_from_report.is_none() {
        warnings.push(st.evidence_no_place);
    }
    EvidencePhoto {
        url: photo_url(ticket, p.id),
        taken,
        place,
        warnings,
    }
}
