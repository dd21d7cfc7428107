//! The layers of the configuration, lowest first: the built-in defaults, the file, the
//! `ADUAN_*` environment, the command-line flags. Each value remembers which layer gave it,
//! so that every problem names its key and where it came from.
//!
//! Environment variables: `ADUAN_<SECTION>_<KEY>` sets `[section] key` (e.g.
//! `ADUAN_BACKUP_KEEP`), `ADUAN_<KEY>` a top-level key (`ADUAN_DATA_DIR`); the names aduan
//! had before the file existed (e.g. `ADUAN_LISTEN`) are kept in [`ALIASES`]. A list takes
//! a comma-separated value. An empty variable counts as unset.
//!
//! A secret and its `_file` (e.g. `database.url` and `database.url_file`) are one setting:
//! a layer that gives either one replaces both below it, and giving both in one layer is
//! an error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Empty, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::Serialize;

use super::Settings;
use super::check::ServeChecks;
use super::secret::{DatabaseUrl, Secret, read_secret_file};

/// Environment variables whose names do not follow `ADUAN_<SECTION>_<KEY>`: the ones aduan
/// read before the configuration file existed, kept working.
const ALIASES: &[(&str, &str)] = &[
    ("ADUAN_LISTEN", "server.listen"),
    ("ADUAN_PUBLIC_URL", "server.public_url"),
    ("ADUAN_TRUSTED_PROXIES", "server.trusted_proxies"),
    ("ADUAN_INSECURE_COOKIES", "server.insecure_cookies"),
    ("ADUAN_LOG_FORMAT", "server.log_format"),
    ("ADUAN_STAFF_SESSION_HOURS", "sessions.staff_hours"),
    ("ADUAN_STAFF_IDLE_MINUTES", "sessions.staff_idle_minutes"),
    ("ADUAN_RATE_LIMITS", "limits.rate_limits"),
    (
        "ADUAN_REGISTRATIONS_PER_HOUR",
        "limits.registrations_per_hour",
    ),
    (
        "ADUAN_SUBMISSIONS_PER_ACCOUNT",
        "limits.submissions_per_account",
    ),
    (
        "ADUAN_SUBMISSIONS_PER_ADDRESS",
        "limits.submissions_per_address",
    ),
    (
        "ADUAN_SUBMISSIONS_PER_CONTACT",
        "limits.submissions_per_contact",
    ),
    ("ADUAN_CHANNELS", "channels.file"),
    (
        "ADUAN_IDENTITY_RETENTION_MONTHS",
        "privacy.identity_retention_months",
    ),
    (
        "ADUAN_EMAIL_WEBHOOK_SECRET",
        "channels.email_webhook_secret",
    ),
    (
        "ADUAN_EMAIL_WEBHOOK_SECRET_FILE",
        "channels.email_webhook_secret_file",
    ),
];

/// The largest configuration file read: a typo'd path to a big file fails fast.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// There are fewer keys than this: reading the settings again after each bad value ends.
const MAX_BAD_VALUES: usize = 128;

/// What the layer of built-in defaults is called in messages.
pub const DEFAULTS: &str = "the built-in default";

/// Every problem found, one a line.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<String>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

/// A value given on the command line for a key.
pub struct Flag {
    key: &'static str,
    name: &'static str,
    value: Value,
}

impl Flag {
    /// `--name` set `key` to `value`, when it was given.
    pub fn given<T: Serialize>(
        key: &'static str,
        name: &'static str,
        value: Option<T>,
    ) -> Option<Self> {
        let value = Value::serialize(value?).ok()?;
        Some(Self { key, name, value })
    }
}

/// Which layer gave each key's value, said for an operator: a file's path, an environment
/// variable, a flag or the built-in default.
#[derive(Debug, Clone, Default)]
pub struct Origins(BTreeMap<String, String>);

impl Origins {
    pub fn of(&self, key: &str) -> &str {
        self.0.get(key).map_or(DEFAULTS, String::as_str)
    }
}

/// The configuration and what an operator should hear about it.
#[derive(Default)]
pub struct Loaded {
    pub settings: Settings,
    /// What `serve` loads from the files the settings name, when asked for.
    pub serve: Option<ServeChecks>,
    pub warnings: Vec<String>,
}

