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

/// Run `aduan migrate`; returns the exit status. Photos an earlier version kept in the
/// database are moved out to the photo store (`photos`, as configured) once the schema is
/// up to date.
pub async fn run(
    data_dir: &Path,
    database_url: Option<&str>,
    pool: u32,
    photos: Option<&str>,
    args: MigrateArgs,
) -> anyhow::Result<i32> {
    let pending = pending(data_dir, database_url).await?;
    if pending.is_empty() && args.check {
        println!("the store is up to date: no migration pending");
        return Ok(0);
    }
    if pending.is_empty() {
        println!("the store is up to date: no migration pending");
        move_photos(data_dir, database_url, pool, photos).await?;
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
    move_photos(data_dir, database_url, pool, photos).await?;
    Ok(0)
}

/// Move any photo still in the database out to the photo store, saying how many.
async fn move_photos(
    data_dir: &Path,
    database_url: Option<&str>,
    pool: u32,
    configured: Option<&str>,
) -> anyhow::Result<()> {
    let store = crate::open_store(data_dir, database_url, pool).await?;
    if store.photos_to_move(1).await?.is_empty() {
        return Ok(());
    }
    let database = Database::resolve(data_dir, database_url)?;
    let photos = crate::config::open_photos(data_dir, &database, configured).await?;
    let moved = crate::serve::move_photos_out(store.as_ref(), &photos).await?;
    println!(
        "moved {moved} photo(s) out of the database to {}",
        photos.location().describe()
    );
    Ok(())
}
