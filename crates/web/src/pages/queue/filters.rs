//! The queue's filters and sort as read from the query: kelurahan and category (only codes
//! the catalog knows), the order, and the reader's position for distances (validated: a
//! position that cannot be read is said next to its field and lists nothing). Kept across
//! pages by [`Filters::params`].

use aduan_domain::{CategoryCode, Coordinates, Jurisdiction, RegionCode};
use aduan_store::ReportQuery;

use super::QueueQuery;
use super::order::{self, Sort};
use super::texts::QueueTexts;
use crate::pages::choices::{Choice, Group, categories, places};

pub struct SortOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct Filters {
    pub sort: Sort,
    pub kelurahan: Option<RegionCode>,
    pub category: Option<CategoryCode>,
    pub from: Option<Coordinates>,
    /// What was typed in the position field, as shown back.
    pub from_typed: String,
    pub from_error: Option<&'static str>,
    /// Sorting by distance was asked without a position: said, and the default order kept.
    pub from_missing: Option<&'static str>,
    /// What the places are: kelurahan where the catalog has them, else the finest level.
    pub place_label: &'static str,
    pub places: Vec<Group>,
    /// The sort chosen differs from the view's default.
    sorted_otherwise: bool,
    pub categories: Vec<Choice>,
}

impl Filters {
    /// The filters `q` asks for; `in_view`: a work view, sorted by the SLA by default.
    pub fn read(j: &Jurisdiction, q: &QueueQuery, qt: &'static QueueTexts, in_view: bool) -> Self {
        let default = if in_view { Sort::Sla } else { Sort::Newest };
        let mut sort = q.urut.as_deref().and_then(Sort::parse).unwrap_or(default);
        let kelurahan = q
            .kelurahan
            .as_deref()
            .and_then(|raw| RegionCode::parse(raw.trim()).ok())
            .filter(|code| j.region(code).is_some());
        let category = q
            .kategori
            .as_deref()
            .and_then(|raw| CategoryCode::parse(raw.trim()).ok())
            .filter(|code| j.category(code).is_some());
        let typed = q.dari.as_deref().map(str::trim).unwrap_or_default();
        let (from, from_error) = if typed.is_empty() {
            (None, None)
        } else {
            match order::parse_from(typed) {
                Ok(at) => (Some(at), None),
                Err(()) => (None, Some(qt.from_invalid)),
            }
        };
        let mut from_missing = None;
        if sort == Sort::Nearest && from.is_none() && from_error.is_none() {
            from_missing = Some(qt.nearest_needs_from);
            sort = default;
        }
        let from_typed = match from {
            Some(at) => order::from_text(at),
            // Shown back as typed, bounded.
            None => typed.chars().take(64).collect(),
        };
        let t = q.lang.texts();
        let selected_place = kelurahan
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default();
        let selected_category = category.as_ref().map(|c| c.to_string()).unwrap_or_default();
        let (place_label, places) = places(j, t, &selected_place);
        Self {
            sorted_otherwise: sort != default,
            sort,
            place_label,
            places,
            categories: categories(j, q.lang, &selected_category),
            kelurahan,
            category,
            from,
            from_typed,
            from_error,
            from_missing,
        }
    }

    /// Whether anything is chosen or refused here (the form is shown unfolded then).
    pub fn in_use(&self) -> bool {
        self.sorted_otherwise
            || self.kelurahan.is_some()
            || self.category.is_some()
            || !self.from_typed.is_empty()
            || self.from_missing.is_some()
    }

    /// The label of the sort in use.
    pub fn sort_label(&self, qt: &QueueTexts) -> &'static str {
        self.sort_options(qt)
            .into_iter()
            .find(|s| s.selected)
            .map_or("", |s| s.label)
    }

    /// Narrow and order `query` as chosen.
    pub fn narrow(&self, query: &mut ReportQuery) {
        query.region = self.kelurahan.clone();
        query.category = self.category.clone();
        if let Some(order) = self.sort.order(self.from) {
            query.order = order;
        }
    }

    /// The filters as query parameters (`&name=value`…), for the next page's link.
    pub fn params(&self) -> String {
        let mut out = format!("&urut={}", self.sort.code());
        if let Some(k) = &self.kelurahan {
            out.push_str(&format!("&kelurahan={k}"));
        }
        if let Some(c) = &self.category {
            out.push_str(&format!("&kategori={c}"));
        }
        if let Some(at) = self.from {
            out.push_str(&format!("&dari={}", order::from_text(at)));
        }
        out
    }

    pub fn sort_options(&self, qt: &QueueTexts) -> Vec<SortOption> {
        Sort::ALL
            .into_iter()
            .map(|s| SortOption {
                code: s.code(),
                label: match s {
                    Sort::Sla => qt.sort_sla,
                    Sort::Newest => qt.sort_newest,
                    Sort::Nearest => qt.sort_nearest,
                },
                selected: s == self.sort,
            })
            .collect()
    }
}
