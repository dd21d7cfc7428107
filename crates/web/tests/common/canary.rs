//! Canaries for the privacy proofs: unique values planted in identity fields and in photo
//! metadata, and searched for in everything that leaves the app (bodies, headers, logs,
//! the database file).

use std::collections::HashSet;
use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex, OnceLock};

use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use img_parts::jpeg::Jpeg;
use img_parts::{Bytes, ImageEXIF};

use super::client::Resp;
use super::fixtures::jpeg;

/// Eight digits no other canary of this process has.
pub fn unique_digits() -> String {
    static USED: OnceLock<Mutex<HashSet<u32>>> = OnceLock::new();
    let mut used = USED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    loop {
        let n = rand::random_range(10_000_000..100_000_000u32);
        if used.insert(n) {
            return n.to_string();
        }
    }
}

/// A text that may never appear, searched for case-insensitively, or raw bytes, exactly.
#[derive(Clone)]
pub struct Needle {
    pub label: String,
    bytes: Vec<u8>,
    exact: bool,
    /// Found only where no digit stands right before or after it: a number of its own.
    standalone: bool,
}

impl Needle {
    pub fn text(label: impl Into<String>, text: &str) -> Self {
        Self {
            label: label.into(),
            bytes: text.to_ascii_lowercase().into_bytes(),
            exact: false,
            standalone: false,
        }
    }

    /// Digits found only as a number of their own, not inside a longer run of digits: eight
    /// digits occur by chance in a 100 MB log full of coordinates (`558.7599835351297`),
    /// while a leaked phone number is set off by a space, a dash or its `812` (which the
    /// phone's other needles catch).
    pub fn digits(label: impl Into<String>, digits: &str) -> Self {
        Self {
            standalone: true,
            ..Self::text(label, digits)
        }
    }

    pub fn raw(label: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            label: label.into(),
            bytes: bytes.to_vec(),
            exact: true,
            standalone: false,
        }
    }

    /// Whether it is in `hay` (`lower` is `hay` in ASCII lowercase).
    fn within(&self, hay: &[u8], lower: &[u8]) -> bool {
        let hay = if self.exact { hay } else { lower };
        if !self.standalone {
            return contains(hay, &self.bytes);
        }
        let digit_at =
            |i: Option<usize>| i.and_then(|i| hay.get(i)).is_some_and(u8::is_ascii_digit);
        memchr::memmem::find_iter(hay, &self.bytes)
            .any(|at| !digit_at(at.checked_sub(1)) && !digit_at(Some(at + self.bytes.len())))
    }
}

/// Whether `needle` is in `hay`, by a substring search fast enough for the whole log and
/// every page even in a debug build.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(hay, needle).is_some()
}

/// The labels of the needles found in `hay`.
pub fn found_in(needles: &[Needle], hay: &[u8]) -> Vec<String> {
    let lower = hay.to_ascii_lowercase();
    needles
        .iter()
        .filter(|n| n.within(hay, &lower))
        .map(|n| n.label.clone())
        .collect()
}

/// A response as bytes to search: every header line, then the body.
pub fn response_bytes(resp: &Resp) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in &resp.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(&resp.body);
    out
}

/// A person whose every identity field is a canary.
#[derive(Clone, Debug)]
pub struct Person {
    pub username: String,
    pub name: String,
    /// `0812` and eight unique digits.
    pub phone: String,
    pub email: String,
    /// Sixteen digits.
    pub nik: String,
    /// A channel handle, e.g. on X.
    pub handle: String,
}

impl Person {
    pub fn new() -> Self {
        let phone = unique_digits();
        let nik = format!("3174{}{}", &unique_digits()[..4], unique_digits());
        Self {
            username: format!("canary-user-{}", unique_digits()),
            name: format!("Dewi Kanari-{}", unique_digits()),
            phone: format!("0812{phone}"),
            email: format!("kanari.{}@example.org", unique_digits()),
            nik,
            handle: format!("@kanari_{}", unique_digits()),
        }
    }

    /// The phone number as aduan stores it (E.164): `0812…` is `+62812…`.
    pub fn stored_phone(&self) -> String {
        format!("+62{}", &self.phone[1..])
    }

