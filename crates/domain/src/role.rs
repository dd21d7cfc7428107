//! Roles of accounts and the actor who takes an action.

use serde::{Deserialize, Serialize};

use crate::codes::{UnitCode, UserId};

/// What an account may do. The public (not signed in) has no account and no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A citizen who reports and follows their own reports.
    Citizen,
    /// Desk staff who enter reports on a citizen's behalf.
    Operator,
    /// The first receiver and CRM administrators: accept, forward, reject, merge, refer.
    Coordinator,
    /// Staff of a unit who follow reports up (petugas).
    Officer,
    /// Biro Pemerintahan: validates documented follow-ups.
    Validator,
    /// Platform operators: data, users, channels.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::Citizen,
        Self::Operator,
        Self::Coordinator,
        Self::Officer,
        Self::Validator,
        Self::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Operator => "operator",
            Self::Coordinator => "coordinator",
            Self::Officer => "officer",
            Self::Validator => "validator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == raw)
    }

    pub fn is_staff(self) -> bool {
        self != Self::Citizen
    }

    /// Roles that must belong to a unit. A coordinator without a unit is jurisdiction-wide.
    pub fn requires_unit(self) -> bool {
        matches!(self, Self::Officer | Self::Validator)
    }
}

/// Who is acting: an account with its role and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    pub unit: Option<UnitCode>,
}

impl Actor {
    pub fn belongs_to(&self, unit: &UnitCode) -> bool {
        self.unit.as_ref() == Some(unit)
    }
}
