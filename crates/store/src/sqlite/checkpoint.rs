//! Moving the write-ahead log into the database file, off the writer's path, and keeping the
//! log's file small.
//!
//! SQLite's automatic checkpoint runs inside whichever commit crosses the threshold, adding
//! two fsyncs to that request's latency. The writer turns it off; this thread checkpoints
//! twice a second instead, PASSIVE: never blocking readers or the writer.
//!
//! A PASSIVE checkpoint never catches up while writes keep coming, and SQLite starts the log
//! over only after one has caught up: under a flood the log grew to 8.6 GB and stayed that
//! size. So, at each tick:
//! - once the log passes [`WalLimits::restart_above`], the checkpointer asks the writer to
//!   empty it: between two batches the writer runs a TRUNCATE checkpoint, which copies the
//!   rest and empties the file. Only the writer can be sure to get its own lock: from another
//!   connection the checkpoint would wait for a writer that always has the next batch. New
//!   writes wait meanwhile; the checkpoint waits for readers at most [`WalLimits::hold`], and
//!   when a long read (a backup) keeps it from finishing, it is not tried again for
//!   [`WalLimits::back_off`];
//! - once writes stop (a tick found no new frame and everything checkpointed), the
//!   checkpointer empties the file itself, so an idle server keeps no log at all.
//!
//! `journal_size_limit` (set on the writer) trims the file whenever SQLite itself starts the
//! log over.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::{StoreError, StoreResult};

const EVERY: Duration = Duration::from_millis(500);

/// How big the log may grow and how long keeping it small may hold writes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalLimits {
    /// Past this many bytes the log is checkpointed whole and emptied.
    pub restart_above: u64,
    /// The longest a TRUNCATE checkpoint waits for readers (new writes wait meanwhile).
    pub hold: Duration,
    /// After a TRUNCATE checkpoint a reader kept from finishing, how long before the next.
    pub back_off: Duration,
}

impl Default for WalLimits {
    /// 64 MiB: a few seconds of a flood, far below the 512 MiB the log must never reach.
    fn default() -> Self {
        Self {
            restart_above: 64 * 1024 * 1024,
            hold: Duration::from_millis(250),
            back_off: Duration::from_secs(2),
        }
    }
}

/// What one tick saw and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// PASSIVE only: the log is small, or writes are still coming.
    Passive { frames: i64 },
    /// The log is past the limit: the writer was asked to empty it.
    Asked,
    /// Writes had stopped: the log file is empty now.
    Emptied,
    /// Writes had stopped, but a reader held on past `hold`: the log stays for now.
    Busy,
}

/// The checkpointer's request that the writer empty the log between two batches.
#[derive(Clone, Default)]
pub struct EmptyRequest(Arc<AtomicBool>);

impl EmptyRequest {
    fn ask(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn take(&self) -> bool {
        self.0.swap(false, Ordering::Relaxed)
    }
}

/// Empty the log with a TRUNCATE checkpoint, waiting for readers at most `hold`, then
/// waiting as long as `usual` again for anything else; whether it was emptied.
pub fn empty_log(conn: &Connection, hold: Duration, usual: Duration) -> StoreResult<bool> {
    conn.busy_timeout(hold).map_err(StoreError::other)?;
    let outcome = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    });
    conn.busy_timeout(usual).map_err(StoreError::other)?;
    match outcome {
        Ok(busy) => Ok(busy == 0),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            Ok(false)
        }
        Err(e) => Err(StoreError::other(e)),
    }
}

/// The writer's side: between batches, empty the log when asked (not while resting after a
/// long read kept it from finishing).
pub struct WriterSide {
    request: EmptyRequest,
    limits: WalLimits,
    usual_wait: Duration,
    resting_until: Option<Instant>,
}

impl WriterSide {
    pub fn new(request: EmptyRequest, limits: WalLimits, usual_wait: Duration) -> Self {
        Self {
            request,
            limits,
            usual_wait,
            resting_until: None,
        }
    }

