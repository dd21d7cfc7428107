//! Accepting uploaded photos: the type is sniffed from the bytes, never taken on trust, and
//! every photo is cleaned of its metadata before anything stores it, a few at a time.

use std::num::NonZeroUsize;
use std::sync::LazyLock;

use tokio::sync::Semaphore;

use aduan_domain::report::{FollowupPhotos, NewPhoto, PhotoEvidence};

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

/// Check and clean the uploaded `photo` parts.
pub async fn accept_photos(
    parts: Vec<Vec<u8>>,
    provenance: Provenance,
) -> AppResult<Vec<NewPhoto>> {
    accept_photos_of("photo", parts, provenance).await
}

/// Check and clean the photos uploaded as `field` parts: count and size first, then each
/// decoded in turn (refused from its header when too big to decode).
pub async fn accept_photos_of(
    field: &str,
    parts: Vec<Vec<u8>>,
    provenance: Provenance,
) -> AppResult<Vec<NewPhoto>> {
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
        photos.push(NewPhoto {
            content_type: clean.content_type,
            bytes: clean.bytes,
            evidence: match provenance {
                Provenance::Documentation => clean.evidence,
                Provenance::Reporter => PhotoEvidence::default(),
            },
        });
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

    /// Check and clean both sets, as an officer's documentation.
    pub async fn accept(self) -> AppResult<FollowupPhotos> {
        Ok(FollowupPhotos {
            before: accept_photos_of("photo_before", self.before, Provenance::Documentation)
                .await?,
            after: accept_photos_of("photo", self.after, Provenance::Documentation).await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[tokio::test]
    async fn cleans_real_images_and_refuses_the_rest() {
        let ok = accept_photos(vec![png()], Provenance::Reporter)
            .await
            .unwrap();
        assert_eq!(ok[0].content_type, "image/jpeg");
        let err = accept_photos(vec![b"GIF89a not allowed".to_vec()], Provenance::Reporter)
            .await
            .unwrap_err();
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
