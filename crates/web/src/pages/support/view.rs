//! What the citizen is shown of a similar report or a supported one: everything of a public
//! report a `/publik` card shows (masked), of a private one only its category, state, age,
//! kelurahan and a coarse distance; never a private report's ticket, text or photos.

use chrono::{DateTime, Utc};

use aduan_domain::support::ShownDistance;
use aduan_domain::{Jurisdiction, UserId, Visibility};
use aduan_store::identity::Sealer;
use aduan_store::{NearReport, SupportedReport};

use super::offer::offer;
use super::texts::SupportTexts;
use crate::pages::Lang;
use crate::pages::labels::{Pill, category_name, local_time, pill, region_name};

/// What a public report shows besides what every report shows.
pub struct PublicPart {
    pub ticket: String,
    /// The first line of the description as the public reads it (masked).
    pub first_line: String,
    pub supporters: String,
}

/// One similar report near the pin.
pub struct SimilarItem {
    /// The reference a "Saya juga mengalami ini" form sends (see `offer`).
    pub offer: String,
    pub category: String,
    pub state: Pill,
    pub region: String,
    pub age: String,
    pub distance: String,
    pub supporting: bool,
    pub public: Option<PublicPart>,
}

/// One report in "Laporan yang saya dukung".
pub struct SupportedItem {
    pub offer: String,
    pub category: String,
    pub state: Pill,
    pub region: String,
    pub last_change: String,
    pub supported_on: String,
    /// The report changed after the citizen supported it.
    pub progressed: bool,
    pub supporters: String,
    /// A public report's ticket, for its page; a private report's page stays closed.
    pub ticket: Option<String>,
}

/// "{}" in `template` replaced by `n`.
pub fn fill(template: &str, n: impl std::fmt::Display) -> String {
    template.replacen("{}", &n.to_string(), 1)
}

/// How long ago `at` was, in its largest whole unit.
pub fn age(st: &SupportTexts, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let age = now.signed_duration_since(at);
    if age.num_days() >= 1 {
        fill(st.days_ago, age.num_days())
    } else if age.num_hours() >= 1 {
        fill(st.hours_ago, age.num_hours())
    } else if age.num_minutes() >= 1 {
        fill(st.minutes_ago, age.num_minutes())
    } else {
        st.just_now.to_owned()
    }
}

fn first_line(text: &str) -> String {
    const MAX_CHARS: usize = 140;
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut shown: String = line.trim().chars().take(MAX_CHARS).collect();
    if line.trim().chars().count() > MAX_CHARS {
        shown.push('…');
    }
    shown
}

pub struct Context<'a> {
    pub j: &'a Jurisdiction,
    pub lang: Lang,
    pub sealer: &'a Sealer,
    pub citizen: UserId,
    pub now: DateTime<Utc>,
}

/// The similar reports as shown; one whose offer cannot be made is left out.
pub fn similar_items(cx: &Context<'_>, found: Vec<NearReport>, counts: &[u64]) -> Vec<SimilarItem> {
    let st = SupportTexts::of(cx.lang);
    found
        .into_iter()
        .zip(counts.iter().copied().chain(std::iter::repeat(0)))
        .filter_map(|(near, count)| {
            let r = near.report;
            let distance = match ShownDistance::of(&r, near.metres) {
                ShownDistance::About(m) => fill(st.about_metres, m),
                ShownDistance::Within(m) => fill(st.within_metres, m),
            };
            let public = (r.visibility == Visibility::Public).then(|| PublicPart {
                ticket: r.ticket.to_string(),
                first_line: first_line(&r.description_for_others()),
                supporters: fill(st.supporters, count),
            });
            Some(SimilarItem {
                offer: offer(cx.sealer, cx.citizen, &r.ticket)?,
                category: category_name(cx.j, &r.category, cx.lang),
                state: pill(r.state, cx.lang),
                region: region_name(cx.j, &r.region),
                age: age(st, r.created_at, cx.now),
                distance,
                supporting: near.supporting,
                public,
            })
        })
        .collect()
}

/// The reports the citizen supports, as shown.
pub fn supported_items(cx: &Context<'_>, found: Vec<SupportedReport>) -> Vec<SupportedItem> {
    let st = SupportTexts::of(cx.lang);
    found
        .into_iter()
        .filter_map(|s| {
            let r = s.report;
            Some(SupportedItem {
                offer: offer(cx.sealer, cx.citizen, &r.ticket)?,
                category: category_name(cx.j, &r.category, cx.lang),
                state: pill(r.state, cx.lang),
                region: region_name(cx.j, &r.region),
                last_change: local_time(cx.j, r.updated_at),
                supported_on: local_time(cx.j, s.supported_at),
                progressed: r.updated_at > s.supported_at,
                supporters: fill(st.supporters, s.supporters),
                ticket: (r.visibility == Visibility::Public).then(|| r.ticket.to_string()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn ages_read_in_the_largest_unit_and_lines_are_cut() {
        let st = SupportTexts::of(Lang::Id);
        let now = Utc::now();
        assert_eq!(age(st, now - Duration::hours(50), now), "2 hari lalu");
        assert_eq!(age(st, now - Duration::minutes(125), now), "2 jam lalu");
        assert_eq!(age(st, now - Duration::minutes(5), now), "5 menit lalu");
        assert_eq!(age(st, now, now), "baru saja");
        assert_eq!(first_line("\n  Lubang besar \nkedua"), "Lubang besar");
        assert_eq!(first_line(&"a".repeat(200)).chars().count(), 141);
    }
}
