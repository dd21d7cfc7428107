//! The configuration of every command, resolved once in `main` and passed down: built-in
//! defaults, then the file `--config` names, then `ADUAN_*` environment variables, then the
//! command-line flags, each layer over the one before (see [`layers`]).
//!
//! Adding an option is a one-place change: a field (with its default and doc) in one of
//! the sections below (a new section: its struct, and its field in [`Settings`]). It can
//! then be set in the file (`[section] key = …`) and by `ADUAN_<SECTION>_<KEY>`, is checked
//! for unknown keys and bad values, and `aduan config check` prints it: the layers find the
//! keys in the defaults. A range it must stay in goes in [`check`]; a command-line flag, if
//! it deserves one, in `cli.rs` with its key in [`crate::cli::Cli::flags`]; a secret given
//! as a file (`K` and `K_file`) is read in `layers::read_secret_files`.

mod check;
mod layers;
mod secret;
mod span;
#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cli::KeyArgs;

pub use check::ServeChecks;
pub use layers::{Flag, Loaded, Problems, load};
pub use secret::{DatabaseUrl, Secret};
pub use span::Span;

/// Everything `aduan` can be configured with. A key that is none of these is an error
/// (checked against the defaults' keys when loading, so that every such key is named).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where aduan keeps its data (the SQLite database; by default the identity key).
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub identity: IdentitySettings,
    pub server: ServerSettings,
    pub sessions: SessionSettings,
    pub limits: LimitSettings,
    pub channels: ChannelSettings,
    pub outbox: OutboxSettings,
    pub backup: BackupSettings,
    pub metrics: MetricsSettings,
    pub privacy: PrivacySettings,
    pub map: MapSettings,
    pub push: PushSettings,
    pub photos: PhotoSettings,
    /// Where each value came from, for messages.
    #[serde(skip)]
    pub origins: layers::Origins,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./aduan-data"),
            database: DatabaseSettings::default(),
            identity: IdentitySettings::default(),
            server: ServerSettings::default(),
            sessions: SessionSettings::default(),
            limits: LimitSettings::default(),
            channels: ChannelSettings::default(),
            outbox: OutboxSettings::default(),
            backup: BackupSettings::default(),
            metrics: MetricsSettings::default(),
            privacy: PrivacySettings::default(),
            map: MapSettings::default(),
            push: PushSettings::default(),
            photos: PhotoSettings::default(),
            origins: layers::Origins::default(),
        }
    }
}

/// `[photos]`: where photos' images are kept, outside the database.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoSettings {
    /// A directory, or `s3://BUCKET[/PREFIX]` for S3-compatible object storage (endpoint,
    /// region and keys from `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY`). Unset: `photos/` in the data dir (beside a SQLite file
    /// named by the database URL). Instances sharing a PostgreSQL database must share it.
    pub location: Option<String>,
}

/// `[database]`: the store; without a URL, `aduan.db` in the data dir.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://PATH`, or `postgres://USER@HOST:PORT/DATABASE` for a database several
    /// instances share.
    pub url: Option<DatabaseUrl>,
    /// A file holding the URL (it may hold a password).
    pub url_file: Option<PathBuf>,
    /// PostgreSQL connections each instance keeps at most.
    pub pool: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            url_file: None,
            pool: 16,
        }
    }
}

/// `[identity]`: the key that seals reporters' identities.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentitySettings {
    /// The key itself (base64 of 32 bytes); better given as `key_file`.
    pub key: Option<Secret>,
    /// A file holding the key; without it and `key`, `identity.key` in the data dir.
    pub key_file: Option<PathBuf>,
}

impl IdentitySettings {
    /// Where the commands that open identities look for the key.
    pub fn key_args(&self) -> KeyArgs {
        KeyArgs {
            identity_key: self.key.as_ref().map(|key| key.expose().to_owned()),
            identity_key_file: self.key_file.clone(),
        }
    }
}

/// `[server]`: the public listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    /// The address people reach aduan at; when https, browsers are told to use https only.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Session cookies without `Secure` (plain-HTTP development only).
    pub insecure_cookies: bool,
    pub log_format: LogFormat,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            trusted_proxies: Vec::new(),
            insecure_cookies: false,
            log_format: LogFormat::Text,
        }
    }
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// `[sessions]`: how long staff sessions last (citizens' last 30 days).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    pub staff_hours: u64,
    pub staff_idle_minutes: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            staff_hours: 12,
            staff_idle_minutes: 120,
        }
    }
}

/// `[limits]`: the abuse limits (see `aduan_web::limits`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitSettings {
    /// `false` lifts the registration and submission limits (load tests); the sign-in
    /// throttle stays on.
    pub rate_limits: bool,
    pub registrations_per_hour: u32,
    pub submissions_per_account: u32,
    pub submissions_per_address: u32,
    pub submissions_per_contact: u32,
    /// New reports handled at once; beyond them 503 at once (`aduan_web::shed`). 128: 64
    /// clients already keep either store's group commit busy, and by Little's law each
    /// admitted report waits about in-flight / throughput (at 3,300 reports/s, 128 in flight
    /// is 40 ms; 256 was 80 ms, p99 135 ms at 2,000 connections against 85-97 ms).
    pub in_flight_intake: u32,
    /// Every other request handled at once.
    pub in_flight_other: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            rate_limits: true,
            registrations_per_hour: 10,
            submissions_per_account: 30,
            submissions_per_address: 120,
            submissions_per_contact: 5,
            in_flight_intake: 128,
            in_flight_other: 512,
        }
    }
}

/// `[channels]`: the messaging channels' file and the inbound mail webhook's secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelSettings {
    /// The JSON file of each channel's secrets and endpoints (README "Channels").
    pub file: Option<PathBuf>,
    /// The secret signing `/channels/email/inbound`; without it that webhook is off.
    pub email_webhook_secret: Option<Secret>,
    pub email_webhook_secret_file: Option<PathBuf>,
}

