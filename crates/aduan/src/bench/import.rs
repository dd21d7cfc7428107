//! `aduan bench --import`: history imported as `aduan import` does it, into a new store
//! (SQLite, or `--postgres`): `--import-years` synthetic years of Jakarta's volume, the
//! latest first, each timed alone, and lines a second for each and in all.

use std::time::Duration;

use anyhow::Context;

use aduan_domain::stats::format_count;
use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::ScratchDatabase;
use aduan_store::sqlite::SqliteStore;

use crate::cli::BenchArgs;
use crate::stats_bench::synthetic::{History, REPORTS_PER_YEAR};
use crate::stats_bench::{LATEST_YEAR, import_year, load_jakarta};

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let scratch = match &args.postgres {
        Some(server) => Some(ScratchDatabase::create(server).await?),
        None => None,
    };
    let dir = tempfile::Builder::new()
        .prefix("aduan-bench-import-")
        .tempdir()
        .context("creating a temporary directory")?;
    let store: Box<dyn Store> = match &scratch {
        Some(database) => Box::new(PgStore::connect(database.url()).await?),
        None => Box::new(SqliteStore::open(&dir.path().join("aduan.db"))?),
    };
    let jurisdiction = load_jakarta(store.as_ref()).await?;
    let mut history = History::new(&jurisdiction, args.seed);
    println!(
        "aduan bench --import: {} synthetic years of {} lines into a new {} store",
        args.import_years,
        format_count(u64::from(REPORTS_PER_YEAR)),
        if scratch.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("| year | lines | seconds | lines/s |");
    println!("| --- | --- | --- | --- |");
    let mut total = Duration::ZERO;
    for back in 0..args.import_years {
        let year = LATEST_YEAR - i32::try_from(back)?;
        let took = import_year(store.as_ref(), dir.path(), &mut history, year).await?;
        total += took;
        println!("| {year} | {} |", row(u64::from(REPORTS_PER_YEAR), took));
    }
    let lines = u64::from(REPORTS_PER_YEAR) * u64::from(args.import_years);
    println!("| all | {} |", row(lines, total));
    drop(store);
    Ok(())
}

/// `lines | seconds | lines/s` of one import.
fn row(lines: u64, took: Duration) -> String {
    let seconds = took.as_secs_f64();
    format!(
        "{} | {seconds:.1} | {}",
        format_count(lines),
        format_count((lines as f64 / seconds.max(1e-3)) as u64)
    )
}
