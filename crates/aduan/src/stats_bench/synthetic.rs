//! Synthetic history shaped like Jakarta's CRM in 2021 (134,814 reports a year, JAKI three
//! quarters of them, February the busiest month, 97.4% completed, coordination in about 6
//! hours and completion in about 40), written as the NDJSON lines `aduan import` reads.
//! Deterministic for a seed; made up entirely (no person behind any reporter key).

use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use aduan_domain::{Jurisdiction, RegionLevel};

/// Reports in one synthetic year: Jakarta's 2021.
pub const REPORTS_PER_YEAR: u32 = 134_814;

/// Reports per month, February and July as in 2021, the rest shared evenly.
const MONTHS: [u32; 12] = [
    10_691, 15_699, 10_691, 10_691, 10_691, 10_691, 12_201, 10_691, 10_691, 10_691, 10_691, 10_695,
];

/// (channel code, share of reports in per mille, distinct reporters per 1,000 reports).
const CHANNELS: [(&str, u32, u32); 8] = [
    ("jaki", 764, 520),
    ("twitter", 80, 600),
    ("email", 50, 700),
    ("facebook", 40, 650),
    ("whatsapp", 30, 600),
    ("lapor", 16, 900),
    ("sms", 12, 800),
    ("balai_kota", 8, 950),
];

/// (state code, share in per mille); the rest are completed.
const STATES: [(&str, u32); 5] = [
    ("coordination", 12),
    ("in_progress", 5),
    ("rejected", 4),
    ("duplicate", 3),
    ("referred", 2),
];

/// Category weights: the 2021 leaders, then the rest of the catalog.
const LEADERS: [(&str, u32); 5] = [
    ("Gangguan Ketenteraman dan Ketertiban", 140),
    ("Jalan", 91),
    ("Parkir Liar", 78),
    ("Pohon", 64),
    ("Sampah", 53),
];

/// The lines of `years` synthetic years starting with `first_year`, in submission order.
pub struct History {
    rng: StdRng,
    tz: Tz,
    categories: Vec<(String, u32)>,
    /// (kota name, its kecamatan names)
    places: Vec<(String, Vec<String>)>,
}

impl History {
    pub fn new(jurisdiction: &Jurisdiction, seed: u64) -> Self {
        let mut categories: Vec<(String, u32)> = LEADERS
            .iter()
            .map(|(name, w)| ((*name).to_owned(), *w))
            .collect();
        for c in jurisdiction.categories() {
            if !categories.iter().any(|(name, _)| *name == c.name) {
                categories.push((c.name.clone(), 17));
            }
        }
        let places = jurisdiction
            .regions()
            .filter(|r| r.level == RegionLevel::Kota)
            .map(|kota| {
                let kecamatan = jurisdiction
                    .regions()
                    .filter(|k| k.parent().as_ref() == Some(&kota.code))
                    .map(|k| k.name.clone())
                    .collect();
                (kota.name.clone(), kecamatan)
            })
            .collect();
        Self {
            rng: StdRng::seed_from_u64(seed),
            tz: jurisdiction.settings.time_zone,
            categories,
            places,
        }
    }

    /// Every line of one year, ids `SINTETIS-<year>-<n>`.
    pub fn year(&mut self, year: i32) -> Vec<String> {
        let mut lines = Vec::with_capacity(REPORTS_PER_YEAR as usize);
        let mut n = 0u32;
        for (month0, count) in MONTHS.iter().enumerate() {
            let Some(first) = NaiveDate::from_ymd_opt(year, month0 as u32 + 1, 1) else {
                continue;
            };
            let days = days_in_month(first);
            let mut times: Vec<i64> = (0..*count)
                .map(|_| self.rng.random_range(0..i64::from(days) * 86_400))
                .collect();
            times.sort_unstable();
            for offset in times {
                n += 1;
                lines.push(self.line(year, n, first, offset));
            }
        }
        lines
    }

    fn line(&mut self, year: i32, n: u32, month: NaiveDate, offset_secs: i64) -> String {
        let local = month.and_time(chrono::NaiveTime::MIN) + Duration::seconds(offset_secs);
        let submitted = self
            .tz
            .from_local_datetime(&local)
            .earliest()
            .unwrap_or_else(|| self.tz.from_utc_datetime(&local));
        let (channel, reporters_per_mille) = self.channel();
        // A pool of reporters per channel sized so distinct reporters come out near the
        // channel's share of people.
        let pool = (u64::from(REPORTS_PER_YEAR) * u64::from(reporters_per_mille) / 1000).max(1);
        let reporter = format!("{channel}-{year}-{}", self.rng.random_range(0..pool));
        let state = self.state();
        let coordination = self.hours(6.42);
        let completion = coordination + self.hours(33.45);
        let coordinated_at = (state != "waiting").then(|| submitted + coordination);
        let completed_at = (state == "completed").then(|| submitted + completion);
        let (kota, kecamatan) = self.place();
        let category = self.category();
        json!({
            "id": format!("SINTETIS-{year}-{n:06}"),
            "submitted_at": submitted.to_rfc3339(),
            "coordinated_at": coordinated_at.map(|t| t.to_rfc3339()),
            "completed_at": completed_at.map(|t| t.to_rfc3339()),
            "channel": channel,
            "category": category,
            "reporter": reporter,
            "status": state,
            "kota": kota,
            "kecamatan": kecamatan,
            "description": "Laporan sintetis untuk uji kinerja",
        })
        .to_string()
    }

    fn channel(&mut self) -> (&'static str, u32) {
        let mut roll = self.rng.random_range(0..1000);
        for (code, share, people) in CHANNELS {
            if roll < share {
                return (code, people);
            }
            roll -= share;
        }
        ("jaki", 520)
    }

    fn state(&mut self) -> &'static str {
        let mut roll = self.rng.random_range(0..1000);
        for (code, share) in STATES {
            if roll < share {
                return code;
            }
            roll -= share;
        }
        "completed"
    }

    fn category(&mut self) -> String {
        let total: u32 = self.categories.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.random_range(0..total.max(1));
        for (name, w) in &self.categories {
            if roll < *w {
                return name.clone();
            }
            roll -= w;
        }
        String::from("Jalan")
    }

    fn place(&mut self) -> (String, Option<String>) {
        if self.places.is_empty() {
            return (String::new(), None);
        }
        let (kota, kecamatan) = &self.places[self.rng.random_range(0..self.places.len())];
        let kecamatan = (!kecamatan.is_empty())
            .then(|| kecamatan[self.rng.random_range(0..kecamatan.len())].clone());
        (kota.clone(), kecamatan)
    }

    /// An exponentially distributed time with the given mean in hours, whole seconds.
    fn hours(&mut self, mean: f64) -> Duration {
        let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
        Duration::seconds((-u.ln() * mean * 3600.0) as i64)
    }
}

fn days_in_month(first: NaiveDate) -> u32 {
    first
        .checked_add_months(chrono::Months::new(1))
        .map_or(31, |next| (next - first).num_days() as u32)
}
