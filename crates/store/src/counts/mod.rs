//! The statistics' counts, independent of the database that keeps them: what a report
//! contributes ([`Contribution`]), the changes a write makes to the counted rows ([`Delta`]),
//! the reporter sets' stored form, and the reading of counted rows back into
//! [`StatsCounts`](aduan_domain::stats::StatsCounts) ([`Tally`]). Each store keeps only the
//! SQL that reads and writes the rows (`stats_cells`, `stats_reporter_sets`).

mod delta;
mod reporter_set;
mod tally;

pub(crate) use delta::{ALL_CATEGORIES, CellKey, Contribution, Delta, SetKey};
pub(crate) use reporter_set::{decode_reporter_set, encode_reporter_set, small_reporter_id};
pub(crate) use tally::{Tally, category_rows, segments};
