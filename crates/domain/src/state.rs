//! The states of a report in the CRM 2.0 lifecycle, with their codes and Indonesian labels.

use serde::{Deserialize, Serialize};

/// Where a report stands. Codes are English snake_case; labels are what people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Waiting,
    Coordination,
    Disposition,
    InProgress,
    Scheduled,
    AwaitingValidation,
    FollowupRejected,
    Completed,
    Rejected,
    Duplicate,
    Referred,
}

impl ReportState {
    /// Whether a report in this state may be the original that another is merged into: not
    /// one that is itself merged or was rejected.
    pub fn may_be_original(self) -> bool {
        !matches!(self, Self::Duplicate | Self::Rejected)
    }

    pub const ALL: [ReportState; 11] = [
        Self::Waiting,
        Self::Coordination,
        Self::Disposition,
        Self::InProgress,
        Self::Scheduled,
        Self::AwaitingValidation,
        Self::FollowupRejected,
        Self::Completed,
        Self::Rejected,
        Self::Duplicate,
        Self::Referred,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Coordination => "coordination",
            Self::Disposition => "disposition",
            Self::InProgress => "in_progress",
            Self::Scheduled => "scheduled",
            Self::AwaitingValidation => "awaiting_validation",
            Self::FollowupRejected => "followup_rejected",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
            Self::Duplicate => "duplicate",
            Self::Referred => "referred",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }

    /// The Indonesian label Jakarta's CRM shows.
    pub fn label_id(self) -> &'static str {
        match self {
            Self::Waiting => "Menunggu",
            Self::Coordination => "Koordinasi",
            Self::Disposition => "Disposisi",
            Self::InProgress => "Proses",
            Self::Scheduled => "Estimasi Waktu Selesai",
            Self::AwaitingValidation => "Menunggu Validasi",
            Self::FollowupRejected => "TL Ditolak",
            Self::Completed => "Selesai",
            Self::Rejected => "Ditolak",
            Self::Duplicate => "Duplikat",
            Self::Referred => "Bukan Wewenang",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Waiting => "Waiting",
            Self::Coordination => "Coordination",
            Self::Disposition => "Disposition",
            Self::InProgress => "In progress",
            Self::Scheduled => "Scheduled (estimated completion)",
            Self::AwaitingValidation => "Awaiting validation",
            Self::FollowupRejected => "Follow-up rejected",
            Self::Completed => "Completed",
            Self::Rejected => "Rejected",
            Self::Duplicate => "Duplicate",
            Self::Referred => "Referred (outside authority)",
        }
    }

    /// No action changes a report in a terminal state (visibility aside).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Rejected | Self::Duplicate | Self::Referred
        )
    }

    /// Whether the responsible unit has taken the report: the mark of coordination time.
    pub fn counts_as_coordinated(self) -> bool {
        matches!(self, Self::InProgress | Self::Scheduled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_merged_or_rejected_report_cannot_be_an_original() {
        for state in ReportState::ALL {
            let expected = !matches!(state, ReportState::Duplicate | ReportState::Rejected);
            assert_eq!(state.may_be_original(), expected, "{state:?}");
        }
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        assert_eq!(ReportState::parse("done"), None);
    }
}
