//! `aduan serve`'s flags, the top layer of its configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::KeyArgs;
use crate::settings::{Flag, LogFormat};

/// `aduan serve`'s flags. Each one but `--demo`, `--demo-password`, `--demo-history` and
/// `--regions` sets a key of the configuration (`Cli::flags`), over the file and the
/// environment; the help says which key and variable.
#[derive(Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080] [env: ADUAN_LISTEN; file:
    /// server.listen].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Load the demo jurisdiction (Jakarta), accounts and sample reports into an empty store.
    #[arg(long)]
    pub demo: bool,
    /// Password of the demo accounts (random and printed when absent).
    #[arg(long, env = "ADUAN_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,
    /// Reports in the demo's synthetic year of history (shaped like Jakarta's 134,814 of
    /// 2021, scaled down so the demo starts in seconds); 0 for none.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 12_000,
        value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::demo::MAX_HISTORY))
    )]
    pub demo_history: u32,
    /// GeoJSON files of region boundaries to import before serving.
    #[arg(long = "regions", value_name = "FILE")]
    pub regions: Vec<PathBuf>,
    /// Send session cookies without `Secure` (plain-HTTP development only) [env:
    /// ADUAN_INSECURE_COOKIES; file: server.insecure_cookies].
    #[arg(long)]
    pub insecure_cookies: bool,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Shared secret that signs inbound mail posted to `/channels/email/inbound`
    /// (`X-Aduan-Signature: sha256=<hmac>`), at least 16 characters; without it that
    /// webhook is off. Better given as a file [env: ADUAN_EMAIL_WEBHOOK_SECRET or
    /// ADUAN_EMAIL_WEBHOOK_SECRET_FILE; file: channels.email_webhook_secret_file].
    #[arg(long, value_name = "SECRET")]
    pub email_webhook_secret: Option<String>,
    /// JSON file with each messaging and social channel's secrets and endpoints (SMTP,
    /// Twilio, WhatsApp, X, Meta, LAPOR!); see README "Channels". Channels left out are off.
    /// A secret we hold (auth token, app secret, verify token…) shorter than 16 characters
    /// is refused at start [env: ADUAN_CHANNELS; file: channels.file].
    #[arg(long = "channels", value_name = "FILE")]
    pub channels: Option<PathBuf>,
    /// `off` lifts the registration and submission limits (benchmarks, load tests); the
    /// sign-in throttle and the cap on password hashes at once stay on [default: on] [env:
    /// ADUAN_RATE_LIMITS; file: limits.rate_limits = true|false].
    #[arg(long, value_enum)]
    pub rate_limits: Option<Switch>,
    /// Citizen accounts one address may register per hour [default: 10] [env:
    /// ADUAN_REGISTRATIONS_PER_HOUR; file: limits.registrations_per_hour].
    #[arg(long, value_name = "N")]
    pub registrations_per_hour: Option<u32>,
    /// Reports one citizen account may submit per hour (API and pages; staff are not
    /// limited) [default: 30] [env: ADUAN_SUBMISSIONS_PER_ACCOUNT; file:
    /// limits.submissions_per_account].
    #[arg(long, value_name = "N")]
    pub submissions_per_account: Option<u32>,
    /// Citizens' reports one address may submit per hour [default: 120] [env:
    /// ADUAN_SUBMISSIONS_PER_ADDRESS; file: limits.submissions_per_address].
    #[arg(long, value_name = "N")]
    pub submissions_per_address: Option<u32>,
    /// Reports filed without an account that one mobile number or e-mail address may be
    /// given for per hour, each sending it an acknowledgement [default: 5] [env:
    /// ADUAN_SUBMISSIONS_PER_CONTACT; file: limits.submissions_per_contact].
    #[arg(long, value_name = "N")]
    pub submissions_per_contact: Option<u32>,
    /// A reverse proxy whose `X-Forwarded-For` names the client (repeatable; the env var
    /// takes a comma-separated list). Without one the client is the connection's peer
    /// [env: ADUAN_TRUSTED_PROXIES; file: server.trusted_proxies].
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The address people reach aduan at (e.g. https://aduan.jakarta.go.id). When it is
    /// https, every response tells browsers to use https only (Strict-Transport-Security).
    /// Without it, the channels file's `public_base_url` is taken [env: ADUAN_PUBLIC_URL;
    /// file: server.public_url].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// How long a staff session lasts at most, in hours (citizens' last 30 days), 1-168
    /// [default: 12] [env: ADUAN_STAFF_SESSION_HOURS; file: sessions.staff_hours].
    #[arg(long, value_name = "HOURS")]
    pub staff_session_hours: Option<u64>,
    /// How long a staff session may go unused before it ends, in minutes, 1-1440 [default:
    /// 120] [env: ADUAN_STAFF_IDLE_MINUTES; file: sessions.staff_idle_minutes].
    #[arg(long, value_name = "MINUTES")]
    pub staff_idle_minutes: Option<u64>,
    /// Take a backup into this directory while serving (`aduan-<time>.backup`, as `aduan
    /// backup` writes them): at start when the newest there is older than `--backup-every`,
    /// then every interval. A failure is logged as an error and retried within 15 minutes
    /// [env: ADUAN_BACKUP_DIR; file: backup.dir].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How often to back up: minutes, hours or days (30m, 24h, 7d) [default: 24h] [env:
    /// ADUAN_BACKUP_EVERY; file: backup.every].
    #[arg(long, value_name = "INTERVAL")]
    pub backup_every: Option<String>,
    /// How many scheduled backups to keep; older ones are deleted after each new one
    /// [default: 7] [env: ADUAN_BACKUP_KEEP; file: backup.keep].
    #[arg(long, value_name = "N")]
    pub backup_keep: Option<u32>,
    /// Serve Prometheus metrics (`GET /metrics`) on this address, apart from the public
    /// listener: keep it reachable by the monitoring only. Off without it [env:
    /// ADUAN_METRICS_LISTEN; file: metrics.listen].
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Erase the identities and reply routes of the reporters of reports closed longer
    /// than this many months, 1-120 (at start, then daily); the reports stay, anonymous
    /// [env: ADUAN_IDENTITY_RETENTION_MONTHS; file: privacy.identity_retention_months].
    #[arg(long, value_name = "MONTHS")]
    pub identity_retention_months: Option<u32>,
    /// `json`: one JSON object per log line (for a log collector); `text` by default [env:
    /// ADUAN_LOG_FORMAT; file: server.log_format].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// The street tiles behind the maps, from a tile server the city runs:
    /// `https://HOST/…{z}…{x}…{y}…` (e.g. https://tiles.kota.go.id/{z}/{x}/{y}.png). Its
    /// host is the only other one pages may load images from. Without it the maps draw the
    /// region boundaries alone [env: ADUAN_MAP_TILES_URL; file: map.tiles_url].
    #[arg(long, value_name = "URL")]
    pub map_tiles_url: Option<String>,
    /// Whose the tiles are, shown on the map [default: © OpenStreetMap contributors] [env:
    /// ADUAN_MAP_TILES_ATTRIBUTION; file: map.tiles_attribution].
    #[arg(long, value_name = "TEXT")]
    pub map_tiles_attribution: Option<String>,
}

