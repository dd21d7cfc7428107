//! `aduan bench --photo-bytes`: the bytes a phone photo costs, stored as before (the
//! cleaned picture at full size, up to 4096 px, JPEG quality 85, as a BLOB in the database)
//! and as now (a display image of at most 1600 px and a thumbnail in the photo store, their
//! hashes and sizes in the database), for synthetic 12-megapixel photos (4000x3000: smooth
//! light and colour with sensor-like grain, which JPEG compresses about as it does a real
//! street scene).

use std::io::Cursor;
use std::time::Instant;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, RgbImage};

use aduan_web::media;

/// Photos measured; the figures are their medians.
const PHOTOS: u64 = 5;
const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
/// The quality photos were stored at before (and the display image now is).
const QUALITY: u8 = 85;
/// What a photo's row holds of its images now: two SHA-256 hashes and two sizes.
const ROW_BYTES: u64 = 2 * 32 + 2 * 8;

pub fn run() -> anyhow::Result<()> {
    let mut before = Vec::new();
    let mut display = Vec::new();
    let mut thumbnail = Vec::new();
    let mut seconds = Vec::new();
    for seed in 1..=PHOTOS {
        let picture = phone_photo(seed);
        let mut camera = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(picture.clone()).write_to(&mut camera, ImageFormat::Jpeg)?;
        // Before: cleaned at full size (4000 px is under the old 4096 px limit), JPEG 85.
        let mut old = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(picture)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut old, QUALITY))?;
        before.push(old.into_inner().len() as u64);
        let started = Instant::now();
        let clean = media::clean(camera.get_ref())?;
        seconds.push(started.elapsed().as_secs_f64());
        display.push(clean.bytes.len() as u64);
        thumbnail.push(clean.thumbnail.len() as u64);
    }
    let (before, display, thumbnail) = (median(before), median(display), median(thumbnail));
    seconds.sort_by(f64::total_cmp);
    let clean_seconds = seconds[seconds.len() / 2];
    let now_total = display + thumbnail;
    println!("bytes stored per photo ({PHOTOS} synthetic {WIDTH}x{HEIGHT} photos, medians)");
    println!("| | in the database | in the photo store | together |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| before (full size, JPEG {QUALITY}, a BLOB) | {} | 0 | {} |",
        mb(before),
        mb(before)
    );
    println!(
        "| now (display {} px + thumbnail {} px) | {ROW_BYTES} B | {} + {} | {} |",
        media::MAX_SIDE,
        media::THUMBNAIL_SIDE,
        mb(display),
        mb(thumbnail),
        mb(now_total + ROW_BYTES)
    );
    println!(
        "the database keeps {:.0}x less per photo, storage as a whole {:.1}x less; cleaning took {:.2} s a photo",
        before as f64 / ROW_BYTES as f64,
        before as f64 / (now_total + ROW_BYTES) as f64,
        clean_seconds
    );
    Ok(())
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

fn mb(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} kB", bytes as f64 / 1e3)
    }
}

/// A street-scene stand-in: broad gradients of light and colour, large shapes, texture at
/// the scale of asphalt, leaves and brick (cells of 3 and 11 pixels, which survive scaling
/// down as a real scene's detail does) and per-pixel grain as a phone's sensor leaves it.
/// Seeded hashes, so runs compare.
fn phone_photo(seed: u64) -> RgbImage {
    let noise = move |x: u32, y: u32, salt: u64| -> f32 {
        let mut h =
            (u64::from(x) << 32 | u64::from(y)) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        (h % 1000) as f32 / 1000.0 - 0.5
    };
    let phase = seed as f32;
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let light = 0.55 + 0.35 * ((fx * 3.1 + phase).sin() * (fy * 2.3 - phase).cos());
        let shape = if ((fx * 9.0 + phase).sin() + (fy * 7.0).cos()) > 0.8 {
            40.0
        } else {
            0.0
        };
        let texture = 36.0 * noise(x / 11, y / 11, 1) + 22.0 * noise(x / 3, y / 3, 2);
        let channel = |base: f32, tint: f32, salt: u64| {
            let grain = 14.0 * noise(x, y, salt);
            let value = base * light + tint * fy + shape + texture + grain;
            value.clamp(0.0, 255.0) as u8
        };
        image::Rgb([
            channel(200.0, 30.0, 3),
            channel(180.0, 10.0, 4),
            channel(150.0, -20.0, 5),
        ])
    })
}
