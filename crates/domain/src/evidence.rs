//! What a validator weighs in a follow-up's photos: were they taken after the report came
//! in, and near the place it names? Read from the photo's EXIF before the metadata is
//! stripped (see `report::PhotoEvidence`); a photo without it is flagged as unverifiable.

use chrono::NaiveDateTime;
use geo::{Distance, Haversine, Point};

use crate::location::Coordinates;
use crate::report::PhotoEvidence;

/// Farther than this from the report's point, a photo probably shows somewhere else
/// (a phone's fix in the city is good to some tens of metres).
pub const FAR_METRES: f64 = 200.0;

/// One photo's evidence against the report's place and time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvidenceCheck {
    /// Minutes from the report's submission to the capture (negative: taken before the
    /// report existed); None when the photo has no capture time.
    pub minutes_after_report: Option<i64>,
    /// Metres from the report's point; None when either has no position.
    pub metres_from_report: Option<f64>,
}

impl EvidenceCheck {
    /// Compare a photo's evidence with a report submitted at `reported_at` (the
    /// jurisdiction's local time, as cameras record theirs) at `reported_location`.
    pub fn of(
        evidence: PhotoEvidence,
        reported_at: NaiveDateTime,
        reported_location: Option<Coordinates>,
    ) -> Self {
        Self {
            minutes_after_report: evidence
                .captured_at
                .map(|at| (at - reported_at).num_minutes()),
            metres_from_report: match (evidence.location, reported_location) {
                (Some(a), Some(b)) => Some(distance_metres(a, b)),
                _ => None,
            },
        }
    }

    /// Taken before the report came in: an old photo, not this follow-up's.
    pub fn taken_before_report(&self) -> bool {
        self.minutes_after_report.is_some_and(|m| m < 0)
    }

    /// Taken too far from the report's point.
    pub fn far_away(&self) -> bool {
        self.metres_from_report.is_some_and(|m| m > FAR_METRES)
    }

    /// Nothing to check it against: no capture time or no position.
    pub fn unverifiable(&self) -> bool {
        self.minutes_after_report.is_none() || self.metres_from_report.is_none()
    }

    /// Whether a validator should look twice.
    pub fn suspicious(&self) -> bool {
        self.taken_before_report() || self.far_away()
    }
}

/// Great-circle distance in metres.
pub fn distance_metres(a: Coordinates, b: Coordinates) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    const MONAS: Coordinates = Coordinates {
        lat: -6.175392,
        lon: 106.827153,
    };

    #[test]
    fn a_photo_taken_later_nearby_is_fine() {
        let near = Coordinates {
            lat: -6.1760,
            lon: 106.8275,
        };
        let check = EvidenceCheck::of(
            PhotoEvidence {
                captured_at: Some(at(14, 30)),
                location: Some(near),
            },
            at(9, 0),
            Some(MONAS),
        );
        assert_eq!(check.minutes_after_report, Some(330));
        let metres = check.metres_from_report.unwrap_or(f64::NAN);
        assert!((70.0..90.0).contains(&metres), "{metres}");
        assert!(!check.suspicious() && !check.unverifiable());
    }

    #[test]
    fn old_or_distant_photos_are_flagged() {
        let bundaran_hi = Coordinates {
            lat: -6.194900,
            lon: 106.823000,
        };
        let check = EvidenceCheck::of(
            PhotoEvidence {
                captured_at: Some(at(8, 0)),
                location: Some(bundaran_hi),
            },
            at(9, 0),
            Some(MONAS),
        );
        assert!(check.taken_before_report());
        assert!(check.far_away());
        let metres = check.metres_from_report.unwrap_or(0.0);
        assert!((2_100.0..2_300.0).contains(&metres), "{metres}");
    }

    #[test]
    fn a_photo_without_exif_cannot_be_checked() {
        let check = EvidenceCheck::of(PhotoEvidence::default(), at(9, 0), Some(MONAS));
        assert!(check.unverifiable());
        assert!(!check.suspicious());
        let no_report_point = EvidenceCheck::of(
            PhotoEvidence {
                captured_at: Some(at(10, 0)),
                location: Some(MONAS),
            },
            at(9, 0),
            None,
        );
        assert_eq!(no_report_point.metres_from_report, None);
        assert!(no_report_point.unverifiable());
    }
}
