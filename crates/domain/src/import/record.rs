//! One NDJSON line of an import as written: fields by name, types checked, unknown fields
//! ignored.

use serde::Deserialize;

/// A line as the previous system wrote it, before any of its values is checked.
#[derive(Debug, Deserialize)]
pub(super) struct RawRecord {
    pub id: String,
    pub submitted_at: String,
    #[serde(default)]
    pub coordinated_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    pub channel: String,
    pub category: String,
    pub reporter: String,
    pub status: String,
    pub kota: String,
    #[serde(default)]
    pub kecamatan: Option<String>,
    #[serde(default)]
    pub kelurahan: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// Parse one line; the reason names what is wrong (a missing field, a field of the wrong
/// type, broken JSON) without serde's position inside the line.
pub(super) fn parse(line: &str) -> Result<RawRecord, String> {
    serde_json::from_str(line).map_err(|e| {
        let message = e.to_string();
        match message.rsplit_once(" at line ") {
            Some((head, _)) => format!("not a valid record: {head}"),
            None => format!("not a valid record: {message}"),
        }
    })
}
