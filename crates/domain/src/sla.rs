//! The service-level clock of a report: which deadline matters now and how much time is left.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::category::SlaTargets;
use crate::state::ReportState;

/// Which target the clock is running against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaKind {
    /// The responsible unit must take the report up (coordination target).
    Coordination,
    /// The work must be done (completion target).
    Completion,
}

/// The deadline that matters now for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    pub kind: SlaKind,
    pub due: DateTime<Utc>,
    /// Time left until `due`; negative once the deadline has passed.
    pub remaining: Duration,
}

impl SlaClock {
    /// Whether the deadline has passed. Exactly at the deadline is not yet overdue.
    pub fn overdue(&self) -> bool {
        self.remaining < Duration::zero()
    }

    /// The clock of a report, or `None` when it is closed (a terminal state). A report its
    /// reporter reopened after completion runs on the completion clock again.
    ///
    /// Before coordination the coordination deadline counts (created + coordination hours);
    /// after it, the completion deadline (created + completion hours).
    pub fn for_report(
        state: ReportState,
        created_at: DateTime<Utc>,
        coordinated_at: Option<DateTime<Utc>>,
        sla: SlaTargets,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        if state.is_terminal() {
            return None;
        }
        let coordinated = coordinated_at.is_some() || state.counts_as_coordinated();
        let (kind, hours) = if coordinated {
            (SlaKind::Completion, sla.completion_hours)
        } else {
            (SlaKind::Coordination, sla.coordination_hours)
        };
        let due = created_at + Duration::hours(i64::from(hours));
        Some(Self {
            kind,
            due,
            remaining: due - now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    const SLA: SlaTargets = SlaTargets {
        coordination_hours: 6,
        completion_hours: 48,
    };

    #[test]
    fn before_coordination_counts_the_coordination_target() {
        let c = SlaClock::for_report(ReportState::Waiting, t(1, 0), None, SLA, t(3, 40));
        let c = c.unwrap();
        assert_eq!(c.kind, SlaKind::Coordination);
        assert_eq!(c.due, t(7, 0));
        assert_eq!(c.remaining, Duration::minutes(3 * 60 + 20));
        assert!(!c.overdue());
    }

    #[test]
    fn exactly_at_the_deadline_is_not_overdue_one_second_later_is() {
        let at = SlaClock::for_report(ReportState::Coordination, t(1, 0), None, SLA, t(7, 0));
        let at = at.unwrap();
        assert_eq!(at.remaining, Duration::zero());
        assert!(!at.overdue());
        let later = SlaClock::for_report(
            ReportState::Coordination,
            t(1, 0),
            None,
            SLA,
            t(7, 0) + Duration::seconds(1),
        )
        .unwrap();
        assert!(later.overdue());
        assert_eq!(later.remaining, Duration::seconds(-1));
    }

    #[test]
    fn overdue_coordination_has_negative_remaining() {
        let c =
            SlaClock::for_report(ReportState::Disposition, t(1, 0), None, SLA, t(9, 0)).unwrap();
        assert!(c.overdue());
        assert_eq!(c.remaining, Duration::hours(-2));
    }

    #[test]
    fn coordinated_late_switches_to_the_completion_target() {
        // Taken up at 10:00, four hours after the coordination deadline: the completion
        // deadline still counts from submission.
        let c = SlaClock::for_report(
            ReportState::InProgress,
            t(1, 0),
            Some(t(10, 0)),
            SLA,
            t(11, 0),
        )
        .unwrap();
        assert_eq!(c.kind, SlaKind::Completion);
        assert_eq!(c.due, t(1, 0) + Duration::hours(48));
        assert!(!c.overdue());
    }

    #[test]
    fn after_coordination_states_without_timestamp_use_completion() {
        let c = SlaClock::for_report(ReportState::Scheduled, t(1, 0), None, SLA, t(2, 0)).unwrap();
        assert_eq!(c.kind, SlaKind::Completion);
        let c = SlaClock::for_report(
            ReportState::AwaitingValidation,
            t(1, 0),
            Some(t(2, 0)),
            SLA,
            t(1, 0) + Duration::hours(50),
        )
        .unwrap();
        assert_eq!(c.kind, SlaKind::Completion);
        assert!(c.overdue());
    }

    #[test]
    fn terminal_states_have_no_clock() {
        for state in [
            ReportState::Completed,
            ReportState::Rejected,
            ReportState::Duplicate,
            ReportState::Referred,
        ] {
            assert_eq!(
                SlaClock::for_report(state, t(1, 0), Some(t(2, 0)), SLA, t(3, 0)),
                None
            );
        }
        // Reopened by its reporter after completion: the completion clock runs again.
        let reopened = SlaClock::for_report(
            ReportState::AwaitingValidation,
            t(1, 0),
            Some(t(2, 0)),
            SLA,
            t(4, 0),
        )
        .unwrap();
        assert_eq!(reopened.kind, SlaKind::Completion);
    }
}
