//! `aduan bench`: how many reports per second the server acknowledges over HTTP, how long
//! each takes, and whether every acknowledged report survives a crash.
//!
//! What is measured: `--clients` concurrent clients (tokio tasks sharing one HTTP/1.1
//! keep-alive `reqwest` client, so one connection each), each signed in as its own citizen
//! with a bearer token, submit `--reports` JSON reports (`POST /api/v1/reports`) between
//! them, closed-loop: a client sends its next report as soon as the previous one is
//! answered. The latency of a report is the time from sending the request to having read the
//! whole `201 Created` response; throughput is acknowledged reports over the wall time of the
//! run. Account registration (argon2) and a warm-up of `--warmup` reports per client come
//! before the clock starts. Only a 201 counts as acknowledged; anything else is an error and
//! makes the command fail.
//!
//! Unless `--url` is given the bench starts its own server (this binary, `serve --demo`, on
//! a fresh data dir in a temporary directory) and, after the run, kills it with SIGKILL and
//! opens the database itself to look up every acknowledged ticket: a 201 is a promise that
//! the report is saved, and the check holds the server to it.
//!
//! Why that promise holds: the SQLite store runs in WAL mode with `synchronous = FULL`, so a
//! commit returns only after the WAL is fsynced, and the server answers 201 only after the
//! commit that holds the report. With `NORMAL` the WAL is synced only at checkpoints: a
//! process crash would lose nothing, but a power cut or kernel panic could lose reports
//! whose ticket numbers were already given out. FULL costs one fsync per commit; the
//! store's single writer thread pays it once per batch (group commit: every write waiting in
//! its queue, up to 512, runs in one transaction), so under load one fsync is shared by many
//! reports. A SIGKILL only proves the process-crash half (the page cache survives it); the
//! power-cut half rests on the fsync before every acknowledgement.
//!
//! The bench client runs on the same machine as the server and shares its cores: on a
//! 2-core machine the client's own HTTP and JSON work takes CPU the server would otherwise
//! have, so the figures understate what the server does alone.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use aduan_domain::Ticket;
use aduan_store::sqlite::SqliteStore;
use aduan_store::{Store, StoreError};

use crate::cli::BenchArgs;

/// How long the started server may take to print its listening line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// Registrations run argon2 on the server (about 19 MiB each): a few at a time.
const REGISTER_CONCURRENCY: usize = 8;
/// Concurrent lookups in the durability check.
const CHECK_CONCURRENCY: usize = 8;

/// Places well inside a Jakarta kelurahan (checked against the Kemendagri boundaries), used
/// as report coordinates when kelurahan boundaries are loaded: random points in a bounding
/// box would fall in the sea or outside the city and be refused.
const KNOWN_INSIDE: &[(&str, f64, f64)] = &[
    ("Monas", -6.1754, 106.8272),
    ("Bundaran HI", -6.1950, 106.8230),
    ("Masjid Istiqlal", -6.1702, 106.8314),
    ("Kota Tua", -6.1352, 106.8133),
    ("Stasiun Gambir", -6.1767, 106.8306),
    ("Gelora Bung Karno", -6.2186, 106.8020),
    ("Blok M", -6.2443, 106.7983),
    ("Taman Mini Indonesia Indah", -6.3025, 106.8952),
    ("Ragunan", -6.3125, 106.8203),
    ("Salemba", -6.1950, 106.8500),
    ("Stasiun Jatinegara", -6.2150, 106.8703),
    ("Pasar Tanah Abang", -6.1870, 106.8136),
    ("Taman Ismail Marzuki", -6.1900, 106.8390),
    ("Kemang", -6.2620, 106.8130),
    ("Kelapa Gading", -6.1575, 106.9080),
    ("Pluit", -6.1270, 106.7900),
    ("Grogol", -6.1675, 106.7910),
    ("Puri Indah", -6.1880, 106.7340),
    ("Cilandak", -6.2915, 106.8000),
    ("Halim Perdanakusuma", -6.2666, 106.8910),
    ("Stasiun Tanjung Priok", -6.1106, 106.8814),
    ("Terminal Pulo Gadung", -6.1830, 106.9080),
    ("Mega Kuningan", -6.2300, 106.8270),
    ("Pasar Minggu", -6.2840, 106.8440),
];

