//! `aduan serve` as these tests run it (one identity key for every instance, so a restored
//! store serves what the original sealed), and a citizen filing reports with a photo.

use std::path::Path;
use std::process::Stdio;
use std::sync::OnceLock;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

#[path = "../common/server.rs"]
mod common;

const PASSWORD: &str = "rahasia-cadangan-kota";

/// The key every instance here uses: the one kept apart from the backups.
pub fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| aduan_store::identity::IdentityKey::generate().to_base64())
}

/// A running server, killed when dropped.
pub struct Server {
    running: common::Server,
    http: reqwest::Client,
}

impl Server {
    /// `aduan serve` on the data dir's SQLite store.
    pub async fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_on(data_dir, None, extra).await
    }

    /// `aduan serve` on `database` (a URL) or the data dir's store.
    pub async fn start_on(data_dir: &Path, database: Option<&str>, extra: &[&str]) -> Self {
        let mut command = common::aduan();
        command.arg("--data-dir").arg(data_dir);
        if let Some(url) = database {
            command.args(["--database-url", url]);
        }
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
            .args(["--rate-limits", "off", "--identity-key", key()])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::null());
        let running = tokio::task::spawn_blocking(move || common::Server::started(command))
            .await
            .expect("the server started");
        Self {
            running,
            http: reqwest::Client::new(),
        }
    }

    async fn token(&self, path: &str, name: &str, expect: u16) -> Citizen {
        let response = self
            .http
            .post(format!("{}/api/v1/auth/{path}", self.running.base))
            .json(&json!({ "username": name, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expect, "{path} {name}");
        let body: Value = response.json().await.unwrap();
        Citizen {
            base: self.running.base.clone(),
            http: self.http.clone(),
            bearer: format!("Bearer {}", body["token"].as_str().unwrap()),
        }
    }

    /// A newly registered citizen.
    pub async fn citizen(&self, name: &str) -> Citizen {
        self.token("register", name, 201).await
    }

    /// An existing citizen, signed in.
    pub async fn sign_in(&self, name: &str) -> Citizen {
        self.token("login", name, 200).await
    }
}

pub struct Citizen {
    base: String,
    http: reqwest::Client,
    bearer: String,
}

/// A real PNG.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(24, 16, |x, y| image::Rgb([x as u8 * 10, y as u8 * 15, 77]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

impl Citizen {
    /// File a report with one photo; its ticket, once acknowledged (201).
    pub async fn file(&self, description: &str) -> String {
        let report = json!({
            "category": "jalan",
            "description": description,
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
                Part::bytes(png())
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
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        body["ticket"].as_str().unwrap().to_owned()
    }

    /// The status a GET of the API's `path` answers.
    pub async fn status(&self, path: &str) -> u16 {
        self.http
            .get(format!("{}/api/v1{path}", self.base))
            .header("authorization", &self.bearer)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}
