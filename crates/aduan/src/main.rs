//! The aduan binary: command line, configuration, wiring.

mod cli;
mod config;
mod demo;
mod import;
mod serve;

use std::sync::Arc;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use aduan_store::Store;
use aduan_store::sqlite::SqliteStore;

use cli::{Cli, Command, JurisdictionCommand, RegionsCommand};
use config::Database;

fn open_store(cli: &Cli) -> anyhow::Result<Arc<dyn Store>> {
    match Database::resolve(&cli.data_dir, cli.database_url.as_deref())? {
        Database::Sqlite(path) => Ok(Arc::new(SqliteStore::open(&path)?)),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let store = open_store(&cli)?;
    match cli.command {
        Command::Serve(args) => serve::run(store, args).await,
        Command::Regions(RegionsCommand::Import { files }) => {
            for file in files {
                let n = import::import_regions(store.as_ref(), &file).await?;
                println!("{}: {n} regions imported", file.display());
            }
            Ok(())
        }
        Command::Jurisdiction(JurisdictionCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)?;
            import::import_pack(store.as_ref(), import::parse_pack(&text)?).await?;
            println!("{}: jurisdiction loaded", file.display());
            Ok(())
        }
    }
}
