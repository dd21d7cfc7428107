//! Importing the history of a previous system: NDJSON lines checked and resolved against
//! the jurisdiction into reports ready to store, or the reasons each bad line is refused.
//!
//! Pure: the caller reads the file, locates points (when boundaries are loaded) and hashes
//! reporter keys; nothing here touches a store.

mod categories;
mod places;
mod record;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::category::Category;
use crate::channel::Channel;
use crate::codes::{CategoryCode, UnitCode};
use crate::jurisdiction::Jurisdiction;
use crate::location::Coordinates;
use crate::region::RegionCode;
use crate::state::ReportState;
use crate::ticket::Ticket;
use crate::workflow::Visibility;

use categories::Categories;
use places::Places;

/// The timeline note of an imported report's one entry.
pub const IMPORT_NOTE: &str = "Diimpor dari sistem sebelumnya";

/// A report from the previous system, checked and resolved, ready to store as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReport {
    /// The previous system's id, kept as the ticket.
    pub ticket: Ticket,
    /// The day and sequence when the id is a ticket this jurisdiction issues (same
    /// prefix), so the store never issues it again.
    pub issued: Option<(NaiveDate, u32)>,
    pub state: ReportState,
    pub category: CategoryCode,
    pub description: String,
    pub location: Option<Coordinates>,
    pub region: RegionCode,
    pub channel: Channel,
    pub first_receiver: UnitCode,
    pub holding_unit: UnitCode,
    pub visibility: Visibility,
    /// The reporter's key as the caller hashed it: the previous system's key never leaves
    /// the import unhashed.
    pub reporter_key: String,
    pub submitted_at: DateTime<Utc>,
    pub coordinated_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The jurisdiction-local day of `submitted_at`.
    pub local_day: NaiveDate,
}

impl ImportedReport {
    /// The last thing that happened to it.
    pub fn updated_at(&self) -> DateTime<Utc> {
        [self.coordinated_at, self.completed_at]
            .into_iter()
            .flatten()
            .fold(self.submitted_at, DateTime::max)
    }
}

/// Why one line (1-based) cannot be imported; a line may have several reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub reasons: Vec<String>,
}

/// A whole file, checked: the reports and the categories to create before them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub reports: Vec<ImportedReport>,
    /// Categories for names the catalog did not know, in the order first met.
    pub new_categories: Vec<Category>,
}

/// What the caller lends the check: the jurisdiction, where a point is (the kelurahan
/// containing it, when boundaries are loaded) and how a reporter key is hashed.
pub struct ImportContext<'a> {
    pub jurisdiction: &'a Jurisdiction,
    pub locate: &'a dyn Fn(Coordinates) -> Option<RegionCode>,
    pub reporter_key: &'a dyn Fn(&str) -> String,
}

/// Check every line of an NDJSON file (blank lines are skipped). Either every line is good
/// and the plan is returned, or every bad line is returned, by line number.
pub fn plan_import(text: &str, cx: &ImportContext<'_>) -> Result<ImportPlan, Vec<LineError>> {
    let places = Places::new(cx.jurisdiction);
    let mut categories = Categories::new(cx.jurisdiction);
    let mut seen: HashMap<Ticket, usize> = HashMap::new();
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let checked = record::parse(line).map_err(|e| vec![e]).and_then(|raw| {
            let mut line = Line {
                cx,
                places: &places,
                categories: &mut categories,
                reasons: Vec::new(),
            };
            line.check(raw).ok_or(line.reasons)
        });
        let report = match checked {
            Ok(report) => report,
            Err(reasons) => {
                errors.push(LineError {
                    line: number,
                    reasons,
                });
                continue;
            }
        };
        if let Some(first) = seen.get(&report.ticket) {
            errors.push(LineError {
                line: number,
                reasons: vec![format!("id {} already on line {first}", report.ticket)],
            });
            continue;
        }
        seen.insert(report.ticket.clone(), number);
        reports.push(report);
    }
    if errors.is_empty() {
        Ok(ImportPlan {
            reports,
            new_categories: categories.into_created(),
        })
    } else {
        Err(errors)
    }
}

/// The check of one record, gathering every reason it is refused.
struct Line<'a, 'c> {
    cx: &'a ImportContext<'c>,
    places: &'a Places<'c>,
    categories: &'a mut Categories,
    reasons: Vec<String>,
}

