//! `aduan bench`: how many reports per second the server acknowledges over HTTP, how long
//! each takes, and whether every acknowledged report survives a crash.
//!
//! What is measured: `--clients` concurrent clients (tokio tasks sharing one HTTP/1.1
//! keep-alive `reqwest` client, so one connection each), each signed in as its own citizen
//! with a bearer token, submit `--reports` JSON reports (`POST /api/v1/reports`) between
//! them, closed-loop: a client sends its next report as soon as the previous one is
//! answered. The latency of a report is the time from sending the request to having read the
//! whole `201 Created` response; throughput is acknowledged reports over the wall time of the
//! run. Account registration (argon2) and a warm-up of `--warmup` reports per client come
//! before the clock starts. Only a 201 counts as acknowledged. A 503 with `Retry-After` is
//! the server shedding load (more requests in flight than it admits): the client waits as
//! told and sends the same report again; the sheds are counted apart, and a report's
//! latency is that of its admitted attempt. Anything else is an error and makes the command
//! fail.
//!
//! Unless `--url` is given the bench starts its own server (this binary, `serve --demo`, on
//! a fresh data dir in a temporary directory) and, after the run, kills it with SIGKILL and
//! opens the database itself to look up every acknowledged ticket: a 201 is a promise that
//! the report is saved, and the check holds the server to it.
//!
//! Why that promise holds: the SQLite store runs in WAL mode with `synchronous = FULL`, so a
//! commit returns only after the WAL is fsynced, and the server answers 201 only after the
//! commit that holds the report. With `NORMAL` the WAL is synced only at checkpoints: a
//! process crash would lose nothing, but a power cut or kernel panic could lose reports
//! whose ticket numbers were already given out. FULL costs one fsync per commit; the
//! store's single writer thread pays it once per batch (group commit: every write waiting in
//! its queue, up to 512, runs in one transaction), so under load one fsync is shared by many
//! reports. A SIGKILL only proves the process-crash half (the page cache survives it); the
//! power-cut half rests on the fsync before every acknowledgement.
//!
//! The bench client runs on the same machine as the server and shares its cores: on a
//! 2-core machine the client's own HTTP and JSON work takes CPU the server would otherwise
//! have, so the figures understate what the server does alone.
//!
//! ## `--channel sms`: a flood day on the SMS line
//!
//! What the city's intake team lives through when thousands of citizens text at once: every
//! message comes in through the Twilio-style webhook, is triaged and filed, and the citizen
//! gets the ticket back by SMS through the outbox. The bench plays both ends the city does
//! not run: the gateway posting the webhooks, and the gateway's `Messages.json` API the
//! answers go to ([`sink`], an HTTP server in the bench process on 127.0.0.1 answering 201
//! at once). It writes a channels file (`twilio.api_base` pointing at that sink, a fresh
//! account SID and auth token) beside the server's data dir and starts the server with
//! `--channels`.
//!
//! `--clients` connections post `--reports` form-encoded webhooks between them,
//! closed-loop, each signed in `X-Twilio-Signature` as Twilio signs it (so every message
//! pays the server's HMAC check): a unique `MessageSid`, `From` one of half as many random
//! Indonesian mobile numbers as messages (so many citizens write more than once), `Body`
//! one of the JSON bench's complaint descriptions naming a kelurahan (or kecamatan) the
//! server knows, as people do in a text, with no map pin: every message goes to triage. A
//! 200 is the acknowledgement (the server answers only once the report and its queued
//! answer are committed); anything else is an error and fails the command.
//!
//! Figures, in two parts. Intake: acknowledged messages per second over the wall time of
//! the posting, and the latency of each webhook. Answers: the outbox worker delivers while
//! the messages still arrive; the drain is the time from the last acknowledgement until the
//! gateway has received one answer per message (its counter looked at every 50 ms), with
//! the answers per second in the drain alone (the outbox working undisturbed) and overall
//! (every answer, over the time from the first message to the last answer). Warm-up
//! messages and their answers are all done before the clock starts. The gateway checks
//! each answer's credentials and sender, and the bench that every answer names a ticket of
//! its own and that every number got exactly one answer per message it sent.
//!
//! Then, as for JSON reports, the server is killed with SIGKILL and the database read:
//! every acknowledged `MessageSid` must be in `channel_messages`, every ticket the
//! citizens were sent a report, and the outbox must hold one sent answer per message and
//! nothing pending or dead.

mod api;
mod channel;
mod durability;
mod generator;
mod import;
mod load;
mod photo_bytes;
mod queue;
mod report;
mod server;
mod setup;
mod sink;
mod wal;

use std::time::Instant;

use anyhow::{Context, bail};
use rand::SeedableRng;
use rand::rngs::StdRng;

use aduan_store::identity::IdentityKey;
use aduan_store::postgres::scratch::ScratchDatabase;

use crate::cli::{BenchArgs, BenchChannel};

