//! The figures of a run: latency percentiles, the table and JSON line printed, and where the
//! CPU went.

use std::time::Duration;

use serde_json::json;

use super::load::Outcome;
use super::server::Server;
use super::setup::Locations;

/// CPU time used so far, from `/proc` (Linux; `None` elsewhere): a process's user and
/// system seconds, or the whole machine's busy seconds (summed over cores).
pub(super) mod cpu {
    /// `USER_HZ`: 100 on every mainstream Linux.
    const TICKS_PER_SEC: f64 = 100.0;

    pub fn process(pid: u32) -> Option<(f64, f64)> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command name, which is in parentheses and may contain spaces.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let user: f64 = fields.get(11)?.parse().ok()?;
        let system: f64 = fields.get(12)?.parse().ok()?;
        Some((user / TICKS_PER_SEC, system / TICKS_PER_SEC))
    }

    pub fn machine_busy() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let line = stat.lines().next()?.strip_prefix("cpu ")?;
        let ticks: Vec<f64> = line
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0.0))
            .collect();
        // user nice system idle iowait irq softirq steal: all but idle and iowait.
        let busy: f64 = ticks
            .iter()
            .take(8)
            .enumerate()
            .filter(|(i, _)| *i != 3 && *i != 4)
            .map(|(_, t)| t)
            .sum();
        Some(busy / TICKS_PER_SEC)
    }

    /// Summed user and system seconds of `pids`; `None` when any cannot be read.
    fn processes(pids: impl IntoIterator<Item = u32>) -> Option<(f64, f64)> {
        let mut total = (0.0, 0.0);
        for pid in pids {
            let (user, system) = process(pid)?;
            total = (total.0 + user, total.1 + system);
        }
        Some(total)
    }

    /// Every PostgreSQL process on this machine (the server and its backends).
    fn postgres_pids() -> Vec<u32> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|comm| comm.trim() == "postgres")
            })
            .collect()
    }

    /// A snapshot of the servers, this process, PostgreSQL and the machine.
    #[derive(Clone, Copy)]
    pub struct Snapshot {
        server: Option<(f64, f64)>,
        postgres: Option<(f64, f64)>,
        client: Option<(f64, f64)>,
        machine: Option<f64>,
    }

    impl Snapshot {
        /// `servers`: the aduan processes started; `postgres`: whether to count the
        /// PostgreSQL server's processes too. A backend that ends between two snapshots
        /// takes its CPU time with it, so that figure is a lower bound.
        pub fn take(servers: &[u32], postgres: bool) -> Self {
            Self {
                server: if servers.is_empty() {
                    None
                } else {
                    processes(servers.iter().copied())
                },
                postgres: if postgres {
                    processes(postgres_pids())
                } else {
                    None
                },
                client: process(std::process::id()),
                machine: machine_busy(),
            }
        }

        /// A line on where the CPU went between `self` and `later`, per report.
        pub fn describe(&self, later: &Self, reports: usize, wall: f64) -> Option<String> {
            let diff = |a: Option<(f64, f64)>, b: Option<(f64, f64)>| {
                a.zip(b).map(|(a, b)| (b.0 - a.0, b.1 - a.1))
            };
            let per = |s: f64| s * 1000.0 / reports.max(1) as f64;
            let (cu, cs) = diff(self.client, later.client)?;
            let mut line = format!(
                "bench client {:.2} ms/report ({:.2} user + {:.2} sys)",
                per(cu + cs),
                per(cu),
                per(cs)
            );
            let mut accounted = cu + cs;
            if let Some((su, ss)) = diff(self.server, later.server) {
                accounted += su + ss;
                line = format!(
                    "server {:.2} ms/report ({:.2} user + {:.2} sys), {line}",
                    per(su + ss),
                    per(su),
                    per(ss)
                );
            }
            if let Some((pu, ps)) = diff(self.postgres, later.postgres) {
                accounted += pu + ps;
                line.push_str(&format!(
                    ", PostgreSQL {:.2} ms/report ({:.2} user + {:.2} sys)",
                    per(pu + ps),
                    per(pu),
                    per(ps)
                ));
            }
            if let Some(busy) = self.machine.zip(later.machine).map(|(a, b)| b - a) {
                let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
                line.push_str(&format!(
                    "; machine {:.0}% busy, other processes {:.1} core-s of {:.1}",
                    100.0 * busy / (wall * cores),
                    (busy - accounted).max(0.0),
                    wall * cores
                ));
            }
            Some(line)
        }
    }
}