    /// Called by the writer with no transaction open; whether the log was emptied.
    pub fn between_batches(&mut self, conn: &Connection) -> bool {
        if !self.request.take() || self.resting_until.is_some_and(|t| Instant::now() < t) {
            return false;
        }
        match empty_log(conn, self.limits.hold, self.usual_wait) {
            Ok(true) => {
                self.resting_until = None;
                true
            }
            Ok(false) => {
                tracing::warn!(
                    "the write-ahead log could not be emptied: a long read held on; trying \
                     again shortly"
                );
                self.resting_until = Some(Instant::now() + self.limits.back_off);
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "emptying the write-ahead log failed");
                false
            }
        }
    }
}

/// The checkpointer's state between ticks.
pub struct Keeper {
    limits: WalLimits,
    page_size: u64,
    last_frames: i64,
    request: EmptyRequest,
}

impl Keeper {
    /// Keeps the log on `conn` (its own connection), asking the writer through `request`.
    pub fn new(conn: &Connection, limits: WalLimits, request: EmptyRequest) -> StoreResult<Self> {
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(StoreError::other)?;
        Ok(Self {
            limits,
            page_size: u64::try_from(page_size).unwrap_or(4096),
            last_frames: 0,
            request,
        })
    }

    /// One round: checkpoint what can be without blocking anyone; past the limit, ask the
    /// writer to empty the log; once writes have stopped, empty it here.
    pub fn tick(&mut self, conn: &Connection) -> StoreResult<Tick> {
        let (frames, done) = checkpoint(conn, "PASSIVE")?;
        let bytes = u64::try_from(frames).unwrap_or(0) * (self.page_size + 24);
        let idle = frames > 0 && frames == done && frames == self.last_frames;
        self.last_frames = frames;
        if bytes > self.limits.restart_above {
            self.request.ask();
            return Ok(Tick::Asked);
        }
        if !idle {
            return Ok(Tick::Passive { frames });
        }
        if empty_log(conn, self.limits.hold, self.limits.hold)? {
            self.last_frames = 0;
            Ok(Tick::Emptied)
        } else {
            Ok(Tick::Busy)
        }
    }
}

/// Run a checkpoint in `mode`: (frames in the log, frames checkpointed).
fn checkpoint(conn: &Connection, mode: &str) -> StoreResult<(i64, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })
    .map_err(StoreError::other)
}

