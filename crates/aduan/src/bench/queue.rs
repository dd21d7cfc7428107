//! `aduan bench --queue`: the officers' queue and the statistics at a million reports.
//!
//! The bench prepares the store itself, in process: the Jakarta pack, then `--queue-years`
//! synthetic years of Jakarta's volume (134,814 reports each, 8 by default: 1,078,512)
//! imported through the code `aduan import` runs (timed: the import's lines per second are
//! the first figure printed), and a jurisdiction-wide coordinator. It
//! then starts `serve` on that store (SQLite in a temporary data dir, or with `--postgres` a
//! new database on that server), signs the coordinator in through `POST /auth/login`, and
//! asks, `--reports` times each, closed-loop from `--clients` connections after
//! `--warmup` unmeasured requests per client:
//!
//! - the coordinator's first page: `GET /api/v1/reports?limit=50`, newest first;
//! - the next page: the same with the first page's `next_cursor`;
//! - a filtered page: `state=coordination&category=<Jalan>`, the rare open state of a common
//!   category (every report on it is checked to match);
//! - the year's statistics: `GET /api/v1/stats?from=2021-01-01&to=2022-01-01`.
//!
//! Each answer must be a 200 with a full page (50 reports). Figures: pages per second over
//! the wall time of the phase, and each request's latency from sending to having read the
//! whole body. The server's resident memory is read from `/proc` when it starts listening,
//! after each question, and at its peak.

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::task::JoinSet;

use aduan_domain::stats::{Period, StatsQuery, format_count, resolve_category};
use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::ScratchDatabase;
use aduan_store::sqlite::SqliteStore;
use aduan_web::app::accounts::{CreateUserRequest, create_staff};

use super::api::Api;
use super::report::percentile_ms;
use super::server::Server;
use crate::cli::BenchArgs;
use crate::stats_bench::synthetic::{History, REPORTS_PER_YEAR};
use crate::stats_bench::{BENCH_IDENTITY_KEY, LATEST_YEAR, import_year, load_jakarta};

/// Reports a page holds: what the queue shows at once.
const PAGE: usize = 50;

const COORDINATOR: &str = "bench-koordinator";

