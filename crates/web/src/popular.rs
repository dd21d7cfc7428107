//! The categories citizens report most: the first tiles of `/lapor`'s category picker, so
//! that most reports need no search and no scrolling (the rest stay one tap away). Counted
//! from the published statistics over the last [`OVER_DAYS`] days, kept for an hour: the
//! order of the city's problems does not change by the minute, and a page view costs no
//! count.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Utc};

use aduan_domain::stats::{Period, StatsQuery};
use aduan_domain::{CategoryCode, Jurisdiction};
use aduan_store::Store;

/// How many categories lead the picker.
pub const SHOWN: usize = 6;
/// The days counted, up to today.
pub const OVER_DAYS: u64 = 90;
/// How long a count is used before it is made again.
const FRESH_FOR: Duration = Duration::from_secs(3600);

/// The most reported categories, counted at most once an hour per instance.
#[derive(Default)]
pub struct PopularCategories {
    cached: Mutex<Option<(Instant, Arc<[CategoryCode]>)>>,
}

impl PopularCategories {
    /// The [`SHOWN`] categories most reported in the last [`OVER_DAYS`] days, most first
    /// (fewer when fewer were reported; none in a new city). When the count fails the
    /// picker simply keeps its alphabetical order: filing never waits on this.
    pub async fn get(
        &self,
        store: &dyn Store,
        j: &Jurisdiction,
        now: DateTime<Utc>,
    ) -> Arc<[CategoryCode]> {
        if let Some(fresh) = self.fresh() {
            return fresh;
        }
        let today = j.local_date(now);
        let from = today
            .checked_sub_days(Days::new(OVER_DAYS - 1))
            .unwrap_or(today);
        // Periods end before their last day: today is counted up to tomorrow.
        let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
        let counted = match Period::new(from, tomorrow) {
            Ok(period) => store
                .stats_counts(StatsQuery::new(period, Vec::new()))
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match counted {
            Ok(counts) => {
                let top: Arc<[CategoryCode]> = most_reported(counts.by_category, SHOWN).into();
                if let Ok(mut cached) = self.cached.lock() {
                    *cached = Some((Instant::now(), Arc::clone(&top)));
                }
                top
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot count the most reported categories");
                Arc::from(Vec::new())
            }
        }
    }

    fn fresh(&self) -> Option<Arc<[CategoryCode]>> {
        let cached = self.cached.lock().ok()?;
        let (at, top) = cached.as_ref()?;
        (at.elapsed() < FRESH_FOR).then(|| Arc::clone(top))
    }
}

/// The `n` categories with the most reports, most first (ties by code, so the order is
/// the same every time); categories with none are left out.
fn most_reported(mut counts: Vec<(CategoryCode, u64)>, n: usize) -> Vec<CategoryCode> {
    counts.retain(|(_, reports)| *reports > 0);
    counts.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.cmp(b)));
    counts.into_iter().take(n).map(|(code, _)| code).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn code(c: &str) -> CategoryCode {
        CategoryCode::parse(c).unwrap()
    }

    #[test]
    fn the_most_reported_lead_ties_by_code_and_none_are_left_out() {
        let counts = vec![
            (code("pohon"), 4),
            (code("jalan"), 9),
            (code("banjir"), 4),
            (code("sampah"), 0),
            (code("parkir-liar"), 1),
        ];
        let top = most_reported(counts.clone(), 3);
        assert_eq!(top, vec![code("jalan"), code("banjir"), code("pohon")]);
        let all = most_reported(counts, 10);
        assert_eq!(all.len(), 4, "{all:?}");
        assert!(!all.contains(&code("sampah")));
    }
}
