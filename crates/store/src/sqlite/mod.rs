//! The embedded store: bundled SQLite in WAL mode, one group-committing writer and a pool
//! of readers.
//!
//! Durability: `synchronous = FULL`, so a commit is on disk (the WAL is fsynced) before any
//! caller hears "saved". Group commit pays that fsync once per batch, not once per report.

mod accounts;
mod aggregates;
mod api_keys;
mod catalog;
mod checkpoint;
mod identity_key;
mod import;
mod key_rotation;
mod listing;
mod messages;
mod migrate;
mod monitoring;
mod outbox;
mod privacy;
mod private;
mod push;
mod readers;
mod reports;
mod rows;
pub(crate) mod search;
mod stats;
mod stats_counts;
mod support;
mod tracking;
mod triage;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::{StoreError, StoreResult};
pub use migrate::pending as pending_migrations;
use readers::Readers;
use writer::Writer;

/// How long the writer waits for a lock another process holds (a backup, a migration).
const WRITER_WAIT: Duration = Duration::from_secs(10);

/// Read connections; more than the cores, since reads also wait on disk.
const READERS: usize = 8;

/// Each reader's page cache, in KiB. Readers keep the upper levels of the indexes they
/// walk; the rest of the file is in the operating system's page cache, which all of them
/// share and which is not the server's memory. 8 readers of 4 MiB and the writer's 32 MiB
/// keep SQLite's caches within 64 MiB whatever the store's size (with 16 MiB each, the
/// server held 274 MB after the queue benchmark at a million reports).
const READER_CACHE_KIB: u32 = 4_000;

/// aduan's SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    _checkpointer: std::sync::Arc<checkpoint::Checkpointer>,
}

/// Switch to WAL. On a brand-new file another process may hold the lock for its own switch;
/// SQLite answers "busy" at once rather than waiting, so retry for a while.
fn enable_wal(conn: &Connection) -> StoreResult<()> {
    let mut attempts = 0;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => return Err(StoreError::Other(format!("journal mode stayed {mode}"))),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && attempts < 200 =>
            {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(StoreError::other(e)),
        }
    }
}

/// The writer's settings. `temp_store = FILE`: SQLite keeps a statement journal in memory
/// until it passes 64 KiB and spills it to a temporary file after; held in memory without a
/// limit (`MEMORY`), every statement's end walks the whole journal of the enclosing job, so
/// a large job (an import's batch) slows down quadratically.
fn configure(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(WRITER_WAIT).map_err(StoreError::other)?;
    enable_wal(conn)?;
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = FILE;
         PRAGMA cache_size = -32000;",
    )
    .map_err(StoreError::other)?;
    Ok(())
}

/// Index for search every report the search index lacks, in the caller's transaction: for a
/// database whose rows were written directly rather than through the store (a backup taken
/// from PostgreSQL).
pub fn index_reports_for_search(conn: &Connection) -> StoreResult<()> {
    search::backfill(conn)
}

/// Count every report into the statistics afresh, in the caller's transaction: for a
/// database whose statistics were not copied with its reports (a backup taken from
/// PostgreSQL while changes were still queued for the counts).
pub fn recount_statistics(conn: &Connection) -> StoreResult<()> {
    aggregates::recount(conn)
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    /// The file (and its `-wal` and `-shm`) is readable by its owner only.
    pub fn open(path: &Path) -> StoreResult<Self> {
        private::prepare(path)?;
        let mut conn = Connection::open(path)
            .map_err(|e| StoreError::Other(format!("cannot open {}: {e}", path.display())))?;
        configure(&conn)?;
        migrate::apply(&mut conn)?;
        // Checkpoints run on their own thread, not inside a request's commit; when SQLite
        // starts the log over, the file is cut back to the checkpointer's limit.
        let wal = checkpoint::WalLimits::default();
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {};",
            wal.restart_above
        ))
        .map_err(StoreError::other)?;
        let checkpointer = Connection::open(path).map_err(StoreError::other)?;
        let readers = (0..READERS)
            .map(|_| {
                let reader = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(StoreError::other)?;
                reader
                    .busy_timeout(Duration::from_secs(10))
                    .map_err(StoreError::other)?;
                reader
                    .execute_batch(&format!(
                        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -{READER_CACHE_KIB};"
                    ))
                    .map_err(StoreError::other)?;
                Ok(reader)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let asked = checkpoint::EmptyRequest::default();
        let writer_side = checkpoint::WriterSide::new(asked.clone(), wal, WRITER_WAIT);
        Ok(Self {
            writer: Writer::spawn(conn, writer_side)?,
            readers: Readers::new(readers),
            _checkpointer: std::sync::Arc::new(checkpoint::Checkpointer::spawn(
                checkpointer,
                wal,
                asked,
            )?),
        })
    }
}
