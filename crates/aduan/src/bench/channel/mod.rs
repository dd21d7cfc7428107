//! `aduan bench --channel sms`: a flood day on the SMS line. Citizens' messages arrive as
//! signed Twilio webhooks, each is triaged and filed, and its receipt (with the ticket) goes
//! back out through the outbox to a gateway the bench plays ([`super::sink`]).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use rusqlite::{Connection, OpenFlags};
use serde::Deserialize;
use serde_json::json;
use tokio::task::JoinSet;

use aduan_channels::sms::{SIGNATURE_HEADER, twilio_signature};
use aduan_domain::Channel;

use crate::cli::BenchArgs;

use super::api::{Api, CategoryInfo};
use super::durability::{check_on_disk, open_after_kill};
use super::generator::Generator;
use super::load::Outcome;
use super::report::{cpu, percentile_ms};
use super::server::{Server, log_tail};
use super::setup::Locations;
use super::sink::{Log, Sink};

mod messages;
use messages::{deal, phone_numbers, place_names, run_phase, sms, texts};

/// The URL the gateway is told to call: the signature covers it, so the server must be
/// configured with the same origin (it need not resolve; the bench posts to the server).
const PUBLIC_BASE_URL: &str = "http://bench.invalid";
const INBOUND_PATH: &str = "/channels/sms/inbound";
/// The city's SMS number: where citizens write, and the `From` of the answers.
const CITY_NUMBER: &str = "+628111272206";
/// Indonesian mobile prefixes (after +62) the citizens' numbers start with.
const MOBILE_PREFIXES: &[&str] = &[
    "811", "812", "813", "821", "822", "852", "853", "856", "857", "858", "877", "878", "881",
    "895", "896",
];
/// The least time the outbox gets to answer every message, and the extra per message.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(120);
const DRAIN_PER_MESSAGE: Duration = Duration::from_millis(5);

#[derive(Deserialize)]
struct NamedRegion {
    name: String,
}

/// The gateway's account, as the channels file gives it to the server.
struct Account {
    sid: String,
    auth_token: String,
}

/// One citizen's message, signed, ready to post.
struct Sms {
    sid: String,
    /// The sender, as an index into the citizens' numbers.
    from: usize,
    params: Vec<(String, String)>,
    signature: HeaderValue,
}

