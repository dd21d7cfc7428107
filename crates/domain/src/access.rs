//! Who may read what: the privacy rules of DESIGN.md as pure functions.
//!
//! Every report is private on arrival. Staff read the reports their work touches, never who
//! reported; the reporter's photos of a private report are locked even to staff.

use crate::report::{PhotoKind, Report};
use crate::role::{Actor, Role};
use crate::state::ReportState;
use crate::workflow::Visibility;

/// The label Jakarta's officer app shows on a private report.
pub const PRIVATE_REPORT_NOTICE_ID: &str = "Laporan bersifat privasi. Jangan berikan informasi \
    apa pun tentang pelapor atau laporan ini kepada pihak lain.";
pub const PRIVATE_REPORT_NOTICE_EN: &str = "This report is private. Do not share any information \
    about the reporter or this report with anyone.";

/// States a validator works in or looks back on.
pub const VALIDATOR_STATES: [ReportState; 3] = [
    ReportState::AwaitingValidation,
    ReportState::FollowupRejected,
    ReportState::Completed,
];

pub fn is_reporter(report: &Report, viewer: &Actor) -> bool {
    viewer.role == Role::Citizen && report.reporter == Some(viewer.user)
}

/// Whether `viewer` (None: the public) may read the report at all.
pub fn may_read(report: &Report, viewer: Option<&Actor>) -> bool {
    let public = report.visibility == Visibility::Public;
    let Some(viewer) = viewer else {
        return public;
    };
    public
        || match viewer.role {
            Role::Citizen => is_reporter(report, viewer),
            Role::Operator => report.entered_by == Some(viewer.user),
            Role::Officer => viewer.belongs_to(&report.holding_unit),
            Role::Coordinator => match &viewer.unit {
                None => true,
                Some(unit) => *unit == report.holding_unit || *unit == report.first_receiver,
            },
            Role::Validator => VALIDATOR_STATES.contains(&report.state),
            Role::Admin => true,
        }
}

/// Whether `viewer` handles the report as staff (and so sees staff-only detail).
pub fn handles_as_staff(report: &Report, viewer: Option<&Actor>) -> bool {
    match viewer {
        Some(v) if v.role.is_staff() => may_read(
            &Report {
                visibility: Visibility::Private,
                ..report.clone()
            },
            Some(v),
        ),
        _ => false,
    }
}

/// Whether `viewer` may see a photo of this kind on this report.
pub fn may_see_photo(report: &Report, kind: PhotoKind, viewer: Option<&Actor>) -> bool {
    let reporter = viewer.is_some_and(|v| is_reporter(report, v));
    let public = report.visibility == Visibility::Public;
    match kind {
        // The reporter's own photos: locked unless the reporter made the report public.
        PhotoKind::Report => reporter || public,
        // Documentation of the follow-up: staff who handle it, the reporter, the public of a
        // public report.
        PhotoKind::Before | PhotoKind::Followup => {
            reporter || public || handles_as_staff(report, viewer)
        }
    }
}