/// What citizens say about the most common categories.
const PROBLEMS: &[(&str, &[&str])] = &[
    (
        "jalan",
        &[
            "Jalan berlubang cukup dalam",
            "Aspal jalan mengelupas dan bergelombang",
            "Jalan amblas sepanjang kurang lebih 10 meter",
            "Lubang jalan tertutup genangan sehingga tidak terlihat",
        ],
    ),
    (
        "sampah",
        &[
            "Sampah menumpuk dan tidak diangkut",
            "Tumpukan sampah rumah tangga berbau menyengat",
            "Bak sampah penuh dan sampah berserakan ke jalan",
        ],
    ),
    (
        "parkir-liar",
        &[
            "Banyak mobil parkir liar memakan badan jalan",
            "Motor parkir di trotoar sehingga pejalan kaki turun ke jalan",
            "Juru parkir liar memungut tarif tanpa karcis",
        ],
    ),
    (
        "pohon",
        &[
            "Pohon besar miring dan rantingnya hampir patah",
            "Dahan pohon tumbang menutupi sebagian jalan",
            "Ranting pohon menyentuh kabel listrik",
        ],
    ),
    (
        "saluran-air",
        &[
            "Saluran air tersumbat lumpur dan sampah",
            "Got meluap dan airnya hitam berbau",
            "Tutup saluran air hilang sehingga berbahaya",
        ],
    ),
    (
        "banjir-genangan",
        &[
            "Genangan air setinggi lutut setelah hujan",
            "Banjir masuk ke rumah warga",
            "Air tidak surut berjam-jam setelah hujan reda",
        ],
    ),
    (
        "penerangan-jalan-umum",
        &[
            "Lampu penerangan jalan mati",
            "Lampu jalan berkedip dan sering padam",
            "Tiang lampu jalan miring hampir roboh",
        ],
    ),
    (
        "gangguan-kebisingan",
        &[
            "Suara musik keras dari tempat hiburan sampai larut malam",
            "Bunyi mesin proyek mengganggu warga",
        ],
    ),
    (
        "pkl",
        &[
            "Pedagang kaki lima berjualan di atas trotoar",
            "Lapak PKL menutup akses jalan masuk gang",
        ],
    ),
    (
        "trotoar",
        &[
            "Trotoar rusak dan ubinnya terlepas",
            "Trotoar dipakai berjualan dan parkir motor",
        ],
    ),
    (
        "pembakaran-sampah",
        &[
            "Warga membakar sampah dan asapnya masuk ke rumah",
            "Pembakaran sampah di lahan kosong setiap sore",
        ],
    ),
    (
        "galian-sisa-proyek",
        &[
            "Bekas galian kabel tidak ditutup kembali",
            "Sisa material proyek dibiarkan di pinggir jalan",
        ],
    ),
    (
        "arus-lalu-lintas",
        &[
            "Kemacetan parah karena lampu lalu lintas mati",
            "Kendaraan melawan arus di jalan satu arah",
        ],
    ),
    (
        "angkutan-umum-ngetem",
        &["Angkot ngetem lama dan menyebabkan macet"],
    ),
];

const PLACES: &[&str] = &[
    "di depan SD negeri",
    "dekat pintu masuk pasar",
    "di gang samping masjid",
    "di RT 05/RW 02",
    "di samping halte TransJakarta",
    "di depan minimarket",
    "di pertigaan dekat pos ronda",
    "di jalan masuk perumahan",
    "di bawah jembatan layang",
    "dekat stasiun KRL",
    "di depan kantor kelurahan",
    "di sekitar taman RPTRA",
];

const SINCE: &[&str] = &[
    "sejak tiga hari lalu",
    "sudah seminggu",
    "sejak kemarin sore",
    "sudah lebih dari dua minggu",
    "hampir setiap malam",
    "sejak hujan deras minggu lalu",
    "sejak pagi tadi",
];

