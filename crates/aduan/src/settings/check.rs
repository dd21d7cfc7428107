//! What a configuration must be beyond its types: values in range, and, for `serve` (and
//! `aduan config check`, which runs the very same checks), the files it names readable and
//! their content valid. Each problem names its key and where its value came from.

use std::ops::RangeInclusive;
use std::path::Path;

use aduan_channels::{ChannelsConfig, check_secret};
use aduan_store::identity::IdentityKey;

use super::layers::{Origins, Problems};
use super::{Settings, Span};

/// Each value outside its range, one line each.
pub fn ranges(settings: &Settings, origins: &Origins) -> Vec<String> {
    let mut problems = Problems::default();
    let mut within = |key: &str, value: u64, range: RangeInclusive<u64>| {
        if !range.contains(&value) {
            problems.add(
                key,
                origins,
                format!("{value} is out of range: {}-{}", range.start(), range.end()),
            );
        }
    };
    within("database.pool", settings.database.pool.into(), 1..=1000);
    within(
        "sessions.staff_hours",
        settings.sessions.staff_hours,
        1..=168,
    );
    within(
        "sessions.staff_idle_minutes",
        settings.sessions.staff_idle_minutes,
        1..=1440,
    );
    let limits = &settings.limits;
    within(
        "limits.registrations_per_hour",
        limits.registrations_per_hour.into(),
        1..=1_000_000,
    );
    within(
        "limits.submissions_per_account",
        limits.submissions_per_account.into(),
        1..=1_000_000,
    );
    within(
        "limits.submissions_per_address",
        limits.submissions_per_address.into(),
        1..=1_000_000,
    );
    within(
        "limits.submissions_per_contact",
        limits.submissions_per_contact.into(),
        1..=1_000,
    );
    within(
        "limits.in_flight_intake",
        limits.in_flight_intake.into(),
        1..=100_000,
    );
    within(
        "limits.in_flight_other",
        limits.in_flight_other.into(),
        1..=100_000,
    );
    within("backup.keep", settings.backup.keep.into(), 1..=10_000);
    within(
        "privacy.identity_retention_months",
        settings.privacy.identity_retention_months.into(),
        {
            let months = aduan_web::app::retention::MONTHS;
            u64::from(*months.start())..=u64::from(*months.end())
        },
    );
    within(
        "outbox.max_attempts",
        settings.outbox.max_attempts.into(),
        1..=100,
    );
    within("outbox.batch", settings.outbox.batch.into(), 1..=1000);
    let outbox = &settings.outbox;
    let mut between = |key: &str, value: Span, shortest: Span, longest: Span| {
        if value < shortest || value > longest {
            problems.add(
                key,
                origins,
                format!("{value} is out of range: {shortest} to {longest}"),
            );
        }
    };
    between(
        "backup.every",
        settings.backup.every,
        Span(crate::backup::SHORTEST),
        Span(crate::backup::LONGEST),
    );
    between(
        "outbox.first_retry",
        outbox.first_retry,
        Span::secs(1),
        Span::secs(86_400),
    );
    between(
        "outbox.longest_retry",
        outbox.longest_retry,
        outbox.first_retry,
        Span::secs(7 * 86_400),
    );
    between(
        "outbox.lease",
        outbox.lease,
        Span::secs(10),
        Span::secs(86_400),
    );
    if let Some(url) = &settings.database.url {
        let url = url.expose();
        let known = ["sqlite:", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| url.starts_with(scheme)) {
            problems.add(
                "database.url",
                origins,
                "unsupported database URL (expected sqlite://PATH or postgres://...)".to_owned(),
            );
        }
    }
    if let Some(url) = &settings.server.public_url {
        let lower = url.trim().to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.len() > 2048 {
            problems.add(
                "server.public_url",
                origins,
                "expected an http(s) URL, e.g. https://aduan.jakarta.go.id".to_owned(),
            );
        }
    }
    if let Some(contact) = &settings.push.contact
        && !contact.trim().is_empty()
        && let Err(problem) = super::PushSettings::check_contact(contact)
    {
        problems.add("push.contact", origins, problem);
    }
    if let Some(url) = &settings.map.tiles_url
        && let Err(problem) = aduan_web::TilesUrl::parse(url)
    {
        problems.add("map.tiles_url", origins, problem);
    }
    if let Err(problem) = aduan_web::map_tiles::check_attribution(&settings.map.tiles_attribution) {
        problems.add("map.tiles_attribution", origins, problem);
    }
    if let Some(secret) = &settings.channels.email_webhook_secret
        && let Err(problem) = check_secret("the secret", secret.expose())
    {
        problems.add("channels.email_webhook_secret", origins, problem);
    }
    if let Some(key) = &settings.identity.key
        && let Err(e) = IdentityKey::from_base64(key.expose())
    {
        problems.add("identity.key", origins, e.to_string());
    }
    problems.0
}

