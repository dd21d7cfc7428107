//! Photos in S3 through the `aduan` binary, as an operator runs it: `aduan serve` with
//! `--photos s3://BUCKET/PREFIX` and the `AWS_*` environment of a real S3-compatible server
//! (`s3s-fs`, see the store's tests/support/s3_server.rs) keeps a citizen's photo in the
//! bucket and none of its bytes in the SQLite store, and serves it with its ETag (304 when
//! the client has it) and its thumbnail; `aduan backup` takes the images from the bucket and
//! `aduan restore` puts them in a directory, byte for byte; refused S3 keys stop
//! `aduan serve` at start, naming the photo store.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../store/tests/support/s3_server.rs"]
mod s3_server;

#[path = "common/server.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::multipart::{Form, Part};
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use s3_server::{S3Server, files_under, random_key};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");
const PASSWORD: &str = "rahasia-foto-kota";
/// The prefix the city's images are kept under in the bucket.
const PREFIX: &str = "city";
/// The uploaded photo's size; the display image keeps it (at most 1600 pixels), the
/// thumbnail is at most 480 pixels on its long side.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 900;

/// `aduan` on `data` with `key`, and none of the environment's store, photo location or
/// S3 settings.
fn aduan(data: &Path, key: &str) -> Command {
    let mut command = common::aduan();
    command
        .arg("--data-dir")
        .arg(data)
        .env("ADUAN_IDENTITY_KEY", key)
        .env("RUST_LOG", "warn");
    for name in [
        "ADUAN_DATA_DIR",
        "ADUAN_PHOTOS_LOCATION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        command.env_remove(name);
    }
    command
}