impl Line<'_, '_> {
    fn note<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|reason| self.reasons.push(reason)).ok()
    }

    fn instant(&mut self, field: &str, raw: &str) -> Option<DateTime<Utc>> {
        self.note(
            DateTime::parse_from_rfc3339(raw.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    format!("{field} {raw:?} is not an RFC 3339 time (2021-02-01T00:30:00+07:00)")
                }),
        )
    }

    fn later(
        &mut self,
        field: &str,
        raw: Option<&str>,
        submitted: Option<DateTime<Utc>>,
    ) -> Option<Option<DateTime<Utc>>> {
        let Some(raw) = raw else {
            return Some(None);
        };
        let at = self.instant(field, raw)?;
        if submitted.is_some_and(|s| at < s) {
            self.reasons.push(format!("{field} is before submitted_at"));
            return None;
        }
        Some(Some(at))
    }

    fn check(&mut self, raw: record::RawRecord) -> Option<ImportedReport> {
        let j = self.cx.jurisdiction;
        let ticket = self.note(Ticket::parse(&raw.id).map_err(|_| {
            format!(
                "id {:?} is not 1-40 characters of A-Z, 0-9, '-', '_', '.' \
                     starting with a letter or digit",
                raw.id.chars().take(60).collect::<String>()
            )
        }));
        let submitted_at = self.instant("submitted_at", &raw.submitted_at);
        let coordinated_at = self.later(
            "coordinated_at",
            raw.coordinated_at.as_deref(),
            submitted_at,
        );
        let completed_at = self.later("completed_at", raw.completed_at.as_deref(), submitted_at);
        let channel = self.note(
            Channel::parse(raw.channel.trim())
                .filter(|c| j.channel(*c).is_some())
                .ok_or_else(|| {
                    let codes: Vec<String> =
                        j.channels().iter().map(|c| c.code.to_string()).collect();
                    format!(
                        "channel {:?} is not one of {}",
                        raw.channel,
                        codes.join(", ")
                    )
                }),
        );
        let state = self.note(ReportState::parse(raw.status.trim()).ok_or_else(|| {
            format!(
                "status {:?} is not one of {}",
                raw.status,
                ReportState::ALL.map(ReportState::code).join(", ")
            )
        }));
        let visibility = match raw.visibility.as_deref().map(str::trim) {
            None => Some(Visibility::Private),
            Some(v) => self.note(
                Visibility::parse(v)
                    .ok_or_else(|| format!("visibility {v:?} is not private or public")),
            ),
        };
        let category = self.categories.resolve(&raw.category);
        let category = self.note(category);
        let region = self.note(self.places.resolve(
            &raw.kota,
            raw.kecamatan.as_deref(),
            raw.kelurahan.as_deref(),
        ));
        let location = match (raw.lat, raw.lon) {
            (None, None) => Some(None),
            (Some(lat), Some(lon)) => self
                .note(Coordinates::parse(lat, lon).map_err(|e| e.to_string()))
                .map(Some),
            _ => self.note(Err("lat and lon come together (both or neither)".into())),
        };
        let reporter = raw.reporter.trim();
        if reporter.is_empty() {
            self.reasons.push("reporter is empty".into());
        }
        let (ticket, submitted_at, coordinated_at, completed_at) =
            (ticket?, submitted_at?, coordinated_at?, completed_at?);
        let (channel, state, visibility, category, region, location) =
            (channel?, state?, visibility?, category?, region?, location?);
        if !self.reasons.is_empty() {
            return None;
        }
        // A point inside the named region places the report in its kelurahan.
        let region = location
            .and_then(|at| (self.cx.locate)(at))
            .filter(|found| found.is_within(&region))
            .unwrap_or(region);
        let receiver = self.note(
            j.first_receiver(&region)
                .map(|u| u.code.clone())
                .ok_or_else(|| format!("no office receives reports for region {region}")),
        )?;
        Some(ImportedReport {
            issued: ticket.issued_with(&j.settings.ticket_prefix),
            ticket,
            state,
            category,
            description: raw.description.unwrap_or_default(),
            location,
            region,
            channel,
            first_receiver: receiver.clone(),
            holding_unit: receiver,
            visibility,
            reporter_key: (self.cx.reporter_key)(reporter),
            local_day: j.local_date(submitted_at),
            submitted_at,
            coordinated_at,
            completed_at,
        })
    }
}

#[cfg(test)]
mod tests;
