//! Statistics of reports submitted in a period: the period and filter asked for, the raw
//! counts a store computes, and the figures published from them (rounding and ordering).
//!
//! A period is a range of calendar days in the jurisdiction's time zone, `to` exclusive;
//! every figure counts reports *submitted* in it (restricted to some categories if asked).

pub mod choropleth;
mod figures;
mod number;

use chrono::{Datelike, Months, NaiveDate};

use crate::codes::CategoryCode;
use crate::jurisdiction::Jurisdiction;

pub use figures::{
    CategoryFigure, ChannelFigure, Figures, KotaFigure, MonthFigure, StatsCounts, percent_tenths,
};
pub use number::{format_count, format_decimal, format_percent};

/// Why a statistics request was refused, naming the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("{field}: '{value}' is not a date (expected YYYY-MM-DD)")]
    BadDate { field: &'static str, value: String },
    #[error("'to' ({to}) must be after 'from' ({from})")]
    EmptyPeriod { from: NaiveDate, to: NaiveDate },
    #[error("the period from {from} to {to} is longer than {MAX_YEARS} years")]
    TooLong { from: NaiveDate, to: NaiveDate },
    #[error("unknown category '{0}'")]
    UnknownCategory(String),
}

/// The longest period asked for: figures are counted month by month, and the API is public.
pub const MAX_YEARS: u32 = 100;

impl StatsError {
    /// What is wrong, without the parameter's name (for a message beside the field).
    pub fn problem(&self) -> String {
        match self {
            Self::BadDate { value, .. } => format!("'{value}' is not a date (expected YYYY-MM-DD)"),
            other => other.to_string(),
        }
    }

    /// The request parameter the error is about: `from`, `to` or `category`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BadDate { field, .. } => field,
            Self::EmptyPeriod { .. } | Self::TooLong { .. } => "to",
            Self::UnknownCategory(_) => "category",
        }
    }
}

/// Calendar days `[from, to)` in the jurisdiction's time zone; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, StatsError> {
        let longest = from.checked_add_months(Months::new(12 * MAX_YEARS));
        if to <= from {
            Err(StatsError::EmptyPeriod { from, to })
        } else if longest.is_some_and(|last| to > last) {
            Err(StatsError::TooLong { from, to })
        } else {
            Ok(Self { from, to })
        }
    }

    /// Parse `YYYY-MM-DD` days; the error names the first bad one.
    pub fn parse(from: &str, to: &str) -> Result<Self, StatsError> {
        Self::new(parse_day("from", from)?, parse_day("to", to)?)
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The first day of every calendar month the period touches, in order.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut month = first_of_month(self.from);
        while month < self.to {
            out.push(month);
            match month.checked_add_months(Months::new(1)) {
                Some(next) => month = next,
                None => break,
            }
        }
        out
    }

    /// How precomputed counts cover the period: whole calendar months where it spans them,
    /// single days at its ragged ends. Reading a year costs twelve month rows per kind of
    /// count, however many reports the store holds.
    pub fn cover(&self) -> Cover {
        let first_full = if self.from.day() == 1 {
            Some(self.from)
        } else {
            first_of_month(self.from).checked_add_months(Months::new(1))
        };
        let end_full = first_of_month(self.to);
        match first_full {
            Some(start) if start < end_full => Cover {
                months: Some((start, end_full)),
                days: [(self.from, start), (end_full, self.to)]
                    .into_iter()
                    .filter(|(a, b)| a < b)
                    .collect(),
            },
            _ => Cover {
                months: None,
                days: vec![(self.from, self.to)],
            },
        }
    }
}

/// A period as whole months `[first, end)` (each the first day of its month) and runs of
/// single days `[from, to)`, together covering it exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub months: Option<(NaiveDate, NaiveDate)>,
    pub days: Vec<(NaiveDate, NaiveDate)>,
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// What a store is asked for: reports submitted on the local days of `period` (the day a
/// report was filed in the jurisdiction's time zone, as its ticket says), only of
/// `categories` when that is not empty, counted per calendar month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    pub period: Period,
    pub categories: Vec<CategoryCode>,
}

impl StatsQuery {
    pub fn new(period: Period, categories: Vec<CategoryCode>) -> Self {
        Self { period, categories }
    }
}

/// `YYYY-MM-DD`, nothing else; `field` names the parameter in the error.
pub fn parse_day(field: &'static str, raw: &str) -> Result<NaiveDate, StatsError> {
    let well_formed = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|_| well_formed)
        .ok_or_else(|| StatsError::BadDate {
            field,
            value: raw.chars().take(40).collect(),
        })
}

/// A category given by its code or its Indonesian name (any case).
pub fn resolve_category(
    jurisdiction: &Jurisdiction,
    raw: &str,
) -> Result<CategoryCode, StatsError> {
    let wanted = raw.trim().to_lowercase();
    jurisdiction
        .categories()
        .find(|c| c.code.as_str() == raw.trim() || c.name.to_lowercase() == wanted)
        .map(|c| c.code.clone())
        .ok_or_else(|| StatsError::UnknownCategory(raw.chars().take(80).collect()))
}

#[cfg(test)]
mod tests;
