//! The shared store: PostgreSQL, for deployments past one machine. Several stateless aduan
//! instances may use one database at once; every rule that the SQLite store keeps with its
//! single writer is kept here by row locks inside one transaction per change (see each
//! module), and background work (the outbox, the statistics' queued changes) is claimed
//! with `FOR UPDATE SKIP LOCKED`.
//!
//! The schema mirrors the SQLite store's column for column (migrations in
//! `migrations/postgres`, embedded and applied on connect), so that `aduan migrate-store`
//! copies rows one for one; PostgreSQL adds only its search columns and the statistics'
//! queue (`stats_pending`, see `aggregates`).

mod accounts;
mod aggregates;
mod api_keys;
mod catalog;
mod identity_key;
mod import;
mod intake;
mod key_rotation;
mod listing;
mod messages;
mod monitoring;
mod outbox;
mod privacy;
mod push;
mod reports;
mod rows;
pub mod scratch;
pub(crate) mod search;
mod stats;
mod support;
mod tracking;
mod triage;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::{PendingMigration, StoreError, StoreResult};

/// Connections per instance unless told otherwise; PostgreSQL's default limit of 100
/// leaves room for several instances.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// The embedded migrations. sqlx applies them under an advisory lock, so instances that
/// start together do not race.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// How often each instance folds the statistics' queued changes into the counts.
const FOLD_EVERY: Duration = Duration::from_secs(1);

/// aduan's PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// New reports, filed in groups (see [`intake`]).
    intake: intake::Intake,
    /// The background folder of the statistics' queued changes; stopped with the last
    /// clone of the store.
    _folder: Arc<Folder>,
}

/// A task that runs until dropped.
struct Folder(tokio::task::JoinHandle<()>);

impl Drop for Folder {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Fold the statistics' queued changes every [`FOLD_EVERY`], leaving those another
/// instance is folding to it: a busy day's counts stay a second behind at most, and a
/// statistics read folds whatever is left before it reads.
async fn fold_continuously(pool: PgPool) {
    loop {
        tokio::time::sleep(FOLD_EVERY).await;
        if let Err(e) = aggregates::fold(&pool, aggregates::Others::Skip).await {
            tracing::warn!(error = %e, "cannot fold the statistics' queued changes");
        }
        if let Err(e) = aggregates::vacuum_queue_if_dead(&pool).await {
            tracing::warn!(error = %e, "cannot vacuum the statistics' queue");
        }
    }
}

impl PgStore {
    /// Connect to `url` (`postgres://user@host:port/database`) and bring the schema up to
    /// date.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with_pool(url, DEFAULT_POOL_SIZE).await
    }

    /// As [`PgStore::connect`], keeping at most `pool_size` connections.
    pub async fn connect_with_pool(url: &str, pool_size: u32) -> StoreResult<Self> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Other(format!("bad PostgreSQL URL: {e}")))?;
        let options = options
            .application_name("aduan")
            .log_statements(tracing::log::LevelFilter::Trace);
        let pool = PgPoolOptions::new()
            .max_connections(pool_size.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Other(format!("cannot connect to PostgreSQL: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Other(format!("cannot migrate the PostgreSQL schema: {e}")))?;
        let folder = Folder(tokio::spawn(fold_continuously(pool.clone())));
        Ok(Self {
            intake: intake::Intake::start(pool.clone()),
            pool,
            _folder: Arc::new(folder),
        })
    }

    /// The migrations the database at `url` still needs, oldest first, found without
    /// changing anything.
    pub async fn pending_migrations(url: &str) -> StoreResult<Vec<PendingMigration>> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Other(format!("bad PostgreSQL URL: {e}")))?;
        let mut conn = options
            .application_name("aduan")
            .connect()
            .await
            .map_err(|e| StoreError::Other(format!("cannot connect to PostgreSQL: {e}")))?;
        let tracked: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&mut conn)
                .await
                .map_err(db_error)?;
        let applied: Vec<i64> = if tracked {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&mut conn)
                .await
                .map_err(db_error)?
        } else {
            Vec::new()
        };
        Ok(MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .map(|m| PendingMigration {
                version: m.version,
                name: format!("{:04}_{}", m.version, m.description.replace(' ', "_")),
            })
            .collect())
    }

    /// The connection pool, for tools that work on the tables themselves
    /// (`aduan migrate-store`).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Map a database error: no row is `NotFound`, a broken uniqueness rule is `Conflict`,
/// anything else `Other`.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_string())
        }
        _ => StoreError::other(e),
    }
}
