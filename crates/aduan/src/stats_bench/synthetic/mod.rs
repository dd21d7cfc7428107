//! Synthetic history shaped like Jakarta's CRM in 2021 (134,814 reports a year, JAKI three
//! quarters of them, February the busiest month, 97.4% completed, coordination in about 6
//! hours and completion in about 40, the kota in proportion to their people), written as
//! the NDJSON lines `aduan import` reads. Two uses: `aduan bench-stats` imports whole
//! calendar years ([`History::year`]); the demo imports a scaled-down year ending now, as
//! the city would hold it at that moment ([`History::until`]: recent reports still open, a
//! few old ones stuck, in real kelurahan when their boundaries are loaded). Deterministic
//! for a seed; made up entirely (no person behind any reporter key).

mod texts;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use aduan_domain::{Jurisdiction, RegionLevel, Ticket, TicketPrefix};

/// Reports in one synthetic year: Jakarta's 2021.
pub const REPORTS_PER_YEAR: u32 = 134_814;

/// Reports per month, February and July as in 2021, the rest shared evenly.
const MONTHS: [u32; 12] = [
    10_691, 15_699, 10_691, 10_691, 10_691, 10_691, 12_201, 10_691, 10_691, 10_691, 10_691, 10_695,
];

/// (channel code, share of reports in per mille, distinct reporters per 1,000 reports):
/// 2021's JAKI 102,986, Qlue 12,022, Twitter 9,525, e-mail 4,549, Facebook 2,342, the rest
/// shared by the smaller channels.
const CHANNELS: [(&str, u32, u32); 9] = [
    ("jaki", 764, 520),
    ("qlue", 89, 600),
    ("twitter", 71, 600),
    ("email", 34, 700),
    ("facebook", 17, 650),
    ("whatsapp", 10, 600),
    ("lapor", 6, 900),
    ("sms", 5, 800),
    ("balai_kota", 4, 950),
];

/// (state code, share in per mille) of a year looked back on; the rest are completed.
const STATES: [(&str, u32); 5] = [
    ("coordination", 12),
    ("in_progress", 5),
    ("rejected", 4),
    ("duplicate", 3),
    ("referred", 2),
];

/// (state code, share in per mille) of the reports that, in a year ending now, did not take
/// the usual course: stuck in coordination or in progress, rejected or referred. The rest
/// are where their coordination and completion times put them.
const STUCK: [(&str, u32); 4] = [
    ("coordination", 12),
    ("in_progress", 5),
    ("rejected", 4),
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

/// Kota weights by code: people in thousands (2020 census), tens of them; a kota not
/// listed weighs as much as Jakarta Pusat.
const KOTA: [(&str, u32); 6] = [
    ("31.01", 3),
    ("31.71", 106),
    ("31.72", 178),
    ("31.73", 243),
    ("31.74", 223),
    ("31.75", 304),
];

/// Reports by hour of the day (local time), relative: few at night, most in office hours.
const HOURS: [u32; 24] = [
    8, 5, 3, 2, 2, 4, 10, 28, 48, 60, 64, 62, 58, 56, 58, 56, 50, 46, 44, 44, 40, 32, 22, 14,
];

/// Mean hours to coordination, and from coordination to completion (2021: 6.42 and 39.87).
const COORDINATION_HOURS: f64 = 6.42;
const COMPLETION_AFTER_HOURS: f64 = 33.45;

/// One in this many of the demo's reports was made public by its reporter.
const PUBLIC_ONE_IN: u32 = 4;

struct Kota {
    name: String,
    weight: u32,
    /// Its kecamatan, each with its kelurahan's names (none when they are not loaded).
    kecamatan: Vec<(String, Vec<String>)>,
}

/// A report's course by the time the history ends.
struct Fate {
    state: &'static str,
    coordinated_at: Option<DateTime<Tz>>,
    completed_at: Option<DateTime<Tz>>,
}

/// How a record is written: for the benchmark (one fixed text, private) or for a newcomer
/// to read (texts of its category, some public).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Bench,
    Living,
}

