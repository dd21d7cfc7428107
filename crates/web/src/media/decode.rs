//! Reading a picture's pixels without letting it choose how much memory it takes: the size
//! comes from the header first and anything too big is refused before a pixel is allocated;
//! then it is decoded in 8 bits a channel under allocation limits.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageFormat, ImageReader, Limits};

use super::MediaError;

/// Most pixels a photo may have: 40 megapixels (a phone's camera takes 12 to 50; the
/// larger ones are binned to 12 by default).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side a photo may have, whatever its area: a 12000x3333 panorama is the most.
pub const MAX_DECODE_SIDE: u32 = 12_000;
/// What a decoder may allocate: the largest picture allowed, 4 bytes a pixel, with room
/// for the decoder's own buffers.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 64 * 1024 * 1024;

/// The second fence: even a decoder whose header read lied stops at these.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Refuse a picture of `width` x `height` when it is too big to decode.
pub fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_DECODE_SIDE || height > MAX_DECODE_SIDE || pixels > MAX_PIXELS {
        return Err(MediaError::TooLarge { width, height });
    }
    if pixels == 0 {
        return Err(MediaError::Unreadable);
    }
    Ok(())
}

/// The picture's pixels, 8 bits a channel: its size checked from the header first.
pub fn pixels(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, MediaError> {
    if format == ImageFormat::Png {
        return png_pixels(bytes);
    }
    // Only the header is read here: no limit on the sides, so that the refusal can say
    // how big the picture is.
    let mut header = ImageReader::with_format(Cursor::new(bytes), format);
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_DECODE_BYTES);
    header.limits(header_limits);
    let (width, height) = header
        .into_dimensions()
        .map_err(|_| MediaError::Unreadable)?;
    check_size(width, height)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let picture = reader.decode().map_err(|_| MediaError::Unreadable)?;
    // JPEG and WebP decode to 8 bits already; anything else is narrowed at once.
    Ok(match picture {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => picture,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.into_rgba8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    })
}

/// PNG through its own decoder, which can narrow 16-bit samples row by row (image's PNG
/// decoder would first allocate the whole picture at 16 bits).
fn png_pixels(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    let budget = usize::try_from(MAX_DECODE_BYTES).unwrap_or(usize::MAX);
    let mut decoder =
        png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: budget });
    let header = decoder
        .read_header_info()
        .map_err(|_| MediaError::Unreadable)?;
    check_size(header.width, header.height)?;
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|_| MediaError::Unreadable)?;
    let size = reader
        .output_buffer_size()
        .filter(|size| u64::try_from(*size).is_ok_and(|s| s <= MAX_DECODE_BYTES))
        .ok_or(MediaError::Unreadable)?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|_| MediaError::Unreadable)?;
    buffer.truncate(frame.buffer_size());
    let (width, height) = (frame.width, frame.height);
    if frame.bit_depth != png::BitDepth::Eight {
        return Err(MediaError::Unreadable);
    }
    let picture = match frame.color_type {
        png::ColorType::Grayscale => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageLuma8)
        }
        png::ColorType::GrayscaleAlpha => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageLumaA8)
        }
        png::ColorType::Rgb => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageRgb8)
        }
        png::ColorType::Rgba => {
            ImageBuffer::from_raw(width, height, buffer).map(DynamicImage::ImageRgba8)
        }
        png::ColorType::Indexed => None,
    };
    picture.ok_or(MediaError::Unreadable)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::super::{MAX_SIDE, clean};
    use super::*;

    /// A black greyscale PNG of any size, written row by row: 16000x16000 takes ~250 KB.
    fn flat_png(width: u32, height: u32, color: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(depth);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let channels = match color {
            png::ColorType::Rgba => 4,
            png::ColorType::Rgb => 3,
            png::ColorType::GrayscaleAlpha => 2,
            _ => 1,
        };
        let bytes = if depth == png::BitDepth::Sixteen {
            2
        } else {
            1
        };
        let row = vec![0x80u8; width as usize * channels * bytes];
        for _ in 0..height {
            stream.write_all(&row).unwrap();
        }
        stream.finish().unwrap();
        writer.finish().unwrap();
        out
    }

    fn grey(width: u32, height: u32) -> Vec<u8> {
        flat_png(
            width,
            height,
            png::ColorType::Grayscale,
            png::BitDepth::Eight,
        )
    }

    #[test]
    fn a_bomb_is_refused_from_its_header_at_once() {
        let bomb = grey(16_000, 16_000);
        assert!(bomb.len() < 2_000_000, "{} bytes", bomb.len());
        let started = Instant::now();
        let refused = clean(&bomb).unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(
            refused,
            MediaError::TooLarge {
                width: 16_000,
                height: 16_000
            }
        );
        assert!(refused.to_string().contains("16000x16000"), "{refused}");
        assert!(refused.to_string().contains("40 megapixels"), "{refused}");
    }

    #[test]
    fn a_picture_at_the_limit_is_kept_and_one_row_more_is_refused() {
        let at_limit = clean(&grey(8_000, 5_000)).unwrap();
        assert_eq!((at_limit.width, at_limit.height), (MAX_SIDE, 1_000));
        assert_eq!(
            clean(&grey(8_000, 5_001)).unwrap_err(),
            MediaError::TooLarge {
                width: 8_000,
                height: 5_001
            }
        );
        // A long side over the limit is refused even with few pixels.
        assert!(matches!(
            clean(&grey(MAX_DECODE_SIDE + 1, 16)),
            Err(MediaError::TooLarge { .. })
        ));
        assert!(clean(&grey(MAX_DECODE_SIDE, 16)).is_ok());
    }

    #[test]
    fn sixteen_bit_pictures_are_stored_in_eight() {
        let deep = flat_png(300, 200, png::ColorType::Rgba, png::BitDepth::Sixteen);
        let kept = clean(&deep).unwrap();
        assert_eq!(kept.content_type, "image/png");
        let stored = png::Decoder::new(Cursor::new(&kept.bytes))
            .read_info()
            .unwrap();
        assert_eq!(stored.info().bit_depth, png::BitDepth::Eight);
        assert_eq!((kept.width, kept.height), (300, 200));
    }

    #[test]
    fn a_picture_must_have_pixels() {
        assert_eq!(check_size(0, 10), Err(MediaError::Unreadable));
        assert_eq!(check_size(10, 10), Ok(()));
    }

    /// A PNG, a JPEG, a WebP and a bomb, made once for every case.
    static SAMPLES: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
        let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(24, 16, |x, y| {
            image::Rgb([x as u8 * 10, y as u8 * 15, 7])
        }));
        [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP]
            .into_iter()
            .map(|format| {
                let mut out = Cursor::new(Vec::new());
                picture.write_to(&mut out, format).unwrap();
                out.into_inner()
            })
            .chain([grey(16_000, 16_000)])
            .collect()
    });

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Whatever arrives, cleaning answers: never a panic, never an encoding failure.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            prop_assert_ne!(clean(&bytes).err(), Some(MediaError::Encode));
        }

        #[test]
        fn truncated_or_damaged_pictures_never_panic(
            which in 0usize..4,
            cut in 0.0f64..1.0,
            flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
        ) {
            let mut bytes = SAMPLES[which].clone();
            let keep = (bytes.len() as f64 * cut) as usize;
            bytes.truncate(keep.max(1));
            for (at, value) in flips {
                let i = (bytes.len() as f64 * at) as usize % bytes.len();
                bytes[i] ^= value;
            }
            prop_assert_ne!(clean(&bytes).err(), Some(MediaError::Encode));
        }
    }
}
