//! The street background of the maps: a tile server the city configures (`map.tiles_url`,
//! e.g. its own OpenStreetMap tile server) and the attribution its licence asks for. Without
//! one, the maps draw the region boundaries alone.
//!
//! The URL is checked strictly because its origin goes into the Content-Security-Policy
//! (`img-src`): https only (plain http only to this machine, for tests), no user or
//! password, and nothing that could close or extend a CSP directive.

/// The longest tile URL accepted.
const MAX_URL: usize = 512;
/// The longest attribution accepted.
const MAX_ATTRIBUTION: usize = 200;

/// The default attribution (OpenStreetMap's data licence asks for it).
pub const DEFAULT_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// A checked tile URL template with `{z}`, `{x}` and `{y}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilesUrl {
    template: String,
    origin: String,
}

impl TilesUrl {
    /// Check `raw`: `https://HOST[:PORT]/...{z}...{x}...{y}...`, or `http://` to localhost,
    /// 127.0.0.1 or [::1] (a test's own tile server).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() > MAX_URL {
            return Err(format!("longer than {MAX_URL} characters"));
        }
        let lower = raw.to_ascii_lowercase();
        let (scheme, rest) = if lower.starts_with("https://") {
            ("https", &raw["https://".len()..])
        } else if lower.starts_with("http://") {
            ("http", &raw["http://".len()..])
        } else {
            return Err(
                "expected an https URL, e.g. https://tiles.kota.go.id/{z}/{x}/{y}.png".to_owned(),
            );
        };
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "-._~:/?&=%{}[]+".contains(*c)))
        {
            return Err(format!("the character {bad:?} is not allowed in it"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => return Err("no path with {z}, {x} and {y}".to_owned()),
        };
        let host_name = host_name(host)?;
        let local = matches!(host_name.as_str(), "localhost" | "127.0.0.1" | "[::1]");
        if scheme == "http" && !local {
            return Err("plain http is allowed only to localhost (tests); use https".to_owned());
        }
        for part in ["{z}", "{x}", "{y}"] {
            if path.matches(part).count() != 1 {
                return Err(format!("the path must hold {part} once"));
            }
        }
        let without = path
            .replace("{z}", "")
            .replace("{x}", "")
            .replace("{y}", "");
        if without.contains(['{', '}']) {
            return Err("only {z}, {x} and {y} may be in braces".to_owned());
        }
        Ok(Self {
            template: format!("{scheme}://{host}{path}"),
            origin: format!("{scheme}://{}", host.to_ascii_lowercase()),
        })
    }

    /// The template as given (scheme and host as written), for the map script.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// `scheme://host[:port]`, for the CSP's `img-src`.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// The host of `host[:port]`, lowercased; no user, a sane name or address, a numeric port.
fn host_name(host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err("no host".to_owned());
    }
    let (name, port) = if let Some(end) = host.strip_prefix('[').and_then(|h| h.find(']')) {
        let name = &host[..end + 2];
        (name, host[end + 2..].strip_prefix(':'))
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the port must be a number".to_owned());
    }
    let name = name.to_ascii_lowercase();
    let bracketed = name.starts_with('[') && name.ends_with(']');
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !name.starts_with(['.', '-']);
    if !(plain || bracketed) || name.contains(['{', '}']) {
        return Err("the host is not a host name".to_owned());
    }
    Ok(name)
}

/// Check an attribution text: plain text, short, one line.
pub fn check_attribution(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_ATTRIBUTION {
        return Err(format!("longer than {MAX_ATTRIBUTION} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("control characters (line breaks) are not allowed".to_owned());
    }
    Ok(())
}

/// The maps' settings: where street tiles come from (none: boundaries alone) and whose
/// they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapConfig {
    pub tiles: Option<TilesUrl>,
    pub attribution: String,
}

impl Default for MapConfig {
    fn default() -> Self {
        Self {
            tiles: None,
            attribution: DEFAULT_ATTRIBUTION.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_tile_server_is_taken_with_its_origin() {
        let url = TilesUrl::parse("https://Tiles.Kota.go.id/osm/{z}/{x}/{y}.png").unwrap();
        assert_eq!(url.origin(), "https://tiles.kota.go.id");
        assert_eq!(
            url.template(),
            "https://Tiles.Kota.go.id/osm/{z}/{x}/{y}.png"
        );
        let port = TilesUrl::parse("https://tiles.kota.go.id:8443/{z}/{x}/{y}.png?v=2").unwrap();
        assert_eq!(port.origin(), "https://tiles.kota.go.id:8443");
        let local = TilesUrl::parse("http://127.0.0.1:39999/{z}/{x}/{y}.png").unwrap();
        assert_eq!(local.origin(), "http://127.0.0.1:39999");
        assert!(TilesUrl::parse("http://[::1]:8080/{z}/{x}/{y}.png").is_ok());
        assert!(TilesUrl::parse("http://localhost/{z}/{x}/{y}").is_ok());
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "tiles.kota.go.id/{z}/{x}/{y}.png",
            "ftp://tiles.kota.go.id/{z}/{x}/{y}.png",
            "http://tiles.kota.go.id/{z}/{x}/{y}.png",
            "https://tiles.kota.go.id/{z}/{x}.png",
            "https://tiles.kota.go.id/{z}/{x}/{y}/{y}.png",
            "https://tiles.kota.go.id/{s}/{z}/{x}/{y}.png",
            "https://tiles.kota.go.id",
            "https:///{z}/{x}/{y}.png",
            "https://user:pw@tiles.kota.go.id/{z}/{x}/{y}.png",
            "https://tiles.kota.go.id;script-src/{z}/{x}/{y}.png",
            "https://tiles.kota.go.id/{z}/{x}/{y}.png; script-src *",
            "https://tiles.kota.go.id/{z}/{x}/{y}.png'",
            "https://tiles.kota.go.id:abc/{z}/{x}/{y}.png",
            "https://*.kota.go.id/{z}/{x}/{y}.png",
            "https://{z}.kota.go.id/{z}/{x}/{y}.png",
            "http://localhost.evil.example/{z}/{x}/{y}.png",
        ] {
            assert!(TilesUrl::parse(bad).is_err(), "{bad:?} was taken");
        }
        assert!(
            TilesUrl::parse(&format!(
                "https://t.id/{{z}}/{{x}}/{{y}}{}",
                "a".repeat(600)
            ))
            .is_err()
        );
    }

    #[test]
    fn the_attribution_is_one_short_line() {
        assert!(check_attribution(DEFAULT_ATTRIBUTION).is_ok());
        assert!(check_attribution("a\nb").is_err());
        assert!(check_attribution(&"a".repeat(201)).is_err());
    }
}