const PLEAS: &[&str] = &[
    "Mohon segera ditindaklanjuti.",
    "Warga sangat terganggu, mohon bantuannya.",
    "Sudah pernah disampaikan ke RT tetapi belum ada tindakan.",
    "Mohon petugas segera mengecek ke lokasi.",
    "Membahayakan anak-anak yang lewat.",
    "Terima kasih atas perhatiannya.",
    "",
];

#[derive(Deserialize)]
struct CategoryInfo {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct RegionInfo {
    code: String,
}

#[derive(Deserialize)]
struct TokenInfo {
    token: String,
}

#[derive(Deserialize)]
struct Ack {
    ticket: String,
}

/// Where the generated reports say the problem is.
enum Locations {
    /// Region codes (kecamatan): no boundaries are needed.
    Regions(Vec<String>),
    /// Points inside kelurahan, located by the server.
    Points,
}

/// The server the bench started: killed when dropped, whatever happened.
struct Server {
    child: Child,
    base: String,
    data_dir: PathBuf,
    log: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Server {
    async fn start(regions: &[PathBuf]) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("aduan-bench-")
            .tempdir()
            .context("creating a temporary directory")?;
        let data_dir = dir.path().join("data");
        let log = dir.path().join("server.log");
        let log_file =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let exe = std::env::current_exe().context("finding the aduan binary")?;
        let mut command = std::process::Command::new(exe);
        command
            .arg("serve")
            .arg("--demo")
            .arg("--demo-password")
            .arg(crate::demo::demo_password(None))
            .args(["--listen", "127.0.0.1:0", "--insecure-cookies"])
            .arg("--data-dir")
            .arg(&data_dir);
        for file in regions {
            command.arg("--regions").arg(file);
        }
        // The server must use the fresh data dir, whatever the environment says.
        command
            .env_remove("ADUAN_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut child = command.spawn().context("starting the server")?;
        let stdout = child
            .stdout
            .take()
            .context("the server's stdout is not piped")?;
        let mut server = Self {
            child,
            base: String::new(),
            data_dir,
            log,
            dir: Some(dir),
        };
        // Read the pipe on a thread until the listening line, then keep draining it so the
        // server never blocks (or fails) writing to stdout.
        let (found, listening) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("aduan-bench-server-stdout".into())
            .spawn(move || {
                let mut found = Some(found);
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(address) = line.strip_prefix("aduan listening on ")
                        && let Some(found) = found.take()
                    {
                        let _ = found.send(address.trim().to_owned());
                    }
                }
            })
            .context("starting the stdout reader")?;
        server.base = match tokio::time::timeout(STARTUP_TIMEOUT, listening).await {
            Ok(Ok(base)) => base,
            Ok(Err(_)) => bail!(
                "the server exited before listening; its log:\n{}",
                log_tail(&server.log)
            ),
            Err(_) => bail!(
                "the server did not listen within {STARTUP_TIMEOUT:?}; its log:\n{}",
                log_tail(&server.log)
            ),
        };
        Ok(server)
    }

    /// SIGKILL, as a crash would: no graceful shutdown, no final checkpoint.
    fn crash(&mut self) -> anyhow::Result<()> {
        self.child.kill().context("killing the server")?;
        self.child.wait().context("waiting for the server")?;
        Ok(())
    }

    fn keep_data(&mut self) -> Option<PathBuf> {
        self.dir.take().map(tempfile::TempDir::keep)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// The API of the server under test.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        if status != StatusCode::OK {
            bail!("GET {path}: {status}: {}", response.text().await?);
        }
        Ok(response.json().await?)
    }