/// The settings from `file` (when given), `env` (the process's environment) and `flags`;
/// with `for_serve`, also what `serve` needs from the files they name ([`ServeChecks`]).
/// Every problem found is returned, not only the first.
pub fn load(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    flags: Vec<Flag>,
    for_serve: bool,
) -> Result<Loaded, Problems> {
    let shape = Shape::of_defaults()?;
    let mut problems = Vec::new();
    let mut figment = Figment::from(Named::new(
        DEFAULTS,
        Serialized::defaults(Settings::default()),
    ));
    if let Some(file) = file {
        if let Err(problem) = readable_file(file) {
            return Err(Problems(vec![problem]));
        }
        figment = figment.merge(Toml::file_exact(file));
    }
    let env = env_entries(&shape, env);
    let flags = flags
        .into_iter()
        .map(|flag| Entry {
            key: flag.key.to_owned(),
            source: flag.name.to_owned(),
            value: flag.value,
        })
        .collect();
    for layer in [env, flags] {
        for entry in shape.layer(layer, &mut problems) {
            figment = figment.merge(entry);
        }
    }
    let merged = match figment.data() {
        Ok(mut data) => data.remove(&Profile::Default).unwrap_or_default(),
        // Only the file can fail to parse.
        Err(e) => {
            let file = file.map_or_else(String::new, |file| file.display().to_string());
            return Err(Problems(
                e.into_iter()
                    .map(|e| format!("the configuration file {file}: {}", unquoted(&e.kind)))
                    .collect(),
            ));
        }
    };
    problems.extend(unknown_keys(&figment, &shape, &merged));
    let mut settings = extract(&figment, &shape, &mut problems);
    problems.extend(secrets_given_twice(&figment, &shape));
    let origins = Origins(
        shape
            .leaf_keys()
            .into_iter()
            .map(|key| {
                let origin = origin(&figment, &key);
                (key, origin)
            })
            .collect(),
    );
    let warnings = read_secret_files(&mut settings, &origins, &mut problems);
    problems.extend(super::check::ranges(&settings, &origins));
    settings.origins = origins;
    let serve = match for_serve {
        false => None,
        true => match ServeChecks::run(&settings) {
            Ok(checked) => Some(checked),
            Err(more) => {
                problems.extend(more.0);
                None
            }
        },
    };
    if problems.is_empty() {
        Ok(Loaded {
            settings,
            serve,
            warnings,
        })
    } else {
        Err(Problems(problems))
    }
}

/// The `ADUAN_*` variables that are settings, as values of their keys.
fn env_entries(shape: &Shape, env: impl IntoIterator<Item = (String, String)>) -> Vec<Entry> {
    env.into_iter()
        .filter(|(_, value)| !value.is_empty())
        .filter_map(|(name, value)| {
            let key = shape.env_key(&name)?;
            let value = match shape.is_list(&key) {
                true => Value::from(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(Value::from)
                        .collect::<Vec<_>>(),
                ),
                false => Value::from(value.as_str()),
            };
            Some(Entry {
                key,
                source: name,
                value,
            })
        })
        .collect()
}

/// Every key given that is not one of aduan's, top-level or in a section.
fn unknown_keys(figment: &Figment, shape: &Shape, merged: &Dict) -> Vec<String> {
    let unknown = |key: String, known: &Dict| {
        format!(
            "{key}: unknown key (expected one of: {}) (in {})",
            known.keys().cloned().collect::<Vec<_>>().join(", "),
            origin(figment, &key)
        )
    };
    let mut problems: Vec<String> = merged
        .keys()
        .filter(|key| !shape.top.contains_key(*key))
        .map(|key| unknown(key.clone(), &shape.top))
        .collect();
    for (section, known) in shape.sections() {
        if let Some(Value::Dict(_, given)) = merged.get(section) {
            problems.extend(
                given
                    .keys()
                    .filter(|key| !known.contains_key(*key))
                    .map(|key| unknown(format!("{section}.{key}"), known)),
            );
        }
    }
    problems
}

/// Each secret given with its file after the layers are merged (so, by one layer).
fn secrets_given_twice(figment: &Figment, shape: &Shape) -> Vec<String> {
    let given = |key: &str| matches!(figment.find_value(key), Ok(v) if !is_empty(&v));
    shape
        .secret_pairs()
        .into_iter()
        .filter(|(value, file)| given(value) && given(file))
        .map(|(value, file)| {
            format!(
                "{value} (in {}) and {file} (in {}) are both given: give the secret or the \
                 file holding it, not both",
                origin(figment, &value),
                origin(figment, &file)
            )
        })
        .collect()
}

/// The file exists, is a file, and is not absurdly big.
fn readable_file(file: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(file)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", file.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "the configuration {} is not a file",
            file.display()
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the configuration file {} is {} bytes long (at most {MAX_FILE_BYTES})",
            file.display(),
            meta.len()
        ));
    }
    std::fs::File::open(file)
        .map(drop)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", file.display()))
}