use api::{Api, CategoryInfo, RegionInfo};
use generator::Generator;
use load::{Client, run_phase};
use report::cpu;
use server::{Server, SharedDatabase, log_tail};
use setup::{KNOWN_INSIDE, Locations, check_points, register_clients};

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let clients = usize::from(args.clients);
    let reports = usize::try_from(args.reports)?;
    let warmup = usize::try_from(args.warmup)?;
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; measure with `cargo build --release` and ./target/release/aduan bench"
        );
    }
    if let Some(BenchChannel::Sms) = args.channel {
        return channel::run(args).await;
    }
    if args.queue {
        return queue::run(args).await;
    }
    if args.import {
        return import::run(args).await;
    }
    if args.photo_bytes {
        return tokio::task::spawn_blocking(photo_bytes::run).await?;
    }

    let scratch = match &args.postgres {
        Some(server_url) => Some(ScratchDatabase::create(server_url).await?),
        None => None,
    };
    let mut servers = start_servers(&args, scratch.as_ref()).await?;
    let bases: Vec<String> = match &args.url {
        Some(url) => vec![url.trim_end_matches('/').to_owned()],
        None => servers.iter().map(|s| s.base.clone()).collect(),
    };
    let http = api::http_client(clients)?;
    let apis: Vec<Api> = bases
        .into_iter()
        .map(|base| Api {
            http: http.clone(),
            base,
        })
        .collect();
    let api = apis.first().context("no server to benchmark")?.clone();

    // Setup: the catalog, where reports go, one account per client.
    let categories: Vec<CategoryInfo> = api.get("/categories").await?;
    let kelurahan: Vec<RegionInfo> = api.get("/regions?level=kelurahan").await?;
    let locations = if kelurahan.is_empty() {
        let kecamatan: Vec<RegionInfo> = api.get("/regions?level=kecamatan").await?;
        if kecamatan.is_empty() {
            bail!("the server has no kecamatan or kelurahan to file reports in");
        }
        Locations::Regions(kecamatan.into_iter().map(|r| r.code).collect())
    } else {
        Locations::Points
    };
    let first_category = categories.first().context("the server has no categories")?;
    let setup = Instant::now();
    let tokens = register_clients(&api, clients).await?;
    let mut acknowledged: Vec<(usize, String)> = Vec::new();
    let locations_text = match &locations {
        Locations::Regions(codes) => format!("region codes ({} kecamatan)", codes.len()),
        Locations::Points => {
            let auth = tokens.first().context("no clients")?;
            let checked = check_points(&api, auth, first_category).await?;
            acknowledged.extend(checked.into_iter().map(|t| (0, t)));
            format!(
                "coordinates ({} known points, {} kelurahan loaded; all {} accepted)",
                KNOWN_INSIDE.len(),
                kelurahan.len(),
                KNOWN_INSIDE.len()
            )
        }
    };

    let mut generator = Generator {
        rng: StdRng::seed_from_u64(args.seed),
        categories: &categories,
        locations: &locations,
    };
    let warm_bodies = generator.deal(clients, warmup * clients)?;
    let load_bodies = generator.deal(clients, reports)?;
    let phase = |bodies: Vec<Vec<String>>| -> Vec<Client> {
        tokens
            .iter()
            .zip(bodies)
            .map(|(auth, bodies)| Client {
                auth: auth.clone(),
                bodies,
            })
            .collect()
    };
    let warm = run_phase(&apis, phase(warm_bodies)).await?;
    if warm.errors() > 0 {
        println!("warm-up failed:");
        warm.print_failures();
        bail!(
            "{} of the warm-up reports were not acknowledged",
            warm.errors()
        );
    }
    acknowledged.extend(warm.tickets);
    let setup = setup.elapsed();

    let server_pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let measures_postgres = scratch.is_some();
    let before = cpu::Snapshot::take(&server_pids, measures_postgres);
    // The embedded store's write-ahead log, when the bench started the server on it.
    let wal_watch = match (&servers[..], measures_postgres) {
        ([server], false) => Some(wal::WalWatch::start(&server.data_dir)),
        _ => None,
    };
    let mut load = run_phase(&apis, phase(load_bodies)).await?;
    let after = cpu::Snapshot::take(&server_pids, measures_postgres);
    report::print(
        &report::Run {
            clients,
            reports,
            warmup,
            servers: &servers,
            postgres: scratch.as_ref().map(ScratchDatabase::url),
            base: &api.base,
            locations: &locations,
            locations_text: &locations_text,
            setup,
        },
        &mut load,
        &before,
        &after,
    );
    if let Some(watch) = wal_watch {
        watch.finish().await.print();
    }
    let errors = load.errors();

    acknowledged.extend(load.tickets);
    let missing = durability::check(
        &mut servers,
        scratch.as_ref().map(ScratchDatabase::url),
        &api,
        &tokens,
        acknowledged,
    )
    .await?;
    if let Some(s) = servers.first_mut() {
        if args.keep_data {
            if let Some(path) = s.keep_data() {
                println!(
                    "kept:        {} (server.log, data/aduan.db)",
                    path.display()
                );
            }
        } else if !missing.is_empty() || errors > 0 {
            println!("server log (last lines):\n{}", log_tail(&s.log));
        }
    }
    if !missing.is_empty() {
        let sample: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        bail!(
            "{} acknowledged reports are missing, e.g. {}",
            missing.len(),
            sample.join(", ")
        );
    }
    if errors > 0 {
        bail!("{errors} of {reports} reports were not acknowledged");
    }
    Ok(())
}

/// The servers to measure: none with `--url`; else one on SQLite, or `--instances` on the
/// scratch PostgreSQL database, the first loading the demo city before the others start.
async fn start_servers(
    args: &BenchArgs,
    scratch: Option<&ScratchDatabase>,
) -> anyhow::Result<Vec<Server>> {
    if args.url.is_some() {
        return Ok(Vec::new());
    }
    let Some(database) = scratch else {
        return Ok(vec![Server::start(&args.regions, None, None).await?]);
    };
    let identity_key = IdentityKey::generate().to_base64();
    let mut servers = Vec::with_capacity(usize::from(args.instances));
    for index in 0..args.instances {
        let shared = SharedDatabase {
            url: database.url(),
            identity_key: &identity_key,
            first: index == 0,
        };
        servers.push(Server::start(&args.regions, None, Some(&shared)).await?);
    }
    Ok(servers)
}