    /// Register a citizen; its bearer token, as an `Authorization` value.
    async fn register(&self, username: String, password: String) -> anyhow::Result<HeaderValue> {
        let response = self
            .http
            .post(self.url("/auth/register"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .context("POST /auth/register")?;
        let status = response.status();
        if status != StatusCode::CREATED {
            bail!(
                "registering {username}: {status}: {}",
                response.text().await?
            );
        }
        let token: TokenInfo = response.json().await?;
        Ok(HeaderValue::from_str(&format!("Bearer {}", token.token))?)
    }

    async fn submit(&self, auth: &HeaderValue, body: String) -> Submitted {
        let sent = self
            .http
            .post(self.url("/reports"))
            .header(AUTHORIZATION, auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Submitted::Failed("transport".into(), e.to_string()),
        };
        let status = response.status();
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Submitted::Failed("transport".into(), e.to_string()),
        };
        if status != StatusCode::CREATED {
            let text = String::from_utf8_lossy(&bytes).chars().take(300).collect();
            return Submitted::Failed(status.as_u16().to_string(), text);
        }
        match serde_json::from_slice::<Ack>(&bytes) {
            Ok(ack) => Submitted::Acknowledged(ack.ticket),
            Err(e) => Submitted::Failed("201 without a ticket".into(), e.to_string()),
        }
    }
}

enum Submitted {
    Acknowledged(String),
    /// What kind of failure (an HTTP status or `transport`), and a sample of why.
    Failed(String, String),
}

/// One client: its token and the report bodies it will send.
struct Client {
    auth: HeaderValue,
    bodies: Vec<String>,
}

/// What a phase of submissions produced.
#[derive(Default)]
struct Outcome {
    /// Latency of each acknowledged report, in microseconds.
    latencies_us: Vec<u64>,
    /// Acknowledged tickets, with the index of the client that owns each.
    tickets: Vec<(usize, String)>,
    /// Failures by kind, with one sample message each.
    failures: BTreeMap<String, (usize, String)>,
    wall: Duration,
}

impl Outcome {
    fn errors(&self) -> usize {
        self.failures.values().map(|(n, _)| n).sum()
    }

    fn merge(&mut self, other: Self) {
        self.latencies_us.extend(other.latencies_us);
        self.tickets.extend(other.tickets);
        for (kind, (n, sample)) in other.failures {
            self.failures.entry(kind).or_insert((0, sample)).0 += n;
        }
    }

    fn print_failures(&self) {
        for (kind, (n, sample)) in &self.failures {
            println!("  errors {kind:<14} {n}   e.g. {sample}");
        }
    }
}

/// Every client sends its bodies one after another; all clients at once.
async fn run_phase(api: &Api, clients: Vec<Client>) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for (index, client) in clients.into_iter().enumerate() {
        let api = api.clone();
        tasks.spawn(async move {
            let mut out = Outcome {
                latencies_us: Vec::with_capacity(client.bodies.len()),
                tickets: Vec::with_capacity(client.bodies.len()),
                ..Outcome::default()
            };
            for body in client.bodies {
                let sent = Instant::now();
                match api.submit(&client.auth, body).await {
                    Submitted::Acknowledged(ticket) => {
                        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                        out.latencies_us.push(micros);
                        out.tickets.push((index, ticket));
                    }
                    Submitted::Failed(kind, sample) => {
                        out.failures.entry(kind).or_insert((0, sample)).0 += 1;
                    }
                }
            }
            out
        });
    }
    let mut total = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        total.merge(done.context("a client task failed")?);
    }
    total.wall = started.elapsed();
    Ok(total)
}

/// Report bodies, generated from `rng` so that a seed gives the same reports.
struct Generator<'a> {
    rng: StdRng,
    categories: &'a [CategoryInfo],
    locations: &'a Locations,
}

