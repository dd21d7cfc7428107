//! What a backup file says about itself: the format, who wrote it and when, the schema of
//! the database inside, each table's row count and checksum, and the checksums of the
//! database and of its compressed bytes.

use serde::{Deserialize, Serialize};

use crate::migrate_store::checksum::Checksum;

/// The version of the backup format this aduan writes and reads.
pub const FORMAT: u32 = 1;

/// What the manifest says about the identity key, which is never in a backup.
pub const KEY_NOTE: &str = "The identity key is not in this backup. Restore it from where it \
    is kept (ADUAN_IDENTITY_KEY or --identity-key-file) before serving: without it the sealed \
    reporters' identities cannot be read and reporter counts start again.";

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Manifest {
    pub format: u32,
    /// The aduan version that wrote the backup.
    pub aduan_version: String,
    /// When the copy was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The store it was taken from: `sqlite` or `postgres`.
    pub source: String,
    /// The source's last migration.
    pub source_schema_version: i64,
    /// The last SQLite migration of the database inside.
    pub schema_version: i64,
    /// Always true: the identity key must be restored separately.
    pub identity_key_required: bool,
    pub identity_key_note: String,
    /// The fingerprint of the identity key the database's sealed values need
    /// (`IdentityKey::fingerprint`), as its `identity_key` table records it; absent in
    /// backups taken before it was recorded, or of a store never started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_key_fingerprint: Option<String>,
    /// The SQLite database inside, uncompressed.
    pub database: Blob,
    /// The database as stored after the manifest (zstd).
    pub payload: Blob,
    /// Every table, in the store's copy order.
    pub tables: Vec<TableEntry>,
    /// The photos' images the database carries beside its tables (`backup_images`);
    /// absent in backups from before photos left the database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<super::images::ImagesEntry>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct TableEntry {
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

impl TableEntry {
    pub fn new(name: &str, checksum: &Checksum) -> Self {
        Self {
            name: name.to_owned(),
            rows: checksum.rows,
            sha256: hex(&checksum.sha256),
        }
    }

    /// Whether `checksum` is what this entry recorded.
    pub fn matches(&self, checksum: &Checksum) -> bool {
        self.rows == checksum.rows && self.sha256 == hex(&checksum.sha256)
    }
}

impl Manifest {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