/// `aduan` with its photos in `s3`'s bucket under [`PREFIX`], as an operator sets it.
fn in_s3(data: &Path, key: &str, s3: &S3Server) -> Command {
    let mut command = aduan(data, key);
    command.arg("--photos").arg(s3.url(PREFIX)).envs(s3.env());
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn ok(mut command: Command) -> String {
    let out: Output = command.output().expect("run aduan");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// `command` serving on a free port; its stderr is given back if it refuses to start.
fn serve_command(mut command: Command) -> Command {
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .args(["--rate-limits", "off"])
        .stderr(Stdio::piped());
    command
}

async fn serve(command: Command) -> common::Server {
    let command = serve_command(command);
    tokio::task::spawn_blocking(move || common::Server::started(command))
        .await
        .unwrap()
}

/// A data dir with the Jakarta pack loaded.
fn jakarta(data: &Path, key: &str) {
    let mut command = aduan(data, key);
    command.args(["jurisdiction", "import", PACK]);
    ok(command);
}

fn new_key() -> String {
    aduan_store::identity::IdentityKey::generate().to_base64()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// An image's key in a photo store: `sha256/ab/abcd…`.
fn image_key(hex: &str) -> String {
    format!("sha256/{}/{hex}", &hex[..2])
}

/// A real PNG, textured so that its JPEGs are not trivially small.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let texture = (x.wrapping_mul(7) ^ y.wrapping_mul(13)) % 64;
        image::Rgb([
            (x * 255 / WIDTH) as u8,
            (y * 255 / HEIGHT) as u8,
            (texture * 4) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A signed-in citizen of a running server.
struct Citizen {
    base: String,
    http: reqwest::Client,
    bearer: String,
}

impl Citizen {
    /// `register` (201) or `login` (200) as `name`.
    async fn signed_in(base: &str, path: &str, name: &str) -> Self {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{base}/api/v1/auth/{path}"))
            .json(&json!({ "username": name, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path} {name}: {status} {body}");
        Self {
            base: base.to_owned(),
            http,
            bearer: format!("Bearer {}", body["token"].as_str().unwrap()),
        }
    }

    /// File a report with `photo`; its ticket.
    async fn file(&self, photo: Vec<u8>) -> String {
        let report = json!({
            "category": "jalan",
            "description": "Jalan berlubang besar di depan sekolah dasar",
            "location": {"region": "31.74.01"},
        });
        let form = Form::new()
            .part(
                "report",
                Part::text(report.to_string())
                    .mime_str("application/json")
                    .unwrap(),
            )
            .part(
                "photo",
                Part::bytes(photo)
                    .file_name("foto.png")
                    .mime_str("image/png")
                    .unwrap(),
            );
        let response = self
            .http
            .post(format!("{}/api/v1/reports", self.base))
            .header("authorization", &self.bearer)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["ticket"].as_str().unwrap().to_owned()
    }

    /// GET `path` (from the server's root), with `If-None-Match` when given.
    async fn get(&self, path: &str, if_none_match: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .get(format!("{}{path}", self.base))
            .header("authorization", &self.bearer);
        if let Some(etag) = if_none_match {
            request = request.header(IF_NONE_MATCH, etag);
        }
        request.send().await.unwrap()
    }

    /// The display and thumbnail paths of the report's one photo.
    async fn photo_paths(&self, ticket: &str) -> (String, String) {
        let response = self.get(&format!("/api/v1/reports/{ticket}"), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let report: Value = response.json().await.unwrap();
        let photos = report["photos"].as_array().unwrap();
        assert_eq!(photos.len(), 1, "{report}");
        let path = |field: &str| photos[0][field].as_str().unwrap().to_owned();
        (path("url"), path("thumbnail_url"))
    }
}

/// An image served with 200: a JPEG whose ETag is the quoted SHA-256 of its bytes; its
/// bytes and its hash.
async fn served_jpeg(response: reqwest::Response) -> (Vec<u8>, String) {
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name| {
        response
            .headers()
            .get(&name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let (content_type, etag) = (header(CONTENT_TYPE), header(ETAG));
    let bytes = response.bytes().await.unwrap().to_vec();
    assert_eq!(content_type, "image/jpeg");
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
    let hex = sha256_hex(&bytes);
    assert_eq!(etag, format!("\"{hex}\""));
    (bytes, hex)
}

fn dimensions(jpeg: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).unwrap();
    (img.width(), img.height())
}

/// 64 bytes from the middle of `jpeg`'s entropy-coded data: found only where its bytes are.
fn probe(jpeg: &[u8]) -> &[u8] {
    let at = jpeg.len() / 2;
    &jpeg[at..at + 64]
}

fn holds(file: &Path, needle: &[u8]) -> bool {
    std::fs::read(file)
        .unwrap()
        .windows(needle.len())
        .any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_kept_in_s3_is_served_backed_up_and_restored_into_a_directory() {
    let s3 = S3Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = new_key();
    jakarta(&data, &key);

    let server = serve(in_s3(&data, &key, &s3)).await;
    let citizen = Citizen::signed_in(&server.base, "register", "warga.foto").await;
    let ticket = citizen.file(png()).await;
    let (display_path, thumbnail_path) = citizen.photo_paths(&ticket).await;

    // The display image: the photo's size, its ETag the hash of the bytes served.
    let (display, display_hex) = served_jpeg(citizen.get(&display_path, None).await).await;
    assert_eq!(dimensions(&display), (WIDTH, HEIGHT));
    // The client holding it gets 304, with the same ETag and no body.
    let etag = format!("\"{display_hex}\"");
    let again = citizen.get(&display_path, Some(&etag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    // Another ETag is not a match.
    let other = format!("\"{}\"", sha256_hex(b"another image"));
    let stale = citizen.get(&display_path, Some(&other)).await;
    assert_eq!(served_jpeg(stale).await.0, display);

    let (thumbnail, thumbnail_hex) = served_jpeg(citizen.get(&thumbnail_path, None).await).await;
    assert_eq!(dimensions(&thumbnail), (480, 360));
    assert!(thumbnail.len() < display.len());

    // Both are objects of the bucket under the prefix, as served; nothing else is there
    // (the uploaded PNG is not kept).
    let objects = [(&display_hex, &display), (&thumbnail_hex, &thumbnail)];
    let mut expected = Vec::new();
    for (hex, bytes) in objects {
        let file = s3.object_path(&format!("{PREFIX}/{}", image_key(hex)));
        assert_eq!(&std::fs::read(&file).unwrap(), bytes, "{}", file.display());
        expected.push(file);
    }
    let mut stored = files_under(&s3.bucket_dir());
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);

    let exit = server.stop();
    assert!(exit.success(), "{exit:?}");

    // The database names the images by hash and holds none of their bytes; nor does any
    // other file of the data dir (its WAL, a local photos/).
    let conn = Connection::open_with_flags(data.join("aduan.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let (image, thumb): (Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT image_sha256, thumbnail_sha256 FROM photos",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (to_hex(&image), to_hex(&thumb)),
        (display_hex.clone(), thumbnail_hex.clone())
    );
    drop(conn);
    for (hex, bytes) in objects {
        let needle = probe(bytes);
        // The probe finds the bytes where they are.
        assert!(holds(
            &s3.object_path(&format!("{PREFIX}/{}", image_key(hex))),
            needle
        ));
        for file in files_under(&data) {
            assert!(
                !holds(&file, needle),
                "{} holds image {hex}",
                file.display()
            );
        }
    }

    // A backup with the same settings holds both images, read from the bucket.
    let file = dir.path().join("city.backup");
    let mut backup = in_s3(&data, &key, &s3);
    backup.args(["backup", "--to"]).arg(&file);
    let stdout = ok(backup);
    assert!(
        stdout.contains(&format!(
            "2 photo images, {} bytes",
            display.len() + thumbnail.len()
        )),
        "{stdout}"
    );

    // Restored into a new data dir with its photos in a directory: the images are files
    // named by their hashes, byte for byte as served.
    let restored = dir.path().join("restored");
    let photos = dir.path().join("restored-photos");
    let mut restore = aduan(&restored, &key);
    restore
        .arg("--photos")
        .arg(&photos)
        .arg("restore")
        .arg(&file);
    ok(restore);
    let mut expected: Vec<PathBuf> = Vec::new();
    for (hex, bytes) in objects {
        let at = photos.join(image_key(hex));
        assert_eq!(&std::fs::read(&at).unwrap(), bytes, "{}", at.display());
        expected.push(at);
    }
    let mut there = files_under(&photos);
    there.sort();
    expected.sort();
    assert_eq!(there, expected);

    // The restored city serves the photo from there, the same bytes, with no S3 at all.
    drop(s3);
    let mut command = aduan(&restored, &key);
    command.arg("--photos").arg(&photos);
    let server = serve(command).await;
    let citizen = Citizen::signed_in(&server.base, "login", "warga.foto").await;
    let (bytes, _) = served_jpeg(citizen.get(&display_path, None).await).await;
    assert_eq!(bytes, display);
    let (bytes, _) = served_jpeg(citizen.get(&thumbnail_path, None).await).await;
    assert_eq!(bytes, thumbnail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_to_start_when_s3_refuses_its_keys() {
    let s3 = S3Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = new_key();
    jakarta(&data, &key);

    let wrong_secret = random_key(40);
    let unknown_key_id = random_key(20);
    for (name, value) in [
        ("AWS_SECRET_ACCESS_KEY", &wrong_secret),
        ("AWS_ACCESS_KEY_ID", &unknown_key_id),
    ] {
        let mut command = in_s3(&data, &key, &s3);
        command.env(name, value);
        let command = serve_command(command);
        let exited = tokio::task::spawn_blocking(move || common::Server::start(command))
            .await
            .unwrap()
            .err()
            .unwrap_or_else(|| panic!("aduan serve started with a wrong {name}"));
        assert!(!exited.status.success(), "{name}: {exited:?}");
        let stderr = exited.stderr;
        assert!(
            stderr.contains("photo store") && stderr.contains(&s3.url(PREFIX)),
            "{name}: {stderr}"
        );
        // The message names no secret.
        for secret in [&s3.secret_access_key, &wrong_secret] {
            assert!(!stderr.contains(secret.as_str()), "{name}: {stderr}");
        }
    }
    assert!(files_under(&s3.bucket_dir()).is_empty());
}
