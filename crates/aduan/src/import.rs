//! Loading jurisdiction data: packs and region boundaries.

use std::path::Path;

use anyhow::{Context, bail};

use aduan_domain::location::{Boundary, parse_boundaries};
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
    let boundaries = read_boundaries(file)?;
    let Some(data) = store.jurisdiction().await? else {
        bail!(
            "no jurisdiction is loaded yet: run `aduan init --pack FILE` first (or serve --demo)"
        );
    };
    let data = with_boundaries(data, &boundaries)?;
    let count = boundaries.len();
    store.save_jurisdiction(data).await?;
    store.save_boundaries(boundaries).await?;
    Ok(count)
}

/// The region boundaries in a GeoJSON file.
pub fn read_boundaries(file: &Path) -> anyhow::Result<Vec<Boundary>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    parse_boundaries(&text).with_context(|| format!("in {}", file.display()))
}

/// `data` with the regions of `boundaries` added (or renamed) and the offices their
/// templates give, checked: every region's parent is in `data` or among `boundaries`.
pub fn with_boundaries(
    mut data: JurisdictionData,
    boundaries: &[Boundary],
) -> anyhow::Result<JurisdictionData> {
    for b in boundaries {
        if let Some(parent) = b.region.parent()
            && !data.regions.iter().any(|r| r.code == parent)
            && !boundaries.iter().any(|o| o.region.code == parent)
        {
            bail!(
                "{} {} lies in {parent}, which is not loaded: load the larger regions first, or give their boundaries too",
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
    for b in boundaries {
        if let Some(existing) = data.regions.iter_mut().find(|r| r.code == b.region.code) {
            existing.name = b.region.name.clone();
        }
    }
    let data = data.with_offices();
    Jurisdiction::stored(data.clone())?;
    Ok(data)
}
