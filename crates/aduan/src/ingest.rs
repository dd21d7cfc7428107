//! `aduan ingest email FILE...`: file `.eml` messages as reports, with the same identity key
//! as `aduan serve`, so the sealed senders open for the auditors of the running server.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;

use aduan_store::Store;
use aduan_store::photo_store::PhotoStore;
use aduan_web::{AppState, Catalog, WebConfig};

use crate::cli::IngestEmailArgs;

/// File each message and print `FILE: TICKET`; a message filed before prints its ticket with
/// "already filed as". Every file is tried; the command fails if any was refused.
pub async fn email(
    store: Arc<dyn Store>,
    photos: PhotoStore,
    data_dir: &Path,
    args: IngestEmailArgs,
) -> anyhow::Result<()> {
    let identity_key = crate::identity_key::for_store(store.as_ref(), data_dir, &args.key).await?;
    let catalog = Catalog::load(store.as_ref())
        .await
        .context("loading the jurisdiction (import one with `aduan jurisdiction import`)")?;
    let config = WebConfig {
        identity_key,
        ..WebConfig::default()
    };
    let state = AppState::new(store, photos, catalog, config);
    let mut refused = 0usize;
    for file in &args.files {
        let started = Utc::now();
        let outcome = match std::fs::read(file) {
            Ok(raw) => aduan_web::email::submit_raw_email(&state, &raw)
                .await
                .map_err(|e| e.message()),
            Err(e) => Err(format!("cannot read it: {e}")),
        };
        match outcome {
            Ok(report) if report.created_at < started => {
                println!("{}: already filed as {}", file.display(), report.ticket);
            }
            Ok(report) => println!("{}: {}", file.display(), report.ticket),
            Err(message) => {
                refused += 1;
                eprintln!("{}: refused: {message}", file.display());
            }
        }
    }
    if refused > 0 {
        anyhow::bail!("{refused} of {} messages were not filed", args.files.len());
    }
    Ok(())
}