/// `[outbox]`: how messages to citizens are retried.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    /// Attempts before a message is given up (dead).
    pub max_attempts: u32,
    /// The wait after the first failure, doubled after each further one…
    pub first_retry: Span,
    /// …up to this.
    pub longest_retry: Span,
    /// How long an instance holds a message it is sending from the others.
    pub lease: Span,
    /// Messages claimed at once.
    pub batch: u32,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        let policy = aduan_web::outbox::RetryPolicy::default();
        Self {
            max_attempts: policy.max_attempts,
            first_retry: Span(policy.first_delay),
            longest_retry: Span(policy.max_delay),
            lease: Span(policy.lease),
            batch: policy.batch,
        }
    }
}

impl OutboxSettings {
    pub fn retry_policy(&self) -> aduan_web::outbox::RetryPolicy {
        aduan_web::outbox::RetryPolicy {
            max_attempts: self.max_attempts,
            first_delay: self.first_retry.0,
            max_delay: self.longest_retry.0,
            lease: self.lease.0,
            batch: self.batch,
            ..aduan_web::outbox::RetryPolicy::default()
        }
    }
}

/// `[backup]`: backups taken while serving.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    /// Where to write them; off without it.
    pub dir: Option<PathBuf>,
    pub every: Span,
    /// Scheduled backups kept; older ones are deleted.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            dir: None,
            every: Span::secs(24 * 3600),
            keep: 7,
        }
    }
}

/// `[metrics]`: Prometheus metrics on their own listener; off without one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsSettings {
    pub listen: Option<SocketAddr>,
}

/// `[privacy]`: how long reporters' identities are kept (UU 27/2022).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    /// Months after a report is closed until its reporter's identity is erased.
    pub identity_retention_months: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            identity_retention_months: aduan_web::app::retention::DEFAULT_MONTHS,
        }
    }
}

/// `[map]`: the street background of the maps, from a tile server the city configures
/// (e.g. its own OpenStreetMap tile server); without one the maps draw the region
/// boundaries alone. Its origin is the only other host pages may load from (images).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MapSettings {
    /// `https://HOST/…{z}…{x}…{y}…`, e.g. `https://tiles.kota.go.id/{z}/{x}/{y}.png`
    /// (plain http only to localhost).
    pub tiles_url: Option<String>,
    /// Shown on the map: whose the tiles and their data are.
    pub tiles_attribution: String,
}

impl Default for MapSettings {
    fn default() -> Self {
        Self {
            tiles_url: None,
            tiles_attribution: aduan_web::map_tiles::DEFAULT_ATTRIBUTION.to_owned(),
        }
    }
}

impl MapSettings {
    /// The web's map settings; the URL and text as [`check`] accepted them.
    pub fn web(&self) -> Result<aduan_web::MapConfig, String> {
        Ok(aduan_web::MapConfig {
            tiles: self
                .tiles_url
                .as_deref()
                .filter(|url| !url.trim().is_empty())
                .map(aduan_web::TilesUrl::parse)
                .transpose()?,
            attribution: self.tiles_attribution.trim().to_owned(),
        })
    }
}

/// `[push]`: Web Push to the browsers of citizens who ask for it (issue 17). On by default
/// once a contact is known: `contact`, else `server.public_url`; off without either. The VAPID
/// key is derived from the identity key, so there is nothing else to set or back up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PushSettings {
    pub enabled: bool,
    /// Who the push services may write to about this deployment's messages: `mailto:…` or an
    /// `https://` address (default: `server.public_url`).
    pub contact: Option<String>,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            contact: None,
        }
    }
}

impl PushSettings {
    /// Whether `contact` may be a VAPID contact.
    pub fn check_contact(contact: &str) -> Result<(), String> {
        let lower = contact.trim().to_ascii_lowercase();
        let usable = (lower.starts_with("mailto:") && lower.len() > 7 && lower.contains('@'))
            || (lower.starts_with("https://") && lower.len() > 8);
        if usable && contact.len() <= 256 && !contact.chars().any(char::is_control) {
            Ok(())
        } else {
            Err("expected mailto:ADDRESS or an https:// URL, e.g. mailto:crm@jakarta.go.id".into())
        }
    }

    /// The web's push settings: the contact when push is on and one is known (`public_url`
    /// when https stands in for a missing one).
    pub fn web(&self, public_url: Option<&str>) -> aduan_web::push::PushConfig {
        let configured = self
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let fallback = public_url
            .map(str::trim)
            .filter(|url| url.to_ascii_lowercase().starts_with("https://"));
        let contact = configured
            .or(fallback)
            .filter(|_| self.enabled)
            .filter(|c| Self::check_contact(c).is_ok())
            .map(str::to_owned);
        aduan_web::push::PushConfig { contact }
    }
}

impl Settings {
    /// The configuration as a TOML file, each secret shown as `<redacted>`, and each value
    /// that is not the built-in default followed by where it came from (`# ADUAN_LISTEN`).
    pub fn to_toml(&self) -> String {
        let text = match toml::to_string(self) {
            Ok(text) => text,
            Err(e) => return format!("# cannot be shown: {e}\n"),
        };
        let mut section = String::new();
        let mut shown = String::with_capacity(text.len() * 2);
        for line in text.lines() {
            shown.push_str(line);
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = format!("{name}.");
            } else if let Some((key, _)) = line.split_once(" = ") {
                let origin = self.origins.of(&format!("{section}{key}"));
                if origin != layers::DEFAULTS {
                    shown.push_str("  # ");
                    shown.push_str(origin);
                }
            }
            shown.push('\n');
        }
        shown
    }
}
