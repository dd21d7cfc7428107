//! `aduan migrate`: which schema migrations a store needs, and applying them.

use std::path::Path;

use aduan_store::PendingMigration;
use aduan_store::postgres::PgStore;

use crate::cli::MigrateArgs;
use crate::config::Database;

/// The exit status of `aduan migrate --check` when migrations are pending.
pub const PENDING_EXIT: i32 = 3;

/// What the store at `data_dir`/`database_url` still needs, found without changing it.
async fn pending(
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Vec<PendingMigration>> {
    Ok(match Database::resolve(data_dir, database_url)? {
        Database::Sqlite(path) => aduan_store::sqlite::pending_migrations(&path)?,
        Database::Postgres(url) => PgStore::pending_migrations(&url).await?,
    })
}

fn listed(migrations: &[PendingMigration]) -> String {
    migrations
        .iter()
        .map(|m| format!("  {}\n", m.name))
        .collect()
}

/// Run `aduan migrate`; returns the exit status.
pub async fn run(
    data_dir: &Path,
    database_url: Option<&str>,
    pool: u32,
    args: MigrateArgs,
) -> anyhow::Result<i32> {
    let pending = pending(data_dir, database_url).await?;
    if pending.is_empty() {
        println!("the store is up to date: no migration pending");
        return Ok(0);
    }
    if args.check {
        print!(
            "{} migration(s) pending (run `aduan migrate` or start `aduan serve` to apply):\n{}",
            pending.len(),
            listed(&pending)
        );
        return Ok(PENDING_EXIT);
    }
    crate::open_store(data_dir, database_url, pool).await?;
    print!(
        "applied {} migration(s):\n{}",
        pending.len(),
        listed(&pending)
    );
    Ok(0)
}
