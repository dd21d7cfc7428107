//! Accepting uploaded photos: the type is sniffed from the bytes, never taken on trust, and
//! every photo is cleaned of its metadata, a few at a time, then put in the photo store at
//! display size with its thumbnail before any database row names it.

use std::num::NonZeroUsize;
use std::sync::LazyLock;

use tokio::sync::Semaphore;

use aduan_domain::report::{FollowupPhotos, NewPhoto, PhotoEvidence};
use aduan_store::photo_store::PhotoStore;

use crate::app_error::{AppError, AppResult};
use crate::media::{self, CleanPhoto, MediaError};

pub const MAX_PHOTOS: usize = 5;
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// Whose photos these are decides whether their capture time and place are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// A reporter's: where they stood may be their home; nothing is kept.
    Reporter,
    /// An officer's documentation: time and place are evidence for the validator.
    Documentation,
}

/// The refusal of photo number `n` (from 1) of the `field` parts, naming it.
fn refusal(field: &str, n: usize, e: MediaError) -> AppError {
    let problem = format!("number {n}: {e}");
    match e {
        MediaError::Unsupported => AppError::unsupported_photo(format!("{field} {problem}")),
        MediaError::Unreadable | MediaError::TooLarge { .. } => AppError::invalid(field, problem),
        MediaError::Encode => AppError::failed(e),
    }
}

/// Decodes at once: one per core. A decode holds up to ~200 MB for a picture at the
/// limit; the others wait their turn (bounded by the request's timeout).
static DECODES: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
});

/// Clean one photo off the async threads, waiting for a decode slot first. The outer
/// error is ours (the decode stopped), the inner one the photo's.
pub async fn clean_photo(bytes: Vec<u8>) -> Result<Result<CleanPhoto, MediaError>, String> {
    let _slot = DECODES.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || media::clean(&bytes))
        .await
        .map_err(|e| format!("cleaning the photo stopped: {e}"))
}

/// A photo accepted from a sender: cleaned, and stripped of its capture time and place
/// unless it documents a follow-up. Not stored yet: see [`store_photos`].
#[derive(Debug, Clone)]
pub struct AcceptedPhoto {
    clean: CleanPhoto,
}

impl AcceptedPhoto {
    fn new(mut clean: CleanPhoto, provenance: Provenance) -> Self {
        if provenance == Provenance::Reporter {
            clean.evidence = PhotoEvidence::default();
        }
        Self { clean }
    }

    /// A photo fetched from a channel for a report: the reporter's.
    pub fn fetched(clean: CleanPhoto) -> Self {
        Self::new(clean, Provenance::Reporter)
    }

    /// Put its images in the photo store (durably) and describe them for the database.
    pub async fn store(self, store: &PhotoStore) -> aduan_store::StoreResult<NewPhoto> {
        let Self { clean } = self;
        Ok(NewPhoto {
            content_type: clean.content_type,
            image: store.put(clean.bytes).await?,
            thumbnail: store.put(clean.thumbnail).await?,
            evidence: clean.evidence,
        })
    }
}

/// Put accepted photos' images in the photo store (durably) and describe them for the
/// database. Called once everything else about a submission has been checked, just before
/// the row naming them is written: a refused submission stores nothing.
pub async fn store_photos(
    store: &PhotoStore,
    photos: Vec<AcceptedPhoto>,
) -> aduan_store::StoreResult<Vec<NewPhoto>> {
    let mut stored = Vec::with_capacity(photos.len());
    for photo in photos {
        stored.push(photo.store(store).await?);
    }
    Ok(stored)
}

/// Check and clean the uploaded `photo` parts.
pub async fn accept_photos(
    parts: Vec<Vec<u8>>,
    provenance: Provenance,
) -> AppResult<Vec<AcceptedPhoto>> {
    accept_photos_of("photo", parts, provenance).await
}

