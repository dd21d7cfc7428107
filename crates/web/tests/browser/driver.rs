//! chromedriver as a child process per test, and the headless Chromium session it starts:
//! Debian's, at phone size, in Indonesian.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

use crate::harness::{Options, PHONE};

/// How long chromedriver may take to say it listens. A deadline, not a pause: readiness is
/// its own line on stdout.
const DRIVER_START: Duration = Duration::from_secs(30);

/// What chromedriver prints once it accepts sessions; the port follows.
const READY: &str = "ChromeDriver was started successfully on port ";

/// A chromedriver child process; killed when dropped.
pub struct Driver {
    port: u16,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Driver {
    /// Start chromedriver on a port it picks itself (`--port=0`, so no two tests can race
    /// for one) and wait for the line that says it is listening, which names the port.
    /// Chromedriver binds the port it picked on IPv6 and IPv4 in turn, and exits ("IPv4
    /// port not available") when another process took it in between: then it starts again,
    /// a few times at most.
    pub async fn start() -> Self {
        let mut refused = String::new();
        for _ in 0..3 {
            match Self::try_start().await {
                Ok(driver) => return driver,
                Err(said) if said.contains("port not available") => refused = said,
                Err(said) => panic!("{said}"),
            }
        }
        panic!("{refused}");
    }

    async fn try_start() -> Result<Self, String> {
        let path = locate("chromedriver", "/usr/bin/chromedriver");
        let mut child = Command::new(&path)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, which the Chromium it starts joins: see `Drop`.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        let stderr = Arc::new(Mutex::new(String::new()));
        tokio::spawn(collect(
            child.stderr.take().expect("chromedriver's stderr"),
            Arc::clone(&stderr),
        ));
        let mut stdout =
            BufReader::new(child.stdout.take().expect("chromedriver's stdout")).lines();
        let mut said = Vec::new();
        let ready = tokio::time::timeout(DRIVER_START, async {
            while let Ok(Some(line)) = stdout.next_line().await {
                if let Some(port) = line.strip_prefix(READY) {
                    return port.trim_end_matches('.').parse::<u16>().ok();
                }
                said.push(line);
            }
            None
        })
        .await;
        let Ok(Some(port)) = ready else {
            let status = child.try_wait().ok().flatten();
            return Err(format!(
                "chromedriver ({}) did not say it started within {DRIVER_START:?} \
                 (exit: {status:?})\nstdout:\n{}\nstderr:\n{}",
                path.display(),
                said.join("\n"),
                stderr.lock().map(|s| s.clone()).unwrap_or_default()
            ));
        };
        // Keep reading so that chromedriver never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        Ok(Self {
            port,
            child,
            stderr,
        })
    }

    /// A new session in headless Chromium at phone size, in Indonesian.
    pub async fn connect(&self, chromium: &Path, profile: &Path, options: Options) -> Client {
        let (width, height) = PHONE;
        let mut chrome = json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
                format!("--window-size={width},{height}"),
                "--lang=id",
                format!("--user-data-dir={}", profile.display()),
            ],
            // A desktop window is at least 500 px wide whatever --window-size says, so a
            // phone's screen is emulated (its width, and the viewport meta tag honored).
            // Not its touch screen: with touch on and JavaScript off, chromedriver hangs on a
            // click on a submit button.
            "mobileEmulation": {
                "deviceMetrics": {
                    "width": width,
                    "height": height,
                    "pixelRatio": 1,
                    "mobile": true,
                    "touch": false,
                },
            },
        });
        if !options.javascript {
            chrome["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let capabilities = json!({"browserName": "chrome", "goog:chromeOptions": chrome});
        let Value::Object(capabilities) = capabilities else {
            unreachable!("an object literal")
        };
        let url = format!("http://127.0.0.1:{}", self.port);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no Chromium session from chromedriver at {url} (Chromium: {}): {e}\n\
                     chromedriver's stderr:\n{}",
                    chromium.display(),
                    self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
                )
            })
    }
}

/// A page's own script must not run (WebDriver's scripts still do: they come through the
/// DevTools protocol, not the page).
pub async fn assert_javascript_is_off(client: &Client) {
    client
        .goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await
        .expect("open a page with a script");
    let title = client.title().await.expect("the title");
    assert_eq!(title, "off", "JavaScript was to be off in this browser");
}

impl Drop for Driver {
    /// End chromedriver's process group, Chromium included: a browser whose session could
    /// not be closed (a hung test) must not outlive its test.
    fn drop(&mut self) {
        if let Some(group) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{group}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Append what `pipe` says to `into` until it closes.
async fn collect(pipe: impl AsyncRead + Unpin, into: Arc<Mutex<String>>) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Ok(mut text) = into.lock() {
            text.push_str(&line);
            text.push('\n');
        }
    }
}

/// `program` on the PATH, else at `fallback`; a clear failure when neither exists.
pub fn locate(program: &str, fallback: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    let path = on_path.unwrap_or_else(|| PathBuf::from(fallback));
    assert!(
        path.is_file(),
        "{program} is not installed (not on the PATH, not at {fallback}). The browser tests \
         need Debian's Chromium and its driver: apt-get install -y chromium chromium-driver \
         (.ci/run installs them)"
    );
    path
}
