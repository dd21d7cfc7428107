//! Removing the photo store's objects no photo names: images put for a submission whose
//! database write then failed (a follow-up that lost a race, a crash between the two). An
//! image is removed only when it was last written before a cut-off (a day ago, by default),
//! so that the images of a submission still being written are never touched; storing the
//! same bytes again writes the object anew and makes it young.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use aduan_store::photo_store::PhotoStore;
use aduan_store::{Store, StoreResult};

/// Photos' images read from the database at a time.
const PAGE: u32 = 10_000;

/// What a sweep found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Objects a photo names.
    pub named: u64,
    /// Objects no photo names, written since the cut-off: kept.
    pub young: u64,
    /// Objects no photo names, older than the cut-off: removed (or, in a dry run, to remove).
    pub removed: u64,
    pub removed_bytes: u64,
}

/// Remove the images no photo of `store` names that `photos` holds since before
/// `written_before`; with `dry_run`, only count them.
pub async fn sweep(
    store: &dyn Store,
    photos: &PhotoStore,
    written_before: DateTime<Utc>,
    dry_run: bool,
) -> StoreResult<Swept> {
    let named = named_images(store).await?;
    let mut swept = Swept::default();
    for fan in 0..=u8::MAX {
        for found in photos.images_in_fan(fan).await? {
            if named.contains(&found.image.sha256) {
                swept.named += 1;
            } else if found.written_at >= written_before {
                swept.young += 1;
            } else {
                if !dry_run {
                    photos.delete(&found.image).await?;
                }
                swept.removed += 1;
                swept.removed_bytes += found.image.size;
            }
        }
    }
    Ok(swept)
}

/// Every image a photo names (display and thumbnail), by hash.
async fn named_images(store: &dyn Store) -> StoreResult<HashSet<[u8; 32]>> {
    let mut named = HashSet::new();
    let mut after = 0;
    loop {
        let page = store.photo_images(after, PAGE).await?;
        let Some((last, ..)) = page.last() else {
            return Ok(named);
        };
        after = *last;
        for (_, image, thumbnail) in page {
            named.insert(image.sha256);
            named.insert(thumbnail.sha256);
        }
    }
}
