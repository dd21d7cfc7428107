//! `aduan backup` and `aduan restore`, and the backups `aduan serve` takes on a schedule.
//!
//! A backup is one file (`container`): a manifest (`manifest`) and the store as a SQLite
//! database, compressed. A SQLite store is copied with `VACUUM INTO`, a PostgreSQL store read
//! in one snapshot into the same form (`postgres`); either restores into either. Every table
//! is checksummed with migrate-store's checksum (`tables`). The identity key is never in a
//! backup.

mod container;
pub(crate) mod images;
mod key_check;
mod manifest;
mod postgres;
mod restore;
mod schedule;
mod tables;
mod take;

use std::fmt::Write as _;
use std::path::Path;

pub use key_check::check_key;
pub use manifest::Manifest;
pub use restore::restore;
pub use schedule::{LONGEST, SHORTEST, Schedule, spawn};
pub use take::take;

use crate::config::Database;

/// What `aduan backup` prints.
pub fn taken(file: &Path, manifest: &Manifest) -> String {
    let mut out = describe(manifest);
    let _ = write!(
        out,
        "backup written to {} ({} bytes; the database is {} bytes)\n{}\n{}",
        file.display(),
        manifest.payload.bytes,
        manifest.database.bytes,
        manifest.identity_key_note,
        key_needed(manifest)
    );
    out
}

/// Which identity key a backup needs, in a line.
pub fn key_needed(manifest: &Manifest) -> String {
    match &manifest.identity_key_fingerprint {
        Some(fingerprint) => format!("identity key needed: fingerprint {fingerprint}"),
        None => "identity key needed: not recorded (the store had not been started)".to_owned(),
    }
}

/// What `aduan restore` prints.
pub fn restored(database: &Database, manifest: &Manifest) -> String {
    let mut out = describe(manifest);
    let target = match database {
        Database::Sqlite(path) => path.display().to_string(),
        Database::Postgres(_) => "the PostgreSQL database".to_owned(),
    };
    let _ = write!(
        out,
        "restored into {target}: the backup of {} ({} from {}), every table's rows and \
         checksum as recorded\n{}\n{}",
        manifest.created_at,
        manifest.source,
        manifest.aduan_version,
        manifest.identity_key_note,
        key_needed(manifest)
    );
    out
}

fn describe(manifest: &Manifest) -> String {
    let mut out = String::new();
    for table in &manifest.tables {
        let _ = writeln!(
            out,
            "{:<22} {:>10} rows  sha256 {}",
            table.name,
            table.rows,
            &table.sha256[..12.min(table.sha256.len())]
        );
    }
    let _ = writeln!(
        out,
        "{} tables, {} rows",
        manifest.tables.len(),
        manifest.total_rows()
    );
    if let Some(images) = manifest.images {
        let _ = writeln!(out, "{} photo images, {} bytes", images.count, images.bytes);
    }
    out
}
