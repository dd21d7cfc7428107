//! Every table `aduan migrate-store` copies, in foreign-key order, with its columns, their
//! types and its primary key. Both stores' schemas have these columns under these names; a
//! source table or column missing from this list is refused rather than left behind.

/// How a column's values are kept, on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SQLite INTEGER, PostgreSQL BIGINT.
    Int,
    /// SQLite REAL, PostgreSQL DOUBLE PRECISION.
    Real,
    /// SQLite REAL holding an f32, PostgreSQL REAL.
    F32,
    /// TEXT on both.
    Text,
    /// SQLite BLOB, PostgreSQL BYTEA.
    Bytes,
    /// SQLite INTEGER 0/1, PostgreSQL BOOLEAN.
    Bool,
}

pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// The primary key's columns: the order rows are copied and checksummed in.
    pub key: &'static [&'static str],
    /// Whether `id` is an identity column whose sequence must move past the copied ids.
    pub identity: bool,
}

impl Table {
    pub fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        self.columns.iter().map(|c| c.kind)
    }

    pub fn has_bytes(&self) -> bool {
        self.kinds().any(|k| k == Kind::Bytes)
    }

    /// The column list, quoted: `"a", "b"`.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quoted(c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The primary-key order; `text_collation` is appended to text columns (PostgreSQL
    /// needs `COLLATE "C"` to order text byte by byte as SQLite does).
    pub fn key_order(&self, text_collation: &str) -> String {
        self.key
            .iter()
            .map(|name| {
                let text = self
                    .columns
                    .iter()
                    .any(|c| c.name == *name && c.kind == Kind::Text);
                if text {
                    format!("{}{text_collation}", quoted(name))
                } else {
                    quoted(name)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `SELECT <columns> FROM <table> ORDER BY <key>`.
    pub fn select_in_key_order(&self, text_collation: &str) -> String {
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            self.column_list(),
            quoted(self.name),
            self.key_order(text_collation)
        )
    }
}

/// An identifier in double quotes (every name here is a plain lower-case word).
pub fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// Source tables that are not data to copy: bookkeeping and derived indexes. The catalog
/// revision only tells running instances of one database apart in time; the new database
/// keeps its own from 0, and instances started on it load the jurisdiction afresh.
pub fn is_ignored(name: &str) -> bool {
    name == "schema_migrations"
        || name == "catalog_revision"
        || name.starts_with("sqlite_")
        || name.starts_with("reports_fts")
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

use Kind::{Bool, Bytes, F32, Int, Real, Text};

/// The tables, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "settings",
        columns: &[col("id", Int), col("data", Text)],
        key: &["id"],
        identity: false,
    },
    Table {
        name: "regions",
        columns: &[
            col("code", Text),
            col("name", Text),
            col("level", Text),
            col("boundary", Text),
        ],
        key: &["code"],
        identity: false,
    },
    Table {
        name: "units",
        columns: &[
            col("code", Text),
            col("name", Text),
            col("kind", Text),
            col("region", Text),
            col("parent", Text),
        ],
        key: &["code"],
        identity: false,
    },
    Table {
        name: "categories",
        columns: &[
            col("code", Text),
            col("name", Text),
            col("name_en", Text),
            col("responsible_unit", Text),
            col("coordination_hours", Int),
            col("completion_hours", Int),
            col("keywords", Text),
        ],
        key: &["code"],
        identity: false,
    },
    Table {
        name: "users",
        columns: &[
            col("id", Int),
            col("username", Text),
            col("password_hash", Text),
            col("role", Text),
            col("unit", Text),
            col("display_name", Text),
            col("can_view_identity", Bool),
            col("created_at", Int),
            col("disabled", Bool),
            col("must_change_password", Bool),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "identities",
        columns: &[col("user_id", Int), col("sealed", Bytes)],
        key: &["user_id"],
        identity: false,
    },
    Table {
        name: "sessions",
        columns: &[
            col("token_hash", Bytes),
            col("user_id", Int),
            col("created_at", Int),
            col("expires_at", Int),
            col("last_seen_at", Int),
            col("idle_micros", Int),
        ],
        key: &["token_hash"],
        identity: false,
    },
    Table {
        name: "ticket_days",
        columns: &[col("day", Text), col("last", Int)],
        key: &["day"],
        identity: false,
    },
    Table {
        name: "reports",
        columns: &[
            col("id", Int),
            col("ticket", Text),
            col("state", Text),
            col("category", Text),
            col("description", Text),
            col("lat", Real),
            col("lon", Real),
            col("region", Text),
            col("address", Text),
            col("channel", Text),
            col("first_receiver", Text),
            col("holding_unit", Text),
            col("visibility", Text),
            col("created_at", Int),
            col("updated_at", Int),
            col("coordinated_at", Int),
            col("completed_at", Int),
            col("estimated_completion", Text),
            col("duplicate_of", Text),
            col("referred_to", Text),
            col("version", Int),
            col("local_day", Text),
            col("staff_description", Text),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "report_reporters",
        columns: &[
            col("report_id", Int),
            col("user_id", Int),
            col("entered_by", Int),
            col("sealed_identity", Bytes),
            col("sealed_reply", Bytes),
            col("reporter_key", Text),
        ],
        key: &["report_id"],
        identity: false,
    },
    Table {
        name: "report_events",
        columns: &[
            col("id", Int),
            col("report_id", Int),
            col("at", Int),
            col("action", Text),
            col("actor_id", Int),
            col("actor_role", Text),
            col("actor_unit", Text),
            col("from_state", Text),
            col("to_state", Text),
            col("note", Text),
            col("target", Text),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "photos",
        columns: &[
            col("id", Int),
            col("report_id", Int),
            col("event_id", Int),
            col("kind", Text),
            col("content_type", Text),
            col("bytes", Bytes),
            col("created_at", Int),
            col("captured_at", Text),
            col("evidence_lat", Real),
            col("evidence_lon", Real),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "report_messages",
        columns: &[
            col("id", Int),
            col("report_id", Int),
            col("at", Int),
            col("author_id", Int),
            col("author_role", Text),
            col("author_unit", Text),
            col("body", Text),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "identity_access_log",
        columns: &[
            col("id", Int),
            col("at", Int),
            col("actor_id", Int),
            col("report_id", Int),
            col("reason", Text),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "api_keys",
        columns: &[
            col("id", Int),
            col("name", Text),
            col("key_hash", Bytes),
            col("created_at", Int),
            col("revoked_at", Int),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "channel_messages",
        columns: &[
            col("channel", Text),
            col("message_id", Text),
            col("report_id", Int),
        ],
        key: &["channel", "message_id"],
        identity: false,
    },
    Table {
        name: "outbox",
        columns: &[
            col("id", Int),
            col("report_id", Int),
            col("kind", Text),
            col("channel", Text),
            col("payload", Text),
            col("state", Text),
            col("attempts", Int),
            col("created_at", Int),
            col("next_attempt_at", Int),
            col("locked_until", Int),
            col("last_error", Text),
            col("done_at", Int),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "triage",
        columns: &[
            col("report_id", Int),
            col("suggested_category", Text),
            col("confidence", F32),
            col("suggested_region", Text),
            col("confirmed_by", Int),
            col("confirmed_at", Int),
        ],
        key: &["report_id"],
        identity: false,
    },
    Table {
        name: "triage_model",
        columns: &[col("category", Text), col("token", Text), col("count", Int)],
        key: &["category", "token"],
        identity: false,
    },
    Table {
        name: "stats_cells",
        columns: &[
            col("grain", Text),
            col("category", Text),
            col("period", Text),
            col("dim", Text),
            col("value", Text),
            col("reports", Int),
            col("coordinated", Int),
            col("coordination_ms", Int),
            col("completed", Int),
            col("completion_ms", Int),
        ],
        key: &["grain", "category", "period", "dim", "value"],
        identity: false,
    },
    Table {
        name: "stats_reporter_ids",
        columns: &[col("id", Int), col("key", Text)],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "stats_reporter_sets",
        columns: &[
            col("id", Int),
            col("grain", Text),
            col("category", Text),
            col("period", Text),
            col("channel", Text),
            col("members", Bytes),
        ],
        key: &["id"],
        identity: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_column_is_a_column_and_identity_tables_have_an_id() {
        for table in TABLES {
            for key in table.key {
                assert!(
                    table.columns.iter().any(|c| c.name == *key),
                    "{}.{key}",
                    table.name
                );
            }
            if table.identity {
                assert_eq!(table.key, &["id"], "{}", table.name);
            }
        }
    }

    #[test]
    fn text_keys_are_ordered_bytewise_on_postgres() {
        let cells = TABLES.iter().find(|t| t.name == "triage_model");
        assert_eq!(
            cells.map(|t| t.key_order(" COLLATE \"C\"")),
            Some("\"category\" COLLATE \"C\", \"token\" COLLATE \"C\"".to_string())
        );
    }

    #[test]
    fn bookkeeping_and_derived_tables_are_ignored() {
        assert!(is_ignored("schema_migrations"));
        assert!(is_ignored("sqlite_sequence"));
        assert!(is_ignored("reports_fts_data"));
        assert!(is_ignored("catalog_revision"));
        assert!(!is_ignored("reports"));
    }
}
