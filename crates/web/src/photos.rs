//! Accepting uploaded photos: the type is sniffed from the bytes, never taken on trust.

use std::io::Cursor;

use image::{ImageFormat, ImageReader};

use aduan_domain::report::NewPhoto;

use crate::error::{ApiError, ApiResult};

pub const MAX_PHOTOS: usize = 5;
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// Check that `bytes` are a JPEG, PNG or WebP image whose header reads.
pub fn accept_photo(bytes: Vec<u8>) -> ApiResult<NewPhoto> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ApiError::too_large(format!(
            "a photo may be at most {} MiB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    let (format, content_type) = match image::guess_format(&bytes) {
        Ok(ImageFormat::Jpeg) => (ImageFormat::Jpeg, "image/jpeg"),
        Ok(ImageFormat::Png) => (ImageFormat::Png, "image/png"),
        Ok(ImageFormat::WebP) => (ImageFormat::WebP, "image/webp"),
        _ => {
            return Err(ApiError::unsupported_media(
                "photos must be JPEG, PNG or WebP images",
            ));
        }
    };
    ImageReader::with_format(Cursor::new(&bytes), format)
        .into_dimensions()
        .map_err(|_| ApiError::invalid("photo", "the image is damaged or incomplete"))?;
    Ok(NewPhoto {
        content_type,
        bytes,
    })
}

pub fn accept_photos(parts: Vec<Vec<u8>>) -> ApiResult<Vec<NewPhoto>> {
    if parts.len() > MAX_PHOTOS {
        return Err(ApiError::invalid(
            "photo",
            format!("at most {MAX_PHOTOS} photos per submission"),
        ));
    }
    parts.into_iter().map(accept_photo).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn sniffs_real_images_and_refuses_the_rest() {
        assert_eq!(accept_photo(png()).unwrap().content_type, "image/png");
        let err = accept_photo(b"GIF89a not allowed".to_vec()).unwrap_err();
        assert_eq!(err.status, 415);
        let mut truncated = png();
        truncated.truncate(12);
        assert_eq!(accept_photo(truncated).unwrap_err().status, 422);
        assert_eq!(accept_photos(vec![png(); 6]).unwrap_err().status, 422);
    }
}