impl Generator<'_> {
    fn description(&mut self, category: &CategoryInfo) -> String {
        let rng = &mut self.rng;
        let problem = match PROBLEMS.iter().find(|(code, _)| *code == category.code) {
            Some((_, phrases)) => phrases.choose(rng).copied().unwrap_or("Ada masalah"),
            None => {
                return format!(
                    "Mohon ditindaklanjuti, ada keluhan terkait {} {} {}. {}",
                    category.name.to_lowercase(),
                    PLACES.choose(rng).copied().unwrap_or_default(),
                    SINCE.choose(rng).copied().unwrap_or_default(),
                    PLEAS.choose(rng).copied().unwrap_or_default(),
                )
                .trim()
                .to_owned();
            }
        };
        format!(
            "{problem} {} {}. {}",
            PLACES.choose(rng).copied().unwrap_or_default(),
            SINCE.choose(rng).copied().unwrap_or_default(),
            PLEAS.choose(rng).copied().unwrap_or_default(),
        )
        .trim()
        .to_owned()
    }

    fn location(&mut self) -> serde_json::Value {
        match self.locations {
            Locations::Regions(codes) => {
                json!({ "region": codes.choose(&mut self.rng).cloned().unwrap_or_default() })
            }
            Locations::Points => {
                let (_, lat, lon) = KNOWN_INSIDE[self.rng.random_range(0..KNOWN_INSIDE.len())];
                json!({ "lat": lat, "lon": lon })
            }
        }
    }

    fn body(&mut self) -> anyhow::Result<String> {
        let categories = self.categories;
        // Half the reports from the categories citizens use most, like the real mix.
        let category = if self.rng.random_bool(0.5) {
            let code = PROBLEMS[self.rng.random_range(0..PROBLEMS.len())].0;
            categories.iter().find(|c| c.code == code)
        } else {
            None
        };
        let category = match category {
            Some(c) => c,
            None => categories
                .choose(&mut self.rng)
                .context("the server has no categories")?,
        };
        let body = json!({
            "category": category.code,
            "description": self.description(category),
            "location": self.location(),
        });
        Ok(body.to_string())
    }

    /// `per_client` bodies for each of `clients`, or `total` dealt round-robin.
    fn deal(&mut self, clients: usize, total: usize) -> anyhow::Result<Vec<Vec<String>>> {
        let mut dealt = vec![Vec::with_capacity(total / clients + 1); clients];
        for i in 0..total {
            dealt[i % clients].push(self.body()?);
        }
        Ok(dealt)
    }
}

