//! The concurrent, closed-loop load: every client sends its reports one after another, all
//! clients at once, and the latency of each acknowledged report is recorded.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::header::HeaderValue;
use tokio::task::JoinSet;

use super::api::{Api, Submitted};

/// One client: its token and the report bodies it will send.
pub(super) struct Client {
    pub(super) auth: HeaderValue,
    pub(super) bodies: Vec<String>,
}

/// What a phase of submissions produced.
#[derive(Default)]
pub(super) struct Outcome {
    /// Latency of each acknowledged report, in microseconds.
    pub(super) latencies_us: Vec<u64>,
    /// Acknowledged tickets, with the index of the client that owns each.
    pub(super) tickets: Vec<(usize, String)>,
    /// Submissions the server shed (503 with `Retry-After`) and the client sent again after
    /// waiting; each report counts once in the latencies, from its admitted attempt.
    pub(super) shed: usize,
    /// Failures by kind, with one sample message each.
    pub(super) failures: BTreeMap<String, (usize, String)>,
    pub(super) wall: Duration,
}

impl Outcome {
    pub(super) fn errors(&self) -> usize {
        self.failures.values().map(|(n, _)| n).sum()
    }

    pub(super) fn merge(&mut self, other: Self) {
        self.latencies_us.extend(other.latencies_us);
        self.tickets.extend(other.tickets);
        self.shed += other.shed;
        for (kind, (n, sample)) in other.failures {
            self.failures.entry(kind).or_insert((0, sample)).0 += n;
        }
    }

    pub(super) fn print_failures(&self) {
        for (kind, (n, sample)) in &self.failures {
            println!("  errors {kind:<14} {n}   e.g. {sample}");
        }
    }
}

/// Every client sends its bodies one after another; all clients at once, spread over the
/// servers in `apis` in turn.
pub(super) async fn run_phase(apis: &[Api], clients: Vec<Client>) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for (index, client) in clients.into_iter().enumerate() {
        let api = apis
            .get(index % apis.len().max(1))
            .context("no server to send to")?
            .clone();
        tasks.spawn(async move {
            let mut out = Outcome {
                latencies_us: Vec::with_capacity(client.bodies.len()),
                tickets: Vec::with_capacity(client.bodies.len()),
                ..Outcome::default()
            };
            for body in client.bodies {
                loop {
                    let sent = Instant::now();
                    match api.submit(&client.auth, body.clone()).await {
                        Submitted::Acknowledged(ticket) => {
                            let micros =
                                u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                            out.latencies_us.push(micros);
                            out.tickets.push((index, ticket));
                        }
                        Submitted::Shed(wait) => {
                            out.shed += 1;
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Submitted::Failed(kind, sample) => {
                            out.failures.entry(kind).or_insert((0, sample)).0 += 1;
                        }
                    }
                    break;
                }
            }
            out
        });
    }
    let mut total = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        total.merge(done.context("a client task failed")?);
    }
    total.wall = started.elapsed();
    Ok(total)
}