pub(super) fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

/// What was run, for the head of the table.
pub(super) struct Run<'a> {
    pub(super) clients: usize,
    pub(super) reports: usize,
    pub(super) warmup: usize,
    /// The servers the bench started; none with `--url`.
    pub(super) servers: &'a [Server],
    /// The scratch PostgreSQL database they share, if not SQLite.
    pub(super) postgres: Option<&'a str>,
    pub(super) base: &'a str,
    pub(super) locations: &'a Locations,
    pub(super) locations_text: &'a str,
    pub(super) setup: Duration,
}

/// Print the table and the JSON line on the load phase, sorting its latencies.
pub(super) fn print(
    run: &Run<'_>,
    load: &mut Outcome,
    before: &cpu::Snapshot,
    after: &cpu::Snapshot,
) {
    let Run {
        clients,
        reports,
        warmup,
        servers,
        postgres,
        base,
        locations,
        locations_text,
        setup,
    } = *run;
    load.latencies_us.sort_unstable();
    let acked = load.latencies_us.len();
    let errors = load.errors();
    let wall = load.wall.as_secs_f64();
    let per_sec = if wall > 0.0 { acked as f64 / wall } else { 0.0 };
    let (p50, p90, p99, max) = (
        percentile_ms(&load.latencies_us, 50.0),
        percentile_ms(&load.latencies_us, 90.0),
        percentile_ms(&load.latencies_us, 99.0),
        percentile_ms(&load.latencies_us, 100.0),
    );
    let cores = std::thread::available_parallelism().map_or(0, usize::from);

    println!();
    println!("aduan bench: {clients} clients, {reports} reports over HTTP/1.1 keep-alive");
    match (servers, postgres) {
        ([], _) => println!("server:      {base}"),
        ([s], None) => println!(
            "server:      started here (serve --demo), SQLite WAL synchronous=FULL, data in {}",
            s.data_dir.display()
        ),
        (servers, Some(url)) => println!(
            "server:      {} instance(s) started here (serve --demo), sharing PostgreSQL {url}; clients spread over them",
            servers.len()
        ),
        (servers, None) => println!("server:      {} instances started here", servers.len()),
    }
    println!("locations:   {locations_text}");
    println!(
        "setup:       {:.1} s ({clients} accounts, {} warm-up reports)",
        setup.as_secs_f64(),
        warmup * clients
    );
    println!(
        "note:        the bench client shares this machine's {cores} cores with the server{}",
        if !servers.is_empty() {
            ""
        } else {
            " (if the server is local)"
        }
    );
    println!();
    println!("  acknowledged (201)   {acked:>10}");
    println!("  errors               {errors:>10}");
    println!("  shed (503, resent)   {:>10}", load.shed);
    load.print_failures();
    println!("  wall time            {wall:>10.2} s");
    println!("  reports/s            {per_sec:>10.0}");
    println!("  latency p50          {p50:>10.2} ms");
    println!("  latency p90          {p90:>10.2} ms");
    println!("  latency p99          {p99:>10.2} ms");
    println!("  latency max          {max:>10.2} ms");
    if let Some(line) = before.describe(after, acked + errors, wall) {
        println!("cpu:         {line}");
    }
    println!(
        "{}",
        json!({
            "clients": clients,
            "reports": reports,
            "acknowledged": acked,
            "errors": errors,
            "shed": load.shed,
            "wall_s": (wall * 1000.0).round() / 1000.0,
            "reports_per_sec": per_sec.round(),
            "p50_ms": (p50 * 100.0).round() / 100.0,
            "p90_ms": (p90 * 100.0).round() / 100.0,
            "p99_ms": (p99 * 100.0).round() / 100.0,
            "max_ms": (max * 100.0).round() / 100.0,
            "locations": if matches!(locations, Locations::Points) { "coordinates" } else { "region" },
            "cores": cores,
        })
    );
}