/// Check and clean the photos uploaded as `field` parts: count and size first, then each
/// decoded in turn (refused from its header when too big to decode).
pub async fn accept_photos_of(
    field: &str,
    parts: Vec<Vec<u8>>,
    provenance: Provenance,
) -> AppResult<Vec<AcceptedPhoto>> {
    if parts.len() > MAX_PHOTOS {
        return Err(AppError::invalid(
            field,
            format!("at most {MAX_PHOTOS} photos per submission"),
        ));
    }
    if parts.iter().any(|p| p.len() > MAX_PHOTO_BYTES) {
        return Err(AppError::too_large(format!(
            "a photo may be at most {} MiB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    let mut photos = Vec::with_capacity(parts.len());
    for (i, bytes) in parts.into_iter().enumerate() {
        let clean = clean_photo(bytes)
            .await
            .map_err(AppError::failed)?
            .map_err(|e| refusal(field, i + 1, e))?;
        photos.push(AcceptedPhoto::new(clean, provenance));
    }
    Ok(photos)
}

/// A follow-up's photos as uploaded, still bytes: they are decoded only once the action
/// has been allowed (see `service::act`), so that no one may make the server decode
/// pictures for an action they may not take.
#[derive(Debug, Default)]
pub struct FollowupUploads {
    /// `photo_before` parts: the scene before the work.
    pub before: Vec<Vec<u8>>,
    /// `photo` parts: the work done.
    pub after: Vec<Vec<u8>>,
}

impl FollowupUploads {
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }

    /// Check and clean both sets, as an officer's documentation, then store them.
    pub async fn accept(self, store: &PhotoStore) -> AppResult<FollowupPhotos> {
        let documentation = Provenance::Documentation;
        let before = accept_photos_of("photo_before", self.before, documentation).await?;
        let after = accept_photos_of("photo", self.after, documentation).await?;
        Ok(FollowupPhotos {
            before: store_photos(store, before).await?,
            after: store_photos(store, after).await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png() -> Vec<u8> {
        png_of(200)
    }

    fn png_of(red: u8) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([red, 10, 10]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn photo_store(dir: &tempfile::TempDir) -> PhotoStore {
        let location = aduan_store::photo_store::PhotoLocation::Files(dir.path().join("photos"));
        PhotoStore::open(&location).unwrap()
    }

    #[tokio::test]
    async fn cleans_real_images_stores_them_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = &photo_store(&dir);
        let accepted = accept_photos(vec![png()], Provenance::Reporter)
            .await
            .unwrap();
        let ok = store_photos(store, accepted).await.unwrap();
        assert_eq!(ok[0].content_type, "image/jpeg");
        let image = store.get(&ok[0].image).await.unwrap();
        assert!(image.starts_with(&[0xff, 0xd8]), "a JPEG");
        assert!(ok[0].image.holds(&image));
        assert!(store.contains(&ok[0].thumbnail).await.unwrap());
        let stored = || {
            std::fs::read_dir(dir.path().join("photos/sha256"))
                .unwrap()
                .map(|fan| std::fs::read_dir(fan.unwrap().path()).unwrap().count())
                .sum::<usize>()
        };
        let before = stored();
        assert_eq!(before, 2, "the image and its thumbnail");
        let err = accept_photos(
            vec![png_of(10), b"GIF89a not allowed".to_vec()],
            Provenance::Reporter,
        )
        .await
        .unwrap_err();
        assert_eq!(stored(), before, "accepting stores nothing");
        assert!(matches!(err, AppError::UnsupportedPhoto(_)), "{err:?}");
        let mut truncated = png();
        truncated.truncate(12);
        let err = accept_photos(vec![truncated], Provenance::Reporter)
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some("photo"), "{err:?}");
        let err = accept_photos(vec![png(); 6], Provenance::Reporter)
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some("photo"), "{err:?}");
        let err = accept_photos(vec![vec![0; MAX_PHOTO_BYTES + 1]], Provenance::Reporter)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::TooLarge(_)), "{err:?}");
    }
}