/// On or off.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    On,
    Off,
}

impl ServeArgs {
    /// The configuration keys these flags set.
    pub(super) fn flags(&self) -> Vec<Option<Flag>> {
        let proxies = (!self.trusted_proxies.is_empty()).then_some(&self.trusted_proxies);
        vec![
            Flag::given("server.listen", "--listen", self.listen),
            Flag::given(
                "server.public_url",
                "--public-url",
                self.public_url.as_ref(),
            ),
            Flag::given("server.trusted_proxies", "--trusted-proxy", proxies),
            Flag::given(
                "server.insecure_cookies",
                "--insecure-cookies",
                self.insecure_cookies.then_some(true),
            ),
            Flag::given("server.log_format", "--log-format", self.log_format),
            Flag::given(
                "sessions.staff_hours",
                "--staff-session-hours",
                self.staff_session_hours,
            ),
            Flag::given(
                "sessions.staff_idle_minutes",
                "--staff-idle-minutes",
                self.staff_idle_minutes,
            ),
            Flag::given(
                "limits.rate_limits",
                "--rate-limits",
                self.rate_limits.map(|s| s == Switch::On),
            ),
            Flag::given(
                "limits.registrations_per_hour",
                "--registrations-per-hour",
                self.registrations_per_hour,
            ),
            Flag::given(
                "limits.submissions_per_account",
                "--submissions-per-account",
                self.submissions_per_account,
            ),
            Flag::given(
                "limits.submissions_per_address",
                "--submissions-per-address",
                self.submissions_per_address,
            ),
            Flag::given(
                "limits.submissions_per_contact",
                "--submissions-per-contact",
                self.submissions_per_contact,
            ),
            Flag::given("channels.file", "--channels", self.channels.as_ref()),
            Flag::given(
                "channels.email_webhook_secret",
                "--email-webhook-secret",
                self.email_webhook_secret.as_ref(),
            ),
            Flag::given("backup.dir", "--backup-dir", self.backup_dir.as_ref()),
            Flag::given("backup.every", "--backup-every", self.backup_every.as_ref()),
            Flag::given("backup.keep", "--backup-keep", self.backup_keep),
            Flag::given("metrics.listen", "--metrics-listen", self.metrics_listen),
            Flag::given(
                "privacy.identity_retention_months",
                "--identity-retention-months",
                self.identity_retention_months,
            ),
            Flag::given(
                "map.tiles_url",
                "--map-tiles-url",
                self.map_tiles_url.as_ref(),
            ),
            Flag::given(
                "map.tiles_attribution",
                "--map-tiles-attribution",
                self.map_tiles_attribution.as_ref(),
            ),
        ]
    }
}
