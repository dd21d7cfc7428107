//! What a choropleth of report counts needs: counts rolled up from the finest region a
//! report is known in to one level (kota, kecamatan or kelurahan), and a few classes of
//! equal width from light (few) to dark (most).

use std::collections::BTreeMap;

use crate::region::{RegionCode, RegionLevel};

/// Report counts per region of one level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolledUp {
    pub by_region: BTreeMap<RegionCode, u64>,
    /// Reports known only in a region coarser than the level (a kecamatan's report on a
    /// map of kelurahan): counted, but in no region of the level.
    pub coarser: u64,
}

/// The region of `level` that `code` lies in, if `code` is that fine.
pub fn ancestor_at(code: &RegionCode, level: RegionLevel) -> Option<RegionCode> {
    code.lineage().into_iter().find(|c| c.level() == level)
}

/// Sum the counts of `by_region` (regions at any level) into the regions of `level`.
pub fn roll_up(by_region: &[(RegionCode, u64)], level: RegionLevel) -> RolledUp {
    let mut out = RolledUp::default();
    for (code, n) in by_region {
        match ancestor_at(code, level) {
            Some(at) => *out.by_region.entry(at).or_default() += n,
            None => out.coarser += n,
        }
    }
    out
}

/// `classes` classes of equal width over `1..=max`; class 0 is "no reports".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classes {
    pub max: u64,
    pub classes: u64,
}

/// One class of a legend: counts `low..=high` are shaded as `class`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassRange {
    pub class: u64,
    pub low: u64,
    pub high: u64,
}

impl Classes {
    /// Classes for counts up to `max`; at least one class.
    pub fn new(max: u64, classes: u64) -> Self {
        Self {
            max,
            classes: classes.max(1),
        }
    }

    /// The class of a count: 0 for none, else `1..=classes`, the most in the last.
    pub fn of(&self, n: u64) -> u64 {
        if n == 0 || self.max == 0 {
            return 0;
        }
        let (n, max, k) = (
            u128::from(n.min(self.max)),
            u128::from(self.max),
            u128::from(self.classes),
        );
        // ceil(n * k / max), in 1..=k.
        let class = (n * k).div_ceil(max);
        u64::try_from(class).unwrap_or(self.classes).max(1)
    }

    /// The classes that some count falls in, with their bounds, lightest first (none when
    /// nothing was counted).
    pub fn ranges(&self) -> Vec<ClassRange> {
        let (max, k) = (u128::from(self.max), u128::from(self.classes));
        (1..=k)
            .filter_map(|i| {
                let low = ((i - 1) * max) / k + 1;
                let high = (i * max) / k;
                (low <= high).then(|| ClassRange {
                    class: u64::try_from(i).unwrap_or(0),
                    low: u64::try_from(low).unwrap_or(0),
                    high: u64::try_from(high).unwrap_or(0),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn code(raw: &str) -> RegionCode {
        RegionCode::parse(raw).unwrap()
    }

    #[test]
    fn counts_roll_up_to_their_ancestor_and_coarser_ones_are_set_apart() {
        let counts = [
            (code("31.74.01.1001"), 2),
            (code("31.74.01.1002"), 1),
            (code("31.74.02"), 4),
            (code("31.71"), 5),
        ];
        let kota = roll_up(&counts, RegionLevel::Kota);
        assert_eq!(
            kota.by_region.into_iter().collect::<Vec<_>>(),
            vec![(code("31.71"), 5), (code("31.74"), 7)]
        );
        assert_eq!(kota.coarser, 0);
        let kecamatan = roll_up(&counts, RegionLevel::Kecamatan);
        assert_eq!(
            kecamatan.by_region.into_iter().collect::<Vec<_>>(),
            vec![(code("31.74.01"), 3), (code("31.74.02"), 4)]
        );
        assert_eq!(kecamatan.coarser, 5);
        let kelurahan = roll_up(&counts, RegionLevel::Kelurahan);
        assert_eq!(kelurahan.by_region.len(), 2);
        assert_eq!(kelurahan.coarser, 9);
    }

    #[test]
    fn classes_are_equal_width_and_the_most_is_darkest() {
        let c = Classes::new(10, 5);
        let of: Vec<u64> = (0..=10).map(|n| c.of(n)).collect();
        assert_eq!(of, vec![0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(
            c.ranges(),
            vec![
                ClassRange {
                    class: 1,
                    low: 1,
                    high: 2
                },
                ClassRange {
                    class: 2,
                    low: 3,
                    high: 4
                },
                ClassRange {
                    class: 3,
                    low: 5,
                    high: 6
                },
                ClassRange {
                    class: 4,
                    low: 7,
                    high: 8
                },
                ClassRange {
                    class: 5,
                    low: 9,
                    high: 10
                },
            ]
        );
        // Fewer counts than classes: only the classes a count can fall in.
        let small = Classes::new(2, 5);
        assert_eq!((small.of(1), small.of(2)), (3, 5));
        assert_eq!(
            small.ranges(),
            vec![
                ClassRange {
                    class: 3,
                    low: 1,
                    high: 1
                },
                ClassRange {
                    class: 5,
                    low: 2,
                    high: 2
                },
            ]
        );
        // Nothing counted: everything is class 0, no legend classes.
        let none = Classes::new(0, 5);
        assert_eq!(none.of(0), 0);
        assert!(none.ranges().is_empty());
    }
}
