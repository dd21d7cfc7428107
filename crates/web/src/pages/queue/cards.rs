//! One card of the queue: the ticket and its state, category and kelurahan, the first line
//! of the description as staff read it (masked), a thumbnail of a photo the reader may
//! see, the age, the SLA clock and the distance from the reader. Names no reporter: all of
//! it comes from the report, its photos and timeline, and the catalog.

use chrono::{DateTime, Duration, Utc};

use aduan_domain::access::{self, RejectedFollowups};
use aduan_domain::evidence::distance_metres;
use aduan_domain::report::{PhotoInfo, Report};
use aduan_domain::{Actor, Coordinates, Jurisdiction, SlaClock, SlaKind};

use super::texts::QueueTexts;
use super::{duration_text, sla_text};
use crate::app_error::AppError;
use crate::pages::labels::{Pill, category_name, local_time, pill, region_name};
use crate::pages::{Lang, Texts};
use crate::state::AppState;
use crate::views::{description_for, thumbnail_url};

/// Most characters of the description a card shows before its ellipsis.
const FIRST_LINE: usize = 120;

pub struct Sla {
    pub kind: &'static str,
    pub due: String,
    pub text: String,
    pub overdue: bool,
}

pub struct Card {
    pub ticket: String,
    pub category: String,
    pub region: String,
    pub created: String,
    pub age: String,
    pub state: Pill,
    pub sla: Option<Sla>,
    pub first_line: String,
    /// The URL of a photo the reader may see.
    pub thumbnail: Option<String>,
    pub distance: Option<String>,
    /// With a position given, a report that has no point says so.
    pub unplaced: bool,
}

/// What every card of one page shares.
pub struct CardContext<'a> {
    pub j: &'a Jurisdiction,
    pub t: &'static Texts,
    pub qt: &'static QueueTexts,
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub from: Option<Coordinates>,
}

impl CardContext<'_> {
    /// `report`'s card, with `thumbnail` chosen by [`thumbnail`].
    pub fn card(&self, report: &Report, reader: &Actor, thumbnail: Option<String>) -> Card {
        let (j, t) = (self.j, self.t);
        let targets = j
            .category(&report.category)
            .map(|c| c.sla)
            .unwrap_or_default();
        let clock = SlaClock::for_report(
            report.state,
            report.created_at,
            report.coordinated_at,
            targets,
            self.now,
        );
        let distance = match (self.from, report.location) {
            (Some(from), Some(at)) => Some(
                self.qt
                    .distance
                    .replace("{}", &distance_text(distance_metres(from, at), self.lang)),
            ),
            _ => None,
        };
        Card {
            ticket: report.ticket.to_string(),
            category: category_name(j, &report.category, self.lang),
            region: region_name(j, &report.region),
            created: local_time(j, report.created_at),
            age: age_text(self.qt, t, self.now - report.created_at),
            state: pill(report.state, self.lang),
            sla: clock.map(|c| Sla {
                kind: match c.kind {
                    SlaKind::Coordination => t.sla_coordination,
                    SlaKind::Completion => t.sla_completion,
                },
                due: local_time(j, c.due),
                text: sla_text(t, &c),
                overdue: c.overdue(),
            }),
            first_line: first_line(&description_for(report, Some(reader)), FIRST_LINE),
            thumbnail,
            unplaced: self.from.is_some() && distance.is_none(),
            distance,
        }
    }
}

/// The URL of the first photo of `report` that `reader` may see: its own photos only once
/// the reporter made it public, documentation of the work to the staff handling it. The
/// timeline is read only when there is a photo to decide about.
pub async fn thumbnail(
    state: &AppState,
    report: &Report,
    reader: &Actor,
) -> Result<Option<String>, AppError> {
    let photos: Vec<PhotoInfo> = state.store.photos(report.id).await?;
    let shown_kind = |p: &&PhotoInfo| access::may_see_photos_of_kind(report, p.kind, Some(reader));
    if !photos.iter().any(|p| shown_kind(&p)) {
        return Ok(None);
    }
    let history = state.store.timeline(report.id).await?;
    let rejected = RejectedFollowups::in_history(&history);
    Ok(photos
        .iter()
        .find(|p| access::may_see_photo(report, p, &rejected, Some(reader)))
        .map(|p| thumbnail_url(&report.ticket.to_string(), p.id)))
}

