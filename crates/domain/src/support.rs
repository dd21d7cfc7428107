//! "Saya juga mengalami ini": a citizen supports another citizen's open report instead of
//! filing a duplicate. What is near enough to offer, who may support, and how far away a
//! report is said to be (exactly enough for a public report, coarsely for a private one).

use crate::report::Report;
use crate::{Actor, Coordinates, Role, Visibility};

/// How far from the pin an open report of the same category is offered, in metres.
pub const NEAR_METRES: f64 = 250.0;

/// Most similar reports offered at once: enough to recognise one's problem, few enough that
/// the list says little about a neighbourhood.
pub const MAX_SIMILAR: u32 = 5;

/// Metres per degree of latitude (and of longitude at the equator), on a sphere of the
/// Earth's mean radius.
const METRES_PER_DEGREE: f64 = 111_194.93;

/// A box of latitudes and longitudes, for the store's index to narrow by before distances
/// are measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub lat_min: f64,
    pub lat_max: f64,
    pub lon_min: f64,
    pub lon_max: f64,
}

impl Area {
    /// The box holding every point within `metres` of `at` (a little more at its corners).
    pub fn around(at: Coordinates, metres: f64) -> Self {
        let dlat = metres / METRES_PER_DEGREE;
        // Degrees of longitude shrink with the cosine of the latitude; near a pole the box
        // spans every longitude.
        let shrink = at.lat.to_radians().cos();
        let dlon = if shrink < 1e-6 {
            180.0
        } else {
            (metres / (METRES_PER_DEGREE * shrink)).min(180.0)
        };
        Self {
            lat_min: at.lat - dlat,
            lat_max: at.lat + dlat,
            lon_min: at.lon - dlon,
            lon_max: at.lon + dlon,
        }
    }

    pub fn contains(&self, at: Coordinates) -> bool {
        (self.lat_min..=self.lat_max).contains(&at.lat)
            && (self.lon_min..=self.lon_max).contains(&at.lon)
    }
}

/// The great-circle distance between two points, in metres (haversine).
pub fn distance_metres(a: Coordinates, b: Coordinates) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lb - la;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * (METRES_PER_DEGREE * 180.0 / std::f64::consts::PI) * h.sqrt().min(1.0).asin()
}

/// How far a similar report is said to be from the pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShownDistance {
    /// About this many metres, rounded to tens (a public report: its place is public).
    About(u32),
    /// Only "within this many metres" (a private report: its place is not for others to
    /// pin down by moving their own pin).
    Within(u32),
}

impl ShownDistance {
    pub fn of(report: &Report, metres: f64) -> Self {
        if report.visibility == Visibility::Public {
            // At least 10 m: "0 m" would claim more precision than a pin on a phone has.
            let tens = (metres / 10.0).round().clamp(1.0, 1e6);
            Self::About(tens as u32 * 10)
        } else {
            Self::Within(NEAR_METRES as u32)
        }
    }
}

/// Why a citizen may not support a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SupportRefusal {
    #[error("only citizens support reports")]
    NotACitizen,
    #[error("a report is not supported by its own reporter")]
    OwnReport,
    #[error("the report is closed")]
    Closed,
}

/// Whether `actor` may support `report`: a citizen, not its reporter, while it is open.
/// Withdrawing support is always allowed (it only removes the citizen's own mark).
pub fn may_support(report: &Report, actor: &Actor) -> Result<(), SupportRefusal> {
    if actor.role != Role::Citizen {
        return Err(SupportRefusal::NotACitizen);
    }
    if report.reporter == Some(actor.user) {
        return Err(SupportRefusal::OwnReport);
    }
    if report.state.is_terminal() {
        return Err(SupportRefusal::Closed);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fixtures::report;
    use crate::{ReportState, UserId};

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::parse(lat, lon).unwrap()
    }

    #[test]
    fn distances_are_metres_on_the_ground() {
        let monas = at(-6.1754, 106.8272);
        assert!(distance_metres(monas, monas) < 1e-6);
        // 0.001 degrees of latitude is about 111 m anywhere.
        let north = at(-6.1744, 106.8272);
        assert!((distance_metres(monas, north) - 111.2).abs() < 0.5);
        // 0.001 degrees of longitude near the equator is about 110.5 m at 6 degrees south.
        let east = at(-6.1754, 106.8282);
        assert!((distance_metres(monas, east) - 110.6).abs() < 0.5);
    }

    #[test]
    fn the_area_holds_every_point_within_the_radius() {
        let centre = at(-6.2297, 106.8532);
        let area = Area::around(centre, NEAR_METRES);
        for step in 0..360 {
            let angle = f64::from(step).to_radians();
            // A point 249 m away in every direction is inside; 300 m straight out is not.
            let inside = at(
                centre.lat + angle.sin() * 249.0 / METRES_PER_DEGREE,
                centre.lon
                    + angle.cos() * 249.0 / (METRES_PER_DEGREE * centre.lat.to_radians().cos()),
            );
            assert!(distance_metres(centre, inside) < NEAR_METRES);
            assert!(area.contains(inside), "{step}");
        }
        assert!(!area.contains(at(centre.lat + 300.0 / METRES_PER_DEGREE, centre.lon)));
        // At a pole every longitude is near.
        let pole = Area::around(at(90.0, 0.0), 100.0);
        assert!(pole.lon_min <= -180.0 && pole.lon_max >= 180.0);
    }

    #[test]
    fn a_private_reports_distance_is_only_within_the_radius() {
        let mut r = report(ReportState::InProgress, Visibility::Private);
        assert_eq!(ShownDistance::of(&r, 37.0), ShownDistance::Within(250));
        r.visibility = Visibility::Public;
        assert_eq!(ShownDistance::of(&r, 37.0), ShownDistance::About(40));
        assert_eq!(ShownDistance::of(&r, 2.0), ShownDistance::About(10));
    }

    #[test]
    fn only_another_citizen_supports_an_open_report() {
        let mut r = report(ReportState::InProgress, Visibility::Private);
        let reporter = UserId(1);
        r.reporter = Some(reporter);
        let citizen = |id| Actor {
            user: UserId(id),
            role: Role::Citizen,
            unit: None,
        };
        assert_eq!(may_support(&r, &citizen(2)), Ok(()));
        assert_eq!(may_support(&r, &citizen(1)), Err(SupportRefusal::OwnReport));
        let officer = Actor {
            role: Role::Officer,
            ..citizen(3)
        };
        assert_eq!(may_support(&r, &officer), Err(SupportRefusal::NotACitizen));
        for state in ReportState::ALL {
            r.state = state;
            assert_eq!(
                may_support(&r, &citizen(2)).is_ok(),
                !state.is_terminal(),
                "{state:?}"
            );
        }
    }
}
