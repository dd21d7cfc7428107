//! `aduan bench-stats`: how long `aduan import` takes for synthetic years of Jakarta's
//! volume, and how fast the published figures answer at each size.
//!
//! A fresh store (SQLite in a temporary directory, or with `--postgres` a new database on
//! that server) gets the Jakarta pack, then the latest synthetic
//! year (134,814 reports) through the same code `aduan import` runs (parsing, checking,
//! batches, statistics' counts), and the figures are asked for again and again: the
//! yearly report, the same for a group of three categories, one month, a ragged period of
//! days at both ends, and everything stored. Then the earlier years are imported until the
//! store holds `--years` years, and the same questions are asked again. Latencies are of
//! `StatsStore::stats_counts`, in process (no HTTP), medians and 99th percentiles over
//! `--queries` runs each, after one warm-up; with `--postgres --instances N`, N stores on
//! the one database ask at once, sharing the queries.
//!
//! Build with `--release` first; the figures on a shared 2-core machine are noisy, so
//! compare sizes within one run.

pub(crate) mod synthetic;

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aduan_domain::stats::{Figures, Period, StatsQuery, format_count, resolve_category};
use aduan_domain::{CategoryCode, Jurisdiction};
use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::ScratchDatabase;
use aduan_store::sqlite::SqliteStore;
use anyhow::Context;

use crate::cli::{BenchStatsArgs, ImportArgs};
use crate::{history, import};
use synthetic::History;

/// The latest synthetic year; earlier ones count down from it.
pub(crate) const LATEST_YEAR: i32 = 2021;

pub async fn run(args: BenchStatsArgs) -> anyhow::Result<()> {
    let mut sizes = args.years.clone();
    sizes.sort_unstable();
    sizes.dedup();
    anyhow::ensure!(
        sizes.first().is_some_and(|y| *y >= 1) && sizes.len() <= 5,
        "--years takes 1 to 5 sizes of at least one year"
    );
    let dir = tempfile::tempdir()?;
    let scratch = match &args.postgres {
        Some(server) => Some(ScratchDatabase::create(server).await?),
        None => None,
    };
    let store: Arc<dyn Store> = match &scratch {
        Some(database) => Arc::new(PgStore::connect(database.url()).await?),
        None => Arc::new(SqliteStore::open(&dir.path().join("aduan.db"))?),
    };
    // Every instance asks at once, each through its own connections to the one database.
    let mut readers = vec![Arc::clone(&store)];
    if let Some(database) = &scratch {
        for _ in 1..args.instances {
            readers.push(Arc::new(PgStore::connect(database.url()).await?));
        }
    }
    let store = store.as_ref();
    let jurisdiction = load_jakarta(store).await?;
    let mut history = History::new(&jurisdiction, args.seed);
    let group: Vec<CategoryCode> = ["Jalan", "Pohon", "Sampah"]
        .iter()
        .map(|name| resolve_category(&jurisdiction, name))
        .collect::<Result<_, _>>()?;

    println!(
        "aduan bench-stats: {} reports a synthetic year, {} queries per question, on {}",
        format_count(u64::from(synthetic::REPORTS_PER_YEAR)),
        args.queries,
        if scratch.is_some() {
            format!("PostgreSQL, {} instance(s) asking at once", readers.len())
        } else {
            "SQLite".to_owned()
        }
    );
    let mut stored_years = 0;
    for size in sizes {
        let mut import_time = Duration::ZERO;
        while stored_years < size {
            let year = LATEST_YEAR - i32::try_from(stored_years)?;
            import_time += import_year(store, dir.path(), &mut history, year).await?;
            stored_years += 1;
        }
        let first_year = LATEST_YEAR + 1 - i32::try_from(stored_years)?;
        let reports = u64::from(synthetic::REPORTS_PER_YEAR) * u64::from(stored_years);
        println!(
            "\n{} stored ({stored_years} years); imported this step in {:.1} s",
            format_count(reports),
            import_time.as_secs_f64()
        );
        let questions = [
            ("tahun 2021", "2021-01-01", "2022-01-01", Vec::new()),
            (
                "tahun 2021, 3 kategori",
                "2021-01-01",
                "2022-01-01",
                group.clone(),
            ),
            ("Februari 2021", "2021-02-01", "2021-03-01", Vec::new()),
            ("15 Feb-10 Agu 2021", "2021-02-15", "2021-08-10", Vec::new()),
            (
                "semua tahun",
                &*format!("{first_year}-01-01"),
                "2022-01-01",
                Vec::new(),
            ),
        ];
        println!(
            "{:<26} {:>10} {:>10} {:>10} {:>10}",
            "question", "reports", "reporters", "p50 ms", "p99 ms"
        );
        for (name, from, to, categories) in questions {
            let period = Period::parse(from, to)?;
            let (figures, mut times) =
                ask(&readers, &jurisdiction, period, categories, args.queries).await?;
            times.sort_unstable();
            println!(
                "{name:<26} {:>10} {:>10} {:>10.2} {:>10.2}",
                figures.reports,
                figures.reporters,
                millis(percentile(&times, 50)),
                millis(percentile(&times, 99)),
            );
        }
    }
    Ok(())
}

