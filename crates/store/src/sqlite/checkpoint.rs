//! Moving the write-ahead log into the database file, off the writer's path.
//!
//! SQLite's automatic checkpoint runs inside whichever commit crosses the threshold, adding
//! two fsyncs to that request's latency. The writer turns it off; this thread checkpoints
//! (PASSIVE: never blocking readers or the writer) twice a second instead.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

use crate::{StoreError, StoreResult};

const EVERY: Duration = Duration::from_millis(500);

/// Runs while held; the thread stops when the last handle is dropped.
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn spawn(conn: Connection) -> StoreResult<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("aduan-sqlite-checkpoint".into())
            .spawn(move || {
                // Wake on the timer; end when the sender is dropped with the store.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
                    }
                }
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            })
            .map_err(StoreError::other)?;
        Ok(Self { _stop: stop })
    }
}
