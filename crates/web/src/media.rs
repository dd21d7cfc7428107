//! Cleaning photos before they are stored: decode, turn upright, scale to display size,
//! re-encode without any metadata (EXIF, GPS, XMP, ICC, comments, thumbnails), and make a
//! thumbnail for lists and cards. For officers' documentation, the capture time and place
//! are read first and kept as evidence for validators. Pictures too big to decode safely
//! are refused from their header (see [`decode`]).

mod decode;

use std::io::Cursor;

use exif::{In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat};

use aduan_domain::Coordinates;
use aduan_domain::report::PhotoEvidence as Evidence;

/// Longest side kept: a photo is stored at display size, larger ones are scaled down (a
/// phone's 12 MP is 4000 px, 3.2 MB at this quality; 1600 px shows a pothole or a cleared
/// drain as well on any screen, in a tenth of the bytes).
pub const MAX_SIDE: u32 = 1600;
/// Longest side of the thumbnail shown in lists and cards (sharp at 240 CSS pixels on a
/// phone's 2x screen).
pub const THUMBNAIL_SIDE: u32 = 480;
pub use decode::{MAX_DECODE_SIDE, MAX_PIXELS, check_size};
const JPEG_QUALITY: u8 = 85;
const THUMBNAIL_QUALITY: u8 = 80;

/// A photo ready to store: re-encoded, upright, carrying nothing but pixels, and its
/// thumbnail (of the same type).
#[derive(Debug, Clone)]
pub struct CleanPhoto {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("photos must be JPEG, PNG or WebP images")]
    Unsupported,
    #[error("the image is damaged or incomplete")]
    Unreadable,
    #[error(
        "the image is {width}x{height} pixels; at most {} megapixels and {} pixels a side are accepted",
        MAX_PIXELS / 1_000_000,
        MAX_DECODE_SIDE
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the image could not be re-encoded")]
    Encode,
}

/// Decode `bytes` (refused from the header when too big), scale down if huge, apply the
/// EXIF orientation, and re-encode: JPEG for opaque pictures, PNG when there is
/// transparency. CPU-heavy: call off the async threads, a few at a time
/// (see `crate::photos::clean_photo`).
pub fn clean(bytes: &[u8]) -> Result<CleanPhoto, MediaError> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => return Err(MediaError::Unsupported),
    };
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok();
    let evidence = exif.as_ref().map(evidence).unwrap_or_default();
    let orientation = exif
        .as_ref()
        .and_then(|e| e.get_field(Tag::Orientation, In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms);

    let mut picture = decode::pixels(bytes, format)?;
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = at_most(&picture, MAX_SIDE);
    }
    // Turned once small: a rotation copies the picture.
    picture.apply_orientation(orientation);
    let (width, height) = (picture.width(), picture.height());
    let (_, thumbnail) = encode(at_most(&picture, THUMBNAIL_SIDE), THUMBNAIL_QUALITY)?;
    let (content_type, bytes) = encode(picture, JPEG_QUALITY)?;
    Ok(CleanPhoto {
        content_type,
        bytes,
        thumbnail,
        width,
        height,
        evidence,
    })
}

/// `picture` scaled down to fit `side` pixels a side (never up). Area averaging in 8 bits:
/// its only buffer is the result (a filtered resize would hold the whole picture again in
/// 32-bit floats).
fn at_most(picture: &DynamicImage, side: u32) -> DynamicImage {
    if picture.width() > side || picture.height() > side {
        picture.thumbnail(side, side)
    } else {
        picture.clone()
    }
}

fn encode(picture: DynamicImage, quality: u8) -> Result<(&'static str, Vec<u8>), MediaError> {
    let mut out = Cursor::new(Vec::new());
    if picture.color().has_alpha() {
        picture
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| MediaError::Encode)?;
        return Ok(("image/png", out.into_inner()));
    }
    let rgb = DynamicImage::ImageRgb8(picture.into_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|_| MediaError::Encode)?;
    Ok(("image/jpeg", out.into_inner()))
}

