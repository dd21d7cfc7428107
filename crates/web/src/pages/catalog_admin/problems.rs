//! What can be wrong with an admin's input to the catalog, by field, and the checks on
//! names and hours that units and categories share. Pure: no I/O, no language.

use aduan_domain::{JurisdictionData, RegionLevel};

/// A change the admin asked for: the jurisdiction's data with it, and what changed, for
/// the log.
#[derive(Debug)]
pub struct Edited {
    pub data: JurisdictionData,
    pub summary: String,
}

/// Longest name a unit or category may have (it shows in lists and selects).
pub const MAX_NAME: usize = 120;
/// Coordination within 30 days at most: a longer target is a typing mistake.
pub const MAX_COORDINATION_HOURS: u32 = 30 * 24;
/// Completion within a year at most; longer jobs get an estimated completion date (EWS).
pub const MAX_COMPLETION_HOURS: u32 = 365 * 24;
/// Codes the pages' addresses use for the "add" forms (`/admin/unit/baru`).
pub const RESERVED_CODES: [&str; 1] = ["baru"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong,
    BadCode,
    CodeTaken,
    CodeReserved,
    NameTaken,
    UnknownUnit,
    UnknownCategory,
    /// Territorial offices and the validation team are not responsible for a category.
    CannotBeResponsible,
    UnknownKind,
    /// Not an icon aduan draws.
    UnknownIcon,
    UnknownRegion,
    RegionNeeded,
    RegionLevel(RegionLevel),
    /// The region already has an office receiving its reports.
    RegionHasOffice,
    ParentNeeded,
    ParentKind,
    /// The Dinas already has a Suku Dinas in this kota.
    BranchExists,
    NoParent,
    NotWholeHours,
    NotPositive,
    TooManyHours(u32),
    CoordinationAfterCompletion,
}

/// The problems of one form, each beside its field (the first per field counts).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Problems(Vec<(&'static str, Problem)>);

impl Problems {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        if self.get(field).is_none() {
            self.0.push((field, problem));
        }
    }

    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, Problem)> {
        self.0.iter()
    }

    /// Record a field's check: its value when good, else the problem (and `None`).
    pub fn check<T>(&mut self, field: &'static str, checked: Result<T, Problem>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }
}

/// A name as given, trimmed: present, printable and not too long.
pub fn name(raw: &str) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    if trimmed.chars().count() > MAX_NAME {
        return Err(Problem::TooLong);
    }
    // Tabs and line breaks pasted into a one-line field become spaces.
    Ok(trimmed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect())
}

/// A number of whole hours from 1 to `max`.
pub fn hours(raw: &str, max: u32) -> Result<u32, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotWholeHours);
    }
    if trimmed.starts_with('-') || digits.bytes().all(|b| b == b'0') {
        return Err(Problem::NotPositive);
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(Problem::TooManyHours(max)),
    }
}

/// A new code may not be one the pages' addresses use.
pub fn not_reserved(code: &str) -> Result<(), Problem> {
    if RESERVED_CODES.contains(&code) {
        Err(Problem::CodeReserved)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_positive_whole_numbers_below_the_bound() {
        assert_eq!(hours("6", 720), Ok(6));
        assert_eq!(hours(" 168 ", 8760), Ok(168));
        assert_eq!(hours("720", 720), Ok(720));
        assert_eq!(hours("721", 720), Err(Problem::TooManyHours(720)));
        assert_eq!(
            hours("99999999999999", 720),
            Err(Problem::TooManyHours(720))
        );
        assert_eq!(hours("0", 720), Err(Problem::NotPositive));
        assert_eq!(hours("000", 720), Err(Problem::NotPositive));
        assert_eq!(hours("-3", 720), Err(Problem::NotPositive));
        for bad in ["1.5", "6 jam", "abc", "+6", "-", "1e3"] {
            assert_eq!(hours(bad, 720), Err(Problem::NotWholeHours), "{bad}");
        }
        assert_eq!(hours("  ", 720), Err(Problem::Required));
    }

    #[test]
    fn names_are_trimmed_present_and_bounded() {
        assert_eq!(name("  Jalan  "), Ok("Jalan".to_owned()));
        assert_eq!(name("Jalan\tRusak"), Ok("Jalan Rusak".to_owned()));
        assert_eq!(name(" \n "), Err(Problem::Required));
        assert_eq!(name(&"a".repeat(MAX_NAME)).map(|n| n.len()), Ok(MAX_NAME));
        assert_eq!(name(&"a".repeat(MAX_NAME + 1)), Err(Problem::TooLong));
    }

    #[test]
    fn the_first_problem_of_a_field_is_kept() {
        let mut problems = Problems::default();
        assert_eq!(problems.check("a", Ok::<_, Problem>(1)), Some(1));
        assert!(problems.is_empty());
        problems.add("name", Problem::Required);
        problems.add("name", Problem::TooLong);
        assert_eq!(problems.get("name"), Some(Problem::Required));
        assert_eq!(problems.get("code"), None);
        assert!(!problems.is_empty());
        assert_eq!(not_reserved("baru"), Err(Problem::CodeReserved));
        assert_eq!(not_reserved("dinas-baru"), Ok(()));
    }
}
