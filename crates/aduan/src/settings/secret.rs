//! Secrets in the configuration: never printed (`Debug` and the printed configuration show
//! `<redacted>`), and readable from a file (`…_file`) so that they are in neither the
//! process's arguments nor its environment.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret is shown as.
pub const REDACTED: &str = "<redacted>";

/// The most a secret file may hold: secrets are short; anything bigger is the wrong file.
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// A secret value (a key, a shared secret).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A database URL: shown with its password (in the user info or a `password=` parameter)
/// redacted, the rest as given.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL without its password.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
            // Not a URL with an authority (e.g. `sqlite:PATH`): nothing to hide in it.
            return url.clone();
        };
        let rest = &url[scheme_end..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let authority = match authority.rfind('@') {
            Some(at) => {
                let (user_info, host) = authority.split_at(at);
                match user_info.split_once(':') {
                    Some((user, _password)) => format!("{user}:{REDACTED}{host}"),
                    None => authority.to_owned(),
                }
            }
            None => authority.to_owned(),
        };
        format!("{}{authority}{}", &url[..scheme_end], redact_query(tail))
    }
}

/// `password=` (and `sslpassword=`) parameters of a query, redacted.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().ends_with("password") => {
                format!("{name}={REDACTED}")
            }
            _ => param.to_owned(),
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A secret file's content, its trailing line break removed; and a warning when others than
/// its owner may read it.
pub fn read_secret_file(file: &Path) -> Result<(String, Option<String>), String> {
    let meta =
        std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    if meta.len() > MAX_SECRET_FILE_BYTES {
        return Err(format!(
            "{} is {} bytes long: too long for a secret (at most {MAX_SECRET_FILE_BYTES})",
            file.display(),
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let value = text.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(format!("{} is empty", file.display()));
    }
    Ok((value, open_to_others(file, &meta)))
}

#[cfg(unix)]
fn open_to_others(file: &Path, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "the secret file {} may be read by other users (mode {mode:o}); make it readable \
             by aduan's user only (chmod 600)",
            file.display()
        )
    })
}

#[cfg(not(unix))]
fn open_to_others(_file: &Path, _meta: &std::fs::Metadata) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_database_urls_password_is_never_shown() {
        for (url, shown) in [
            (
                "postgres://aduan:s3cret@db.internal:5432/aduan",
                "postgres://aduan:<redacted>@db.internal:5432/aduan",
            ),
            (
                "postgresql://aduan:p@ss@db/aduan?sslmode=require&password=s3cret",
                "postgresql://aduan:<redacted>@db/aduan?sslmode=require&password=<redacted>",
            ),
            (
                "postgres://aduan@127.0.0.1:5432/aduan",
                "postgres://aduan@127.0.0.1:5432/aduan",
            ),
            (
                "sqlite:///var/lib/aduan/aduan.db",
                "sqlite:///var/lib/aduan/aduan.db",
            ),
            ("sqlite:aduan.db", "sqlite:aduan.db"),
        ] {
            let url = DatabaseUrl::new(url);
            assert_eq!(url.redacted(), shown);
            assert_eq!(format!("{url:?}"), shown);
            assert!(!url.redacted().contains("s3cret"));
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_when_printed() {
        let secret = Secret::new("sangat-rahasia-sekali");
        assert_eq!(format!("{secret:?}"), REDACTED);
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, format!("\"{REDACTED}\""));
    }

    #[test]
    fn a_secret_file_loses_its_trailing_line_break_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, " kata sandi  \r\n").unwrap();
        let (value, _) = read_secret_file(&file).unwrap();
        assert_eq!(value, " kata sandi  ");
        std::fs::write(&file, "\n").unwrap();
        assert!(read_secret_file(&file).unwrap_err().contains("empty"));
        assert!(read_secret_file(&dir.path().join("none")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_others_may_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "rahasia-sekali-1234\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_secret_file(&file).unwrap().1, None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let (value, warning) = read_secret_file(&file).unwrap();
        assert_eq!(value, "rahasia-sekali-1234");
        assert!(warning.unwrap().contains("chmod 600"));
    }
}
