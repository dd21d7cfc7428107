//! What codes read as on a page: state colors and labels, roles, actions, names and times in
//! the reader's language.

use chrono::{DateTime, Utc};

use aduan_domain::report::PhotoKind;
use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{
    ActionKind, CategoryCode, Jurisdiction, RegionCode, ReportState, Role, UnitCode,
};

use super::{Lang, Texts};

/// Jakarta's officer app colors: waiting red, in hand yellow, done green, the rest grey.
pub fn state_color(state: ReportState) -> &'static str {
    use ReportState::*;
    match state {
        Waiting => "red",
        Coordination | Disposition | InProgress | Scheduled | AwaitingValidation
        | FollowupRejected => "yellow",
        Completed => "green",
        Rejected | Duplicate | Referred => "grey",
    }
}

/// A state as a page shows it: its label and pill color.
pub struct Pill {
    pub label: String,
    pub color: &'static str,
}

pub fn pill(state: ReportState, lang: Lang) -> Pill {
    Pill {
        label: match lang {
            Lang::Id => state.label_id(),
            Lang::En => state.label_en(),
        }
        .to_owned(),
        color: state_color(state),
    }
}

/// Who acted, by role: the history names roles and units, never people.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Citizen, Lang::Id) => "Pelapor",
        (Role::Citizen, Lang::En) => "Reporter",
        (Role::Operator, Lang::Id) => "Operator layanan tatap muka",
        (Role::Operator, Lang::En) => "Desk operator",
        (Role::Coordinator, Lang::Id) => "Koordinator",
        (Role::Coordinator, Lang::En) => "Coordinator",
        (Role::Officer, Lang::Id) => "Petugas",
        (Role::Officer, Lang::En) => "Officer",
        (Role::Validator, Lang::Id) => "Validator",
        (Role::Validator, Lang::En) => "Validator",
        (Role::Admin, Lang::Id) => "Admin",
        (Role::Admin, Lang::En) => "Admin",
    }
}

/// What happened, as one line of the history.
pub fn action_label(kind: ActionKind, lang: Lang) -> String {
    use ActionKind::*;
    let (id, en) = match kind {
        Submit => ("Laporan dikirim", "Report submitted"),
        Accept => ("Diterima untuk ditindaklanjuti", "Accepted for follow-up"),
        Forward => ("Diteruskan", "Forwarded"),
        Dispose => ("Didisposisikan", "Disposed"),
        Schedule => ("Estimasi waktu selesai ditetapkan", "Completion estimated"),
        SubmitFollowup => ("Tindak lanjut dilaporkan", "Follow-up documented"),
        Validate => ("Tindak lanjut divalidasi", "Follow-up validated"),
        RejectFollowup => ("Tindak lanjut ditolak", "Follow-up rejected"),
        Reject => ("Laporan ditolak", "Report rejected"),
        MarkDuplicate => ("Digabung sebagai duplikat", "Merged as a duplicate"),
        Refer => ("Dirujuk ke pihak lain", "Referred elsewhere"),
        MakePublic => (
            "Dijadikan publik oleh pelapor",
            "Made public by the reporter",
        ),
        MakePrivate => (
            "Dijadikan privat oleh pelapor",
            "Made private by the reporter",
        ),
        ReviewSatisfied => (
            "Pelapor puas dengan hasilnya",
            "The reporter is satisfied with the result",
        ),
        ReviewUnsatisfied => (
            "Pelapor tidak puas; dibuka kembali untuk validasi",
            "The reporter is not satisfied; reopened for validation",
        ),
    };
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
    .to_owned()
}

/// A step as a button says it: what pressing it does.
pub fn action_verb(kind: ActionKind, lang: Lang) -> &'static str {
    use ActionKind::*;
    let (id, en) = match kind {
        Submit => ("Kirim laporan", "Submit the report"),
        Accept => ("Terima laporan", "Accept the report"),
        Forward => ("Teruskan ke unit lain", "Forward to another unit"),
        Dispose => (
            "Disposisikan ke kantor di bawah unit",
            "Dispose to an office below",
        ),
        Schedule => (
            "Tetapkan perkiraan selesai (EWS)",
            "Set the estimated completion (EWS)",
        ),
        SubmitFollowup => (
            "Kirim dokumentasi tindak lanjut",
            "Send the follow-up documentation",
        ),
        Validate => ("Validasi: selesai", "Validate: completed"),
        RejectFollowup => ("Tolak tindak lanjut", "Send the follow-up back"),
        Reject => ("Tolak laporan", "Reject the report"),
        MarkDuplicate => ("Gabungkan sebagai duplikat", "Merge as a duplicate"),
        Refer => ("Rujuk ke pihak lain", "Refer elsewhere"),
        MakePublic => ("Jadikan publik", "Make public"),
        MakePrivate => ("Jadikan privat", "Make private"),
        ReviewSatisfied => ("Saya puas", "I am satisfied"),
        ReviewUnsatisfied => ("Saya tidak puas", "I am not satisfied"),
    };
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// A category's name in the reader's language.
pub fn category_name(j: &Jurisdiction, code: &CategoryCode, lang: Lang) -> String {
    j.category(code)
        .map(|c| match lang {
            Lang::Id => c.name.clone(),
            Lang::En => c.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// A unit's name (its code, should the catalog no longer hold it).
pub fn unit_name(j: &Jurisdiction, code: &UnitCode) -> String {
    j.unit(code)
        .map_or_else(|| code.to_string(), |u| u.name.clone())
}

/// A region's name (its code, should the catalog no longer hold it).
pub fn region_name(j: &Jurisdiction, code: &RegionCode) -> String {
    j.region(code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// An instant in the jurisdiction's time zone, as day-month-year hour:minute.
pub fn local_time(j: &Jurisdiction, at: DateTime<Utc>) -> String {
    at.with_timezone(&j.settings.time_zone)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// A photo as a page shows it: where it is and what it shows.
pub struct LabelledPhoto {
    pub url: String,
    pub label: &'static str,
}

/// What a photo shows, as its label says: the reporter's photo, the scene before the work,
/// the work done.
pub fn photo_label(t: &Texts, kind: PhotoKind) -> &'static str {
    match kind {
        PhotoKind::Report => t.photo_report,
        PhotoKind::Before => t.photo_before,
        PhotoKind::Followup => t.photo_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_color_and_both_labels() {
        assert_eq!(state_color(ReportState::Waiting), "red");
        assert_eq!(state_color(ReportState::InProgress), "yellow");
        assert_eq!(state_color(ReportState::Completed), "green");
        assert_eq!(state_color(ReportState::Referred), "grey");
        for state in ReportState::ALL {
            assert_eq!(pill(state, Lang::Id).label, state.label_id());
            assert_eq!(pill(state, Lang::En).label, state.label_en());
        }
        for role in Role::ALL {
            assert!(!role_label(role, Lang::Id).is_empty());
        }
        for kind in ActionKind::ON_REPORT {
            assert_ne!(action_label(kind, Lang::En), kind.code());
        }
    }
}
