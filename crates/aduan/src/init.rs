//! `aduan init`: from an empty store to a city's jurisdiction (its pack and region
//! boundaries) and its identity key, without a demo account or a sample report. The first
//! admin comes next, from `aduan user create`.

use std::path::PathBuf;

use anyhow::bail;

use aduan_domain::JurisdictionData;
use aduan_domain::location::Boundary;
use aduan_store::Store;

use crate::cli::InitArgs;
use crate::import;

/// What `init` will store, read and checked in full before the store is opened, so bad
/// input leaves no data dir or database behind.
pub struct Plan {
    data: JurisdictionData,
    boundaries: Vec<Boundary>,
    files: Vec<(PathBuf, usize)>,
}

/// Read the pack and every boundaries file and check that they hang together: the larger
/// regions may come in any file, in any order.
pub fn plan(args: &InitArgs) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(&args.pack)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.pack.display()))?;
    let pack =
        import::parse_pack(&text).map_err(|e| anyhow::anyhow!("{}: {e:#}", args.pack.display()))?;
    let mut boundaries = Vec::new();
    let mut files = Vec::new();
    for file in &args.regions {
        let read = import::read_boundaries(file)?;
        files.push((file.clone(), read.len()));
        boundaries.extend(read);
    }
    // Kota before kecamatan before kelurahan, whatever the order of the files.
    boundaries.sort_by_key(|b| b.region.level);
    let data = import::with_boundaries(pack, &boundaries)?;
    Ok(Plan {
        data,
        boundaries,
        files,
    })
}

/// Store the plan. Refused, changing nothing, when the store is in use (it has accounts)
/// or holds another jurisdiction; before the first account, running it again applies the
/// pack and boundaries again (an interrupted `init` is simply run again).
pub async fn apply(store: &dyn Store, plan: Plan) -> anyhow::Result<String> {
    if store.count_users().await? > 0 {
        bail!(
            "this store is in use already (it has accounts): nothing was changed. Load a \
             changed pack with `aduan jurisdiction import FILE` and boundaries with `aduan \
             regions import FILE`"
        );
    }
    if let Some(loaded) = store.jurisdiction().await?
        && loaded.settings.name != plan.data.settings.name
    {
        bail!(
            "this store holds another jurisdiction ({}): nothing was changed; `aduan init` \
             sets up an empty store",
            loaded.settings.name
        );
    }
    let summary = summary(&plan);
    store.save_jurisdiction(plan.data).await?;
    if !plan.boundaries.is_empty() {
        store.save_boundaries(plan.boundaries).await?;
    }
    Ok(summary)
}

fn summary(plan: &Plan) -> String {
    let data = &plan.data;
    let mut lines = vec![format!(
        "{}: {} regions, {} units, {} categories, {} channels",
        data.settings.name,
        data.regions.len(),
        data.units.len(),
        data.categories.len(),
        data.settings.channels.len()
    )];
    for (file, count) in &plan.files {
        lines.push(format!("  {}: {count} boundaries", file.display()));
    }
    if plan.files.is_empty() {
        lines.push(
            "  no boundaries given: reports are placed by region code only; add them with \
             `aduan regions import FILE`"
                .to_owned(),
        );
    }
    lines.join("\n")
}

/// What to do next, printed after a successful `init`.
pub const NEXT_STEPS: &str =
    "Next: create the first admin (the password is read from standard input):
  printf '%s\\n' \"$ADMIN_PASSWORD\" | aduan user create NAME --role admin --display-name \"...\"
then start the server: aduan serve (see README \"Running aduan for a city\").";
