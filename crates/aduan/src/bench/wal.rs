//! The SQLite write-ahead log's size while the bench runs: sampled every 50 ms during the
//! load, the largest kept, then watched after the load until the store's checkpointer has
//! emptied it (or 10 s pass). The log must stay far below 512 MiB at any rate of intake.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(50);

/// Watches `<data dir>/aduan.db-wal` until stopped.
pub(super) struct WalWatch {
    path: PathBuf,
    largest: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

/// What the watch saw.
pub(super) struct WalSizes {
    pub largest: u64,
    pub at_end: u64,
    /// How long after the load the log took to empty, if it did within 10 s.
    pub emptied_after: Option<Duration>,
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

impl WalWatch {
    pub(super) fn start(data_dir: &Path) -> Self {
        let path = data_dir.join("aduan.db-wal");
        let largest = Arc::new(AtomicU64::new(size(&path)));
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let (path, largest, stop) = (path.clone(), Arc::clone(&largest), Arc::clone(&stop));
            async move {
                let mut tick = tokio::time::interval(EVERY);
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    largest.fetch_max(size(&path), Ordering::Relaxed);
                }
            }
        });
        Self {
            path,
            largest,
            stop,
            task,
        }
    }

    /// Stop sampling at the end of the load; then wait (up to 10 s) for the log to empty.
    pub(super) async fn finish(self) -> WalSizes {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let at_end = size(&self.path);
        let largest = self.largest.load(Ordering::Relaxed).max(at_end);
        let started = Instant::now();
        let mut tick = tokio::time::interval(EVERY);
        let emptied_after = loop {
            tick.tick().await;
            if size(&self.path) == 0 {
                break Some(started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(10) {
                break None;
            }
        };
        WalSizes {
            largest,
            at_end,
            emptied_after,
        }
    }
}

impl WalSizes {
    pub(super) fn print(&self) {
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        println!(
            "wal:         largest {:.1} MiB during the load, {:.1} MiB at its end; {}",
            mib(self.largest),
            mib(self.at_end),
            match self.emptied_after {
                Some(after) => format!("emptied {:.1} s after it", after.as_secs_f64()),
                None => "not emptied within 10 s after it".to_owned(),
            }
        );
    }
}
