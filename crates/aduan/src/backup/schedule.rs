//! Backups `aduan serve` takes while serving (`--backup-dir`, `--backup-every`,
//! `--backup-keep`): the first when the newest backup in the directory is older than the
//! interval (at once when there is none), then one every interval, named by the time it was
//! taken; the oldest beyond `keep` are deleted after each success. A failure is logged as an
//! error and retried sooner; it never stops the server.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Database;
use aduan_store::photo_store::PhotoStore;

const PREFIX: &str = "aduan-";
const SUFFIX: &str = ".backup";
/// After a failure, the next attempt comes this soon (or at the interval, if shorter).
const RETRY: Duration = Duration::from_secs(15 * 60);
/// The shortest and longest interval accepted (`backup.every`).
pub const SHORTEST: Duration = Duration::from_secs(60);
pub const LONGEST: Duration = Duration::from_secs(366 * 24 * 3600);

#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// Run the schedule until `stop` turns true.
pub fn spawn(
    database: Database,
    photos: PhotoStore,
    schedule: Schedule,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = first_wait(&schedule);
        loop {
            tracing::info!(in_seconds = wait.as_secs(), dir = %schedule.dir.display(), "next scheduled backup");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
            wait = if back_up_once(&database, &photos, &schedule).await {
                schedule.every
            } else {
                schedule.every.min(RETRY)
            };
        }
    })
}

/// One backup and the pruning after it; whether the backup was written.
async fn back_up_once(database: &Database, photos: &PhotoStore, schedule: &Schedule) -> bool {
    let file = schedule.dir.join(name_at(chrono::Utc::now()));
    let (db, photos, target) = (database.clone(), photos.clone(), file.clone());
    // Its own task: even a panic in it is a logged failure, not a dead schedule.
    let outcome = tokio::spawn(async move { super::take(&db, &photos, &target).await }).await;
    match outcome {
        Ok(Ok(manifest)) => {
            tracing::info!(
                file = %file.display(),
                bytes = manifest.payload.bytes,
                rows = manifest.total_rows(),
                images = manifest.images.map_or(0, |i| i.count),
                "scheduled backup written"
            );
            match prune(&schedule.dir, schedule.keep) {
                Ok(removed) => {
                    for old in removed {
                        tracing::info!(file = %old.display(), "old backup deleted (--backup-keep)");
                    }
                }
                Err(e) => tracing::error!(
                    dir = %schedule.dir.display(),
                    error = %e,
                    "cannot delete old backups: the backup directory will grow"
                ),
            }
            true
        }
        Ok(Err(e)) => {
            log_failure(&file, &format!("{e:#}"), schedule);
            false
        }
        Err(e) => {
            log_failure(&file, &e.to_string(), schedule);
            false
        }
    }
}

fn log_failure(file: &Path, error: &str, schedule: &Schedule) {
    tracing::error!(
        file = %file.display(),
        error,
        retry_in_seconds = schedule.every.min(RETRY).as_secs(),
        "SCHEDULED BACKUP FAILED: no new backup was written"
    );
}

/// `aduan-20261205T014834Z.backup`: names sort by time.
fn name_at(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format("%Y%m%dT%H%M%SZ"))
}

/// The schedule's backups in `dir`, oldest first.
fn backups(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && name.ends_with(SUFFIX)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

/// Delete the oldest backups beyond `keep`; those deleted.
fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let found = backups(dir)?;
    let excess = found.len().saturating_sub(keep);
    let mut removed = Vec::with_capacity(excess);
    for old in found.into_iter().take(excess) {
        std::fs::remove_file(&old)?;
        removed.push(old);
    }
    Ok(removed)
}

/// How long until the first backup: the interval after the newest one, at once if none.
fn first_wait(schedule: &Schedule) -> Duration {
    let newest = backups(&schedule.dir)
        .ok()
        .and_then(|found| found.last().cloned())
        .and_then(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok());
    match newest.and_then(|at| SystemTime::now().duration_since(at).ok()) {
        Some(age) => schedule.every.saturating_sub(age),
        None if newest.is_some() => schedule.every,
        None => Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_sort_by_time() {
        let a = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let b = chrono::DateTime::from_timestamp(1_800_086_400, 0).unwrap();
        assert_eq!(name_at(a), "aduan-20270115T080000Z.backup");
        assert!(name_at(a) < name_at(b));
    }

    #[test]
    fn pruning_keeps_the_newest_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "aduan-20260101T000000Z.backup",
            "aduan-20260103T000000Z.backup",
            "aduan-20260102T000000Z.backup",
            "notes.txt",
            ".aduan-backup-x.partial",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.path().join("aduan-20260101T000000Z.backup")]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".aduan-backup-x.partial",
                "aduan-20260102T000000Z.backup",
                "aduan-20260103T000000Z.backup",
                "notes.txt"
            ]
        );
    }

    #[test]
    fn the_first_backup_is_at_once_in_an_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        let every = Duration::from_secs(3600);
        let schedule = Schedule {
            dir: dir.path().to_owned(),
            every,
            keep: 7,
        };
        assert_eq!(first_wait(&schedule), Duration::ZERO);
        std::fs::write(dir.path().join(name_at(chrono::Utc::now())), b"x").unwrap();
        let wait = first_wait(&schedule);
        assert!(
            wait > Duration::from_secs(3500) && wait <= every,
            "{wait:?}"
        );
    }
}