fn random_word(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

async fn register_clients(api: &Api, clients: usize) -> anyhow::Result<Vec<HeaderValue>> {
    let run = random_word(6);
    let password = random_word(24);
    let gate = Arc::new(Semaphore::new(REGISTER_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for i in 0..clients {
        let (api, gate, password) = (api.clone(), Arc::clone(&gate), password.clone());
        let username = format!("bench-{run}-{i:05}");
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            Ok::<_, anyhow::Error>((i, api.register(username, password).await?))
        });
    }
    let mut tokens = vec![HeaderValue::from_static(""); clients];
    while let Some(done) = tasks.join_next().await {
        let (i, token) = done??;
        tokens[i] = token;
    }
    Ok(tokens)
}

/// Submit one report at each known point; every one must be accepted.
async fn check_points(
    api: &Api,
    auth: &HeaderValue,
    category: &CategoryInfo,
) -> anyhow::Result<Vec<String>> {
    let mut tickets = Vec::new();
    let mut refused = Vec::new();
    for (name, lat, lon) in KNOWN_INSIDE {
        let body = json!({
            "category": category.code,
            "description": format!("Pemeriksaan lokasi sebelum uji beban: {name}."),
            "location": { "lat": lat, "lon": lon },
        });
        match api.submit(auth, body.to_string()).await {
            Submitted::Acknowledged(ticket) => tickets.push(ticket),
            Submitted::Failed(kind, why) => {
                refused.push(format!("{name} ({lat}, {lon}): {kind} {why}"))
            }
        }
    }
    if !refused.is_empty() {
        bail!(
            "the server refused known points inside Jakarta:\n  {}",
            refused.join("\n  ")
        );
    }
    Ok(tickets)
}

/// CPU time used so far, from `/proc` (Linux; `None` elsewhere): a process's user and
/// system seconds, or the whole machine's busy seconds (summed over cores).
mod cpu {
    /// `USER_HZ`: 100 on every mainstream Linux.
    const TICKS_PER_SEC: f64 = 100.0;

    pub fn process(pid: u32) -> Option<(f64, f64)> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command name, which is in parentheses and may contain spaces.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let user: f64 = fields.get(11)?.parse().ok()?;
        let system: f64 = fields.get(12)?.parse().ok()?;
        Some((user / TICKS_PER_SEC, system / TICKS_PER_SEC))
    }

    pub fn machine_busy() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let line = stat.lines().next()?.strip_prefix("cpu ")?;
        let ticks: Vec<f64> = line
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0.0))
            .collect();
        // user nice system idle iowait irq softirq steal: all but idle and iowait.
        let busy: f64 = ticks
            .iter()
            .take(8)
            .enumerate()
            .filter(|(i, _)| *i != 3 && *i != 4)
            .map(|(_, t)| t)
            .sum();
        Some(busy / TICKS_PER_SEC)
    }

    /// A snapshot of the server, this process and the machine.
    #[derive(Clone, Copy)]
    pub struct Snapshot {
        server: Option<(f64, f64)>,
        client: Option<(f64, f64)>,
        machine: Option<f64>,
    }

    impl Snapshot {
        pub fn take(server: Option<u32>) -> Self {
            Self {
                server: server.and_then(process),
                client: process(std::process::id()),
                machine: machine_busy(),
            }
        }

        /// A line on where the CPU went between `self` and `later`, per report.
        pub fn describe(&self, later: &Self, reports: usize, wall: f64) -> Option<String> {
            let diff = |a: Option<(f64, f64)>, b: Option<(f64, f64)>| {
                a.zip(b).map(|(a, b)| (b.0 - a.0, b.1 - a.1))
            };
            let per = |s: f64| s * 1000.0 / reports.max(1) as f64;
            let (cu, cs) = diff(self.client, later.client)?;
            let mut line = format!(
                "bench client {:.2} ms/report ({:.2} user + {:.2} sys)",
                per(cu + cs),
                per(cu),
                per(cs)
            );
            let mut accounted = cu + cs;
            if let Some((su, ss)) = diff(self.server, later.server) {
                accounted += su + ss;
                line = format!(
                    "server {:.2} ms/report ({:.2} user + {:.2} sys), {line}",
                    per(su + ss),
                    per(su),
                    per(ss)
                );
            }
            if let Some(busy) = self.machine.zip(later.machine).map(|(a, b)| b - a) {
                let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
                line.push_str(&format!(
                    "; machine {:.0}% busy, other processes {:.1} core-s of {:.1}",
                    100.0 * busy / (wall * cores),
                    (busy - accounted).max(0.0),
                    wall * cores
                ));
            }
            Some(line)
        }
    }
}

fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

/// Look every ticket up in the database the killed server left behind.
async fn check_on_disk(db: &Path, tickets: &[String]) -> anyhow::Result<(usize, Vec<String>)> {
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(db)
            .with_context(|| format!("opening {} after the kill", db.display()))?,
    );
    let chunk = tickets.len().div_ceil(CHECK_CONCURRENCY).max(1);
    let mut tasks = JoinSet::new();
    for part in tickets.chunks(chunk) {
        let (store, part) = (Arc::clone(&store), part.to_vec());
        tasks.spawn(async move {
            let mut found = 0;
            let mut missing = Vec::new();
            for raw in part {
                let ticket = Ticket::parse(&raw)?;
                match store.report(&ticket).await {
                    Ok(_) => found += 1,
                    Err(StoreError::NotFound) => missing.push(raw),
                    Err(e) => return Err(anyhow!("looking up {raw}: {e}")),
                }
            }
            Ok::<_, anyhow::Error>((found, missing))
        });
    }
    let (mut found, mut missing) = (0, Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (f, m) = done??;
        found += f;
        missing.extend(m);
    }
    Ok((found, missing))
}

