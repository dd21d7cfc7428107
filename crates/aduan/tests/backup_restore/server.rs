//! `aduan serve` as these tests run it (one identity key for every instance, so a restored
//! store serves what the original sealed), and a citizen filing reports with a photo.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::DEADLINE;

const PASSWORD: &str = "rahasia-cadangan-kota";

/// The key every instance here uses: the one kept apart from the backups.
pub fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| aduan_store::identity::IdentityKey::generate().to_base64())
}

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `aduan serve` on the data dir's SQLite store.
    pub async fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_on(data_dir, None, extra).await
    }

    /// `aduan serve` on `database` (a URL) or the data dir's store.
    pub async fn start_on(data_dir: &Path, database: Option<&str>, extra: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aduan"));
        command.arg("--data-dir").arg(data_dir);
        match database {
            Some(url) => command.args(["--database-url", url]),
            None => command.env_remove("ADUAN_DATABASE_URL"),
        };
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
            .args(["--rate-limits", "off", "--identity-key", key()])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aduan");
        let stdout = child.stdout.take().expect("stdout");
        let (found, listening) = tokio::sync::oneshot::channel();
        // Read up to the listening line, then keep draining so the server never blocks.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("aduan listening on ")
                    && let Some(found) = found.take()
                {
                    let _ = found.send(address.trim().to_owned());
                }
            }
        });
        let mut server = Self {
            child,
            base: String::new(),
            http: reqwest::Client::new(),
        };
        server.base = tokio::time::timeout(DEADLINE, listening)
            .await
            .expect("the server listens in time")
            .expect("the server started");
        server
    }

    async fn token(&self, path: &str, name: &str, expect: u16) -> Citizen {
        let response = self
            .http
            .post(format!("{}/api/v1/auth/{path}", self.base))
            .json(&json!({ "username": name, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expect, "{path} {name}");
        let body: Value = response.json().await.unwrap();
        Citizen {
            base: self.base.clone(),
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