fn evidence(exif: &exif::Exif) -> Evidence {
    let captured_at = exif
        .get_field(Tag::DateTimeOriginal, In::PRIMARY)
        .or_else(|| exif.get_field(Tag::DateTime, In::PRIMARY))
        .and_then(|f| match &f.value {
            Value::Ascii(parts) => parts.first().cloned(),
            _ => None,
        })
        .and_then(|ascii| exif::DateTime::from_ascii(&ascii).ok())
        .and_then(|d| {
            chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())?
                .and_hms_opt(d.hour.into(), d.minute.into(), d.second.into())
        });
    let lat = coordinate(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S');
    let lon = coordinate(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W');
    let location = match (lat, lon) {
        (Some(lat), Some(lon)) => Coordinates::parse(lat, lon).ok(),
        _ => None,
    };
    Evidence {
        captured_at,
        location,
    }
}

/// Degrees from EXIF's degrees/minutes/seconds rationals, negative on the S or W side.
fn coordinate(exif: &exif::Exif, value: Tag, side: Tag, negative: u8) -> Option<f64> {
    let Value::Rational(dms) = &exif.get_field(value, In::PRIMARY)?.value else {
        return None;
    };
    let part = |i: usize| dms.get(i).map(|r| r.to_f64()).filter(|v| v.is_finite());
    let degrees = part(0)? + part(1).unwrap_or(0.0) / 60.0 + part(2).unwrap_or(0.0) / 3600.0;
    let sign = match &exif.get_field(side, In::PRIMARY)?.value {
        Value::Ascii(s) if s.first().and_then(|s| s.first()) == Some(&negative) => -1.0,
        _ => 1.0,
    };
    Some(sign * degrees)
}

#[cfg(test)]
mod tests {
    use super::*;
    use exif::experimental::Writer;
    use exif::{Field, Rational};
    use img_parts::{Bytes, ImageEXIF, jpeg::Jpeg};

    fn gradient(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90])
        }))
    }

    /// A JPEG whose EXIF says: rotate 90° clockwise, taken at Monas at a given time.
    fn phone_photo() -> Vec<u8> {
        let mut plain = Cursor::new(Vec::new());
        gradient(40, 20)
            .write_to(&mut plain, ImageFormat::Jpeg)
            .unwrap();
        let dms = |d: u32, m: u32, s100: u32| {
            Value::Rational(vec![
                Rational::from((d, 1)),
                Rational::from((m, 1)),
                Rational::from((s100, 100)),
            ])
        };
        let fields = [
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![6]),
            },
            Field {
                tag: Tag::DateTimeOriginal,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"2026:11:28 09:15:30".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"S".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: dms(6, 10, 3144),
            },
            Field {
                tag: Tag::GPSLongitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"E".to_vec()]),
            },
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: dms(106, 49, 3792),
            },
            Field {
                tag: Tag::ImageDescription,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"canary-exif-description".to_vec()]),
            },
        ];
        let mut writer = Writer::new();
        for f in &fields {
            writer.push_field(f);
        }
        let mut tiff = Cursor::new(Vec::new());
        writer.write(&mut tiff, false).unwrap();
        let mut jpeg = Jpeg::from_bytes(Bytes::from(plain.into_inner())).unwrap();
        jpeg.set_exif(Some(Bytes::from(tiff.into_inner())));
        let mut out = Vec::new();
        jpeg.encoder().write_to(&mut out).unwrap();
        out
    }

    #[test]
    fn the_test_photo_really_carries_exif() {
        let photo = phone_photo();
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&photo))
            .unwrap();
        assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
        assert!(photo.windows(23).any(|w| w == b"canary-exif-description"));
    }

    #[test]
    fn strips_all_metadata_and_turns_the_picture_upright() {
        let clean = clean(&phone_photo()).unwrap();
        assert_eq!(clean.content_type, "image/jpeg");
        // Orientation 6 (rotate 90° clockwise): 40x20 becomes 20x40.
        assert_eq!((clean.width, clean.height), (20, 40));
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&clean.bytes))
                .is_err()
        );
        let jpeg = Jpeg::from_bytes(Bytes::from(clean.bytes.clone())).unwrap();
        assert!(jpeg.exif().is_none());
        assert!(
            !clean
                .bytes
                .windows(23)
                .any(|w| w == b"canary-exif-description")
        );
        assert!(!clean.bytes.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn keeps_capture_time_and_place_as_evidence() {
        let evidence = clean(&phone_photo()).unwrap().evidence;
        assert_eq!(
            evidence.captured_at,
            chrono::NaiveDateTime::parse_from_str("2026-11-28 09:15:30", "%Y-%m-%d %H:%M:%S").ok()
        );
        let at = evidence.location.unwrap();
        assert!((at.lat - -6.175_4).abs() < 1e-3, "{}", at.lat);
        assert!((at.lon - 106.827_2).abs() < 1e-3, "{}", at.lon);
    }

    #[test]
    fn transparency_survives_as_png_and_giants_are_scaled_down() {
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            8,
            8,
            image::Rgba([1, 2, 3, 100]),
        ));
        let mut png = Cursor::new(Vec::new());
        rgba.write_to(&mut png, ImageFormat::Png).unwrap();
        assert_eq!(clean(png.get_ref()).unwrap().content_type, "image/png");

        let mut big = Cursor::new(Vec::new());
        gradient(MAX_SIDE + 100, 10)
            .write_to(&mut big, ImageFormat::Png)
            .unwrap();
        let clean_big = clean(big.get_ref()).unwrap();
        assert_eq!(clean_big.width, MAX_SIDE);
    }

    #[test]
    fn a_phone_photo_is_kept_at_display_size_with_a_thumbnail() {
        let mut phone = Cursor::new(Vec::new());
        gradient(4000, 3000)
            .write_to(&mut phone, ImageFormat::Jpeg)
            .unwrap();
        let clean = clean(phone.get_ref()).unwrap();
        assert_eq!((clean.width, clean.height), (MAX_SIDE, 1200));
        let thumbnail = image::load_from_memory(&clean.thumbnail).unwrap();
        assert_eq!(
            (thumbnail.width(), thumbnail.height()),
            (THUMBNAIL_SIDE, 360)
        );
        assert!(clean.thumbnail.len() < clean.bytes.len());
        assert!(!clean.thumbnail.windows(4).any(|w| w == b"Exif"));
        // A small picture is not enlarged.
        let small = super::clean(&{
            let mut png = Cursor::new(Vec::new());
            gradient(30, 20)
                .write_to(&mut png, ImageFormat::Png)
                .unwrap();
            png.into_inner()
        })
        .unwrap();
        let thumbnail = image::load_from_memory(&small.thumbnail).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (30, 20));
    }

    #[test]
    fn refuses_what_is_not_a_picture() {
        assert_eq!(clean(b"GIF89a....").unwrap_err(), MediaError::Unsupported);
        let mut truncated = phone_photo();
        truncated.truncate(200);
        assert_eq!(clean(&truncated).unwrap_err(), MediaError::Unreadable);
    }
}