/// Read every ticket back over HTTP as its reporter (for `--url`, where no crash is staged).
async fn check_over_http(
    api: &Api,
    tokens: &[HeaderValue],
    tickets: &[(usize, String)],
) -> anyhow::Result<(usize, Vec<String>)> {
    let gate = Arc::new(Semaphore::new(tokens.len().max(1)));
    let mut tasks = JoinSet::new();
    for (client, ticket) in tickets.iter().cloned() {
        let (api, gate) = (api.clone(), Arc::clone(&gate));
        let auth = tokens.get(client).cloned().context("no such client")?;
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            let response = api
                .http
                .get(api.url(&format!("/reports/{ticket}")))
                .header(AUTHORIZATION, auth)
                .send()
                .await?;
            Ok::<_, anyhow::Error>((ticket, response.status()))
        });
    }
    let (mut found, mut missing) = (0, Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (ticket, status) = done??;
        if status == StatusCode::OK {
            found += 1;
        } else {
            missing.push(format!("{ticket} ({status})"));
        }
    }
    Ok((found, missing))
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let clients = usize::from(args.clients);
    let reports = usize::try_from(args.reports)?;
    let warmup = usize::try_from(args.warmup)?;
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; measure with `cargo build --release` and ./target/release/aduan bench"
        );
    }

    let mut server = match &args.url {
        Some(_) => None,
        None => Some(Server::start(&args.regions).await?),
    };
    let base = match (&args.url, &server) {
        (Some(url), _) => url.trim_end_matches('/').to_owned(),
        (None, Some(s)) => s.base.clone(),
        (None, None) => bail!("no server to benchmark"),
    };
    let http = reqwest::Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(120))
        .build()?;
    let api = Api { http, base };

    // Setup: the catalog, where reports go, one account per client.
    let categories: Vec<CategoryInfo> = api.get("/categories").await?;
    let kelurahan: Vec<RegionInfo> = api.get("/regions?level=kelurahan").await?;
    let locations = if kelurahan.is_empty() {
        let kecamatan: Vec<RegionInfo> = api.get("/regions?level=kecamatan").await?;
        if kecamatan.is_empty() {
            bail!("the server has no kecamatan or kelurahan to file reports in");
        }
        Locations::Regions(kecamatan.into_iter().map(|r| r.code).collect())
    } else {
        Locations::Points
    };
    let first_category = categories.first().context("the server has no categories")?;
    let setup = Instant::now();
    let tokens = register_clients(&api, clients).await?;
    let mut acknowledged: Vec<(usize, String)> = Vec::new();
    let locations_text = match &locations {
        Locations::Regions(codes) => format!("region codes ({} kecamatan)", codes.len()),
        Locations::Points => {
            let auth = tokens.first().context("no clients")?;
            let checked = check_points(&api, auth, first_category).await?;
            acknowledged.extend(checked.into_iter().map(|t| (0, t)));
            format!(
                "coordinates ({} known points, {} kelurahan loaded; all {} accepted)",
                KNOWN_INSIDE.len(),
                kelurahan.len(),
                KNOWN_INSIDE.len()
            )
        }
    };

    let mut generator = Generator {
        rng: StdRng::seed_from_u64(args.seed),
        categories: &categories,
        locations: &locations,
    };
    let warm_bodies = generator.deal(clients, warmup * clients)?;
    let load_bodies = generator.deal(clients, reports)?;
    let phase = |bodies: Vec<Vec<String>>| -> Vec<Client> {
        tokens
            .iter()
            .zip(bodies)
            .map(|(auth, bodies)| Client {
                auth: auth.clone(),
                bodies,
            })
            .collect()
    };
    let warm = run_phase(&api, phase(warm_bodies)).await?;
    if warm.errors() > 0 {
        println!("warm-up failed:");
        warm.print_failures();
        bail!(
            "{} of the warm-up reports were not acknowledged",
            warm.errors()
        );
    }
    acknowledged.extend(warm.tickets);
    let setup = setup.elapsed();

    let server_pid = server.as_ref().map(|s| s.child.id());
    let before = cpu::Snapshot::take(server_pid);
    let mut load = run_phase(&api, phase(load_bodies)).await?;
    let after = cpu::Snapshot::take(server_pid);
    load.latencies_us.sort_unstable();
    let acked = load.latencies_us.len();
    let errors = load.errors();
    let wall = load.wall.as_secs_f64();
    let per_sec = if wall > 0.0 { acked as f64 / wall } else { 0.0 };
    let (p50, p90, p99, max) = (
        percentile_ms(&load.latencies_us, 50.0),
        percentile_ms(&load.latencies_us, 90.0),
        percentile_ms(&load.latencies_us, 99.0),
        percentile_ms(&load.latencies_us, 100.0),
    );
    let cores = std::thread::available_parallelism().map_or(0, usize::from);

    println!();
    println!("aduan bench: {clients} clients, {reports} reports over HTTP/1.1 keep-alive");
    match &server {
        Some(s) => println!(
            "server:      started here (serve --demo), SQLite WAL synchronous=FULL, data in {}",
            s.data_dir.display()
        ),
        None => println!("server:      {}", api.base),
    }
    println!("locations:   {locations_text}");
    println!(
        "setup:       {:.1} s ({clients} accounts, {} warm-up reports)",
        setup.as_secs_f64(),
        warmup * clients
    );
    println!(
        "note:        the bench client shares this machine's {cores} cores with the server{}",
        if server.is_some() {
            ""
        } else {
            " (if the server is local)"
        }
    );
    println!();
    println!("  acknowledged (201)   {acked:>10}");
    println!("  errors               {errors:>10}");
    load.print_failures();
    println!("  wall time            {wall:>10.2} s");
    println!("  reports/s            {per_sec:>10.0}");
    println!("  latency p50          {p50:>10.2} ms");
    println!("  latency p90          {p90:>10.2} ms");
    println!("  latency p99          {p99:>10.2} ms");
    println!("  latency max          {max:>10.2} ms");
    if let Some(line) = before.describe(&after, acked + errors, wall) {
        println!("cpu:         {line}");
    }
    println!(
        "{}",
        json!({
            "clients": clients,
            "reports": reports,
            "acknowledged": acked,
            "errors": errors,
            "wall_s": (wall * 1000.0).round() / 1000.0,
            "reports_per_sec": per_sec.round(),
            "p50_ms": (p50 * 100.0).round() / 100.0,
            "p90_ms": (p90 * 100.0).round() / 100.0,
            "p99_ms": (p99 * 100.0).round() / 100.0,
            "max_ms": (max * 100.0).round() / 100.0,
            "locations": if matches!(locations, Locations::Points) { "coordinates" } else { "region" },
            "cores": cores,
        })
    );

    acknowledged.extend(load.tickets);
    let distinct: BTreeSet<&str> = acknowledged.iter().map(|(_, t)| t.as_str()).collect();
    if distinct.len() != acknowledged.len() {
        bail!(
            "{} acknowledgements carried a ticket already given to another report",
            acknowledged.len() - distinct.len()
        );
    }
    let total = acknowledged.len();
    let missing = match server.as_mut() {
        Some(s) => {
            s.crash()?;
            let tickets: Vec<String> = acknowledged.into_iter().map(|(_, t)| t).collect();
            let (found, missing) = check_on_disk(&s.data_dir.join("aduan.db"), &tickets).await?;
            println!("durability:  {found}/{total} acknowledged reports found after kill -9");
            missing
        }
        None => {
            let (found, missing) = check_over_http(&api, &tokens, &acknowledged).await?;
            println!(
                "durability:  not crash-tested (--url: the server is not ours to kill); {found}/{total} acknowledged reports readable over HTTP"
            );
            missing
        }
    };
    if let Some(s) = server.as_mut() {
        if args.keep_data {
            if let Some(path) = s.keep_data() {
                println!(
                    "kept:        {} (server.log, data/aduan.db)",
                    path.display()
                );
            }
        } else if !missing.is_empty() || errors > 0 {
            println!("server log (last lines):\n{}", log_tail(&s.log));
        }
    }
    if !missing.is_empty() {
        let sample: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        bail!(
            "{} acknowledged reports are missing, e.g. {}",
            missing.len(),
            sample.join(", ")
        );
    }
    if errors > 0 {
        bail!("{errors} of {reports} reports were not acknowledged");
    }
    Ok(())
}