/// What `serve` loads from the files its configuration names, all checked.
pub struct ServeChecks {
    /// The channels file's content (every channel off without one).
    pub channels: ChannelsConfig,
}

impl ServeChecks {
    /// The channels file parsed and its secrets long enough; the identity key file, when
    /// one is named, readable and a key (or, for a new SQLite store, to be created); the
    /// backup directory a directory. Nothing is created or opened for writing.
    pub fn run(settings: &Settings) -> Result<Self, Problems> {
        let origins = &settings.origins;
        let mut problems = Problems::default();
        let channels = match &settings.channels.file {
            None => ChannelsConfig::default(),
            Some(file) => channels(file).unwrap_or_else(|problem| {
                problems.add("channels.file", origins, problem);
                ChannelsConfig::default()
            }),
        };
        if let Some(file) = &settings.identity.key_file
            && settings.identity.key.is_none()
        {
            let shared = settings
                .database
                .url
                .as_ref()
                .is_some_and(|url| url.expose().starts_with("postgres"));
            if let Err(problem) = identity_key_file(file, shared) {
                problems.add("identity.key_file", origins, problem);
            }
        }
        if let Some(dir) = &settings.backup.dir
            && dir.exists()
            && !dir.is_dir()
        {
            problems.add(
                "backup.dir",
                origins,
                format!("{} is not a directory", dir.display()),
            );
        }
        if problems.0.is_empty() {
            Ok(Self { channels })
        } else {
            Err(problems)
        }
    }
}

/// The channels file, parsed and its secrets checked.
fn channels(file: &Path) -> Result<ChannelsConfig, String> {
    let raw = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let channels = ChannelsConfig::from_json(&raw).map_err(|e| {
        // serde quotes a string it did not expect, which may be a secret: say where instead.
        let reason = e.to_string();
        let reason = match reason.contains("string \"") {
            true => format!(
                "a value of the wrong type at line {}, column {}",
                e.line(),
                e.column()
            ),
            false => reason,
        };
        format!("{} is not a valid channels file: {reason}", file.display())
    })?;
    channels.validate().map_err(|problems| {
        format!(
            "{} has weak secrets: {}",
            file.display(),
            problems.join("; ")
        )
    })?;
    Ok(channels)
}

/// A key file that exists holds a key; a missing one is a problem only with PostgreSQL
/// (a SQLite store makes its key on its first start).
fn identity_key_file(file: &Path, shared: bool) -> Result<(), String> {
    if !file.exists() {
        return match shared {
            true => Err(format!(
                "{} does not exist; with PostgreSQL every instance is given the same key \
                 (`aduan key generate --out FILE` makes one for a new database)",
                file.display()
            )),
            false => Ok(()),
        };
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    IdentityKey::from_base64(&text)
        .map(drop)
        .map_err(|e| format!("{}: {e}", file.display()))
}

impl Problems {
    fn add(&mut self, key: &str, origins: &Origins, problem: String) {
        self.0
            .push(format!("{key} (in {}): {problem}", origins.of(key)));
    }
}
