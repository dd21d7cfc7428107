//! Moving photos stored in the database by earlier versions out to the photo store: each is
//! cleaned again into a display image and a thumbnail (as a new upload is), both are put in
//! the photo store, and only then does its row name them and its bytes leave the database.
//! Run by `aduan migrate` and by `aduan serve` before it listens; a run stopped half way
//! carries on where it stopped.

use aduan_domain::report::NewPhoto;
use aduan_store::photo_store::PhotoStore;
use aduan_store::{Store, StoreError, StoreResult};

use crate::photos::clean_photo;

/// Photos read from the database at a time (each up to a few MB).
const BATCH: u32 = 16;

/// Move every photo still in the database; returns how many were moved.
pub async fn move_out(store: &dyn Store, photos: &PhotoStore) -> StoreResult<u64> {
    let mut moved = 0u64;
    loop {
        let waiting = store.photos_to_move(BATCH).await?;
        if waiting.is_empty() {
            return Ok(moved);
        }
        for photo in waiting {
            let (content_type, image, thumbnail) = match clean_photo(photo.bytes.clone())
                .await
                .map_err(StoreError::Other)?
            {
                Ok(clean) => (clean.content_type, clean.bytes, clean.thumbnail),
                // Cleaned when it was stored, so this should not happen; if it does, the
                // bytes are kept as they were rather than lost (and serve as thumbnail).
                Err(e) => {
                    tracing::warn!(photo = photo.photo, error = %e,
                        "a stored photo could not be decoded; moved out as it was");
                    (sniffed_type(&photo.bytes), photo.bytes.clone(), photo.bytes)
                }
            };
            let image = photos.put(image).await?;
            let thumbnail = photos.put(thumbnail).await?;
            let moved_photo = NewPhoto {
                content_type,
                image,
                thumbnail,
                // The evidence read when it was stored stays in its row.
                evidence: Default::default(),
            };
            match store.photo_moved(photo.photo, moved_photo).await {
                Ok(()) => moved += 1,
                // Another instance starting at the same moment moved it first.
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        tracing::info!(moved, "photos moved out of the database");
    }
}

/// The type of bytes that could not be decoded: what their first bytes say, else JPEG
/// (every photo was stored as JPEG or PNG).
fn sniffed_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/jpeg"
    }
}
