//! Report categories with the unit responsible and their time targets.

use serde::{Deserialize, Serialize};

use crate::codes::{CategoryCode, UnitCode};

/// Service-level targets, in hours from submission (SE Sekda 40/2019: 6 h and 7 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTargets {
    pub coordination_hours: u32,
    pub completion_hours: u32,
}

impl Default for SlaTargets {
    fn default() -> Self {
        Self {
            coordination_hours: 6,
            completion_hours: 7 * 24,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub code: CategoryCode,
    /// Indonesian name, as citizens see it.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The Dinas (or other unit) responsible for this kind of problem.
    pub responsible_unit: UnitCode,
    #[serde(default)]
    pub sla: SlaTargets,
    /// Words (Indonesian, lower case) that point free text to this category, for triage of
    /// messages that arrive without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The icon citizens pick the category by (one of [`crate::category_icon::ICONS`]); without
    /// one, it is guessed from the name and keywords.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
}