/// The first line of `text`, at most `max` characters, with an ellipsis when cut.
pub fn first_line(text: &str, max: usize) -> String {
    let trimmed = text.trim();
    let line = trimmed.lines().next().unwrap_or_default().trim();
    let cut = line.chars().count() > max;
    if !cut && line.len() == trimmed.len() {
        return line.to_owned();
    }
    let mut shown: String = line.chars().take(max).collect();
    if cut {
        // End on a whole word where one ends near the limit.
        if let Some(space) = shown.rfind(' ').filter(|at| *at > max / 2) {
            shown.truncate(space);
        }
    }
    format!("{}…", shown.trim_end())
}

/// "3 hari", "5 jam", "12 menit": the largest whole unit, as a queue reads an age.
fn age_text(qt: &QueueTexts, t: &Texts, age: Duration) -> String {
    let minutes = age.num_minutes().max(0);
    if minutes < 1 {
        return qt.age_now.to_owned();
    }
    let span = if minutes >= 24 * 60 {
        Duration::days(minutes / (24 * 60))
    } else if minutes >= 60 {
        Duration::hours(minutes / 60)
    } else {
        Duration::minutes(minutes)
    };
    qt.age.replace("{}", &duration_text(t, span, false))
}

/// "350 m", "1,2 km" (Indonesian writes a decimal comma), "12 km".
fn distance_text(metres: f64, lang: Lang) -> String {
    if metres < 1000.0 {
        // Tens of metres: a phone's position is not finer than that.
        return format!("{} m", ((metres / 10.0).round() * 10.0).max(10.0));
    }
    let km = metres / 1000.0;
    let text = if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    };
    match lang {
        Lang::Id => format!("{} km", text.replace('.', ",")),
        Lang::En => format!("{text} km"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::i18n::{EN, ID};
    use crate::pages::queue::texts::QueueTexts;

    #[test]
    fn the_first_line_is_cut_with_an_ellipsis() {
        assert_eq!(first_line("Jalan berlubang", 120), "Jalan berlubang");
        assert_eq!(
            first_line("Jalan berlubang\nDi depan rumah saya", 120),
            "Jalan berlubang…"
        );
        assert_eq!(
            first_line("satu dua tiga empat lima enam", 15),
            "satu dua tiga…"
        );
        assert_eq!(first_line("abcdefghijklmnop", 5), "abcde…");
        assert_eq!(first_line("  \n", 5), "");
    }

    #[test]
    fn ages_read_in_the_largest_unit() {
        let (qi, qe) = (QueueTexts::of(Lang::Id), QueueTexts::of(Lang::En));
        assert_eq!(
            age_text(qi, &ID, Duration::days(3) + Duration::hours(5)),
            "diterima 3 hari lalu"
        );
        assert_eq!(
            age_text(qi, &ID, Duration::minutes(300)),
            "diterima 5 jam lalu"
        );
        assert_eq!(
            age_text(qe, &EN, Duration::minutes(12)),
            "received 12 min ago"
        );
        assert_eq!(
            age_text(qi, &ID, Duration::seconds(20)),
            "baru saja diterima"
        );
    }

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        assert_eq!(distance_text(349.0, Lang::Id), "350 m");
        assert_eq!(distance_text(3.0, Lang::Id), "10 m");
        assert_eq!(distance_text(1234.0, Lang::Id), "1,2 km");
        assert_eq!(distance_text(1234.0, Lang::En), "1.2 km");
        assert_eq!(distance_text(12_345.0, Lang::Id), "12 km");
    }
}