/// Runs while held; the thread stops when the last handle is dropped.
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn spawn(conn: Connection, limits: WalLimits, request: EmptyRequest) -> StoreResult<Self> {
        let mut keeper = Keeper::new(&conn, limits, request)?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("aduan-sqlite-checkpoint".into())
            .spawn(move || {
                // Wake on the timer; end when the sender is dropped with the store.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    if let Err(e) = keeper.tick(&conn) {
                        tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
                    }
                }
                let _ = checkpoint(&conn, "PASSIVE");
            })
            .map_err(StoreError::other)?;
        Ok(Self { _stop: stop })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn wal_bytes(dir: &tempfile::TempDir) -> u64 {
        std::fs::metadata(dir.path().join("t.db-wal")).map_or(0, |m| m.len())
    }

    /// A database in WAL mode without automatic checkpoints, as the store keeps it, and a
    /// second connection for the checkpoints.
    fn database() -> (tempfile::TempDir, Connection, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (x BLOB);",
            )
            .unwrap();
        writer.busy_timeout(Duration::from_secs(10)).unwrap();
        let checkpointer = Connection::open(&path).unwrap();
        (dir, writer, checkpointer)
    }

    fn write(conn: &Connection, rows: usize) {
        let tx = conn.unchecked_transaction().unwrap();
        for _ in 0..rows {
            tx.execute("INSERT INTO t VALUES (randomblob(4000))", [])
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn limits(restart_above: u64) -> WalLimits {
        WalLimits {
            restart_above,
            hold: Duration::from_millis(100),
            back_off: Duration::from_secs(60),
        }
    }

    /// One round of a busy server: a page reads while reports are written and a PASSIVE
    /// checkpoint runs, so the checkpoint cannot reach the newest frames and SQLite never
    /// starts the log over. The read is done when this returns.
    fn busy_round(dir: &tempfile::TempDir, writer: &Connection, conn: &Connection) {
        let reader = Connection::open(dir.path().join("t.db")).unwrap();
        let read = reader.unchecked_transaction().unwrap();
        let _: i64 = read
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        // About 400 KB a round.
        write(writer, 100);
        checkpoint(conn, "PASSIVE").unwrap();
    }

    #[test]
    fn under_steady_reads_and_writes_passive_checkpoints_let_the_log_grow() {
        // What this module exists for, seen on SQLite itself.
        let (dir, writer, conn) = database();
        for _ in 0..12 {
            busy_round(&dir, &writer, &conn);
        }
        let grown = wal_bytes(&dir);
        assert!(grown > 4 * 1024 * 1024, "{grown}");
    }

    #[test]
    fn a_log_past_the_limit_is_emptied_by_the_writer_while_writes_keep_coming() {
        let (dir, writer, conn) = database();
        // A limit below one round's writes: every tick finds the log past it.
        let request = EmptyRequest::default();
        let mut keeper = Keeper::new(&conn, limits(200 * 1024), request.clone()).unwrap();
        let mut side = WriterSide::new(request, limits(200 * 1024), Duration::from_secs(10));
        let mut largest = 0;
        for _ in 0..12 {
            busy_round(&dir, &writer, &conn);
            largest = largest.max(wal_bytes(&dir));
            assert_eq!(keeper.tick(&conn).unwrap(), Tick::Asked);
            assert!(side.between_batches(&writer));
            assert_eq!(wal_bytes(&dir), 0);
            // Asked once, done once.
            assert!(!side.between_batches(&writer));
        }
        assert!(largest < 1024 * 1024, "the log reached {largest} bytes");
        // Nothing written was lost.
        let rows: i64 = writer
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1200);
    }

    #[test]
    fn once_writes_stop_the_log_is_emptied() {
        let (dir, writer, conn) = database();
        let mut keeper = Keeper::new(&conn, limits(u64::MAX), EmptyRequest::default()).unwrap();
        write(&writer, 50);
        // Writes came since the last look: checkpointed, kept.
        assert!(matches!(keeper.tick(&conn).unwrap(), Tick::Passive { .. }));
        assert!(wal_bytes(&dir) > 0);
        // Nothing new: emptied.
        assert_eq!(keeper.tick(&conn).unwrap(), Tick::Emptied);
        assert_eq!(wal_bytes(&dir), 0);
        // And nothing to do after.
        assert_eq!(keeper.tick(&conn).unwrap(), Tick::Passive { frames: 0 });
    }

    #[test]
    fn a_long_read_makes_the_writer_give_up_and_rest_before_trying_again() {
        let (dir, writer, conn) = database();
        let request = EmptyRequest::default();
        let mut keeper = Keeper::new(&conn, limits(64 * 1024), request.clone()).unwrap();
        let mut side = WriterSide::new(request, limits(64 * 1024), Duration::from_secs(10));
        write(&writer, 50);
        // A reader in the middle of a long read, on the snapshot before the next writes.
        let reader = Connection::open(dir.path().join("t.db")).unwrap();
        let read = reader.unchecked_transaction().unwrap();
        let _: i64 = read
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        write(&writer, 50);
        assert_eq!(keeper.tick(&conn).unwrap(), Tick::Asked);
        // Held back at most `hold` (100 ms here), then given up.
        let started = Instant::now();
        assert!(!side.between_batches(&writer));
        let held = started.elapsed();
        assert!(held < Duration::from_secs(2), "{held:?}");
        // Resting: asked again, the writer does not hold writes back again.
        assert_eq!(keeper.tick(&conn).unwrap(), Tick::Asked);
        let started = Instant::now();
        assert!(!side.between_batches(&writer));
        assert!(started.elapsed() < Duration::from_millis(50));
        write(&writer, 10);
        drop(read);
        assert!(wal_bytes(&dir) > 0);
    }
}
