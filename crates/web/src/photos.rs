//! Accepting uploaded photos: the type is sniffed from the bytes, never taken on trust, and
//! every photo is cleaned of its metadata before anything stores it.

use aduan_domain::report::{NewPhoto, PhotoEvidence};

use crate::error::{ApiError, ApiResult};
use crate::media::{self, MediaError};

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

fn refusal(e: MediaError) -> ApiError {
    match e {
        MediaError::Unsupported => ApiError::unsupported_media(e.to_string()),
        MediaError::Unreadable => ApiError::invalid("photo", e.to_string()),
        MediaError::Encode => ApiError::internal(e),
    }
}

/// Check and clean the uploaded photos (off the async threads: decoding is CPU work).
pub async fn accept_photos(
    parts: Vec<Vec<u8>>,
    provenance: Provenance,
) -> ApiResult<Vec<NewPhoto>> {
    if parts.len() > MAX_PHOTOS {
        return Err(ApiError::invalid(
            "photo",
            format!("at most {MAX_PHOTOS} photos per submission"),
        ));
    }
    if parts.iter().any(|p| p.len() > MAX_PHOTO_BYTES) {
        return Err(ApiError::too_large(format!(
            "a photo may be at most {} MiB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    tokio::task::spawn_blocking(move || {
        parts
            .iter()
            .map(|bytes| {
                let clean = media::clean(bytes).map_err(refusal)?;
                Ok(NewPhoto {
                    content_type: clean.content_type,
                    bytes: clean.bytes,
                    evidence: match provenance {
                        Provenance::Documentation => clean.evidence,
                        Provenance::Reporter => PhotoEvidence::default(),
                    },
                })
            })
            .collect()
    })
    .await
    .map_err(ApiError::internal)?
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
        assert_eq!(err.status, 415);
        let mut truncated = png();
        truncated.truncate(12);
        let err = accept_photos(vec![truncated], Provenance::Reporter)
            .await
            .unwrap_err();
        assert_eq!(err.status, 422);
        let err = accept_photos(vec![png(); 6], Provenance::Reporter)
            .await
            .unwrap_err();
        assert_eq!(err.status, 422);
        let err = accept_photos(vec![vec![0; MAX_PHOTO_BYTES + 1]], Provenance::Reporter)
            .await
            .unwrap_err();
        assert_eq!(err.status, 413);
    }
}
