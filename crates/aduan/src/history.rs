//! `aduan import FILE`: the history of the system aduan replaces, from NDJSON. The whole file
//! is checked first; a file with any bad line imports nothing.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use aduan_domain::import::{ImportContext, ImportPlan, LineError, plan_import};
use aduan_domain::location::RegionIndex;
use aduan_domain::stats::format_count;
use aduan_domain::{Coordinates, Jurisdiction, RegionCode};
use aduan_store::identity::Sealer;
use aduan_store::{ImportOutcome, Store};

use crate::cli::ImportArgs;

/// Reports per store call: each is one transaction, so an interrupted import leaves whole
/// batches and a second run completes it. Large enough that committing, checkpointing and
/// writing each statistics row once per batch cost little per report; small enough that a
/// server sharing the SQLite database waits at most a few tenths of a second for it.
const BATCH: usize = 10_000;

/// Most refusal lines printed; the rest are counted.
const MAX_SHOWN: usize = 100;

/// Why `aduan import` stopped before changing anything.
#[derive(Debug)]
pub enum Refusal {
    /// Bad lines, already formatted one reason a line: `line N: reason`.
    Lines(Vec<String>),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Refusal {
    fn from(e: anyhow::Error) -> Self {
        Self::Other(e)
    }
}

/// `line N: reason` for every reason, by line number.
pub fn refusal_lines(errors: &[LineError]) -> Vec<String> {
    let mut sorted: Vec<&LineError> = errors.iter().collect();
    sorted.sort_by_key(|e| e.line);
    sorted
        .into_iter()
        .flat_map(|e| {
            e.reasons
                .iter()
                .map(move |r| format!("line {}: {r}", e.line))
        })
        .collect()
}

/// What stderr shows of the refusals: the first hundred, then how many more.
pub fn shown(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines.iter().take(MAX_SHOWN) {
        let _ = writeln!(out, "{line}");
    }
    if lines.len() > MAX_SHOWN {
        let _ = writeln!(out, "… and {} more", lines.len() - MAX_SHOWN);
    }
    out
}

/// Check the file, then (unless `--dry-run`) store its new categories and its reports.
pub async fn run(store: &dyn Store, data_dir: &Path, args: ImportArgs) -> Result<String, Refusal> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let Some(data) = store.jurisdiction().await.map_err(anyhow::Error::from)? else {
        return Err(anyhow::anyhow!(
            "no jurisdiction is loaded yet: run `aduan init --pack FILE` first"
        )
        .into());
    };
    let jurisdiction = Jurisdiction::stored(data).context("the stored jurisdiction is invalid")?;
    let boundaries = store.boundaries().await.map_err(anyhow::Error::from)?;
    let index = RegionIndex::new(
        boundaries
            .into_iter()
            .map(|b| (b.region.code, b.shape))
            .collect(),
    );
    let locate = |at: Coordinates| -> Option<RegionCode> { index.locate(at).cloned() };
    // Reporter keys are hashed like every channel's, under the identity key, so the old
    // system's keys never reach the database. A dry run stores nothing and needs no key.
    let sealer = if args.dry_run {
        None
    } else {
        let key = crate::identity_key::for_store(store, data_dir, &args.key).await?;
        Some(Sealer::new(&key))
    };
    let hash = |raw: &str| match &sealer {
        Some(sealer) => sealer.reporter_key("import", raw),
        None => String::new(),
    };
    // Some exporters start the file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let plan = plan_import(
        text,
        &ImportContext {
            jurisdiction: &jurisdiction,
            locate: &locate,
            reporter_key: &hash,
        },
    )
    .map_err(|errors| Refusal::Lines(refusal_lines(&errors)))?;
    let total = plan.reports.len();
    let created = plan.new_categories.len();
    if args.dry_run {
        return Ok(format!(
            "{} laporan siap diimpor, {} kategori baru (uji coba: tidak ada yang disimpan)",
            format_count(total as u64),
            format_count(created as u64),
        ));
    }
    let outcome = store_plan(store, &jurisdiction, plan).await?;
    Ok(format!(
        "{} laporan diimpor, {} sudah ada, {} kategori baru",
        format_count(outcome.imported),
        format_count(outcome.already_present),
        format_count(created as u64),
    ))
}

/// New categories first (reports name them), then the reports batch by batch.
pub(crate) async fn store_plan(
    store: &dyn Store,
    jurisdiction: &Jurisdiction,
    plan: ImportPlan,
) -> anyhow::Result<ImportOutcome> {
    if !plan.new_categories.is_empty() {
        let mut data = jurisdiction.to_data();
        data.categories.extend(plan.new_categories);
        Jurisdiction::stored(data.clone()).context("the new categories do not fit the catalog")?;
        store.save_jurisdiction(data).await?;
    }
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(plan.reports.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} laporan ({per_sec}, sisa {eta})")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut outcome = ImportOutcome::default();
    let mut reports = plan.reports.into_iter();
    loop {
        let batch: Vec<_> = reports.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let n = batch.len() as u64;
        let done = store.import_reports(batch).await?;
        outcome.imported += done.imported;
        outcome.already_present += done.already_present;
        progress.inc(n);
    }
    progress.finish_and_clear();
    Ok(outcome)
}
