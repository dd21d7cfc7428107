//! Whether every acknowledged report survived: looked up on disk after a kill -9 of the
//! server the bench started, or read back over HTTP when the server is not ours to kill.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use aduan_domain::Ticket;
use aduan_store::postgres::PgStore;
use aduan_store::sqlite::SqliteStore;
use aduan_store::{Store, StoreError};

use super::api::Api;
use super::server::Server;

/// Concurrent lookups in the durability check.
const CHECK_CONCURRENCY: usize = 8;

/// Open the database the killed servers left behind: their SQLite file, or the PostgreSQL
/// database they shared.
pub(super) async fn open_after_kill(
    db: &Path,
    postgres: Option<&str>,
) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match postgres {
        Some(url) => Arc::new(
            PgStore::connect(url)
                .await
                .context("connecting to PostgreSQL after the kill")?,
        ),
        None => Arc::new(
            SqliteStore::open(db)
                .with_context(|| format!("opening {} after the kill", db.display()))?,
        ),
    })
}

/// Look every ticket up in the database the killed servers left behind.
pub(super) async fn check_on_disk(
    store: Arc<dyn Store>,
    tickets: &[String],
) -> anyhow::Result<(usize, Vec<String>)> {
    let chunk = tickets.len().div_ceil(CHECK_CONCURRENCY).max(1);
    let mut tasks = JoinSet::new();
    for part in tickets.chunks(chunk) {
        let (store, part) = (Arc::clone(&store), part.to_vec());
        tasks.spawn(async move {
            let mut found = 0;
            let mut missing = Vec::new();
            for raw in part {
                let ticket = Ticket::parse(&raw)?;
                match store.report(&ticket).await {
                    Ok(_) => found += 1,
                    Err(StoreError::NotFound) => missing.push(raw),
                    Err(e) => return Err(anyhow!("looking up {raw}: {e}")),
                }
            }
            Ok::<_, anyhow::Error>((found, missing))
        });
    }
    let (mut found, mut missing) = (0, Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (f, m) = done??;
        found += f;
        missing.extend(m);
    }
    Ok((found, missing))
}

/// Read every ticket back over HTTP as its reporter (for `--url`, where no crash is staged).
pub(super) async fn check_over_http(
    api: &Api,
    tokens: &[HeaderValue],
    tickets: &[(usize, String)],
) -> anyhow::Result<(usize, Vec<String>)> {
    let gate = Arc::new(Semaphore::new(tokens.len().max(1)));
    let mut tasks = JoinSet::new();
    for (client, ticket) in tickets.iter().cloned() {
        let (api, gate) = (api.clone(), Arc::clone(&gate));
        let auth = tokens.get(client).cloned().context("no such client")?;
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            let response = api
                .http
                .get(api.url(&format!("/reports/{ticket}")))
                .header(AUTHORIZATION, auth)
                .send()
                .await?;
            Ok::<_, anyhow::Error>((ticket, response.status()))
        });
    }
    let (mut found, mut missing) = (0, Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (ticket, status) = done??;
        if status == StatusCode::OK {
            found += 1;
        } else {
            missing.push(format!("{ticket} ({status})"));
        }
    }
    Ok((found, missing))
}

/// Check that no ticket was given out twice, then that every acknowledged report is kept: in
/// the database after killing `servers`, or over HTTP when there are none (`--url`). The
/// missing ones.
pub(super) async fn check(
    servers: &mut [Server],
    postgres: Option<&str>,
    api: &Api,
    tokens: &[HeaderValue],
    acknowledged: Vec<(usize, String)>,
) -> anyhow::Result<Vec<String>> {
    let distinct: BTreeSet<&str> = acknowledged.iter().map(|(_, t)| t.as_str()).collect();
    if distinct.len() != acknowledged.len() {
        bail!(
            "{} acknowledgements carried a ticket already given to another report",
            acknowledged.len() - distinct.len()
        );
    }
    let total = acknowledged.len();
    let missing = match servers.first() {
        Some(first) => {
            let db = first.data_dir.join("aduan.db");
            for s in servers.iter_mut() {
                s.crash()?;
            }
            let tickets: Vec<String> = acknowledged.into_iter().map(|(_, t)| t).collect();
            let store = open_after_kill(&db, postgres).await?;
            let (found, missing) = check_on_disk(store, &tickets).await?;
            println!("durability:  {found}/{total} acknowledged reports found after kill -9");
            missing
        }
        None => {
            let (found, missing) = check_over_http(api, tokens, &acknowledged).await?;
            println!(
                "durability:  not crash-tested (--url: the server is not ours to kill); {found}/{total} acknowledged reports readable over HTTP"
            );
            missing
        }
    };
    Ok(missing)
}