#[derive(Deserialize)]
struct Page {
    items: Vec<Summary>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Summary {
    state: String,
    category: Code,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

/// What one question asks, and what its every answer must hold.
struct Question {
    name: &'static str,
    path: String,
    check: Check,
}

#[derive(Clone)]
enum Check {
    /// A full page of reports, each in this state and category when given.
    Page(Option<(String, String)>),
    /// The statistics' figures: a JSON object counting this many reports.
    Figures(u64),
}

/// The latencies of one question's measured requests, and the wall time they took.
struct Measured {
    latencies_us: Vec<u64>,
    wall: Duration,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    ensure!(
        args.instances == 1,
        "the queue bench runs one server; --instances is for the intake bench"
    );
    let clients = usize::from(args.clients);
    let requests = usize::try_from(args.reports)?;
    let warmup = usize::try_from(args.warmup)?;
    let scratch = match &args.postgres {
        Some(server) => Some(ScratchDatabase::create(server).await?),
        None => None,
    };
    let dir = tempfile::Builder::new()
        .prefix("aduan-bench-queue-")
        .tempdir()
        .context("creating a temporary directory")?;
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;

    let preparing = Instant::now();
    let password = crate::demo::demo_password(None);
    let (category, import_times) = {
        let store: Box<dyn Store> = match &scratch {
            Some(database) => Box::new(PgStore::connect(database.url()).await?),
            None => Box::new(SqliteStore::open(&data_dir.join("aduan.db"))?),
        };
        prepare(
            store.as_ref(),
            &data_dir,
            args.queue_years,
            args.seed,
            &password,
        )
        .await?
    };
    let reports = u64::from(REPORTS_PER_YEAR) * u64::from(args.queue_years);
    let prepared = preparing.elapsed();
    let imported: Duration = import_times.iter().sum();

    let mut server = Server::start_prepared(
        dir,
        scratch.as_ref().map(ScratchDatabase::url),
        BENCH_IDENTITY_KEY,
    )
    .await?;
    let pid = server.child.id();
    let memory_at_start = Memory::read(pid);
    let http = super::api::http_client(clients)?;
    let api = Api {
        http,
        base: server.base.clone(),
    };
    let auth = api.login(COORDINATOR, &password).await?;

    let first: Page = api.get_as(&auth, "/reports?limit=50").await?;
    let cursor = first
        .next_cursor
        .context("the coordinator's first page has no next page")?;
    let year_period = format!("from={LATEST_YEAR}-01-01&to={}-01-01", LATEST_YEAR + 1);
    let questions = [
        Question {
            name: "first page",
            path: "/reports?limit=50".into(),
            check: Check::Page(None),
        },
        Question {
            name: "next page (cursor)",
            path: format!("/reports?limit=50&cursor={cursor}"),
            check: Check::Page(None),
        },
        Question {
            name: "state and category",
            path: format!("/reports?limit=50&state=coordination&category={category}"),
            check: Check::Page(Some(("coordination".into(), category.clone()))),
        },
        Question {
            name: "statistics of a year",
            path: format!("/stats?{year_period}"),
            check: Check::Figures(u64::from(REPORTS_PER_YEAR)),
        },
    ];

    println!(
        "aduan bench --queue: {} reports ({} synthetic years) on {}, prepared in {:.0} s",
        format_count(reports),
        args.queue_years,
        if scratch.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        prepared.as_secs_f64()
    );
    println!(
        "import: {} lines in {:.1} s ({} lines/s; the first year in {:.1} s, the last in {:.1} s)",
        format_count(reports),
        imported.as_secs_f64(),
        format_count((reports as f64 / imported.as_secs_f64().max(1e-3)) as u64),
        import_times.first().map_or(0.0, Duration::as_secs_f64),
        import_times.last().map_or(0.0, Duration::as_secs_f64),
    );
    println!(
        "{clients} clients, {} requests per question after {warmup} per client unmeasured, a page = {PAGE} reports",
        format_count(requests as u64)
    );
    println!(
        "{:<22} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "question", "pages/s", "p50 ms", "p99 ms", "max ms", "RSS MB"
    );
    for question in &questions {
        ask(&api, &auth, question, clients, warmup * clients).await?;
        let mut measured = ask(&api, &auth, question, clients, requests).await?;
        measured.latencies_us.sort_unstable();
        let per_s = measured.latencies_us.len() as f64 / measured.wall.as_secs_f64();
        println!(
            "{:<22} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9}",
            question.name,
            per_s,
            percentile_ms(&measured.latencies_us, 50.0),
            percentile_ms(&measured.latencies_us, 99.0),
            measured.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0,
            Memory::read(pid).resident_mb,
        );
    }
    let memory_after = Memory::read(pid);
    println!(
        "server memory: {} MB resident when it started listening, {} MB after the questions (peak {} MB)",
        memory_at_start.resident_mb, memory_after.resident_mb, memory_after.peak_mb
    );
    if args.keep_data
        && let Some(path) = server.keep_data()
    {
        println!(
            "kept:        {} (server.log, data/aduan.db)",
            path.display()
        );
    }
    Ok(())
}

/// The pack, the synthetic years and the coordinator; the code of the filtered category,
/// and how long each year's import took, the latest year first.
async fn prepare(
    store: &dyn Store,
    data_dir: &std::path::Path,
    years: u32,
    seed: u64,
    password: &str,
) -> anyhow::Result<(String, Vec<Duration>)> {
    let jurisdiction = load_jakarta(store).await?;
    let mut history = History::new(&jurisdiction, seed);
    let mut times = Vec::new();
    for back in 0..years {
        let year = LATEST_YEAR - i32::try_from(back)?;
        times.push(import_year(store, data_dir, &mut history, year).await?);
    }
    create_staff(
        store,
        &jurisdiction,
        CreateUserRequest {
            username: COORDINATOR.into(),
            password: password.to_owned(),
            role: "coordinator".into(),
            unit: None,
            display_name: None,
            can_view_identity: false,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the coordinator: {e}"))?;
    // The statistics of what was imported are folded in beside the import on PostgreSQL;
    // asking once waits for the last of them, so that no question is timed against it.
    let everything = Period::parse(
        &format!("{}-01-01", LATEST_YEAR + 1 - i32::try_from(years)?),
        &format!("{}-01-01", LATEST_YEAR + 1),
    )?;
    store
        .stats_counts(StatsQuery::new(everything, Vec::new()))
        .await?;
    let category = resolve_category(&jurisdiction, "Jalan")?
        .as_str()
        .to_owned();
    Ok((category, times))
}

/// `total` requests of `question` between `clients` closed-loop clients; every answer
/// checked.
async fn ask(
    api: &Api,
    auth: &HeaderValue,
    question: &Question,
    clients: usize,
    total: usize,
) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for index in 0..clients {
        let share = total / clients + usize::from(index < total % clients);
        let (api, auth) = (api.clone(), auth.clone());
        let (path, check) = (question.path.clone(), question.check.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let sent = Instant::now();
                let body = api.get_bytes(&auth, &path).await?;
                latencies.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                check.holds(&body).with_context(|| format!("GET {path}"))?;
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies_us = Vec::with_capacity(total);
    while let Some(done) = tasks.join_next().await {
        latencies_us.extend(done.context("a client task failed")??);
    }
    Ok(Measured {
        latencies_us,
        wall: started.elapsed(),
    })
}

impl Check {
    fn holds(&self, body: &[u8]) -> anyhow::Result<()> {
        match self {
            Check::Page(filter) => {
                let page: Page = serde_json::from_slice(body)?;
                if page.items.len() != PAGE {
                    bail!("a page of {} reports, not {PAGE}", page.items.len());
                }
                if let Some((state, category)) = filter
                    && let Some(other) = page
                        .items
                        .iter()
                        .find(|r| &r.state != state || &r.category.code != category)
                {
                    bail!(
                        "a report in {} / {} on a page filtered to {state} / {category}",
                        other.state,
                        other.category.code
                    );
                }
            }
            Check::Figures(at_least) => {
                let figures: serde_json::Value = serde_json::from_slice(body)?;
                let reports = figures["reports"].as_u64().unwrap_or(0);
                if reports < *at_least {
                    bail!("the figures count {reports} reports, not at least {at_least}");
                }
            }
        }
        Ok(())
    }
}

/// The server's resident memory now and at its peak, in MB, from `/proc/PID/status`.
struct Memory {
    resident_mb: u64,
    peak_mb: u64,
}

impl Memory {
    fn read(pid: u32) -> Self {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = |field: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        Self {
            resident_mb: kb("VmRSS:") / 1024,
            peak_mb: kb("VmHWM:") / 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn page(n: usize, state: &str, category: &str) -> Vec<u8> {
        let item = serde_json::json!({ "state": state, "category": { "code": category } });
        serde_json::to_vec(&serde_json::json!({ "items": vec![item; n], "next_cursor": "x" }))
            .unwrap()
    }

    #[test]
    fn a_page_must_be_full_and_match_its_filter() {
        let filtered = Check::Page(Some(("coordination".into(), "jalan".into())));
        assert!(
            Check::Page(None)
                .holds(&page(50, "completed", "pohon"))
                .is_ok()
        );
        assert!(
            Check::Page(None)
                .holds(&page(49, "completed", "pohon"))
                .is_err()
        );
        assert!(filtered.holds(&page(50, "coordination", "jalan")).is_ok());
        assert!(filtered.holds(&page(50, "completed", "jalan")).is_err());
        assert!(filtered.holds(&page(50, "coordination", "pohon")).is_err());
        assert!(Check::Page(None).holds(b"not json").is_err());
    }

    #[test]
    fn figures_must_count_the_year() {
        let check = Check::Figures(100);
        assert!(check.holds(br#"{"reports": 100}"#).is_ok());
        assert!(check.holds(br#"{"reports": 99}"#).is_err());
        assert!(check.holds(br#"{}"#).is_err());
    }
}