pub(super) async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let clients = usize::from(args.clients);
    let reports = usize::try_from(args.reports)?;
    let warmup = usize::try_from(args.warmup)?;

    let mut rng = StdRng::seed_from_u64(args.seed);
    // Fresh secrets each run: the signature is checked for real.
    let account = Account {
        sid: format!("AC{:032x}", rand::rng().random::<u128>()),
        auth_token: format!("{:032x}", rand::rng().random::<u128>()),
    };
    let sink = Sink::start(&account.sid, &account.auth_token, CITY_NUMBER).await?;
    let channels = json!({
        "public_base_url": PUBLIC_BASE_URL,
        "twilio": {
            "api_base": sink.base,
            "account_sid": account.sid,
            "auth_token": account.auth_token,
            "from": CITY_NUMBER,
        },
    });
    let mut server = Server::start(&args.regions, Some(&channels.to_string()), None).await?;
    let http = super::api::http_client(clients)?;
    let api = Api {
        http,
        base: server.base.clone(),
    };
    let inbound = format!("{}{INBOUND_PATH}", server.base);

    // Setup: what citizens write about and where, their numbers, every message signed.
    let setup = Instant::now();
    let categories: Vec<CategoryInfo> = api.get("/categories").await?;
    let (level, places) = place_names(&api).await?;
    let total = warmup * clients + reports;
    let numbers = phone_numbers(&mut rng, (total / 2).max(1));
    let texts = texts(&mut rng, &categories, &level, &places, total)?;
    let mut messages = texts
        .into_iter()
        .map(|text| sms(&mut rng, &account, &numbers, text))
        .collect::<anyhow::Result<Vec<Sms>>>()?;
    let load_messages = messages.split_off(warmup * clients);

    // Warm-up, unmeasured, and its answers all out before the clock starts.
    let warm = run_phase(&api.http, &inbound, deal(messages, clients)).await?;
    if warm.errors() > 0 {
        println!("warm-up failed:");
        warm.print_failures();
        bail!(
            "{} of the warm-up messages were not acknowledged",
            warm.errors()
        );
    }
    let mut acknowledged: Vec<(usize, String)> = warm.tickets;
    if sink
        .wait_for(acknowledged.len(), drain_timeout(acknowledged.len()))
        .await
        .is_none()
    {
        bail!(
            "the outbox did not answer the {} warm-up messages in time ({} answered); server log:\n{}",
            acknowledged.len(),
            sink.calls(),
            log_tail(&server.log)
        );
    }
    let setup = setup.elapsed();
    let answered_before = sink.calls();
    let warm_log = sink.take();

    // The flood: every message posted, then the outbox's answers awaited.
    let server_pid = [server.child.id()];
    let before = cpu::Snapshot::take(&server_pid, false);
    let mut load = run_phase(&api.http, &inbound, deal(load_messages, clients)).await?;
    let after_intake = cpu::Snapshot::take(&server_pid, false);
    let answered_in_intake = sink.calls() - answered_before;
    acknowledged.append(&mut load.tickets);
    let expected = acknowledged.len();
    let drain_limit = drain_timeout(expected.saturating_sub(answered_before));
    let drain = sink.wait_for(expected, drain_limit).await;
    let after_drain = cpu::Snapshot::take(&server_pid, false);
    // The measured run's answers, then all of them for the checks.
    let mut log = sink.take();
    let answers = Answers {
        calls: log.receipts.len() + log.refused.len(),
        accepted: log.receipts.len(),
        with_ticket: log.receipts.iter().filter(|r| r.ticket.is_some()).count(),
    };
    log.receipts.extend(warm_log.receipts);
    log.refused.extend(warm_log.refused);
    let mut sent_from: BTreeMap<&str, usize> = BTreeMap::new();
    for (from, _) in &acknowledged {
        let number = numbers.get(*from).context("no such number")?;
        *sent_from.entry(number.as_str()).or_default() += 1;
    }

    let figures = Figures {
        clients,
        reports,
        warmup,
        setup,
        answers,
        answered_in_intake,
        drain,
        drain_limit,
    };
    print(
        &figures,
        &server,
        &mut load,
        (&before, &after_intake, &after_drain),
    );
    let mut problems = answer_problems(&log, &sent_from);
    if drain.is_none() {
        problems.push(format!(
            "the outbox answered {} of {expected} messages within {drain_limit:?}",
            log.receipts.len() + log.refused.len()
        ));
    }
    let errors = load.errors();

    // Durability: kill -9, then every acknowledged message, its report and its answer on disk.
    server.crash()?;
    let db = server.data_dir.join("aduan.db");
    let tickets: Vec<String> = log
        .receipts
        .iter()
        .filter_map(|r| r.ticket.clone())
        .collect();
    let (found, missing_tickets) =
        check_on_disk(open_after_kill(&db, None).await?, &tickets).await?;
    let sids: Vec<&str> = acknowledged.iter().map(|(_, sid)| sid.as_str()).collect();
    let disk = on_disk(&db, &sids)?;
    println!(
        "durability:  {}/{} acknowledged messages found after kill -9 ({} sms messages filed); \
         {found}/{} tickets answered are reports on disk",
        sids.len() - disk.missing.len(),
        sids.len(),
        disk.filed,
        tickets.len()
    );
    println!(
        "outbox:      {} sms answers sent, {} pending, {} dead",
        disk.sent, disk.pending, disk.dead
    );
    if !disk.missing.is_empty() {
        let sample: Vec<&str> = disk.missing.iter().take(5).map(String::as_str).collect();
        problems.push(format!(
            "{} acknowledged messages are not on disk, e.g. {}",
            disk.missing.len(),
            sample.join(", ")
        ));
    }
    if disk.filed != expected {
        problems.push(format!(
            "{} sms messages are on disk for {expected} acknowledged",
            disk.filed
        ));
    }
    if disk.sent != expected || disk.pending + disk.dead > 0 {
        problems.push(format!(
            "the outbox holds {} sent, {} pending and {} dead answers for {expected} messages",
            disk.sent, disk.pending, disk.dead
        ));
    }
    if !missing_tickets.is_empty() {
        problems.push(format!(
            "{} answered tickets are not on disk, e.g. {}",
            missing_tickets.len(),
            missing_tickets
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    if args.keep_data {
        if let Some(path) = server.keep_data() {
            println!(
                "kept:        {} (server.log, channels.json, data/aduan.db)",
                path.display()
            );
        }
    } else if !problems.is_empty() || errors > 0 {
        println!("server log (last lines):\n{}", log_tail(&server.log));
    }
    if errors > 0 {
        problems.push(format!(
            "{errors} of {reports} messages were not acknowledged"
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("; "));
    }
    Ok(())
}

fn drain_timeout(messages: usize) -> Duration {
    let per_message = DRAIN_PER_MESSAGE.saturating_mul(u32::try_from(messages).unwrap_or(u32::MAX));
    DRAIN_TIMEOUT.max(per_message)
}

/// What the gateway got wrong, if anything: refusals, answers without a ticket, a ticket
/// given twice, or a citizen answered other than once per message sent.
fn answer_problems(log: &Log, sent_from: &BTreeMap<&str, usize>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(why) = log.refused.first() {
        problems.push(format!(
            "the gateway refused {} answers, e.g. {why}",
            log.refused.len()
        ));
    }
    let with_ticket = log.receipts.iter().filter(|r| r.ticket.is_some()).count();
    if with_ticket < log.receipts.len() {
        problems.push(format!(
            "{} answers name no ticket",
            log.receipts.len() - with_ticket
        ));
    }
    let distinct: HashSet<&str> = log
        .receipts
        .iter()
        .filter_map(|r| r.ticket.as_deref())
        .collect();
    if distinct.len() < with_ticket {
        problems.push(format!(
            "{} answers name a ticket another answer named",
            with_ticket - distinct.len()
        ));
    }
    let mut answered_to: BTreeMap<&str, usize> = BTreeMap::new();
    for receipt in &log.receipts {
        *answered_to.entry(receipt.to.as_str()).or_default() += 1;
    }
    let wrong = sent_from
        .iter()
        .filter(|(number, sent)| answered_to.get(*number) != Some(*sent))
        .count()
        + answered_to
            .keys()
            .filter(|number| !sent_from.contains_key(**number))
            .count();
    if wrong > 0 {
        problems.push(format!(
            "{wrong} numbers were not answered exactly once per message they sent"
        ));
    }
    problems
}

/// What the killed server left on disk about the SMS channel.
struct OnDisk {
    /// Messages filed (rows of `channel_messages`).
    filed: usize,
    /// Acknowledged MessageSids without a row.
    missing: Vec<String>,
    sent: usize,
    pending: usize,
    dead: usize,
}

fn on_disk(db: &Path, acknowledged: &[&str]) -> anyhow::Result<OnDisk> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {} after the kill", db.display()))?;
    let channel = Channel::Sms.code();
    let mut statement =
        conn.prepare("SELECT message_id FROM channel_messages WHERE channel = ?1")?;
    let filed: HashSet<String> = statement
        .query_map([channel], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let missing = acknowledged
        .iter()
        .filter(|sid| !filed.contains(**sid))
        .map(|sid| (*sid).to_owned())
        .collect();
    let mut statement = conn.prepare(
        "SELECT state, COUNT(*) FROM outbox WHERE channel = ?1 AND kind = 'reply' GROUP BY state",
    )?;
    let states: BTreeMap<String, usize> = statement
        .query_map([channel], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let count = |state: &str| states.get(state).copied().unwrap_or(0);
    Ok(OnDisk {
        filed: filed.len(),
        missing,
        sent: count("sent"),
        pending: count("pending"),
        dead: count("dead"),
    })
}

/// Answers the gateway received.
#[derive(Clone, Copy)]
struct Answers {
    /// Calls, accepted or refused.
    calls: usize,
    accepted: usize,
    /// Accepted answers that name a ticket.
    with_ticket: usize,
}

/// The figures of a run beyond the intake's own outcome.
struct Figures {
    clients: usize,
    reports: usize,
    warmup: usize,
    setup: Duration,
    /// What the gateway received in the measured run (the warm-up's answers were all out
    /// before the clock started).
    answers: Answers,
    /// Answers the gateway received while the messages were still coming in.
    answered_in_intake: usize,
    /// From the end of the intake to the last answer; `None` when it timed out.
    drain: Option<Duration>,
    drain_limit: Duration,
}

fn print(
    figures: &Figures,
    server: &Server,
    load: &mut Outcome,
    (before, after_intake, after_drain): (&cpu::Snapshot, &cpu::Snapshot, &cpu::Snapshot),
) {
    let Figures {
        clients,
        reports,
        warmup,
        setup,
        answers,
        answered_in_intake,
        drain,
        drain_limit,
    } = *figures;
    load.latencies_us.sort_unstable();
    let acked = load.latencies_us.len();
    let errors = load.errors();
    let wall = load.wall.as_secs_f64();
    let rate = |n: usize, s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
    let per_sec = rate(acked, wall);
    let (p50, p90, p99, max) = (
        percentile_ms(&load.latencies_us, 50.0),
        percentile_ms(&load.latencies_us, 90.0),
        percentile_ms(&load.latencies_us, 99.0),
        percentile_ms(&load.latencies_us, 100.0),
    );
    let answered_in_drain = answers.calls.saturating_sub(answered_in_intake);
    let drain_s = drain.unwrap_or(drain_limit).as_secs_f64();
    let last_answer = wall + drain_s;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);

    println!();
    println!(
        "aduan bench --channel sms: {clients} clients, {reports} SMS webhooks (Twilio, signed) over HTTP/1.1 keep-alive"
    );
    println!(
        "server:      started here (serve --demo --channels), SQLite WAL synchronous=FULL, data in {}",
        server.data_dir.display()
    );
    println!("gateway:     Twilio Messages.json played by the bench, answering 201 at once");
    println!(
        "setup:       {:.1} s ({} warm-up messages, answered before the clock starts)",
        setup.as_secs_f64(),
        warmup * clients
    );
    println!(
        "note:        the bench client and gateway share this machine's {cores} cores with the server"
    );
    println!();
    println!("intake (webhook → triaged, filed, answer queued):");
    println!("  acknowledged (200)   {acked:>10}");
    println!("  errors               {errors:>10}");
    load.print_failures();
    println!("  wall time            {wall:>10.2} s");
    println!("  messages/s           {per_sec:>10.0}");
    println!("  latency p50          {p50:>10.2} ms");
    println!("  latency p90          {p90:>10.2} ms");
    println!("  latency p99          {p99:>10.2} ms");
    println!("  latency max          {max:>10.2} ms");
    println!("answers (outbox → gateway):");
    println!("  sent during intake   {answered_in_intake:>10}");
    match drain {
        Some(d) => println!("  drain after intake   {:>10.2} s", d.as_secs_f64()),
        None => println!("  drain after intake   timed out after {drain_limit:?}"),
    }
    println!(
        "  answers/s in drain   {:>10.0}",
        rate(answered_in_drain, drain_s)
    );
    println!("  last answer at       {last_answer:>10.2} s from the first message");
    println!(
        "  answers/s overall    {:>10.0}",
        rate(answers.calls, last_answer)
    );
    println!(
        "  naming a ticket      {:>10} of {} accepted",
        answers.with_ticket, answers.accepted
    );
    if let Some(line) = before.describe(after_intake, acked + errors, wall) {
        println!("cpu intake:  {line}");
    }
    if let Some(line) = before.describe(after_drain, acked + errors, last_answer) {
        println!("cpu to last answer: {line}");
    }
    println!(
        "{}",
        json!({
            "channel": "sms",
            "clients": clients,
            "reports": reports,
            "acknowledged": acked,
            "errors": errors,
            "wall_s": (wall * 1000.0).round() / 1000.0,
            "messages_per_sec": per_sec.round(),
            "p50_ms": (p50 * 100.0).round() / 100.0,
            "p90_ms": (p90 * 100.0).round() / 100.0,
            "p99_ms": (p99 * 100.0).round() / 100.0,
            "max_ms": (max * 100.0).round() / 100.0,
            "answered_in_intake": answered_in_intake,
            "drain_s": drain.map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0),
            "answers_per_sec_drain": rate(answered_in_drain, drain_s).round(),
            "answers_per_sec_overall": rate(answers.calls, last_answer).round(),
            "answers_with_ticket": answers.with_ticket,
            "cores": cores,
        })
    );
}