/// Load the Jakarta pack into a fresh store; the jurisdiction as stored.
pub(crate) async fn load_jakarta(store: &dyn Store) -> anyhow::Result<Jurisdiction> {
    import::import_pack(store, import::parse_pack(import::JAKARTA_PACK)?).await?;
    Ok(Jurisdiction::stored(
        store
            .jurisdiction()
            .await?
            .context("the pack was just imported")?,
    )?)
}

/// Write one synthetic year as NDJSON and import it as `aduan import` does; the time of
/// the import alone.
pub(crate) async fn import_year(
    store: &dyn Store,
    dir: &Path,
    history: &mut History,
    year: i32,
) -> anyhow::Result<Duration> {
    let file = dir.join(format!("history-{year}.ndjson"));
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
        for line in history.year(year) {
            writeln!(out, "{line}")?;
        }
        out.flush()?;
    }
    let started = Instant::now();
    let args = ImportArgs {
        file: file.clone(),
        dry_run: false,
        key: crate::cli::KeyArgs {
            identity_key: Some(BENCH_IDENTITY_KEY.to_owned()),
            identity_key_file: None,
        },
    };
    let summary = history::run(store, dir, args)
        .await
        .map_err(|refusal| match refusal {
            history::Refusal::Lines(lines) => anyhow::anyhow!(
                "the synthetic year {year} was refused:\n{}",
                history::shown(&lines)
            ),
            history::Refusal::Other(e) => e.context(format!("importing the synthetic year {year}")),
        })?;
    let took = started.elapsed();
    std::fs::remove_file(&file)?;
    eprintln!("{year}: {summary} ({:.1} s)", took.as_secs_f64());
    Ok(took)
}

/// A made-up identity key for hashing the synthetic reporters (base64 of 32 bytes).
pub(crate) const BENCH_IDENTITY_KEY: &str = "YWR1YW4gYmVuY2gtc3RhdHMgc3ludGhldGljIGtleSE=";

/// Ask for the figures `queries` times after a warm-up, the queries shared between
/// `readers` asking at once; the figures and each query's time.
async fn ask(
    readers: &[Arc<dyn Store>],
    jurisdiction: &Jurisdiction,
    period: Period,
    categories: Vec<CategoryCode>,
    queries: usize,
) -> anyhow::Result<(Figures, Vec<Duration>)> {
    let query = StatsQuery::new(period, categories);
    let first = readers.first().context("no store to ask")?;
    let counts = first.stats_counts(query.clone()).await?;
    let figures = Figures::from_counts(&period, counts, jurisdiction);
    let mut askers = tokio::task::JoinSet::new();
    for (index, reader) in readers.iter().enumerate() {
        let (reader, query) = (Arc::clone(reader), query.clone());
        let share = queries / readers.len() + usize::from(index < queries % readers.len());
        askers.spawn(async move {
            let mut times = Vec::with_capacity(share);
            for _ in 0..share {
                let started = Instant::now();
                reader.stats_counts(query.clone()).await?;
                times.push(started.elapsed());
            }
            anyhow::Ok(times)
        });
    }
    let mut times = Vec::with_capacity(queries);
    while let Some(done) = askers.join_next().await {
        times.extend(done??);
    }
    Ok((figures, times))
}

/// The `p`th percentile of sorted times (nearest rank).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