/// Generates synthetic reports, one year at a time.
pub struct History {
    rng: StdRng,
    tz: Tz,
    prefix: TicketPrefix,
    categories: Vec<(String, u32)>,
    places: Vec<Kota>,
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
        let children = |parent: &aduan_domain::RegionCode, level: RegionLevel| {
            jurisdiction
                .regions()
                .filter(|r| r.level == level && r.parent().as_ref() == Some(parent))
                .collect::<Vec<_>>()
        };
        let places = jurisdiction
            .regions()
            .filter(|r| r.level == RegionLevel::Kota)
            .map(|kota| Kota {
                name: kota.name.clone(),
                weight: KOTA
                    .iter()
                    .find(|(code, _)| *code == kota.code.as_str())
                    .map_or(106, |(_, w)| *w),
                kecamatan: children(&kota.code, RegionLevel::Kecamatan)
                    .into_iter()
                    .map(|k| {
                        let kelurahan = children(&k.code, RegionLevel::Kelurahan)
                            .into_iter()
                            .map(|l| l.name.clone())
                            .collect();
                        (k.name.clone(), kelurahan)
                    })
                    .collect(),
            })
            .collect();
        Self {
            rng: StdRng::seed_from_u64(seed),
            tz: jurisdiction.settings.time_zone,
            prefix: jurisdiction.settings.ticket_prefix.clone(),
            categories,
            places,
        }
    }

    /// Every line of one calendar year, ids `SINTETIS-<year>-<n>`.
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
                let submitted = self.local(first, offset);
                let fate = self.fate_of_year(submitted);
                let id = format!("SINTETIS-{year}-{n:06}");
                let pool = (REPORTS_PER_YEAR, year.to_string());
                lines.push(self.record(id, submitted, fate, pool, Style::Bench));
            }
        }
        lines
    }

    /// About `count` reports over the 365 days up to `end`, shaped like Jakarta's year, as
    /// the city holds them at `end`; ticketed as the jurisdiction tickets (`JK2503050007`,
    /// each day numbered from 1 in order), so reports filed later are numbered after them.
    pub fn until(&mut self, end: DateTime<Utc>, count: u32) -> Vec<String> {
        let last = end.with_timezone(&self.tz).date_naive();
        let Some(first) = last.checked_sub_days(Days::new(364)) else {
            return Vec::new();
        };
        let days: Vec<NaiveDate> = first.iter_days().take(365).collect();
        let weight = |d: &NaiveDate| {
            let month_start = d.with_day(1).unwrap_or(*d);
            f64::from(MONTHS[d.month0() as usize]) / f64::from(days_in_month(month_start))
        };
        let total: f64 = days.iter().map(weight).sum();
        let mut lines = Vec::with_capacity(count as usize);
        let (mut cumulative, mut planned) = (0.0, 0u64);
        for day in days {
            cumulative += weight(&day);
            let upto = (cumulative / total * f64::from(count)).round() as u64;
            let mut n = upto.saturating_sub(planned);
            planned = upto;
            let midnight = self.local(day, 0);
            // The last day has only partly passed: only its share of the day's reports.
            let limit = (end.with_timezone(&self.tz) - midnight)
                .num_seconds()
                .clamp(0, 86_400);
            n = n * limit.unsigned_abs() / 86_400;
            let mut times: Vec<i64> = (0..n).map(|_| self.time_of_day(limit)).collect();
            times.sort_unstable();
            for (sequence, offset) in (1u32..).zip(times) {
                let submitted = midnight + Duration::seconds(offset);
                let fate = self.fate_at(submitted, end);
                let id = Ticket::issue(&self.prefix, day, sequence).to_string();
                let pool = (count, "demo".to_owned());
                lines.push(self.record(id, submitted, fate, pool, Style::Living));
            }
        }
        lines
    }

    /// `offset` seconds after the local midnight starting `day`.
    fn local(&self, day: NaiveDate, offset: i64) -> DateTime<Tz> {
        let local = day.and_time(chrono::NaiveTime::MIN) + Duration::seconds(offset);
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .unwrap_or_else(|| self.tz.from_utc_datetime(&local))
    }

    /// A second of the day before `limit`, following the hours' shape.
    fn time_of_day(&mut self, limit: i64) -> i64 {
        let total: u32 = HOURS.iter().sum();
        for _ in 0..8 {
            let mut roll = self.rng.random_range(0..total);
            let hour = HOURS
                .iter()
                .position(|w| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .unwrap_or(12) as i64;
            let second = hour * 3600 + self.rng.random_range(0..3600);
            if second < limit {
                return second;
            }
        }
        self.rng.random_range(0..limit.max(1))
    }

    /// A year looked back on: a state by its share, times as the benchmark always had them.
    fn fate_of_year(&mut self, submitted: DateTime<Tz>) -> Fate {
        let state = pick(&mut self.rng, &STATES).unwrap_or("completed");
        let coordination = self.hours(COORDINATION_HOURS);
        let completion = coordination + self.hours(COMPLETION_AFTER_HOURS);
        Fate {
            state,
            coordinated_at: (state != "waiting").then(|| submitted + coordination),
            completed_at: (state == "completed").then(|| submitted + completion),
        }
    }

    /// Where a report submitted at `submitted` stands at `end`: most run their course
    /// (waiting, in coordination, in progress, completed as their times fall), a few are
    /// stuck, rejected or referred. Nothing happens after `end`.
    fn fate_at(&mut self, submitted: DateTime<Tz>, end: DateTime<Utc>) -> Fate {
        let coordinated = submitted + self.hours(COORDINATION_HOURS);
        let completed = coordinated + self.hours(COMPLETION_AFTER_HOURS);
        let fate = |state, coordinated_at, completed_at| Fate {
            state,
            coordinated_at,
            completed_at,
        };
        let passed = |t: DateTime<Tz>| t.with_timezone(&Utc) <= end;
        match pick(&mut self.rng, &STUCK) {
            Some("in_progress") if passed(coordinated) => {
                fate("in_progress", Some(coordinated), None)
            }
            Some(state @ ("rejected" | "referred" | "coordination")) => fate(state, None, None),
            _ if passed(completed) => fate("completed", Some(coordinated), Some(completed)),
            _ if passed(coordinated) => fate("in_progress", Some(coordinated), None),
            _ if end - submitted.with_timezone(&Utc) < Duration::hours(1) => {
                fate("waiting", None, None)
            }
            _ => fate("coordination", None, None),
        }
    }

    /// One NDJSON line. Reporter keys come from a pool per channel sized so distinct
    /// reporters come out near the channel's share of people (`pool`: reports a year and a
    /// tag the keys carry).
    fn record(
        &mut self,
        id: String,
        submitted: DateTime<Tz>,
        fate: Fate,
        pool: (u32, String),
        style: Style,
    ) -> String {
        let (channel, reporters_per_mille) = self.channel();
        let size = (u64::from(pool.0) * u64::from(reporters_per_mille) / 1000).max(1);
        let reporter = format!("{channel}-{}-{}", pool.1, self.rng.random_range(0..size));
        let (kota, kecamatan, kelurahan) = self.place();
        let category = self.category();
        let (description, visibility) = match style {
            Style::Bench => ("Laporan sintetis untuk uji kinerja".to_owned(), "private"),
            Style::Living => (
                texts::describe(&category, &mut self.rng),
                if self.rng.random_range(0..PUBLIC_ONE_IN) == 0 {
                    "public"
                } else {
                    "private"
                },
            ),
        };
        json!({
            "id": id,
            "submitted_at": submitted.to_rfc3339(),
            "coordinated_at": fate.coordinated_at.map(|t| t.to_rfc3339()),
            "completed_at": fate.completed_at.map(|t| t.to_rfc3339()),
            "channel": channel,
            "category": category,
            "reporter": reporter,
            "status": fate.state,
            "kota": kota,
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            "description": description,
            "visibility": visibility,
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

    /// A kota by its weight, one of its kecamatan and (when loaded) one of its kelurahan.
    fn place(&mut self) -> (String, Option<String>, Option<String>) {
        let total: u32 = self.places.iter().map(|k| k.weight).sum();
        if total == 0 {
            return (String::new(), None, None);
        }
        let mut roll = self.rng.random_range(0..total);
        let Some(kota) = self.places.iter().find(|k| {
            let hit = roll < k.weight;
            roll = roll.saturating_sub(k.weight);
            hit
        }) else {
            return (String::new(), None, None);
        };
        if kota.kecamatan.is_empty() {
            return (kota.name.clone(), None, None);
        }
        let (kecamatan, kelurahan) =
            &kota.kecamatan[self.rng.random_range(0..kota.kecamatan.len())];
        let kelurahan = (!kelurahan.is_empty())
            .then(|| kelurahan[self.rng.random_range(0..kelurahan.len())].clone());
        (kota.name.clone(), Some(kecamatan.clone()), kelurahan)
    }

    /// An exponentially distributed time with the given mean in hours, whole seconds.
    fn hours(&mut self, mean: f64) -> Duration {
        let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
        Duration::seconds((-u.ln() * mean * 3600.0) as i64)
    }
}

/// A state by its share in per mille of `table`; `None` for the rest.
fn pick(rng: &mut StdRng, table: &[(&'static str, u32)]) -> Option<&'static str> {
    let mut roll = rng.random_range(0..1000);
    for (code, share) in table {
        if roll < *share {
            return Some(code);
        }
        roll -= share;
    }
    None
}

fn days_in_month(first: NaiveDate) -> u32 {
    first
        .checked_add_months(chrono::Months::new(1))
        .map_or(31, |next| (next - first).num_days() as u32)
}

#[cfg(test)]
mod tests;
