//! The tables `aduan migrate-store` copies and `aduan backup` checksums: the store's own
//! declaration of them.

pub use aduan_store::schema::{Kind, TABLES, Table, is_ignored, quoted};
