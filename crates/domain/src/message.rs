//! Messages between the reporter and the staff handling a report, relayed by the system so
//! that nobody hands over a contact: staff write as a role and a unit, the reporter writes
//! as "pelapor" (the reporter), and neither side ever learns who the other is.

use chrono::{DateTime, Utc};

use crate::access::{handles_as_staff, is_reporter, may_read};
use crate::codes::{ReportId, UnitCode, UserId};
use crate::report::Report;
use crate::role::{Actor, Role};

/// Fewest and most characters of a message, after trimming.
pub const MIN_BODY: usize = 1;
pub const MAX_BODY: usize = 2000;

/// The label staff read on the reporter's messages: the reporter has no other name here.
pub const REPORTER_LABEL_ID: &str = "Pelapor";
pub const REPORTER_LABEL_EN: &str = "Reporter";

/// Why a message's text is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a message must be {MIN_BODY} to {MAX_BODY} characters")]
pub struct BodyError;

/// A message's text: trimmed, 1-2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, BodyError> {
        let text = raw.trim();
        if (MIN_BODY..=MAX_BODY).contains(&text.chars().count()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(BodyError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Which side of the conversation someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The citizen whose report it is.
    Reporter,
    /// Staff who handle the report.
    Staff,
}

/// What someone may do with a report's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAccess {
    /// Reads and writes, on this side.
    Party(Side),
    /// Staff who may read the report but do not handle it (an admin, a desk operator, a
    /// validator before the follow-up reaches them, any staff reading a public report):
    /// they know the report exists, but its conversation is not theirs.
    Bystander,
    /// Nothing: the report is out of reach, or read as the public (the public, other
    /// citizens). The conversation is between the reporter and the city.
    None,
}

/// Staff roles that work a report, and so may talk with its reporter. Desk operators enter
/// reports and admins run the platform; neither follows a report up.
fn converses(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::Officer | Role::Validator)
}

/// What `viewer` (None: the public) may do with the messages of `report`.
pub fn thread_access(report: &Report, viewer: Option<&Actor>) -> ThreadAccess {
    let Some(viewer) = viewer else {
        return ThreadAccess::None;
    };
    if is_reporter(report, viewer) {
        return ThreadAccess::Party(Side::Reporter);
    }
    if converses(viewer.role) && handles_as_staff(report, Some(viewer)) {
        return ThreadAccess::Party(Side::Staff);
    }
    if viewer.role.is_staff() && may_read(report, Some(viewer)) {
        return ThreadAccess::Bystander;
    }
    ThreadAccess::None
}

/// A message to append to a report's conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub report: ReportId,
    pub at: DateTime<Utc>,
    /// Kept to tell writers their own messages; never shown to the other side.
    pub author: UserId,
    pub author_role: Role,
    /// The author's unit when they wrote (staff); `None` for the reporter.
    pub author_unit: Option<UnitCode>,
    pub body: MessageBody,
}

impl NewMessage {
    /// A message from `author`, who must be a party to the report's conversation.
    pub fn compose(
        report: &Report,
        author: &Actor,
        body: MessageBody,
        at: DateTime<Utc>,
    ) -> Option<Self> {
        let side = match thread_access(report, Some(author)) {
            ThreadAccess::Party(side) => side,
            ThreadAccess::Bystander | ThreadAccess::None => return None,
        };
        Some(Self {
            report: report.id,
            at,
            author: author.user,
            author_role: author.role,
            author_unit: match side {
                Side::Reporter => None,
                Side::Staff => author.unit.clone(),
            },
            body,
        })
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub report: ReportId,
    pub at: DateTime<Utc>,
    pub author: UserId,
    pub author_role: Role,
    pub author_unit: Option<UnitCode>,
    pub body: String,
}

impl Message {
    /// Which side wrote it: only the reporter writes as a citizen.
    pub fn side(&self) -> Side {
        if self.author_role == Role::Citizen {
            Side::Reporter
        } else {
            Side::Staff
        }
    }

    /// Whether `viewer` wrote it.
    pub fn is_by(&self, viewer: &Actor) -> bool {
        self.author == viewer.user
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::access::VALIDATOR_STATES;
    use crate::fixtures::{actor, report, unit};
    use crate::state::ReportState;
    use crate::workflow::Visibility;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(MessageBody::parse("  halo \n").unwrap().as_str(), "halo");
        assert_eq!(MessageBody::parse("x").unwrap().as_str(), "x");
        let longest = "é".repeat(MAX_BODY);
        assert_eq!(
            MessageBody::parse(&format!(" {longest} "))
                .unwrap()
                .as_str(),
            longest
        );
        for bad in [String::new(), " \n\t ".into(), "a".repeat(MAX_BODY + 1)] {
            assert_eq!(MessageBody::parse(&bad), Err(BodyError), "{bad:?}");
        }
    }

