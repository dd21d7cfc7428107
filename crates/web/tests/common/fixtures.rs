//! Request bodies, tickets, Jakarta dates and real image bytes for the tests.

use std::io::Cursor;

use chrono::{FixedOffset, NaiveDate, Utc};
use serde_json::{Value, json};

/// A JSON report body: a category, a description long enough, a region.
pub fn report_body(category: &str, region: &str) -> Value {
    json!({
        "category": category,
        "description": "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.",
        "location": {"region": region},
    })
}

pub fn ticket_of(view: &Value) -> String {
    view["ticket"].as_str().expect("a ticket").to_owned()
}

pub fn tickets_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(ticket_of)
        .collect()
}

/// Today in Jakarta (UTC+7 all year; no daylight saving since 1964).
pub fn jakarta_today() -> NaiveDate {
    let wib = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    Utc::now().with_timezone(&wib).date_naive()
}

/// Check a ticket against `^JK\d{6}\d{4,}$` and return the date it carries.
#[track_caller]
pub fn ticket_date(ticket: &str) -> NaiveDate {
    let digits = ticket
        .strip_prefix("JK")
        .unwrap_or_else(|| panic!("{ticket} starts with JK"));
    assert!(
        digits.len() >= 10 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{ticket} is JK, YYMMDD and a sequence of at least 4 digits"
    );
    NaiveDate::parse_from_str(&format!("20{}", &digits[..6]), "%Y%m%d")
        .unwrap_or_else(|e| panic!("{ticket} carries a date: {e}"))
}

/// Width and height of every test picture.
pub const PICTURE_SIZE: (u32, u32) = (16, 12);

/// A real PNG with transparency (so that re-encoding it keeps it a PNG).
pub fn png() -> Vec<u8> {
    let (w, h) = PICTURE_SIZE;
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([x as u8 * 15, y as u8 * 20, 90, 128 + x as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode a PNG");
    out.into_inner()
}

/// A real JPEG.
pub fn jpeg() -> Vec<u8> {
    let (w, h) = PICTURE_SIZE;
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8 * 15, y as u8 * 20, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode a JPEG");
    out.into_inner()
}

/// The dimensions of an image the API serves (it may re-encode what it was sent).
#[track_caller]
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a readable image");
    (img.width(), img.height())
}

/// A real 1x1 GIF (not an accepted photo format).
pub fn gif() -> Vec<u8> {
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec()
}

/// A JPEG carrying an EXIF APP1 segment whose ImageDescription is `marker` (as a phone's
/// camera writes GPS and device details).
pub fn jpeg_with_exif(marker: &str) -> Vec<u8> {
    let plain = jpeg();
    let text = format!("{marker}\0");
    // TIFF, little-endian: header, IFD0 with one ASCII entry, then the string.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x010Eu16.to_le_bytes()); // ImageDescription
    tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
    tiff.extend_from_slice(&(text.len() as u32).to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // 8 + 2 + 12 + 4
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(text.as_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A JPEG as a phone's camera writes it: the capture time (`"2026:11:28 09:15:30"`, local,
/// as EXIF has it) and the GPS position, which the server keeps as evidence for validators.
pub fn camera_photo(taken: &str, lat: f64, lon: f64) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value as Exif, experimental::Writer};
    let dms = |deg: f64| {
        let deg = deg.abs();
        let d = deg.trunc();
        let m = ((deg - d) * 60.0).trunc();
        let s = (deg - d - m / 60.0) * 3600.0;
        Exif::Rational(vec![
            Rational::from((d as u32, 1)),
            Rational::from((m as u32, 1)),
            Rational::from(((s * 1000.0).round() as u32, 1000)),
        ])
    };
    let ascii = |s: &str| Exif::Ascii(vec![s.as_bytes().to_vec()]);
    let fields = [
        (Tag::DateTimeOriginal, ascii(taken)),
        (
            Tag::GPSLatitudeRef,
            ascii(if lat < 0.0 { "S" } else { "N" }),
        ),
        (Tag::GPSLatitude, dms(lat)),
        (
            Tag::GPSLongitudeRef,
            ascii(if lon < 0.0 { "W" } else { "E" }),
        ),
        (Tag::GPSLongitude, dms(lon)),
    ]
    .map(|(tag, value)| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    });
    let mut writer = Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("write EXIF");
    let mut photo = img_parts::jpeg::Jpeg::from_bytes(jpeg().into()).expect("a JPEG");
    img_parts::ImageEXIF::set_exif(&mut photo, Some(tiff.into_inner().into()));
    let mut out = Vec::new();
    photo.encoder().write_to(&mut out).expect("encode");
    out
}