/// A TOML syntax error without the line it quotes (which may hold a secret): where it is
/// and what is wrong.
fn unquoted(kind: &figment::error::Kind) -> String {
    kind.to_string()
        .lines()
        .filter(|line| !line.contains('|') && !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The settings, typed. Serde stops at the first bad value: each one found is reported and
/// put back to its default, and the whole read again, so that every one is reported (and a
/// new section or key needs nothing here).
fn extract(figment: &Figment, shape: &Shape, problems: &mut Vec<String>) -> Settings {
    let mut figment = figment.clone();
    for _ in 0..MAX_BAD_VALUES {
        let error = match figment.extract_lossy::<Settings>() {
            Ok(settings) => return settings,
            Err(error) => error,
        };
        // The deepest key of the path aduan knows (a list's item is not a key).
        let known = (1..=error.path.len()).rev().find_map(|depth| {
            let key = error.path[..depth].join(".");
            shape.find(&key).cloned().map(|default| (key, default))
        });
        problems.extend(described(&figment, "", error));
        let Some((key, default)) = known else {
            break;
        };
        figment = figment.merge(Named::new(DEFAULTS, Serialized::default(&key, default)));
    }
    Settings::default()
}

/// One line per error, each naming its key and where its value came from.
fn described(figment: &Figment, prefix: &str, error: figment::Error) -> Vec<String> {
    error
        .into_iter()
        .map(|e| {
            let mut path: Vec<String> = prefix
                .split('.')
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect();
            path.extend(e.path.iter().cloned());
            let what = match &e.kind {
                figment::error::Kind::UnknownField(field, expected) => {
                    if path.last() != Some(field) {
                        path.push(field.clone());
                    }
                    format!("unknown key (expected one of: {})", expected.join(", "))
                }
                kind => kind.to_string(),
            };
            let key = path.join(".");
            let source = match figment.find_metadata(&key) {
                Some(meta) if !key.is_empty() => described_metadata(meta),
                _ => e
                    .metadata
                    .as_ref()
                    .map_or_else(String::new, described_metadata),
            };
            match (key.is_empty(), source.is_empty()) {
                (true, _) => format!("{source}: {what}"),
                (false, true) => format!("{key}: {what}"),
                (false, false) => format!("{key}: {what} (in {source})"),
            }
        })
        .collect()
}

fn described_metadata(meta: &Metadata) -> String {
    match meta.source.as_ref().and_then(|source| source.file_path()) {
        Some(file) => file.display().to_string(),
        None => meta.name.to_string(),
    }
}

/// Where `key`'s value came from.
fn origin(figment: &Figment, key: &str) -> String {
    figment
        .find_metadata(key)
        .map_or_else(|| DEFAULTS.to_owned(), described_metadata)
}

fn is_empty(value: &Value) -> bool {
    matches!(value, Value::Empty(..))
}

/// Read the secrets given as files; a problem for each that cannot be, a warning for each
/// others may read.
fn read_secret_files(
    settings: &mut Settings,
    origins: &Origins,
    problems: &mut Vec<String>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut read = |key: &str, file: &Option<std::path::PathBuf>| -> Option<String> {
        let file = file.as_ref()?;
        match read_secret_file(file) {
            Ok((value, warning)) => {
                warnings.extend(warning);
                Some(value)
            }
            Err(problem) => {
                problems.push(format!("{key} (in {}): {problem}", origins.of(key)));
                None
            }
        }
    };
    if let Some(url) = read("database.url_file", &settings.database.url_file) {
        settings.database.url = Some(DatabaseUrl::new(url));
    }
    let channels = &mut settings.channels;
    if let Some(secret) = read(
        "channels.email_webhook_secret_file",
        &channels.email_webhook_secret_file,
    ) {
        channels.email_webhook_secret = Some(Secret::new(secret));
    }
    // The identity key file is read (or, for a new SQLite store, created) by the commands
    // that use it, and tightened when others may read it: see `crate::config::identity_key`.
    warnings
}

/// A value of one layer, named for messages.
struct Entry {
    key: String,
    source: String,
    value: Value,
}

/// Names the layer it wraps (figment calls a serialized value "Serialized").
struct Named<P> {
    name: String,
    inner: P,
}

impl<P> Named<P> {
    fn new(name: &str, inner: P) -> Self {
        Self {
            name: name.to_owned(),
            inner,
        }
    }
}

impl<P: Provider> Provider for Named<P> {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        self.inner.data()
    }
}

/// The keys there are, from the defaults: each top-level key, each section and its keys.
struct Shape {
    top: Dict,
}

impl Shape {
    fn of_defaults() -> Result<Self, Problems> {
        let mut data = Serialized::defaults(Settings::default())
            .data()
            .map_err(|e| Problems(vec![format!("the built-in defaults: {e}")]))?;
        Ok(Self {
            top: data.remove(&Profile::Default).unwrap_or_default(),
        })
    }

    fn find(&self, key: &str) -> Option<&Value> {
        match key.split_once('.') {
            None => self.top.get(key),
            Some((section, rest)) => match self.top.get(section) {
                Some(Value::Dict(_, dict)) => dict.get(rest),
                _ => None,
            },
        }
    }

    fn is_list(&self, key: &str) -> bool {
        matches!(self.find(key), Some(Value::Array(..)))
    }

    fn sections(&self) -> impl Iterator<Item = (&String, &Dict)> {
        self.top.iter().filter_map(|(name, value)| match value {
            Value::Dict(_, dict) => Some((name, dict)),
            _ => None,
        })
    }

    /// Every key a value can be given for, sections' keys as `section.key`.
    fn leaf_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .top
            .iter()
            .filter(|(_, value)| !matches!(value, Value::Dict(..)))
            .map(|(name, _)| name.clone())
            .collect();
        for (section, dict) in self.sections() {
            keys.extend(dict.keys().map(|key| format!("{section}.{key}")));
        }
        keys
    }

    /// Each secret and its file: `K` and `K_file` both in one section.
    fn secret_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (section, dict) in self.sections() {
            for key in dict.keys() {
                if let Some(stem) = key.strip_suffix("_file")
                    && dict.contains_key(stem)
                {
                    pairs.push((format!("{section}.{stem}"), format!("{section}.{key}")));
                }
            }
        }
        pairs
    }

    /// The other half of a secret pair.
    fn partner(&self, key: &str) -> Option<String> {
        self.secret_pairs().into_iter().find_map(|(value, file)| {
            if value == key {
                Some(file)
            } else if file == key {
                Some(value)
            } else {
                None
            }
        })
    }

    /// The key an `ADUAN_*` variable sets; none for the variables that are not settings
    /// (`ADUAN_CONFIG`, the tests' own).
    fn env_key(&self, name: &str) -> Option<String> {
        if let Some((_, key)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
            return Some((*key).to_owned());
        }
        let rest = name.strip_prefix("ADUAN_")?.to_ascii_lowercase();
        if matches!(self.top.get(&rest), Some(value) if !matches!(value, Value::Dict(..))) {
            return Some(rest);
        }
        self.sections().find_map(|(section, _)| {
            let key = rest.strip_prefix(section.as_str())?.strip_prefix('_')?;
            (!key.is_empty()).then(|| format!("{section}.{key}"))
        })
    }

    /// One layer's values as providers; a key set twice in it (an alias and its
    /// `ADUAN_<SECTION>_<KEY>`) is a problem. A secret (or its file) clears the other half
    /// given by the layers below.
    fn layer(
        &self,
        entries: Vec<Entry>,
        problems: &mut Vec<String>,
    ) -> Vec<Named<Serialized<Value>>> {
        let mut by_key: BTreeMap<String, Entry> = BTreeMap::new();
        for entry in entries {
            if let Some(first) = by_key.get(&entry.key) {
                problems.push(format!(
                    "{} is set twice, by {} and {}: keep one",
                    entry.key, first.source, entry.source
                ));
                continue;
            }
            by_key.insert(entry.key.clone(), entry);
        }
        let mut cleared = Vec::new();
        for entry in by_key.values() {
            let Some(partner) = self.partner(&entry.key) else {
                continue;
            };
            // Both in this layer: reported once all layers are merged.
            if !by_key.contains_key(&partner) {
                cleared.push(Entry {
                    key: partner,
                    source: entry.source.clone(),
                    value: Value::from(Empty::None),
                });
            }
        }
        by_key
            .into_values()
            .chain(cleared)
            .map(|entry| Named::new(&entry.source, Serialized::default(&entry.key, entry.value)))
            .collect()
    }
}

/// The key lookups the tests check for every key.
#[cfg(test)]
pub mod tests_support {
    use super::Shape;

    pub fn leaf_keys() -> Vec<String> {
        Shape::of_defaults()
            .map(|shape| shape.leaf_keys())
            .unwrap_or_default()
    }

    pub fn env_key(name: &str) -> Option<String> {
        Shape::of_defaults().ok()?.env_key(name)
    }
}