    #[test]
    fn the_reporter_and_handling_staff_are_the_parties() {
        for visibility in [Visibility::Private, Visibility::Public] {
            let r = report(ReportState::InProgress, visibility);
            let access = |a: Actor| thread_access(&r, Some(&a));
            assert_eq!(
                access(actor(1, Role::Citizen, None)),
                ThreadAccess::Party(Side::Reporter)
            );
            assert_eq!(
                access(actor(3, Role::Officer, Some("sudin-bina-marga-31.74"))),
                ThreadAccess::Party(Side::Staff)
            );
            assert_eq!(
                access(actor(4, Role::Coordinator, Some("kecamatan-31.74.01"))),
                ThreadAccess::Party(Side::Staff),
                "the first receiver still follows its report"
            );
            assert_eq!(
                access(actor(5, Role::Coordinator, None)),
                ThreadAccess::Party(Side::Staff)
            );
        }
    }

    #[test]
    fn nobody_else_is_a_party() {
        let private = report(ReportState::InProgress, Visibility::Private);
        let public = report(ReportState::InProgress, Visibility::Public);
        let other_officer = actor(3, Role::Officer, Some("dinas-lh"));
        let operator = actor(2, Role::Operator, None);
        let admin = actor(6, Role::Admin, None);
        let validator = actor(8, Role::Validator, Some("biro-pemerintahan"));
        let other_citizen = actor(9, Role::Citizen, None);

        assert_eq!(thread_access(&private, None), ThreadAccess::None);
        assert_eq!(thread_access(&public, None), ThreadAccess::None);
        for r in [&private, &public] {
            assert_eq!(
                thread_access(r, Some(&other_citizen)),
                ThreadAccess::None,
                "another citizen, even of a public report"
            );
            // The operator entered it, the admin runs the platform: they read, not talk.
            assert_eq!(thread_access(r, Some(&operator)), ThreadAccess::Bystander);
            assert_eq!(thread_access(r, Some(&admin)), ThreadAccess::Bystander);
        }
        assert_eq!(
            thread_access(&private, Some(&other_officer)),
            ThreadAccess::None
        );
        assert_eq!(
            thread_access(&public, Some(&other_officer)),
            ThreadAccess::Bystander
        );
        assert_eq!(
            thread_access(&private, Some(&validator)),
            ThreadAccess::None
        );
        assert_eq!(
            thread_access(&public, Some(&validator)),
            ThreadAccess::Bystander
        );
    }

    #[test]
    fn validators_talk_while_the_report_is_theirs() {
        let validator = actor(8, Role::Validator, Some("biro-pemerintahan"));
        for state in ReportState::ALL {
            let r = report(state, Visibility::Private);
            let want = if VALIDATOR_STATES.contains(&state) {
                ThreadAccess::Party(Side::Staff)
            } else {
                ThreadAccess::None
            };
            assert_eq!(thread_access(&r, Some(&validator)), want, "{state:?}");
        }
    }

    #[test]
    fn composing_records_role_and_unit_for_staff_only() {
        let r = report(ReportState::InProgress, Visibility::Private);
        let at = DateTime::from_timestamp(1_700_000_100, 0).unwrap();
        let body = MessageBody::parse("Mohon kirim foto terbaru").unwrap();
        let officer = actor(3, Role::Officer, Some("sudin-bina-marga-31.74"));
        let m = NewMessage::compose(&r, &officer, body.clone(), at).unwrap();
        assert_eq!(
            (m.author, m.author_role, m.author_unit),
            (
                UserId(3),
                Role::Officer,
                Some(unit("sudin-bina-marga-31.74"))
            )
        );
        let reporter = actor(1, Role::Citizen, None);
        let m = NewMessage::compose(&r, &reporter, body.clone(), at).unwrap();
        assert_eq!((m.author_role, m.author_unit), (Role::Citizen, None));
        let admin = actor(6, Role::Admin, None);
        assert_eq!(NewMessage::compose(&r, &admin, body, at), None);
    }

    #[test]
    fn a_message_knows_its_side() {
        let m = Message {
            id: 1,
            report: ReportId(7),
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            author: UserId(1),
            author_role: Role::Citizen,
            author_unit: None,
            body: "halo".into(),
        };
        assert_eq!(m.side(), Side::Reporter);
        assert!(m.is_by(&actor(1, Role::Citizen, None)));
        let staff = Message {
            author_role: Role::Validator,
            ..m
        };
        assert_eq!(staff.side(), Side::Staff);
    }
}