    /// Every spelling that would give the person away, but the account name.
    pub fn personal(&self, who: &str) -> Vec<Needle> {
        let digits = &self.phone[4..];
        let (head, tail) = digits.split_at(4);
        let local = self.email.split('@').next().unwrap_or_default();
        let name_tail = self.name.rsplit(' ').next().unwrap_or_default();
        let label = |what: &str| format!("{who}'s {what}");
        vec![
            Needle::text(label("name"), &self.name),
            Needle::text(label("name (surname)"), name_tail),
            Needle::text(label("phone"), &self.phone),
            // +62812..., 62812... and 0812... all contain it.
            Needle::text(label("phone (812...)"), &self.phone[1..]),
            Needle::text(label("phone (dashed)"), &format!("812-{head}-{tail}")),
            Needle::text(label("phone (spaced)"), &format!("812 {head} {tail}")),
            Needle::text(label("phone (dotted)"), &format!("812.{head}.{tail}")),
            Needle::digits(label("phone (its unique digits)"), digits),
            Needle::text(label("email"), &self.email),
            Needle::text(label("email (local part)"), local),
            Needle::text(label("NIK"), &self.nik),
            Needle::text(label("NIK (last 12 digits)"), &self.nik[4..]),
            Needle::text(label("handle"), &self.handle[1..]),
        ]
    }

    /// Everything, the account name included.
    pub fn all(&self, who: &str) -> Vec<Needle> {
        let mut all = self.personal(who);
        all.push(Needle::text(format!("{who}'s username"), &self.username));
        all
    }
}

/// A JPEG as a phone takes it: EXIF with a description, the place and the time.
pub struct ExifPhoto {
    pub jpeg: Vec<u8>,
    /// The EXIF segment's TIFF bytes, exactly as embedded.
    pub exif: Vec<u8>,
    /// What the EXIF says, to search for: the description, the place, the time, the bytes.
    pub needles: Vec<Needle>,
}

fn dms(degrees: u32, minutes: u32, hundredths_of_seconds: u32) -> Value {
    Value::Rational(vec![
        Rational::from((degrees, 1)),
        Rational::from((minutes, 1)),
        Rational::from((hundredths_of_seconds, 100)),
    ])
}

fn ascii(tag: Tag, text: &str) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text.as_bytes().to_vec()]),
    }
}

/// A photo whose EXIF carries `description`, a GPS position south and east given as
/// (degrees, minutes, hundredths of seconds), and `taken` ("YYYY:MM:DD HH:MM:SS").
/// `place` names what the coordinates look like once in degrees, with enough digits (e.g.
/// "6.2614527") that a log line's timing cannot match them by chance.
pub fn exif_photo(
    description: &str,
    lat: (u32, u32, u32),
    lon: (u32, u32, u32),
    taken: &str,
    place: [&str; 2],
) -> ExifPhoto {
    let fields = [
        ascii(Tag::ImageDescription, description),
        ascii(Tag::DateTimeOriginal, taken),
        ascii(Tag::GPSLatitudeRef, "S"),
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(lat.0, lat.1, lat.2),
        },
        ascii(Tag::GPSLongitudeRef, "E"),
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(lon.0, lon.1, lon.2),
        },
    ];
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("write the EXIF");
    let exif = tiff.into_inner();
    let mut photo = Jpeg::from_bytes(Bytes::from(jpeg())).expect("parse the JPEG");
    photo.set_exif(Some(Bytes::from(exif.clone())));
    let mut out = Vec::new();
    photo.encoder().write_to(&mut out).expect("write the JPEG");
    // The place and the time as a JSON view would spell them.
    let day = taken.get(..10).unwrap_or_default();
    let needles = vec![
        Needle::text(format!("EXIF description {description}"), description),
        Needle::text(format!("EXIF date {day}"), day),
        Needle::text(format!("EXIF date {day} (ISO)"), &day.replace(':', "-")),
        Needle::text(format!("EXIF latitude {}", place[0]), place[0]),
        Needle::text(format!("EXIF longitude {}", place[1]), place[1]),
        Needle::raw("the raw EXIF segment", &exif),
    ];
    assert!(
        contains(&out, description.as_bytes()),
        "the EXIF is embedded"
    );
    assert!(contains(&out, &exif), "the EXIF bytes are embedded");
    ExifPhoto {
        jpeg: out,
        exif,
        needles,
    }
}

/// Everything every test of this binary logged, at TRACE level, from the first call on.
/// Tests share it; canaries are unique per test, so searching it is still valid.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogSink(Arc::clone(&sink)))
            .try_init()
            .expect("no other global subscriber in this test binary");
        buffer
    })
    .clone()
}

/// A copy of the log so far.
pub fn log_snapshot() -> Vec<u8> {
    captured_logs()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
