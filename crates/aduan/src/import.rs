//! Loading jurisdiction data: packs and region boundaries.

use std::path::Path;

use anyhow::{Context, bail};

use aduan_domain::location::parse_boundaries;
use aduan_domain::{Jurisdiction, JurisdictionData};
use aduan_store::Store;

/// The Jakarta pack built into the binary for `--demo`.
pub const JAKARTA_PACK: &str = include_str!("../../../packs/jakarta.json");

/// Parse a pack, add the offices its templates give, and check that it hangs together (every
/// unit of a kind it lists, among others).
pub fn parse_pack(json: &str) -> anyhow::Result<JurisdictionData> {
    let data: JurisdictionData = serde_json::from_str(json).context("not a jurisdiction pack")?;
    let data = data.with_offices();
    Jurisdiction::new(data.clone())?;
    Ok(data)
}

/// Store a pack (inserting or updating; nothing is deleted).
pub async fn import_pack(store: &dyn Store, data: JurisdictionData) -> anyhow::Result<()> {
    store.save_jurisdiction(data).await?;
    Ok(())
}

/// Import regions with boundaries from a GeoJSON file, with the offices their templates
/// give (a Kantor Kelurahan for each kelurahan). Returns how many regions were imported.
pub async fn import_regions(store: &dyn Store, file: &Path) -> anyhow::Result<usize> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let boundaries = parse_boundaries(&text).with_context(|| format!("in {}", file.display()))?;
    let Some(mut data) = store.jurisdiction().await? else {
        bail!("no jurisdiction is loaded yet: import a pack first (or serve --demo)");
    };
    for b in &boundaries {
        if let Some(parent) = b.region.parent()
            && !data.regions.iter().any(|r| r.code == parent)
            && !boundaries.iter().any(|o| o.region.code == parent)
        {
            bail!(
                "{} {} lies in {parent}, which is not loaded; import the larger regions first",
                b.region.level.code(),
                b.region.code
            );
        }
    }
    let known: std::collections::BTreeSet<_> =
        data.regions.iter().map(|r| r.code.clone()).collect();
    data.regions.extend(
        boundaries
            .iter()
            .filter(|b| !known.contains(&b.region.code))
            .map(|b| b.region.clone()),
    );
    for b in &boundaries {
        if let Some(existing) = data.regions.iter_mut().find(|r| r.code == b.region.code) {
            existing.name = b.region.name.clone();
        }
    }
    let data = data.with_offices();
    Jurisdiction::stored(data.clone())?;
    let count = boundaries.len();
    store.save_jurisdiction(data).await?;
    store.save_boundaries(boundaries).await?;
    Ok(count)
}
